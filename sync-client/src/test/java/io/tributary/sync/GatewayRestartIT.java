package io.tributary.sync;

import io.tributary.gateway.it.Dav;
import io.tributary.gateway.it.GatewayProcess;
import io.tributary.gateway.it.Poll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A client left running while its gateway is killed and started again on the same port: it
 * says the gateway is away, waits, and syncs what changed meanwhile once the gateway is back.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class GatewayRestartIT {
    @TempDir
    Path root;

    @Test
    void leftRunningItWaitsOutAGatewayRestartAndThenSyncsWhatChangedMeanwhile() throws Exception {
        int lan = freePort();
        GatewayProcess gateway = GatewayProcess.start(GatewayProcess.Config.of("restart", root.resolve("gateway"))
                .extraArgs("--grpc-port", Integer.toString(lan)));
        Path folder = Files.createDirectories(root.resolve("folder"));
        Files.writeString(folder.resolve("before.txt"), "written with the gateway up");
        ByteArrayOutputStream said = new ByteArrayOutputStream();
        AtomicReference<Throwable> ended = new AtomicReference<>();
        Thread syncing = null;
        try (FolderSync sync = new FolderSync(folder,
                ShareClient.connect(GatewayAddress.parse("127.0.0.1:" + lan + "/share"), gateway.lanCertificate(),
                        gateway.user(), gateway.password().toCharArray()),
                SyncState.open(folder), new Progress(new PrintStream(said, true, StandardCharsets.UTF_8), false), "test-host")) {
            syncing = Thread.ofPlatform().name("continuous-sync").start(() -> {
                try {
                    sync.continuously();
                } catch (InterruptedException e) {
                    // stopped by the test
                } catch (Throwable t) {
                    ended.set(t);
                }
            });
            Dav before = gateway.dav();
            awaitTrue("before.txt on the share", ended, said, () -> before.get("before.txt").status() == 200);

            gateway.kill();
            Files.writeString(folder.resolve("during.txt"), "written while the gateway was away");
            awaitTrue("the client to say the gateway is away", ended, said,
                    () -> said.toString(StandardCharsets.UTF_8).contains("the gateway is away"));

            gateway = gateway.restart();
            assertEquals(lan, gateway.lanPort(), "the gateway is back on the same port");
            Dav after = gateway.dav();
            awaitTrue("during.txt on the share", ended, said, () -> after.get("during.txt").status() == 200);
            assertEquals("written while the gateway was away", after.getString("during.txt").body());
            assertTrue(syncing.isAlive(), "still running: " + said.toString(StandardCharsets.UTF_8));
        } finally {
            if (syncing != null) {
                syncing.interrupt();
                syncing.join(TimeUnit.SECONDS.toMillis(30));
            }
            gateway.close();
        }
    }

    /** Polls until {@code condition} holds; fails if the sync ended or after two minutes. */
    private static void awaitTrue(String what, AtomicReference<Throwable> ended, ByteArrayOutputStream said,
                                  BooleanSupplier condition) {
        Poll.until(Duration.ofMinutes(2), () -> "no " + what + ": " + said.toString(StandardCharsets.UTF_8), () -> {
            assertNull(ended.get(), () -> "the sync ended while waiting for " + what + ": " + ended.get()
                    + "\n" + said.toString(StandardCharsets.UTF_8));
            return condition.getAsBoolean();
        });
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
