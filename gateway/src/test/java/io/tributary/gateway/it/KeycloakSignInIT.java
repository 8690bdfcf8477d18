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
import java.nio.file.StandardCopyOption;
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
 * for its bearer.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KeycloakSignInIT {
    private static final Duration KEYCLOAK_START = Duration.ofMinutes(3);
    private static final Path RCLONE = Path.of("/usr/bin/rclone");

    @TempDir
    Path temp;

    private Process keycloak;
    private String issuer;

    @BeforeAll
    void startKeycloak() throws Exception {
        Path home = Path.of(System.getProperty("tributary.keycloak.home", "target/keycloak/missing"));
        if (!Files.isExecutable(home.resolve("bin/kc.sh"))) {
            fail("no Keycloak distribution at " + home + "; the gateway build unpacks it (mvn process-test-resources)");
        }
        Path imports = Files.createDirectories(home.resolve("data/import"));
        try (InputStream realm = getClass().getResourceAsStream("/keycloak/tributary-realm.json")) {
            Files.copy(realm, imports.resolve("tributary-realm.json"), StandardCopyOption.REPLACE_EXISTING);
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
