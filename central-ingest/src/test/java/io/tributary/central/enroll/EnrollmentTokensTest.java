package io.tributary.central.enroll;

import io.tributary.central.meta.MetaStore;
import io.tributary.central.testing.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Tokens against a real SQLite database: one branch each, expiring, used at most once. */
class EnrollmentTokensTest {
    private static final String CA = "ab".repeat(32);
    @TempDir
    Path dir;
    MetaStore meta;
    final ManualClock clock = new ManualClock(1_000_000);
    EnrollmentTokens tokens;

    @BeforeEach
    void open() throws Exception {
        meta = MetaStore.open("jdbc:sqlite:" + dir.resolve("meta.db"), null, null, clock);
        tokens = new EnrollmentTokens(meta.database(), CA, clock);
    }

    @AfterEach
    void close() {
        meta.close();
    }

    @Test
    void aTokenNamesItsBranchAndWorksOnce() throws Exception {
        EnrollmentToken token = tokens.create("Berlin Mitte", Duration.ofHours(1));
        assertEquals(token, EnrollmentToken.parse("  " + token + "\n"), "pasted with white space around it");
        assertEquals("Berlin Mitte", tokens.redeem(token));
        TokenRefusedException again = assertThrows(TokenRefusedException.class, () -> tokens.redeem(token));
        assertTrue(again.getMessage().contains("used already"), again.getMessage());
    }

    @Test
    void expiredUnknownAndForeignTokensAreRefusedSayingWhy() throws Exception {
        EnrollmentToken token = tokens.create("Lyon", Duration.ofMinutes(10));
        clock.set(1_000_000 + Duration.ofMinutes(10).toMillis());
        assertTrue(assertThrows(TokenRefusedException.class, () -> tokens.redeem(token)).getMessage().contains("expired"));
        EnrollmentToken unknown = new EnrollmentToken("A".repeat(32), CA);
        assertTrue(assertThrows(TokenRefusedException.class, () -> tokens.redeem(unknown)).getMessage().contains("unknown"));
        EnrollmentToken foreign = new EnrollmentToken(token.secret(), "cd".repeat(32));
        assertTrue(assertThrows(TokenRefusedException.class, () -> tokens.redeem(foreign)).getMessage().contains("another central"));
    }

    @Test
    void badBranchesLifetimesAndTokenTextAreRefused() {
        for (String branch : List.of("", " Lyon", "Lyon ", "a/b", "x".repeat(65), "../etc", "semi;colon", "new\nline")) {
            assertThrows(IllegalArgumentException.class, () -> tokens.create(branch, Duration.ofHours(1)), branch);
        }
        for (Duration d : List.of(Duration.ZERO, Duration.ofSeconds(-1), Duration.ofDays(8))) {
            assertThrows(IllegalArgumentException.class, () -> tokens.create("Lyon", d), d.toString());
        }
        for (String text : List.of("", "tbr1.", "tbr2." + "A".repeat(32) + "." + CA, "tbr1." + "A".repeat(31) + "." + CA,
                "tbr1." + "A".repeat(32) + "." + CA.toUpperCase(), "tbr1." + "A".repeat(32) + "." + CA + ".x",
                "tbr1." + "A".repeat(300))) {
            assertThrows(IllegalArgumentException.class, () -> EnrollmentToken.parse(text), text);
        }
    }

    @Test
    void twoRedeemersAtOnceGetOneBranchBetweenThem() throws Exception {
        EnrollmentToken token = tokens.create("Riga", Duration.ofHours(1));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<String>> tries = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                Callable<String> redeem = () -> {
                    try {
                        return tokens.redeem(token);
                    } catch (TokenRefusedException e) {
                        return null;
                    }
                };
                tries.add(pool.submit(redeem));
            }
            int won = 0;
            for (Future<String> f : tries) {
                if (f.get(30, TimeUnit.SECONDS) != null) {
                    won++;
                }
            }
            assertEquals(1, won);
        } finally {
            pool.shutdownNow();
        }
    }
}
