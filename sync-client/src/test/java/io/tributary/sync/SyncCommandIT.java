package io.tributary.sync;

import io.tributary.gateway.it.GatewayProcess;
import io.tributary.gateway.it.Poll;
import io.tributary.gateway.it.PseudoRandomStream;
import io.tributary.gateway.it.Sha256;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code tributary sync} as a user runs it: a child process, killed and started again. */
class SyncCommandIT extends GatewayWithLanApi {
    private static final long GIB = 1L << 30;

    @Override
    String label() {
        return "sync-cli";
    }

    @Test
    @Timeout(value = 8, unit = TimeUnit.MINUTES)
    void aClientKilledHalfwayThroughAGibibyteSendsLessThanATenthAgain() throws Exception {
        Path folder = root.resolve("big");
        Files.createDirectories(folder);
        Path file = folder.resolve("disk.img");
        try (InputStream in = new PseudoRandomStream(11, GIB); OutputStream out = Files.newOutputStream(file)) {
            in.transferTo(out);
        }
        long before = received();
        Process first = sync(folder, "--once");
        // The kill may land anywhere past a third; awaitTrue also fails if the client finished first.
        awaitTrue(Duration.ofMinutes(4), "a third of the file at the gateway", first, () -> received() - before >= GIB / 3);
        first.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        long sentBeforeKill = received() - before;

        Process second = sync(folder, "--once");
        assertTrue(second.waitFor(5, TimeUnit.MINUTES), "the second run ends");
        assertEquals(0, second.exitValue(), "in sync: " + output(second));
        long resent = received() - before - GIB;
        System.out.printf("1 GiB upload killed after %d bytes; the restart sent %d more, %d twice%n",
                sentBeforeKill, received() - before - sentBeforeKill, resent);
        assertTrue(resent < GIB / 10, "after " + sentBeforeKill + " bytes before the kill, the restart sent "
                + (received() - before - sentBeforeKill) + ": " + resent + " bytes twice");
        assertEquals(Sha256.of(Files.newInputStream(file)).hex(), dav.get("disk.img", Duration.ofMinutes(3)).sha256());
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void exitStatusSaysWhetherEverythingIsInSync() throws Exception {
        Path folder = root.resolve("status");
        Files.createDirectories(folder.resolve("ok"));
        Files.writeString(folder.resolve("ok/fine.txt"), "fine");
        Process ok = sync(folder, "--once");
        assertTrue(ok.waitFor(1, TimeUnit.MINUTES));
        assertEquals(0, ok.exitValue(), output(ok));

        // A name no branch could serve (Windows-reserved) cannot be synced: said, and the status says so.
        Files.writeString(folder.resolve("ok/aux.txt"), "reserved");
        Process refused = sync(folder, "--once");
        assertTrue(refused.waitFor(1, TimeUnit.MINUTES));
        String said = output(refused);
        assertEquals(1, refused.exitValue(), said);
        assertTrue(said.contains("aux.txt"), said);

        ProcessBuilder noCredentials = new ProcessBuilder(command(folder, "--once")).redirectErrorStream(true);
        noCredentials.environment().remove("TRIBUTARY_USER");
        noCredentials.environment().remove("TRIBUTARY_PASSWORD");
        Process wrong = noCredentials.start();
        wrong.getOutputStream().close();
        ProcessBuilder badCredentials = new ProcessBuilder(command(folder, "--once")).redirectErrorStream(true);
        badCredentials.environment().put("TRIBUTARY_USER", gateway.user());
        badCredentials.environment().put("TRIBUTARY_PASSWORD", "wrong");
        Process denied = badCredentials.start();
        assertTrue(denied.waitFor(1, TimeUnit.MINUTES));
        String deniedSaid = output(denied);
        assertEquals(3, denied.exitValue(), deniedSaid);
        assertTrue(deniedSaid.contains("refused the credentials"), deniedSaid);
        assertTrue(wrong.waitFor(1, TimeUnit.MINUTES));
        assertEquals(3, wrong.exitValue(), "no credentials and no terminal: " + output(wrong));

        // A --ca that is no certificate is named as such, not left to a TLS stack trace.
        Path notPem = root.resolve("not-a-certificate.pem");
        Files.writeString(notPem, "-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n");
        for (Path ca : List.of(notPem, root.resolve("absent.pem"))) {
            List<String> cmd = command(folder, "--once");
            cmd.set(cmd.indexOf("--ca") + 1, ca.toString());
            ProcessBuilder badCa = new ProcessBuilder(cmd).redirectErrorStream(true);
            badCa.environment().put("TRIBUTARY_USER", gateway.user());
            badCa.environment().put("TRIBUTARY_PASSWORD", gateway.password());
            Process refusedCa = badCa.start();
            assertTrue(refusedCa.waitFor(1, TimeUnit.MINUTES));
            String caSaid = output(refusedCa);
            assertEquals(3, refusedCa.exitValue(), caSaid);
            assertTrue(caSaid.contains("--ca " + ca) && !caSaid.contains("Exception"), caSaid);
        }
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void leftRunningItFollowsChangesOnBothSides() throws Exception {
        Path folder = root.resolve("live");
        Files.createDirectories(folder);
        dav.mkdirs("live-remote");
        Process live = sync(folder);
        try {
            assertEquals(201, dav.put("live-remote/from-share.txt", "pushed".getBytes(StandardCharsets.UTF_8)).statusCode());
            awaitTrue(Duration.ofSeconds(60), "the share's new file to arrive", live,
                    () -> Files.exists(folder.resolve("live-remote/from-share.txt")));
            assertEquals("pushed", Files.readString(folder.resolve("live-remote/from-share.txt")));
            Files.writeString(folder.resolve("live-remote/from-here.txt"), "local");
            awaitTrue(Duration.ofSeconds(60), "the local file to reach the share", live,
                    () -> dav.get("live-remote/from-here.txt").status() == 200);
            assertEquals("local", dav.getString("live-remote/from-here.txt").body());
            assertTrue(live.isAlive(), "still running");
        } finally {
            live.destroy();
            live.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** Polls {@code condition} until it holds, failing after {@code limit} or if the client died. */
    private void awaitTrue(Duration limit, String what, Process client, java.util.function.BooleanSupplier condition) {
        Poll.until(limit, () -> "no " + what + ": " + output(client), () -> {
            assertTrue(client.isAlive(), () -> "the client exited while waiting for " + what + ": " + output(client));
            return condition.getAsBoolean();
        });
    }

    private Process sync(Path folder, String... options) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command(folder, options)).redirectErrorStream(true)
                .redirectOutput(root.resolve("sync-" + System.nanoTime() + ".log").toFile());
        pb.environment().put("TRIBUTARY_USER", gateway.user());
        pb.environment().put("TRIBUTARY_PASSWORD", gateway.password());
        Process p = pb.start();
        logs.put(p, pb.redirectOutput().file().toPath());
        return p;
    }

    private final Map<Process, Path> logs = new java.util.concurrent.ConcurrentHashMap<>();

    private String output(Process p) {
        Path log = logs.get(p);
        try {
            return log != null ? Files.readString(log) : new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private List<String> command(Path folder, String... options) {
        List<String> cmd = new ArrayList<>(List.of(GatewayProcess.javaBinary()));
        cmd.addAll(GatewayProcess.JVM_FLAGS);
        cmd.addAll(List.of("-Xmx256m", "-cp", GatewayProcess.testClassPath(), "io.tributary.sync.cli.Main",
                folder.toString(), "127.0.0.1:" + gateway.lanPort() + "/share", "--ca", gateway.lanCertificate().toString(),
                "--name", "test-host"));
        cmd.addAll(List.of(options));
        return cmd;
    }

    private long received() {
        return gateway.metrics().count("tributary_client_lan_received_bytes");
    }
}
