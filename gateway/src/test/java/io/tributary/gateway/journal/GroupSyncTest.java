package io.tributary.gateway.journal;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GroupSyncTest {
    @Test
    void concurrentCallersShareFlushesAndEachIsCoveredByOneThatStartedAfterIt() throws Exception {
        AtomicLong written = new AtomicLong();
        AtomicLong flushedUpTo = new AtomicLong();
        AtomicInteger flushes = new AtomicInteger();
        CountDownLatch firstFlushEntered = new CountDownLatch(1);
        CountDownLatch releaseFirstFlush = new CountDownLatch(1);
        GroupSync sync = new GroupSync(() -> {
            long snapshot = written.get();
            if (flushes.getAndIncrement() == 0) {
                firstFlushEntered.countDown();
                try {
                    // Hold the first flush so that the other callers pile up behind it.
                    assertTrue(releaseFirstFlush.await(10, TimeUnit.SECONDS));
                } catch (InterruptedException e) {
                    throw new IOException(e);
                }
            }
            flushedUpTo.accumulateAndGet(snapshot, Math::max);
        }, n -> { });

        ExecutorService pool = Executors.newFixedThreadPool(17);
        try {
            Future<?> first = pool.submit(() -> {
                written.incrementAndGet();
                sync.sync();
            });
            assertTrue(firstFlushEntered.await(10, TimeUnit.SECONDS));
            List<Future<Long>> others = new ArrayList<>();
            CountDownLatch allWrote = new CountDownLatch(16);
            for (int i = 0; i < 16; i++) {
                others.add(pool.submit(() -> {
                    long mine = written.incrementAndGet();
                    allWrote.countDown();
                    sync.sync();
                    return mine;
                }));
            }
            assertTrue(allWrote.await(10, TimeUnit.SECONDS));
            releaseFirstFlush.countDown();
            first.get(10, TimeUnit.SECONDS);
            for (Future<Long> f : others) {
                long mine = f.get(10, TimeUnit.SECONDS);
                assertTrue(flushedUpTo.get() >= mine, "a caller returned before its write was flushed");
            }
            // 17 callers, but the 16 that waited behind the first flush shared far fewer flushes.
            assertTrue(flushes.get() <= 3, "flushes: " + flushes.get());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aFailedFlushFailsEveryLaterCaller() {
        AtomicInteger calls = new AtomicInteger();
        GroupSync sync = new GroupSync(() -> {
            if (calls.incrementAndGet() == 2) {
                throw new IOException("EIO");
            }
        }, n -> { });
        sync.sync();
        assertFalse(sync.failed());
        assertThrows(UncheckedIOException.class, sync::sync);
        assertTrue(sync.failed());
        assertThrows(UncheckedIOException.class, sync::sync);
        assertEquals(2, calls.get());
    }
}
