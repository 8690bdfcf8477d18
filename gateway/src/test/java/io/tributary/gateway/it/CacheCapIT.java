package io.tributary.gateway.it;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The cache cap: a branch reads far more than its cap by evicting what central has and fetching
 * it again, and a branch cut off from central refuses writes past its cap instead of overrunning
 * it or dropping data central does not have.
 */
class CacheCapIT {
    private static final long MIB = 1 << 20;

    @TempDir
    Path root;

    private Fleet fleet;

    @AfterEach
    void stop() {
        if (fleet != null) {
            fleet.close();
        }
    }

    private static String seedName(int i) {
        return "big/part-" + i + ".bin";
    }

    @Test
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void aBranchWithASixtyFourMibCapReadsThreeHundredMibEvictingAndFetchingAgainButKeepsItsPinnedFolder() {
        fleet = new Fleet(root);
        GatewayProcess a = fleet.gateway("Alpha");
        long cap = 64 * MIB;
        GatewayProcess b = fleet.gateway("Bravo", "--cache-cap", "64m", "--pin", "share/big/keep");
        Dav atA = a.dav(Duration.ofMinutes(2));
        Dav atB = b.dav(Duration.ofMinutes(2));
        atA.mkdirs("big/keep");
        long pinnedSize = 8 * MIB;
        HttpResponse<String> pinnedPut = atA.put("big/keep/plan.bin", () -> new PseudoRandomStream(7, pinnedSize), pinnedSize);
        assertEquals(201, pinnedPut.statusCode(), pinnedPut::body);
        String pinnedHash = Sha256.of(new PseudoRandomStream(7, pinnedSize)).hex();
        Fleet.await(Duration.ofMinutes(1), "B prefetched the pinned file without a read",
                () -> b.metrics().count("tributary_cache_fill_bytes") >= pinnedSize);
        int files = 30;
        long size = 10 * MIB;
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < files; i++) {
            long seed = PseudoRandomStream.seedOf(seedName(i));
            HttpResponse<String> r = atA.put(seedName(i), () -> new PseudoRandomStream(seed, size), size);
            assertEquals(201, r.statusCode(), r::body);
            expected.add(Sha256.of(new PseudoRandomStream(seed, size)).hex());
        }
        Fleet.await(Duration.ofMinutes(2), "all files listed at B", () -> atB.stat("big") && atB.list("big").size() == files + 1);

        for (int i = 0; i < files; i++) {
            Dav.Download d = atB.get(seedName(i));
            assertEquals(200, d.status(), () -> d.errorBody());
            assertEquals(expected.get(i), d.sha256(), seedName(i));
        }
        // The first files were evicted long ago: reading them again fetches them again.
        long fetchedBefore = b.metrics().count("tributary_cache_fill_bytes");
        Dav.Download again = atB.get(seedName(0));
        assertEquals(expected.get(0), again.sha256());
        Metrics m = b.metrics();
        assertTrue(m.count("tributary_cache_fill_bytes") - fetchedBefore >= size, "the evicted file came from central again");
        assertTrue(m.count("tributary_cache_evictions") > 0, "B evicted chunks");
        long peak = m.count("tributary_cache_peak_bytes");
        assertTrue(peak <= cap + MIB, "B's cache peaked at " + peak + " bytes against a cap of " + cap);
        assertTrue(m.count("tributary_cache_bytes") <= cap, "B's cache holds " + m.count("tributary_cache_bytes"));

        long fillsBeforePinned = m.count("tributary_cache_fill_bytes");
        assertEquals(pinnedHash, atB.get("big/keep/plan.bin").sha256());
        assertEquals(fillsBeforePinned, b.metrics().count("tributary_cache_fill_bytes"),
                "the pinned folder was never evicted: reading it fetched nothing");
    }

    @Test
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void withCentralDownABranchRefusesWritesPastItsCapAndLosesNothing() {
        fleet = new Fleet(root);
        long cap = 32 * MIB;
        GatewayProcess a = fleet.gateway("Alpha", "--cache-cap", "32m");
        GatewayProcess b = fleet.gateway("Bravo");
        Dav atA = a.dav(Duration.ofMinutes(2));
        atA.mkdirs("big");
        fleet.killCentral();

        long size = 4 * MIB;
        List<Integer> accepted = new ArrayList<>();
        int refusedAt = -1;
        for (int i = 0; i < 20 && refusedAt < 0; i++) {
            long seed = PseudoRandomStream.seedOf(seedName(i));
            HttpResponse<String> r = atA.put(seedName(i), () -> new PseudoRandomStream(seed, size), size);
            if (r.statusCode() == 201) {
                accepted.add(i);
            } else {
                assertEquals(503, r.statusCode(), r::body);
                assertEquals("10", r.headers().firstValue("Retry-After").orElse(""), "503 says when to try again");
                assertTrue(r.body().contains("central"), r.body());
                refusedAt = i;
            }
        }
        assertTrue(refusedAt > 0, "writes past the cap were refused; accepted " + accepted);
        assertTrue(accepted.size() * size <= cap, accepted.size() + " files of 4 MiB accepted under a 32 MiB cap");
        Metrics m = a.metrics();
        assertTrue(m.count("tributary_cache_peak_bytes") <= cap + MIB, "peak " + m.count("tributary_cache_peak_bytes"));
        assertEquals(0, m.count("tributary_cache_evictions"), "nothing central lacks was evicted");
        for (int i : accepted) {
            Dav.Download d = atA.get(seedName(i));
            assertEquals(Sha256.of(new PseudoRandomStream(PseudoRandomStream.seedOf(seedName(i)), size)).hex(), d.sha256());
        }

        fleet.startCentral();
        Dav atB = b.dav(Duration.ofMinutes(2));
        Fleet.await(Duration.ofMinutes(2), "B has every file A accepted",
                () -> atB.stat("big") && atB.list("big").size() == accepted.size());
        int retry = refusedAt;
        long seed = PseudoRandomStream.seedOf(seedName(retry));
        Fleet.await(Duration.ofMinutes(1), "the refused write accepted once central has the rest",
                () -> atA.put(seedName(retry), () -> new PseudoRandomStream(seed, size), size).statusCode() == 201);
        for (int i : accepted) {
            Dav.Download d = atB.get(seedName(i));
            assertEquals(Sha256.of(new PseudoRandomStream(PseudoRandomStream.seedOf(seedName(i)), size)).hex(), d.sha256(),
                    "B reads " + seedName(i));
        }
    }
}
