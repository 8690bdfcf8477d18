package io.tributary.gateway.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Content-defined chunking dedupes what clients send twice, read from the gateway's own counters:
 * {@code tributary_chunk_stored_bytes} (new chunk bytes) against {@code tributary_chunk_logical_bytes}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DedupeIT {
    private static final long MIB = 1 << 20;
    private static final String STORED = "tributary_chunk_stored_bytes";
    private static final String LOGICAL = "tributary_chunk_logical_bytes";

    @TempDir
    static Path dataDir;

    private GatewayProcess gateway;
    private Dav dav;

    @BeforeAll
    void start() {
        gateway = GatewayProcess.start(GatewayProcess.Config.of("dedupe", dataDir)
                .extraArgs("--chunk-sizes", "16k/64k/256k"));
        dav = gateway.dav(Duration.ofMinutes(3));
        dav.mkdirs("dedupe");
    }

    @AfterAll
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    record Counters(long stored, long logical) {
        Counters minus(Counters before) {
            return new Counters(stored - before.stored, logical - before.logical);
        }
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void sameHundredMibUnderASecondNameStoresUnderOneMibOfNewChunks() {
        long size = 100 * MIB;
        Supplier<InputStream> content = () -> new PseudoRandomStream(1001L, size);
        String expected = Sha256.of(content.get()).hex();

        Counters first = putAndMeasure("dedupe/original.bin", content, size);
        assertTrue(first.stored() >= size - MIB && first.stored() <= size,
                "random content is all new: stored " + first.stored() + " of " + size);

        Counters second = putAndMeasure("dedupe/same content, other name.bin", content, size);
        assertTrue(second.stored() < MIB, "the second copy stored " + second.stored() + " new chunk bytes");

        Dav.Download back = dav.get("dedupe/same content, other name.bin");
        assertEquals(200, back.status(), back::toString);
        assertEquals(expected, back.sha256(), "the deduplicated copy reads back as the original");

        // The gauges follow the counters: reading the copy back hit the local store only.
        Metrics m = gateway.metrics();
        assertEquals(m.value("tributary_chunk_logical_bytes_total") / m.value("tributary_chunk_stored_bytes_total"),
                m.value("tributary_dedupe_ratio"), 0.01);
        assertTrue(m.value("tributary_dedupe_ratio") > 1.5, "two copies of 100 MiB make a ratio near 2 or more");
        assertTrue(m.value("tributary_cache_hits_total") * 64 * 1024 >= size / 4, "the read came from the local store");
        assertEquals(1.0, m.value("tributary_cache_hit_ratio"), 1e-9, "a gateway on its own never fills from central");
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void hundredBytesInsertedAtTheStartOfSixtyFourMibStoreUnderOneMibOfNewChunks() {
        long size = 64 * MIB;
        Supplier<InputStream> base = () -> new PseudoRandomStream(2002L, size);
        Supplier<InputStream> shifted = () -> new SequenceInputStream(new PseudoRandomStream(3003L, 100), base.get());
        String expectedShifted = Sha256.of(shifted.get()).hex();

        Counters first = putAndMeasure("dedupe/base.bin", base, size);
        assertTrue(first.stored() >= size - MIB, "random content is all new: stored " + first.stored());

        Counters second = putAndMeasure("dedupe/base with 100 bytes in front.bin", shifted, size + 100);
        assertTrue(second.stored() < MIB,
                "inserting 100 bytes at the start stored " + second.stored() + " new chunk bytes");

        Dav.Download back = dav.get("dedupe/base with 100 bytes in front.bin");
        assertEquals(200, back.status(), back::toString);
        assertEquals(size + 100, back.bytes());
        assertEquals(expectedShifted, back.sha256(), "the shifted file reads back intact");
    }

    /** PUTs and returns how the two counters moved; logical must move by exactly the file's size. */
    private Counters putAndMeasure(String path, Supplier<InputStream> content, long size) {
        Counters before = counters();
        HttpResponse<String> r = dav.put(path, content, size);
        assertTrue(r.statusCode() == 201 || r.statusCode() == 204,
                () -> "PUT " + path + " -> " + r.statusCode() + " " + r.body());
        // the counters may be moved just after the answer: poll, with a deadline, until logical arrives
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        Counters delta = counters().minus(before);
        for (int i = 0; i < 200 && delta.logical() < size && System.nanoTime() < deadline; i++) {
            GatewayProcess.pause(Duration.ofMillis(50));
            delta = counters().minus(before);
        }
        assertEquals(size, delta.logical(), "logical chunk bytes grew by the size of " + path);
        System.out.printf("PUT %s: logical +%d, stored +%d%n", path, delta.logical(), delta.stored());
        return delta;
    }

    private Counters counters() {
        Metrics m = gateway.metrics();
        return new Counters(m.count(STORED), m.count(LOGICAL));
    }
}
