package io.tributary.central.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CentralCommandTest {
    @TempDir
    Path dir;

    @Test
    void badOptionValuesGetOneSentenceAndStatusTwoAndCreateNothing() {
        Path data = dir.resolve("never");
        List<List<String>> bad = List.of(
                List.of("central", "--data", data.toString(), "--grpc-port", "70000"),
                List.of("central", "--data", data.toString(), "--http-port", "abc"),
                List.of("central", "--data", data.toString(), "--keep-versions-days", "-1"),
                List.of("central", "--data", data.toString(), "--database", "jdbc:mysql://x/y"),
                List.of("central", "--data", data.toString(), "--bind", "no-such-host.invalid"),
                List.of("central", "--data", data.toString(), "--password", "x"),
                List.of("central", "--data", data.toString(), "--gateway-cert-lifetime", "5s"),
                List.of("central", "--data", data.toString(), "--gateway-cert-lifetime", "30"),
                List.of("central", "--data", data.toString(), "--server-name", "bad/name"),
                List.of("central"));
        for (List<String> args : bad) {
            StringWriter err = new StringWriter();
            StringWriter out = new StringWriter();
            int status = Main.commandLine().setErr(new PrintWriter(err)).setOut(new PrintWriter(out)).execute(args.toArray(String[]::new));
            assertEquals(2, status, args + ": " + err);
            String text = err.toString().strip();
            assertFalse(text.isEmpty(), args.toString());
            assertEquals(1, text.lines().count(), args + " printed: " + text);
            assertTrue(text.startsWith("tributary central: ") && text.endsWith("."), text);
            assertEquals("", out.toString());
            assertFalse(Files.exists(data), args + " created the data directory");
        }
    }

    @Test
    void tokenAndRevokeRefuseBadInputSayingWhyAndChangeNothing() throws Exception {
        Path data = dir.resolve("central");
        io.tributary.central.Central.start(io.tributary.central.CentralConfig.embedded(data)).close();
        Path none = dir.resolve("not-central");
        List<List<String>> bad = List.of(
                List.of("central", "token", "--data", none.toString(), "--branch", "Lyon"),
                List.of("central", "token", "--data", data.toString(), "--branch", "../x"),
                List.of("central", "token", "--data", data.toString(), "--branch", "Lyon", "--expires", "8d"),
                List.of("central", "token", "--data", data.toString(), "--branch", "Lyon", "--expires", "soon"),
                List.of("central", "token", "--data", data.toString()),
                List.of("central", "revoke", "--data", data.toString(), "--branch", "Never-Enrolled"),
                List.of("central", "revoke", "--data", none.toString(), "--branch", "Lyon"));
        for (List<String> args : bad) {
            StringWriter err = new StringWriter();
            StringWriter out = new StringWriter();
            int status = Main.commandLine().setErr(new PrintWriter(err)).setOut(new PrintWriter(out)).execute(args.toArray(String[]::new));
            assertEquals(2, status, args + ": " + err);
            String text = err.toString().strip();
            assertEquals(1, text.lines().count(), args + " printed: " + text);
            assertTrue(text.startsWith("tributary ") && text.endsWith("."), text);
            assertEquals("", out.toString());
            assertFalse(Files.exists(none), args + " created a directory");
        }
        try (var meta = io.tributary.central.meta.MetaStore.open("jdbc:sqlite:" + data.resolve("meta.db"), null, null, System::currentTimeMillis)) {
            int tokens = meta.database().transaction(x -> {
                try (var st = x.createStatement(); var rs = st.executeQuery("SELECT COUNT(*) FROM enrollment_tokens")) {
                    rs.next();
                    return rs.getInt(1);
                }
            });
            assertEquals(0, tokens, "no token was made");
        }
    }

    @Test
    void servesPrintsTheReadyLineAndStopsOnSigterm() throws Exception {
        Path data = dir.resolve("central");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
                "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "central", "--data", data.toString(), "--grpc-port", "0", "--http-port", "0"));
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            CompletableFuture<String> line = CompletableFuture.supplyAsync(() -> {
                try {
                    return out.readLine();
                } catch (java.io.IOException e) {
                    return null;
                }
            });
            String ready = line.get(30, TimeUnit.SECONDS);
            Matcher m = Pattern.compile("tributary central ready grpc-port=(\\d+) http-port=(\\d+)").matcher(String.valueOf(ready));
            assertTrue(m.matches(), "ready line: " + ready);
            int http = Integer.parseInt(m.group(2));
            assertTrue(Integer.parseInt(m.group(1)) > 0 && http > 0);
            HttpResponse<String> live = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + http + "/health/live")).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, live.statusCode());
            assertTrue(Files.exists(data.resolve("meta.db")));

            CompletableFuture<String> rest = CompletableFuture.supplyAsync(() -> {
                StringBuilder b = new StringBuilder();
                try {
                    for (String l; (l = out.readLine()) != null; ) {
                        b.append(l).append('\n');
                    }
                } catch (java.io.IOException e) {
                    // closed at exit: what was read is what there was
                }
                return b.toString();
            });
            p.destroy(); // SIGTERM
            assertTrue(p.waitFor(20, TimeUnit.SECONDS), "central did not stop on SIGTERM");
            assertEquals(143, p.exitValue(), "killed by SIGTERM after a clean shutdown hook");
            assertEquals("", rest.get(10, TimeUnit.SECONDS), "exactly one line on stdout");
        } finally {
            p.destroyForcibly();
        }
    }
}
