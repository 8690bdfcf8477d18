package io.tributary.gateway.chunk;

import io.tributary.proto.ChunkId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.channels.ClosedChannelException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(value = 2, unit = TimeUnit.MINUTES)
class SegmentStoreTest {
    @TempDir
    Path dir;

    private record Record(ChunkId id, byte[] sealed) {
    }

    @Test
    void interruptedWritersAndReadersLeaveEveryRecordWholeForEveryoneElse() throws Exception {
        // One entry per record, so a reader never sees a location whose id is not yet known.
        Map<ChunkLocation, Record> written = new ConcurrentHashMap<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicInteger interruptsSeen = new AtomicInteger();
        try (SegmentStore segments = SegmentStore.open(dir, 1 << 20)) {
            List<Thread> writers = new ArrayList<>();
            CountDownLatch started = new CountDownLatch(4);
            for (int w = 0; w < 4; w++) {
                int seed = w;
                writers.add(Thread.ofPlatform().start(() -> {
                    Random random = new Random(seed);
                    started.countDown();
                    try {
                        for (int i = 0; i < 400; i++) {
                            byte[] sealed = new byte[100 + random.nextInt(8000)];
                            random.nextBytes(sealed);
                            byte[] idBytes = new byte[ChunkId.LENGTH];
                            random.nextBytes(idBytes);
                            ChunkId id = ChunkId.of(idBytes);
                            ChunkLocation loc = segments.append(id, sealed);
                            segments.settled(loc);
                            written.put(loc, new Record(id, sealed));
                            // Read back a record of any writer, interrupted or not.
                            Map.Entry<ChunkLocation, Record> any = written.entrySet().iterator().next();
                            assertArrayEquals(any.getValue().sealed(), segments.read(any.getValue().id(), any.getKey()));
                            if (Thread.interrupted()) {
                                interruptsSeen.incrementAndGet();
                            }
                        }
                    } catch (Throwable t) {
                        failure.compareAndSet(null, t);
                    }
                }));
            }
            assertTrue(started.await(30, TimeUnit.SECONDS));
            // Interrupt the writers thousands of times a second while they write: each interrupt
            // closes a plain FileChannel under everyone's feet.
            AtomicBoolean done = new AtomicBoolean();
            Thread interrupter = Thread.ofPlatform().start(() -> {
                Random random = new Random(99);
                while (!done.get()) {
                    writers.get(random.nextInt(writers.size())).interrupt();
                    java.util.concurrent.locks.LockSupport.parkNanos(100_000);
                }
            });
            for (Thread t : writers) {
                t.join(TimeUnit.SECONDS.toMillis(60));
            }
            done.set(true);
            interrupter.join();
            assertNull(failure.get(), () -> "a writer failed: " + failure.get());
            assertTrue(interruptsSeen.get() > 0, "the writers were interrupted and kept their interrupt status");
            segments.sync();
            assertEquals(1600, written.size());
            for (Map.Entry<ChunkLocation, Record> e : written.entrySet()) {
                assertArrayEquals(e.getValue().sealed(), segments.read(e.getValue().id(), e.getKey()));
            }
        }
        // And after a restart, from the files alone.
        try (SegmentStore reopened = SegmentStore.open(dir, 1 << 20)) {
            for (Map.Entry<ChunkLocation, Record> e : written.entrySet()) {
                assertArrayEquals(e.getValue().sealed(), reopened.read(e.getValue().id(), e.getKey()));
            }
        }
    }

    @Test
    void aDeletedSegmentTellsItsReadersSo() throws Exception {
        try (SegmentStore segments = SegmentStore.open(dir, 64 << 10)) {
            ChunkId id = ChunkId.of(new byte[ChunkId.LENGTH]);
            ChunkLocation first = segments.append(id, new byte[40 << 10]);
            segments.settled(first);
            ChunkLocation second = segments.append(id, new byte[40 << 10]);
            segments.settled(second);
            assertTrue(second.segment() > first.segment(), "the first segment rolled over");
            segments.read(id, first);
            segments.delete(first.segment());
            assertThrows(ClosedChannelException.class, () -> segments.read(id, first));
            assertEquals(40 << 10, segments.read(id, second).length);
        }
    }

    @Test
    void recordsLargerThanAKeptBufferAndRecordsAfterThemReadBackWhole() throws Exception {
        Random random = new Random(7);
        try (SegmentStore segments = SegmentStore.open(dir, SegmentStore.MAX_SEGMENT_BYTES)) {
            // Large, small, large again: a kept buffer must not carry bytes of one record into the next.
            int[] sizes = {RecordBuffers.CAPACITY + 1, 3, RecordBuffers.CAPACITY - SegmentStore.HEADER, 2 << 20, 17};
            List<byte[]> written = new ArrayList<>();
            List<ChunkLocation> locations = new ArrayList<>();
            for (int i = 0; i < sizes.length; i++) {
                byte[] idBytes = new byte[ChunkId.LENGTH];
                idBytes[0] = (byte) i;
                byte[] sealed = new byte[sizes[i]];
                random.nextBytes(sealed);
                ChunkLocation location = segments.append(ChunkId.of(idBytes), sealed);
                segments.settled(location);
                written.add(sealed);
                locations.add(location);
            }
            segments.sync();
            for (int i = sizes.length - 1; i >= 0; i--) {
                byte[] idBytes = new byte[ChunkId.LENGTH];
                idBytes[0] = (byte) i;
                assertArrayEquals(written.get(i), segments.read(ChunkId.of(idBytes), locations.get(i)), "record " + i);
            }
        }
    }
}
