package io.tributary.gateway.share;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LockManagerTest {
    private static final Duration MINUTE = Duration.ofMinutes(1);

    /** A clock the test moves by hand, so expiry is exercised without waiting. */
    private static final class TestClock extends Clock {
        private Instant now = Instant.parse("2025-01-01T00:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }
    }

    private final TestClock clock = new TestClock();
    private final LockManager locks = new LockManager(clock);

    private static SharePath path(String p) {
        return SharePath.parse(p);
    }

    private ActiveLock exclusive(String p, boolean deep, String principal) {
        return locks.lock(path(p), true, deep, null, principal, MINUTE);
    }

    private ActiveLock shared(String p, boolean deep, String principal) {
        return locks.lock(path(p), false, deep, null, principal, MINUTE);
    }

    private void assertLocked(Runnable r) {
        ShareException e = assertThrows(ShareException.class, r::run);
        assertEquals(ShareException.Kind.LOCKED, e.kind());
    }

    @Test
    void grantedLockCarriesWhatWasAsked() {
        ActiveLock lock = locks.lock(path("/a/b"), true, true, "<D:owner>me</D:owner>", "alice", MINUTE);
        assertTrue(lock.token().matches("urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"),
                lock.token());
        assertEquals(path("/a/b"), lock.root());
        assertTrue(lock.exclusive());
        assertTrue(lock.deep());
        assertEquals("<D:owner>me</D:owner>", lock.ownerXml());
        assertEquals("alice", lock.principal());
        assertEquals(MINUTE, lock.timeout());
        assertEquals(clock.instant().plus(MINUTE), lock.expires());
        assertEquals(lock, locks.byToken(lock.token()).orElseThrow());
    }

    @Test
    void tokensAreUnique() {
        ActiveLock a = shared("/a", false, "alice");
        ActiveLock b = shared("/a", false, "alice");
        assertFalse(a.token().equals(b.token()));
    }

    @Test
    void timeoutIsCappedAndDefaulted() {
        assertEquals(LockManager.MAX_TIMEOUT,
                locks.lock(path("/a"), false, false, null, "alice", Duration.ofDays(3)).timeout());
        assertEquals(LockManager.MAX_TIMEOUT, locks.lock(path("/b"), false, false, null, "alice", null).timeout());
        assertThrows(IllegalArgumentException.class,
                () -> locks.lock(path("/c"), false, false, null, "alice", Duration.ZERO));
    }

    @Test
    void sharedAndSharedCoexist() {
        ActiveLock a = shared("/doc", false, "alice");
        ActiveLock b = shared("/doc", false, "bob");
        assertEquals(List.of(a, b), locks.covering(path("/doc")));
    }

    @Test
    void exclusiveAndSharedConflictEitherWay() {
        ActiveLock held = exclusive("/doc", false, "alice");
        ShareException e = assertThrows(ShareException.class, () -> shared("/doc", false, "bob"));
        assertEquals(ShareException.Kind.LOCKED, e.kind());
        assertTrue(e.getMessage().contains("/doc"), e.getMessage());
        assertLocked(() -> exclusive("/doc", false, "alice"));

        locks.unlock(path("/doc"), held.token());
        shared("/doc", false, "bob");
        assertLocked(() -> exclusive("/doc", false, "alice"));
    }

    @Test
    void deepAncestorLockBlocksChildButShallowOneDoesNot() {
        exclusive("/dir", true, "alice");
        ShareException e = assertThrows(ShareException.class, () -> exclusive("/dir/sub/file", false, "bob"));
        assertEquals(ShareException.Kind.LOCKED, e.kind());
        assertTrue(e.getMessage().contains("/dir"), e.getMessage());
        assertLocked(() -> shared("/dir/sub", false, "bob"));

        exclusive("/other", false, "alice");
        ActiveLock child = exclusive("/other/file", false, "bob");
        assertEquals(List.of(child), locks.covering(path("/other/file")));
    }

    @Test
    void deepNewLockIsBlockedByALockBelow() {
        exclusive("/dir/sub/file", false, "bob");
        ShareException e = assertThrows(ShareException.class, () -> shared("/dir", true, "alice"));
        assertTrue(e.getMessage().contains("/dir/sub/file"), e.getMessage());
        assertLocked(() -> exclusive("/", true, "alice"));
        // Depth 0 on the collection does not cover its members, so it is no conflict.
        exclusive("/dir", false, "alice");
        // A lock on a sibling whose name merely extends the path is not below it.
        exclusive("/di", true, "alice");
    }

    @Test
    void sharedDeepLocksNest() {
        ActiveLock outer = shared("/dir", true, "alice");
        ActiveLock inner = shared("/dir/sub", true, "bob");
        assertEquals(List.of(outer, inner), locks.covering(path("/dir/sub/x")));
        assertLocked(() -> exclusive("/dir/sub/x", false, "carol"));
    }

    @Test
    void coveringIsSortedByRootDepth() {
        ActiveLock deepest = shared("/a/b/c", false, "u");
        ActiveLock middle = shared("/a/b", true, "u");
        ActiveLock top = shared("/", true, "u");
        shared("/a/b/c/d", false, "u");
        shared("/x", true, "u");
        assertEquals(List.of(top, middle, deepest), locks.covering(path("/a/b/c")));
    }

    @Test
    void withinFindsLocksRootedAtOrBelowOnly() {
        ActiveLock at = shared("/a", false, "u");
        ActiveLock below = shared("/a/b/c", false, "u");
        shared("/", true, "u");
        shared("/ab", false, "u");
        shared("/b", false, "u");
        assertEquals(Set.of(at, below), Set.copyOf(locks.within(path("/a"))));
        assertEquals(2, locks.within(path("/a")).size());
    }

    @Test
    void refreshExtendsExpiry() {
        ActiveLock lock = exclusive("/doc", false, "alice");
        clock.advance(Duration.ofSeconds(50));
        ActiveLock renewed = locks.refresh(path("/doc"), lock.token(), Duration.ofMinutes(2)).orElseThrow();
        assertEquals(lock.token(), renewed.token());
        assertEquals(Duration.ofMinutes(2), renewed.timeout());
        assertEquals(clock.instant().plus(Duration.ofMinutes(2)), renewed.expires());

        clock.advance(Duration.ofSeconds(30)); // past the original expiry
        assertEquals(List.of(renewed), locks.covering(path("/doc")));
        assertLocked(() -> shared("/doc", false, "bob"));
    }

    @Test
    void refreshThroughADeepLocksMemberButNotElsewhere() {
        ActiveLock lock = exclusive("/dir", true, "alice");
        assertTrue(locks.refresh(path("/dir/file"), lock.token(), MINUTE).isPresent());
        assertTrue(locks.refresh(path("/elsewhere"), lock.token(), MINUTE).isEmpty());
        assertTrue(locks.refresh(path("/dir"), "urn:uuid:00000000-0000-0000-0000-000000000000", MINUTE).isEmpty());
    }

    @Test
    void expiryFreesTheResource() {
        ActiveLock lock = exclusive("/doc", false, "alice");
        clock.advance(MINUTE.minusSeconds(1));
        assertEquals(List.of(lock), locks.covering(path("/doc")));
        clock.advance(Duration.ofSeconds(1));
        assertEquals(List.of(), locks.covering(path("/doc")));
        assertTrue(locks.byToken(lock.token()).isEmpty());
        assertTrue(locks.refresh(path("/doc"), lock.token(), MINUTE).isEmpty());
        exclusive("/doc", false, "bob");
    }

    @Test
    void unlockNeedsTheRightTokenAndAPathItCovers() {
        ActiveLock lock = exclusive("/dir", false, "alice");
        assertFalse(locks.unlock(path("/dir"), "urn:uuid:00000000-0000-0000-0000-000000000000"));
        assertFalse(locks.unlock(path("/dir/file"), lock.token()));
        assertEquals(List.of(lock), locks.covering(path("/dir")));

        assertTrue(locks.unlock(path("/dir"), lock.token()));
        assertFalse(locks.unlock(path("/dir"), lock.token()));
        assertEquals(List.of(), locks.covering(path("/dir")));
    }

    @Test
    void checkWritableWithAndWithoutToken() {
        ActiveLock lock = exclusive("/dir", true, "alice");
        locks.checkWritable(path("/free"), Set.of(), "bob", false);
        assertLocked(() -> locks.checkWritable(path("/dir/file"), Set.of(), "alice", false));
        assertLocked(() -> locks.checkWritable(path("/dir/file"), Set.of("urn:uuid:other"), "alice", false));
        locks.checkWritable(path("/dir/file"), Set.of(lock.token()), "alice", false);
        locks.checkWritable(path("/dir"), Set.of("urn:uuid:other", lock.token()), "alice", true);
    }

    @Test
    void anotherPrincipalsTokenDoesNotCount() {
        ActiveLock lock = exclusive("/doc", false, "alice");
        assertLocked(() -> locks.checkWritable(path("/doc"), Set.of(lock.token()), "mallory", false));
    }

    @Test
    void recursiveCheckCoversLocksBelow() {
        ActiveLock below = exclusive("/dir/sub/file", false, "bob");
        locks.checkWritable(path("/dir"), Set.of(), "alice", false);
        ShareException e = assertThrows(ShareException.class,
                () -> locks.checkWritable(path("/dir"), Set.of(), "alice", true));
        assertTrue(e.getMessage().contains("/dir/sub/file"), e.getMessage());
        assertLocked(() -> locks.checkWritable(path("/dir"), Set.of(below.token()), "alice", true));
        locks.checkWritable(path("/dir"), Set.of(below.token()), "bob", true);
    }

    @Test
    void anyHeldSharedLockMakesTheResourceWritable() {
        ActiveLock alices = shared("/doc", false, "alice");
        ActiveLock bobs = shared("/doc", false, "bob");
        locks.checkWritable(path("/doc"), Set.of(alices.token()), "alice", false);
        locks.checkWritable(path("/doc"), Set.of(bobs.token()), "bob", false);
        assertLocked(() -> locks.checkWritable(path("/doc"), Set.of(alices.token()), "bob", false));
        assertLocked(() -> locks.checkWritable(path("/doc"), Set.of(), "carol", false));
    }

    @Test
    void expiredLockNoLongerBlocksWrites() {
        exclusive("/doc", false, "alice");
        clock.advance(MINUTE);
        locks.checkWritable(path("/doc"), Set.of(), "bob", true);
    }

    @Test
    void releaseDropsLocksAtAndBelowOnly() {
        ActiveLock at = exclusive("/dir", false, "alice");
        ActiveLock below = exclusive("/dir/a/b", true, "bob");
        ActiveLock sibling = exclusive("/dir2", true, "bob");
        ActiveLock above = shared("/", false, "carol");
        locks.release(path("/dir"));
        assertEquals(List.of(), locks.within(path("/dir")));
        assertTrue(locks.byToken(at.token()).isEmpty());
        assertTrue(locks.byToken(below.token()).isEmpty());
        assertEquals(List.of(sibling), locks.within(path("/dir2")));
        assertEquals(above, locks.byToken(above.token()).orElseThrow());
        exclusive("/dir/a/b/c", false, "carol");
    }

    @Test
    void theNumberOfLocksIsBounded() {
        LockManager small = new LockManager(clock, 2);
        small.lock(path("/a"), false, false, null, "u", MINUTE);
        ActiveLock second = small.lock(path("/b"), false, false, null, "u", MINUTE);
        ShareException e = assertThrows(ShareException.class,
                () -> small.lock(path("/c"), false, false, null, "u", MINUTE));
        assertEquals(ShareException.Kind.LOCKED, e.kind());
        assertTrue(e.getMessage().contains("maximum"), e.getMessage());

        assertTrue(small.unlock(path("/b"), second.token()));
        small.lock(path("/c"), false, false, null, "u", MINUTE);
        clock.advance(MINUTE); // expired locks free their slots too
        small.lock(path("/d"), false, false, null, "u", MINUTE);
        small.lock(path("/e"), false, false, null, "u", MINUTE);
    }

    @Test
    void oversizedOwnerIsRefused() {
        String owner = "x".repeat(LockManager.MAX_OWNER_CHARS + 1);
        ShareException e = assertThrows(ShareException.class,
                () -> locks.lock(path("/a"), false, false, owner, "u", MINUTE));
        assertEquals(ShareException.Kind.TOO_LARGE, e.kind());
    }
}
