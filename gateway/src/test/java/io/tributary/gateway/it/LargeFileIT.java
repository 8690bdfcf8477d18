package io.tributary.gateway.it;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A 4 GiB file streams through a gateway with the heap {@code ./tributary} gives it (at most
 * 256 MiB): nothing is buffered whole.
 */
class LargeFileIT {
    private static final long SIZE = 4L << 30;

    @TempDir
    Path dataDir;

    private GatewayProcess gateway;

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void fourGibPutAndGetRoundTripThroughTheGatewaysOwnHeap() {
        GatewayProcess.Config config = GatewayProcess.Config.of("large", dataDir).productHeap();
        Matcher xmx = Pattern.compile("-Xmx(\\d+)m").matcher(String.join(" ", config.heap()));
        assertTrue(xmx.find() && Integer.parseInt(xmx.group(1)) <= 256, () -> "heap cap above 256 MiB: " + config.heap());
        gateway = GatewayProcess.start(config);
        Dav dav = gateway.dav(Duration.ofMinutes(8));

        AtomicReference<MessageDigest> sent = new AtomicReference<>();
        long start = System.nanoTime();
        HttpResponse<String> put = dav.put("four gib.bin", () -> {
            MessageDigest digest = Sha256.newDigest();
            sent.set(digest);
            return new DigestInputStream(new PseudoRandomStream(4242L, SIZE), digest);
        }, SIZE, Duration.ofMinutes(8));
        long putMillis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(put.statusCode() == 201 || put.statusCode() == 204,
                () -> "PUT of 4 GiB -> " + put.statusCode() + " " + put.body() + "; log " + gateway.logFile());
        String sentHash = Sha256.hex(sent.get());

        start = System.nanoTime();
        Dav.Download got = dav.get("four gib.bin", Duration.ofMinutes(8));
        long getMillis = (System.nanoTime() - start) / 1_000_000;
        System.out.printf("4 GiB PUT %d ms (%.0f MiB/s), GET %d ms (%.0f MiB/s)%n", putMillis,
                SIZE / 1048576.0 / (putMillis / 1000.0), getMillis, SIZE / 1048576.0 / (getMillis / 1000.0));

        assertEquals(200, got.status(), () -> "GET -> " + got.status() + " " + got.errorBody());
        assertEquals(SIZE, got.contentLength(), "Content-Length of the GET");
        assertEquals(SIZE, got.bytes(), "bytes read back");
        assertEquals(sentHash, got.sha256(), "the 4 GiB read back hash the same as what was sent");

        List<Dav.Entry> listing = dav.list("");
        assertTrue(listing.contains(new Dav.Entry("four gib.bin", false, SIZE)),
                () -> "PROPFIND lists the file with its 4 GiB length: " + listing);
        assertTrue(gateway.isAlive(), "the gateway is still running");
        assertFalse(gateway.log().contains("OutOfMemoryError"), "no OutOfMemoryError in " + gateway.logFile());
    }
}
