package io.tributary.gateway.it;

import com.nimbusds.jose.util.JSONObjectUtils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Against a real Keycloak (the distribution from Maven Central, unpacked by the build, realm
 * imported from src/test/resources/keycloak): a realm user maps the share with rclone using only
 * a user name and password, as a Windows drive would, and a token Keycloak issued opens the share
 * for its bearer; an admin signs in to central's console through Keycloak's own login page
 * (authorization code with PKCE), and a realm user without the admin role cannot.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KeycloakSignInIT {
    private static final Duration KEYCLOAK_START = Duration.ofMinutes(3);
    private static final Path RCLONE = Path.of("/usr/bin/rclone");

    @TempDir
    Path temp;

    private Process keycloak;
    private String issuer;
    private int consolePort;

    @BeforeAll
    void startKeycloak() throws Exception {
        Path home = Path.of(System.getProperty("tributary.keycloak.home", "target/keycloak/missing"));
        if (!Files.isExecutable(home.resolve("bin/kc.sh"))) {
            fail("no Keycloak distribution at " + home + "; the gateway build unpacks it (mvn process-test-resources)");
        }
        Path imports = Files.createDirectories(home.resolve("data/import"));
        consolePort = freePort();
        try (InputStream realm = getClass().getResourceAsStream("/keycloak/tributary-realm.json")) {
            // The console client may only send codes to the central this test starts.
            Files.writeString(imports.resolve("tributary-realm.json"), new String(realm.readAllBytes(), StandardCharsets.UTF_8)
                    .replace("CONSOLE_ORIGIN", "http://127.0.0.1:" + consolePort));
        }
        // A realm kept from an earlier run would make the import skip it: start from an empty database.
        deleteTree(home.resolve("data/h2"));
        int port = freePort();
        issuer = "http://127.0.0.1:" + port + "/realms/tributary";
        ProcessBuilder pb = new ProcessBuilder(home.resolve("bin/kc.sh").toString(), "start-dev", "--import-realm",
                "--http-host=127.0.0.1", "--http-port=" + port, "--http-management-port=" + freePort(),
                "--hostname-strict=false")
                .redirectErrorStream(true).redirectOutput(GatewayProcess.logFile("keycloak").toFile());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().put("KC_BOOTSTRAP_ADMIN_USERNAME", "admin");
        pb.environment().put("KC_BOOTSTRAP_ADMIN_PASSWORD", "admin-" + System.nanoTime());
        keycloak = pb.start();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + KEYCLOAK_START.toNanos();
        while (true) {
            if (!keycloak.isAlive()) {
                fail("Keycloak exited with " + keycloak.exitValue() + "; see " + GatewayProcess.logFile("keycloak"));
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(issuer + "/.well-known/openid-configuration"))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    break;
                }
            } catch (IOException e) {
                // not listening yet
            }
            if (System.nanoTime() > deadline) {
                fail("Keycloak did not serve the realm within " + KEYCLOAK_START + "; see " + GatewayProcess.logFile("keycloak"));
            }
            Thread.sleep(500); // a bounded poll for another process to come up, not a wait for an event
        }
    }

    @AfterAll
    void stopKeycloak() throws Exception {
        if (keycloak != null) {
            List<ProcessHandle> tree = new ArrayList<>(keycloak.descendants().toList());
            tree.add(keycloak.toHandle());
            tree.forEach(ProcessHandle::destroy);
            for (ProcessHandle p : tree) {
                p.onExit().get(30, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void aRealmUserMapsTheShareWithAPasswordAndATokenOpensItToo() throws Exception {
        if (!Files.isExecutable(RCLONE)) {
            fail(RCLONE + " is not installed; .ci/run installs it (apt-get install rclone)");
        }
        try (GatewayProcess gateway = GatewayProcess.start(GatewayProcess.Config.of("keycloak", temp.resolve("data")).extraArgs(
                "--oidc-issuer", issuer, "--oidc-audience", "tributary", "--oidc-client", "tributary-gateway",
                "--acl", "share:role:share-write=write"))) {
            Path folder = Files.createDirectories(temp.resolve("kims-folder"));
            Files.writeString(folder.resolve("report.txt"), "from Kim's mapped drive");
            Files.createDirectories(folder.resolve("q3"));
            Files.writeString(folder.resolve("q3/numbers.csv"), "1,2,3\n");
            Command.Result up = rclone(gateway, "kim", "kims-test-password", "up", "copy", folder.toString(), ":webdav:");
            assertEquals(0, up.exitCode(), up::describe);
            Command.Result listed = rclone(gateway, "kim", "kims-test-password", "list", "lsf", "-R", ":webdav:");
            assertEquals(0, listed.exitCode(), listed::describe);
            assertTrue(listed.output().contains("q3/numbers.csv") && listed.output().contains("report.txt"), listed.output());
            assertEquals("from Kim's mapped drive", gateway.dav().getString("report.txt").body(), "what Kim wrote is in the share");

            Command.Result wrong = rclone(gateway, "kim", "not-kims-password", "wrong", "lsf", ":webdav:");
            assertNotEquals(0, wrong.exitCode(), "a wrong password maps nothing: " + wrong.output());
            Command.Result noRole = rclone(gateway, "lee", "lees-test-password", "no-role", "copy", folder.toString(), ":webdav:lee");
            assertNotEquals(0, noRole.exitCode(), "a realm user without the share's role writes nothing: " + noRole.output());
            assertEquals(404, gateway.dav().getString("lee/report.txt").statusCode());

            // A token Keycloak issued, presented as a bearer.
            String token = passwordGrant("kim", "kims-test-password");
            HttpResponse<String> read = HttpClient.newHttpClient().send(HttpRequest.newBuilder(gateway.shareUri().resolve("q3/numbers.csv"))
                    .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, read.statusCode(), read::body);
            assertEquals("1,2,3\n", read.body());
            HttpResponse<String> tampered = HttpClient.newHttpClient().send(HttpRequest.newBuilder(gateway.shareUri().resolve("report.txt"))
                    .header("Authorization", "Bearer " + token.substring(0, token.length() - 4) + "AAAA").timeout(Duration.ofSeconds(30))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(401, tampered.statusCode(), "a token with a broken signature");
        }
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void anAdminSignsInToTheConsoleThroughKeycloaksLoginPageAndAUserWithoutTheRoleCannot() throws Exception {
        GatewayProcess.Config config = GatewayProcess.Config.central("central", temp.resolve("central")).extraArgs(
                "--http-port", Integer.toString(consolePort), "--oidc-issuer", issuer, "--oidc-client", "tributary-console");
        try (GatewayProcess central = GatewayProcess.start(config)) {
            URI console = URI.create("http://127.0.0.1:" + consolePort);
            HttpResponse<String> options = HttpClient.newHttpClient().send(HttpRequest.newBuilder(console.resolve("/api/v1/sign-in-options"))
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            assertTrue(options.body().contains("\"oidc\":true"), options.body());

            Browser ada = new Browser();
            HttpResponse<String> landed = ada.signInThroughKeycloak(console, "ada", "adas-test-password");
            assertEquals("/console/#/fleet", landed.headers().firstValue("Location").orElse(""), landed::toString);
            HttpResponse<String> session = ada.get(console.resolve("/api/v1/session"));
            assertEquals(200, session.statusCode(), session::body);
            assertEquals("ada", JSONObjectUtils.parse(session.body()).get("user"));
            // The code and state were used up: sending the browser back with them signs nobody in.
            HttpResponse<String> replay = new Browser().get(URI.create(ada.callback));
            assertTrue(replay.headers().firstValue("Location").orElse("").contains("signin_error="), "a replayed callback is refused");
            assertTrue(replay.headers().firstValue("Set-Cookie").isEmpty(), "and gets no session");

            Browser kim = new Browser();
            HttpResponse<String> refused = kim.signInThroughKeycloak(console, "kim", "kims-test-password");
            String location = java.net.URLDecoder.decode(refused.headers().firstValue("Location").orElse(""), StandardCharsets.UTF_8);
            assertTrue(location.startsWith("/console/#/?signin_error=") && location.contains("tributary-admin"), location);
            assertEquals(401, kim.get(console.resolve("/api/v1/session")).statusCode(), "kim has no console session");
        }
    }

    /**
     * A browser's part of the code flow: follows the redirects by hand and keeps each host's
     * cookies (by host and port only; the JDK's cookie store skips the Secure cookies Keycloak
     * sets, which a browser keeps for loopback).
     */
    private final class Browser {
        private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(10)).build();
        private final Map<String, Map<String, String>> cookies = new HashMap<>();
        private String callback;

        HttpResponse<String> get(URI uri) throws Exception {
            return send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)));
        }

        private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
            HttpRequest built = request.build();
            String site = built.uri().getAuthority();
            Map<String, String> jar = cookies.computeIfAbsent(site, k -> new java.util.LinkedHashMap<>());
            if (!jar.isEmpty()) {
                request.header("Cookie", String.join("; ", jar.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList()));
                built = request.build();
            }
            HttpResponse<String> response = http.send(built, HttpResponse.BodyHandlers.ofString());
            for (String set : response.headers().allValues("Set-Cookie")) {
                String pair = set.split(";", 2)[0];
                int eq = pair.indexOf('=');
                String name = pair.substring(0, eq).strip();
                String value = pair.substring(eq + 1).strip();
                if (value.isEmpty() || set.toLowerCase(java.util.Locale.ROOT).contains("max-age=0")) {
                    jar.remove(name);
                } else {
                    jar.put(name, value);
                }
            }
            return response;
        }

        /** Starts at the console, fills in Keycloak's login form, and returns central's answer to the callback. */
        HttpResponse<String> signInThroughKeycloak(URI console, String user, String password) throws Exception {
            HttpResponse<String> start = get(console.resolve("/api/v1/session/oidc"));
            assertEquals(302, start.statusCode(), start::body);
            URI authorize = URI.create(start.headers().firstValue("Location").orElseThrow());
            assertTrue(authorize.toString().startsWith(issuer) && authorize.getQuery().contains("code_challenge_method=S256"), authorize::toString);
            HttpResponse<String> loginPage = get(authorize);
            assertEquals(200, loginPage.statusCode(), loginPage::body);
            java.util.regex.Matcher form = java.util.regex.Pattern.compile("<form[^>]*id=\"kc-form-login\"[^>]*action=\"([^\"]+)\"")
                    .matcher(loginPage.body());
            assertTrue(form.find(), "Keycloak's login form: " + loginPage.body());
            URI action = URI.create(form.group(1).replace("&amp;", "&"));
            HttpResponse<String> afterLogin = send(HttpRequest.newBuilder(action).timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("username=" + URLEncoder.encode(user, StandardCharsets.UTF_8)
                            + "&password=" + URLEncoder.encode(password, StandardCharsets.UTF_8) + "&credentialId=")));
            assertEquals(302, afterLogin.statusCode(), afterLogin::body);
            callback = afterLogin.headers().firstValue("Location").orElseThrow();
            assertTrue(callback.startsWith(console + "/api/v1/session/oidc/callback?"), callback);
            return get(URI.create(callback));
        }
    }

    private String passwordGrant(String user, String password) throws Exception {
        String form = "grant_type=password&client_id=tributary-gateway&username=" + URLEncoder.encode(user, StandardCharsets.UTF_8)
                + "&password=" + URLEncoder.encode(password, StandardCharsets.UTF_8);
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(issuer + "/protocol/openid-connect/token"))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r::body);
        return (String) JSONObjectUtils.parse(r.body()).get("access_token");
    }

    private Command.Result rclone(GatewayProcess gateway, String user, String password, String label, String... args) {
        Map<String, String> env = new HashMap<>(Map.of("RCLONE_CONFIG", temp.resolve("rclone.conf").toString()));
        Command.Result obscured = Command.run(List.of(RCLONE.toString(), "obscure", password), env, temp, Duration.ofSeconds(30), null);
        assertEquals(0, obscured.exitCode(), obscured::describe);
        List<String> cmd = new ArrayList<>(List.of(RCLONE.toString()));
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("--webdav-url", gateway.shareUri().toString(), "--webdav-vendor", "other", "--webdav-user", user,
                "--webdav-pass", obscured.output().strip(), "--retries", "1", "--low-level-retries", "1", "--contimeout", "10s",
                "--timeout", "60s"));
        return Command.run(cmd, env, temp, Duration.ofMinutes(2), GatewayProcess.logFile("rclone-keycloak-" + label));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
