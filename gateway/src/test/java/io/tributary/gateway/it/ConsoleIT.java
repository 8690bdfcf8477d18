package io.tributary.gateway.it;

import io.tributary.gateway.enroll.EnrolledCertificate;
import io.tributary.gateway.enroll.Enroller;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.ElementNotInteractableException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The admin console end to end: a central with {@code --http-tls --admin-user}, two branches that
 * wrote files (one of them twice) and edited one file at once while central was down, and a real
 * headless Chromium driven by Selenium through sign-in, the fleet, a gateway's detail, enrollment
 * tokens (one of which then really enrolls a gateway), conflicts, shares, the audit log, a file
 * restore that reaches the branches, and sign-out. Each page is saved as a screenshot in
 * docs/images. Beside the browser, plain HTTPS requests check the security headers, the session
 * cookie's attributes and the CSRF check.
 */
class ConsoleIT {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Duration STEP = Duration.ofSeconds(30);
    private static final String SESSION_COOKIE = "tributary_session";
    private static final String ADMIN = "admin";
    private static final String SHARE = "share";
    private static final String REPORT = "docs/report.txt";
    private static final String REPORT_V1 = "Quarterly report, first draft.\n";
    private static final String REPORT_V2 = "Quarterly report, second draft: longer, and with the numbers.\n";
    private static final String BUDGET = "plans/budget.txt";
    private static final Pattern CSRF = Pattern.compile("\"csrf\"\\s*:\\s*\"([^\"]+)\"");

    @TempDir
    Path root;

    private ChromeDriver driver;

    @AfterEach
    void quitBrowser() {
        if (driver != null) {
            driver.quit();
            driver = null;
        }
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void anAdminRunsTheFleetFromTheConsoleInARealBrowser() throws Exception {
        requireExecutable(CHROMIUM, "Chromium");
        requireExecutable(CHROMEDRIVER, "chromedriver");
        String password = randomPassword();
        try (Fleet fleet = new Fleet(root.resolve("fleet"), "--http-tls", "--admin-user", ADMIN + ":" + password)) {
            GatewayProcess lyon = fleet.gateway("lyon");
            GatewayProcess oslo = fleet.gateway("oslo");
            Dav atLyon = lyon.dav(Duration.ofMinutes(1));
            Dav atOslo = oslo.dav(Duration.ofMinutes(1));

            // A few files from both branches, and one file in two versions, each safe at central.
            atLyon.mkdirs("docs");
            putSafe(atLyon, "docs/welcome.txt", "Welcome to the Lyon office.\n");
            Fleet.await(STEP, "docs at oslo", () -> atOslo.stat("docs"));
            putSafe(atOslo, "docs/oslo-notes.txt", "Notes from the Oslo office.\n");
            putSafe(atLyon, REPORT, REPORT_V1);
            putSafe(atLyon, REPORT, REPORT_V2);
            awaitText(atOslo, REPORT, REPORT_V2);

            // A conflict, as SyncFaultIT makes one: both branches edit one version while central is down.
            atLyon.mkdirs("plans");
            putSafe(atLyon, BUDGET, "budget v1\n");
            awaitText(atOslo, BUDGET, "budget v1\n");
            fleet.killCentral();
            Fleet.assertWritten(atLyon.put(BUDGET, "lyon's edit\n".getBytes(StandardCharsets.UTF_8)), "PUT at lyon");
            Fleet.assertWritten(atOslo.put(BUDGET, "oslo's edit\n".getBytes(StandardCharsets.UTF_8)), "PUT at oslo");
            fleet.startCentral();
            Fleet.await(Duration.ofMinutes(2), "both branches list budget.txt and one conflict copy",
                    () -> atLyon.list("plans").size() == 2 && atOslo.list("plans").size() == 2);
            // Central's HTTP port is picked anew at each start: take it from the central running now.
            GatewayProcess central = fleet.central();
            Fleet.await(STEP, "central counted the conflict", () -> central.metrics().count("central_conflicts_total") >= 1);
            HttpClient https = central.httpClient();
            URI base = central.httpUri();

            securityHeadersCookieAndCsrf(https, base, password);

            // The browser.
            driver = startChromium(root.resolve("chromium-profile"));
            try {
                browse(fleet, https, base, password, atLyon, atOslo);
            } catch (Throwable t) {
                failureScreenshot();
                throw t;
            }
        }
    }

    /**
     * Plain HTTPS: the console's page carries the CSP, the session cookie is HttpOnly, Secure and
     * SameSite=Strict, a write without the CSRF token is refused; and, with that API session, waits
     * until central lists the conflict and both versions of the report (so the pages show them).
     */
    private void securityHeadersCookieAndCsrf(HttpClient https, URI base, String password) {
        HttpResponse<String> page = send(https, base, "GET", "/console/", null);
        assertEquals(200, page.statusCode(), () -> "GET /console/ -> " + page.statusCode() + " " + page.body());
        String csp = page.headers().firstValue("Content-Security-Policy").orElse("");
        assertTrue(csp.contains("script-src 'self'"), "the console's CSP: " + page.headers().map());
        assertTrue(csp.contains("frame-ancestors 'none'"), csp);
        assertEquals("nosniff", page.headers().firstValue("X-Content-Type-Options").orElse(""), page.headers().map().toString());

        HttpResponse<String> signIn = send(https, base, "POST", "/api/v1/session",
                "{\"user\":\"" + ADMIN + "\",\"password\":\"" + password + "\"}");
        assertEquals(200, signIn.statusCode(), signIn::body);
        String setCookie = signIn.headers().allValues("Set-Cookie").stream()
                .filter(c -> c.startsWith(SESSION_COOKIE + "="))
                .findFirst().orElseThrow(() -> new AssertionError("no " + SESSION_COOKIE + " cookie: " + signIn.headers().map()));
        Set<String> attributes = Arrays.stream(setCookie.split(";")).skip(1)
                .map(a -> a.strip().toLowerCase(Locale.ROOT).replace(" ", "")).collect(Collectors.toSet());
        assertTrue(attributes.contains("httponly"), setCookie);
        assertTrue(attributes.contains("secure"), setCookie);
        assertTrue(attributes.contains("samesite=strict"), setCookie);
        String cookie = setCookie.contains(";") ? setCookie.substring(0, setCookie.indexOf(';')) : setCookie;
        Matcher csrf = CSRF.matcher(signIn.body());
        assertTrue(csrf.find(), "the session names its CSRF token: " + signIn.body());

        assertEquals(200, send(https, base, "GET", "/api/v1/session", null, "Cookie", cookie).statusCode(), "the cookie is a session");
        String tokenRequest = "{\"branch\":\"csrf-probe\",\"lifetimeSeconds\":60}";
        HttpResponse<String> noCsrf = send(https, base, "POST", "/api/v1/tokens", tokenRequest, "Cookie", cookie);
        assertEquals(403, noCsrf.statusCode(), () -> "a write without X-CSRF-Token: " + noCsrf.body());
        HttpResponse<String> wrongCsrf = send(https, base, "POST", "/api/v1/tokens", tokenRequest, "Cookie", cookie,
                "X-CSRF-Token", "not-" + csrf.group(1));
        assertEquals(403, wrongCsrf.statusCode(), () -> "a write with a wrong X-CSRF-Token: " + wrongCsrf.body());

        Fleet.await(STEP, "central lists the conflict of budget.txt", () -> {
            HttpResponse<String> r = send(https, base, "GET", "/api/v1/conflicts", null, "Cookie", cookie);
            return r.statusCode() == 200 && r.body().contains("budget (conflict from ");
        });
        Fleet.await(STEP, "central lists both versions of " + REPORT, () -> {
            HttpResponse<String> r = send(https, base, "GET", "/api/v1/shares/" + SHARE + "/versions?path=" + REPORT, null,
                    "Cookie", cookie);
            return r.statusCode() == 200 && r.body().split("\"current\"", -1).length - 1 >= 2;
        });

        HttpResponse<String> signOut = send(https, base, "DELETE", "/api/v1/session", null, "Cookie", cookie,
                "X-CSRF-Token", csrf.group(1));
        assertEquals(200, signOut.statusCode(), signOut::body);
        assertEquals(401, send(https, base, "GET", "/api/v1/session", null, "Cookie", cookie).statusCode(),
                "a signed-out session is gone");
    }

    private void browse(Fleet fleet, HttpClient https, URI base, String password, Dav atLyon, Dav atOslo) throws Exception {
        // a. Sign-in: a wrong password is refused with a message, the right one lands on the fleet.
        driver.get(base.resolve("/console/").toString());
        waitPage("signin");
        waitVisible("#signin-user");
        screenshot("sign-in");
        type("#signin-user", ADMIN);
        type("#signin-password", "not-" + password);
        click("#signin-submit");
        String refusal = waitUntil("the sign-in error", STEP, d -> {
            String text = d.findElement(By.id("signin-error")).getText().strip();
            return text.isEmpty() ? null : text;
        });
        assertTrue(refusal.toLowerCase(Locale.ROOT).contains("wrong"), "the refusal says why: " + refusal);
        waitPage("signin");
        type("#signin-user", ADMIN);
        type("#signin-password", password);
        click("#signin-submit");
        waitPage("fleet");
        waitUntil("#whoami names the admin", STEP,
                d -> ADMIN.equals(String.valueOf(d.findElement(By.id("whoami")).getDomProperty("textContent")).strip()));

        // b. Fleet: both branches, connected once their heartbeats are in; then one gateway's detail.
        List<String> fleetRows = waitUntil("lyon and oslo connected on the fleet page", Duration.ofSeconds(60), d -> {
            List<String> rows = strings(js("return Array.from(document.querySelectorAll('#fleet-table tr[data-gateway]'))"
                    + ".map(tr => tr.dataset.gateway + '=' + ((tr.querySelector('td.status') || {}).textContent || '').trim());"));
            return rows.size() == 2 && rows.contains("lyon=connected") && rows.contains("oslo=connected") ? rows : null;
        });
        assertEquals(List.of("lyon=connected", "oslo=connected"), fleetRows.stream().sorted().toList());
        // Each row's sparkline needs two rate samples: three heartbeats, one each 5 s; the page polls every 5 s.
        waitUntil("a throughput sparkline on both rows", Duration.ofSeconds(45),
                d -> d.findElements(By.cssSelector("#fleet-table tr[data-gateway] svg.spark polyline.spark-client")).size() == 2);
        screenshot("fleet");
        click("#fleet-table tr[data-gateway='lyon'] td.branch a");
        waitPage("gateway");
        waitVisible("#gateway-detail");
        waitUntil("the gateway page's title names lyon", STEP,
                d -> d.findElement(By.cssSelector(".page-gateway h1")).getText().contains("lyon"));
        // Rates need two heartbeats after the page's gateway connected (one each 5 s); the page polls every 5 s.
        waitUntil("the throughput chart drawn from the gateway's heartbeats", Duration.ofSeconds(45),
                d -> !d.findElements(By.cssSelector("#throughput-chart .uplot canvas")).isEmpty());
        screenshot("gateway");

        // c. Tokens: a token for paris, shown once, listed unused; it enrolls a gateway; then listed used.
        click("a[data-nav='tokens']");
        waitPage("tokens");
        type("#token-branch", "paris");
        click("#token-create");
        String token = waitUntil("the new token shown", STEP, d -> {
            String text = d.findElement(By.id("token-secret")).getText().strip();
            return text.startsWith("tbr1.") ? text : null;
        });
        assertTrue(token.matches("tbr1\\.[A-Za-z0-9_-]{32}\\.[0-9a-f]{64}"), "an enrollment token: " + token);
        awaitTokenState("paris", "unused");
        screenshot("tokens");
        EnrolledCertificate enrolled = Enroller.enroll(root.resolve("paris"), "127.0.0.1:" + fleet.centralPort(), token);
        assertEquals("paris", enrolled.branch(), "the console's token enrolls branch paris");
        driver.navigate().refresh();
        waitPage("tokens");
        awaitTokenState("paris", "used");

        // d. Conflicts: the conflict of budget.txt, which branch's version stays, its conflict copy and the branch that lost.
        click("a[data-nav='conflicts']");
        waitPage("conflicts");
        List<String> conflict = waitUntil("the conflict of budget.txt listed", STEP, d -> {
            for (String row : strings(js("return Array.from(document.querySelectorAll('#conflicts-table tbody tr'))"
                    + ".map(tr => Array.from(tr.children).map(td => td.textContent.trim()).join('|'));"))) {
                List<String> cells = List.of(row.split("\\|", -1));
                if (cells.size() >= 6 && cells.get(2).endsWith("budget.txt") && cells.get(4).contains("budget (conflict from ")) {
                    return cells;
                }
            }
            return null;
        });
        assertTrue(List.of("lyon", "oslo").contains(conflict.get(5)), "the losing branch: " + conflict);
        String winner = conflict.get(5).equals("lyon") ? "oslo" : "lyon";
        assertEquals(winner + "'s version", conflict.get(3), "the other branch's version stays at the path: " + conflict);
        assertFalse(driver.findElements(By.cssSelector("#conflicts-table a.conflict-copy")).isEmpty(), "the copy links to its folder");
        screenshot("conflicts");

        // e. Shares, and the audit log searched for the sign-in and the token.
        click("a[data-nav='shares']");
        waitPage("shares");
        waitUntil("the share listed", STEP,
                d -> !d.findElements(By.cssSelector("#shares-table tr[data-share='" + SHARE + "']")).isEmpty());
        screenshot("shares");
        click("a[data-nav='audit']");
        waitPage("audit");
        searchAudit("console.signin");
        searchAudit("enroll.token");
        screenshot("audit");

        // f. Files: browse to the report, restore its first version, and read it back at both branches.
        click("a[data-nav='files']");
        waitPage("files");
        click("#files-table tr[data-path='docs'] a.dir, #files-table tr[data-path='/docs'] a.dir");
        String reportRow = "#files-table tr[data-path='" + REPORT + "'] a.file, #files-table tr[data-path='/" + REPORT + "'] a.file";
        waitVisible(reportRow);
        waitPage("files");
        click(reportRow);
        waitVisible("#versions");
        String older = waitUntil("the report's older version offered for restore", STEP, d -> {
            if (!isPage("files") || d.findElements(By.cssSelector("#versions-table tr[data-revision]")).size() < 2) {
                return null;
            }
            Object revision = js("const rows = Array.from(document.querySelectorAll('#versions-table tr[data-revision]'))"
                    + ".filter(tr => tr.querySelector('button.restore'));"
                    + "rows.sort((a, b) => Number(a.dataset.revision) - Number(b.dataset.revision));"
                    + "return rows.length ? rows[0].dataset.revision : null;");
            return revision == null ? null : revision.toString();
        });
        click("#versions-table tr[data-revision='" + older + "'] button.restore");
        click("#restore-confirm");
        WebElement result = waitUntil("the restore's outcome", STEP, d -> {
            List<WebElement> found = d.findElements(By.id("restore-result"));
            return !found.isEmpty() && isPage("files") ? found.get(0) : null;
        });
        String outcome = result.getText();
        assertTrue(String.valueOf(result.getDomAttribute("class")).contains("notice"), "the restore succeeded: " + outcome);
        Fleet.await(Duration.ofSeconds(60), REPORT + " back to its first version at both branches", () ->
                text(atLyon, REPORT).equals(REPORT_V1) && text(atOslo, REPORT).equals(REPORT_V1));
        screenshot("files");

        // g. Sign-out: the sign-in form again, and the old cookie no longer a session.
        Cookie session = driver.manage().getCookieNamed(SESSION_COOKIE);
        assertNotNull(session, "the browser holds the session cookie");
        assertTrue(session.isHttpOnly() && session.isSecure(), "HttpOnly and Secure in the browser too: " + session);
        assertEquals("strict", String.valueOf(session.getSameSite()).toLowerCase(Locale.ROOT), session.toString());
        assertFalse(String.valueOf(js("return document.cookie;")).contains(SESSION_COOKIE), "scripts cannot read the session");
        click("#signout");
        waitPage("signin");
        waitVisible("#signin-user");
        HttpResponse<String> after = send(https, base, "GET", "/api/v1/session", null,
                "Cookie", SESSION_COOKIE + "=" + session.getValue());
        assertEquals(401, after.statusCode(), () -> "the signed-out cookie: " + after.body());
        driver.navigate().refresh();
        waitPage("signin");
        waitVisible("#signin-user");
    }

    private void awaitTokenState(String branch, String state) {
        waitUntil("a token for " + branch + " listed as " + state, STEP, d -> {
            if (!isPage("tokens")) {
                return false;
            }
            List<String> states = strings(js("return Array.from(document.querySelectorAll('#tokens-table tbody tr[data-token-id]'))"
                    + ".filter(tr => tr.children.length > 2 && tr.children[1].textContent.trim() === arguments[0])"
                    + ".map(tr => ((tr.querySelector('td.state') || {}).textContent || '').trim());", branch));
            return states.equals(List.of(state));
        });
    }

    /** Searches the audit page for an action; the table is redrawn and lists the admin's record of it. */
    private void searchAudit(String action) {
        WebElement before = waitUntil("the audit table's rows", STEP,
                d -> d.findElements(By.cssSelector("#audit-table tbody tr")).stream().findFirst().orElse(null));
        type("#audit-query", action);
        click("#audit-search");
        waitUntil("the audit table redrawn for '" + action + "'", STEP, ExpectedConditions.stalenessOf(before));
        waitUntil("an audit record of " + action + " by " + ADMIN, STEP, d -> {
            if (!isPage("audit")) {
                return false;
            }
            for (String row : strings(js("return Array.from(document.querySelectorAll('#audit-table tbody tr[data-seq]'))"
                    + ".map(tr => Array.from(tr.children).map(td => td.textContent.trim()).join('|'));"))) {
                List<String> cells = List.of(row.split("\\|", -1));
                if (cells.size() >= 4 && cells.get(2).equals(ADMIN) && cells.get(3).equals(action)) {
                    return true;
                }
            }
            return false;
        });
    }

    // --- the browser -------------------------------------------------------------------------

    private static ChromeDriver startChromium(Path profile) throws IOException {
        Files.createDirectories(profile);
        // The system's driver, given explicitly: Selenium Manager is never asked to find or fetch one.
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
        System.setProperty("webdriver.remote.enableTracing", "false");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .withLogFile(GatewayProcess.logFile("chromedriver").toFile())
                .build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                "--no-first-run", "--no-default-browser-check", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-extensions", "--disable-default-apps", "--window-size=1280,900",
                "--user-data-dir=" + profile.toAbsolutePath());
        // Central's certificate chains to its own CA, which this browser does not know.
        options.setAcceptInsecureCerts(true);
        ChromeDriver chrome = new ChromeDriver(service, options);
        chrome.manage().timeouts().pageLoadTimeout(STEP);
        chrome.manage().timeouts().scriptTimeout(Duration.ofSeconds(10));
        return chrome;
    }

    private static void requireExecutable(Path binary, String what) {
        assertTrue(Files.isExecutable(binary), what + " is needed at " + binary
                + " for the console's end-to-end test: run scripts/install-test-deps.sh (it installs chromium and chromium-driver)");
    }

    private <T> T waitUntil(String what, Duration limit, Function<? super WebDriver, T> condition) {
        return new WebDriverWait(driver, limit, Duration.ofMillis(200))
                .withMessage(() -> what + "; the page: " + describePage())
                .ignoring(StaleElementReferenceException.class)
                .ignoring(ElementNotInteractableException.class)
                .until(condition);
    }

    /** Waits until app.js says page {@code name} is ready ({@code body[data-page=NAME]}). */
    private void waitPage(String name) {
        waitUntil("page " + name + " ready", STEP,
                ExpectedConditions.presenceOfElementLocated(By.cssSelector("body[data-page='" + name + "']")));
    }

    private boolean isPage(String name) {
        return name.equals(js("return document.body.dataset.page || '';"));
    }

    private WebElement waitVisible(String css) {
        return waitUntil(css + " visible", STEP, ExpectedConditions.visibilityOfElementLocated(By.cssSelector(css)));
    }

    /** Clicks the element once it is shown and enabled, finding it again if a redraw replaced it. */
    private void click(String css) {
        waitUntil("click on " + css, STEP, d -> {
            WebElement e = d.findElement(By.cssSelector(css));
            if (!e.isDisplayed() || !e.isEnabled()) {
                return false;
            }
            e.click();
            return true;
        });
    }

    private void type(String css, String text) {
        waitUntil("type into " + css, STEP, d -> {
            WebElement e = d.findElement(By.cssSelector(css));
            if (!e.isDisplayed() || !e.isEnabled()) {
                return false;
            }
            e.clear();
            e.sendKeys(text);
            return text.equals(e.getDomProperty("value"));
        });
    }

    private Object js(String script, Object... args) {
        return driver.executeScript(script, args);
    }

    private static List<String> strings(Object list) {
        List<String> out = new ArrayList<>();
        if (list instanceof List<?> l) {
            for (Object o : l) {
                out.add(String.valueOf(o));
            }
        }
        return out;
    }

    private String describePage() {
        try {
            return String.valueOf(js("const view = document.getElementById('view') || document.body;"
                    + "return (document.body.dataset.page || '(no data-page)') + ' at ' + location.hash + ': '"
                    + " + view.innerText.slice(0, 800);"));
        } catch (RuntimeException e) {
            return "unreadable (" + e.getClass().getSimpleName() + ")";
        }
    }

    /** Saves what the browser shows as docs/images/console-NAME.png in the repository. */
    private void screenshot(String name) throws IOException {
        Path dir = Path.of(System.getProperty("basedir", ".")).resolve("..").resolve("docs").resolve("images")
                .toAbsolutePath().normalize();
        Files.createDirectories(dir);
        Files.write(dir.resolve("console-" + name + ".png"), driver.getScreenshotAs(OutputType.BYTES));
    }

    private void failureScreenshot() {
        if (driver == null) {
            return;
        }
        try {
            Path file = GatewayProcess.logDir().resolve("console-failure-" + ProcessHandle.current().pid() + ".png");
            Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
            System.out.println("ConsoleIT failed on " + describePage() + "\nscreenshot: " + file);
        } catch (IOException | RuntimeException e) {
            System.out.println("ConsoleIT: no failure screenshot: " + e);
        }
    }

    // --- HTTP and WebDAV ---------------------------------------------------------------------

    /** One request to central's HTTPS port; {@code headers} are name, value pairs. */
    private static HttpResponse<String> send(HttpClient https, URI base, String method, String path, String json,
                                             String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(STEP);
        if (headers.length > 0) {
            b.headers(headers);
        }
        if (json == null) {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            b.method(method, HttpRequest.BodyPublishers.ofString(json)).header("Content-Type", "application/json");
        }
        try {
            return https.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + path, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void putSafe(Dav dav, String path, String text) {
        Fleet.assertWritten(dav.put(path, text.getBytes(StandardCharsets.UTF_8)), "PUT " + path);
        Fleet.await(STEP, path + " safe at central", () -> Fleet.receipt(dav, path).equals("true"));
    }

    private static void awaitText(Dav dav, String path, String text) {
        Fleet.await(STEP, path + " reads '" + text.strip() + "'", () -> text(dav, path).equals(text));
    }

    private static String text(Dav dav, String path) {
        HttpResponse<String> r = dav.getString(path);
        return r.statusCode() == 200 ? r.body() : "HTTP " + r.statusCode();
    }

    private static String randomPassword() {
        byte[] bytes = new byte[18];
        new SecureRandom().nextBytes(bytes);
        return "Console-" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
