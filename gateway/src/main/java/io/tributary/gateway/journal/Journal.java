package io.tributary.gateway.journal;

import io.tributary.proto.log.LogContext;
import io.tributary.gateway.fs.RollFiles;
import io.tributary.gateway.observe.GatewayMetrics;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.core.time.TimeProvider;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The write-ahead journal of namespace changes, in a Chronicle Queue. A change is appended before
 * it is applied to the namespace; the namespace records the index of the last change it applied,
 * so after a crash the changes past it are replayed. The uplink tails the same queue.
 *
 * <p>Appends must be serialized by the caller (the namespace holds its write lock); {@link #sync()}
 * may be called by many threads at once and shares one flush among them.
 */
public final class Journal implements AutoCloseable {
    /** Replayed changes in journal order. */
    @FunctionalInterface
    public interface Visitor {
        void change(long index, Change change);
    }

    private static final long BLOCK_SIZE = 128L << 20;
    /** Present in the journal directory once older files were trimmed. */
    private static final String TRIMMED_MARKER = "trimmed";

    private final ChronicleQueue queue;
    private final Path dir;
    private final ExcerptAppender appender;
    private final GroupSync sync;
    private final Durability durability;
    private final GatewayMetrics metrics;

    private Journal(ChronicleQueue queue, Path dir, Durability durability, GatewayMetrics metrics) {
        this.queue = queue;
        this.dir = dir;
        this.durability = durability;
        this.metrics = metrics;
        this.appender = queue.createAppender();
        // One appender, used by whichever thread holds the namespace's write lock.
        this.appender.singleThreadedCheckDisabled(true);
        this.sync = new GroupSync(this::flush, metrics.groupCommitSize::update);
    }

    public static Journal open(Path dir, Durability durability, GatewayMetrics metrics) {
        // A message may take up to a quarter of a block: 32 MiB holds the manifest of a ~50 GiB file.
        return new Journal(SingleChronicleQueueBuilder.single(dir.toFile()).blockSize(BLOCK_SIZE).build(), dir, durability, metrics);
    }

    /** As {@link #open(Path, Durability, GatewayMetrics)}, with the roll cycle and clock given (tests). */
    static Journal open(Path dir, Durability durability, GatewayMetrics metrics, RollCycle rollCycle, TimeProvider time) {
        ChronicleQueue queue = SingleChronicleQueueBuilder.single(dir.toFile()).blockSize(BLOCK_SIZE)
                .rollCycle(rollCycle).timeProvider(time).build();
        return new Journal(queue, dir, durability, metrics);
    }

    /**
     * Deletes the journal's roll files (one per day) that hold only entries before the file of
     * {@code index}: once central has every change up to {@code index} and the namespace has
     * applied them, nothing reads those entries again. The file holding {@code index} stays, so
     * a reader can still resume after it. Returns how many files went.
     */
    public int trimBefore(long index) {
        if (index < 0 || !(queue instanceof SingleChronicleQueue q)) {
            return 0;
        }
        if (q.firstCycle() >= q.rollCycle().toCycle(index)) {
            return 0;
        }
        try {
            // First, so that a crash halfway through still leaves the journal marked as trimmed.
            Files.writeString(dir.resolve(TRIMMED_MARKER), "trimmed before " + Long.toHexString(index) + "\n");
        } catch (IOException e) {
            return 0;
        }
        int deleted = RollFiles.deleteBefore(q, dir, index);
        if (deleted > 0) {
            metrics.journalFilesTrimmed.inc(deleted);
        }
        return deleted;
    }

    /** True once {@link #trimBefore} has deleted (or begun to delete) older files. */
    public boolean trimmed() {
        return Files.exists(dir.resolve(TRIMMED_MARKER));
    }

    /** Index of the oldest change still in the journal, or -1 for an empty journal. */
    public long firstIndex() {
        long first = queue.firstIndex();
        return first == Long.MAX_VALUE || first < 0 ? -1 : first;
    }

    /**
     * Appends a change, with the id of the request this thread serves (if any) so that it can be
     * traced upstream; returns its index. Not yet durable: call {@link #sync()}.
     */
    public long append(Change change) {
        byte[] bytes = ChangeCodec.encode(change, LogContext.requestId());
        try (DocumentContext dc = appender.writingDocument()) {
            dc.wire().bytes().write(bytes);
        }
        metrics.journalEntries.inc();
        return appender.lastIndexAppended();
    }

    /** Makes every change appended before this call durable to the configured degree. */
    public void sync() {
        if (durability == Durability.FSYNC) {
            sync.sync();
        }
    }

    private void flush() {
        appender.sync();
        metrics.journalSyncs.inc();
    }

    /** False once a flush to disk has failed: the journal takes no more writes. */
    public boolean writable() {
        return !sync.failed();
    }

    /** Index of the newest change, or -1 for an empty journal. */
    public long lastIndex() {
        long last = queue.lastIndex();
        return last < 0 ? -1 : last;
    }

    /**
     * Visits every change after {@code afterIndex} (-1 or less: from the start), in order.
     *
     * @throws IllegalStateException if some of those changes were trimmed away
     */
    public long replay(long afterIndex, Visitor visitor) {
        if (afterIndex < 0 ? trimmed() : afterIndex < firstIndex()) {
            throw new IllegalStateException("the journal no longer holds the changes after "
                    + (afterIndex < 0 ? "its start" : Long.toHexString(afterIndex)) + " (older files were trimmed once central"
                    + " had them; it now starts at " + Long.toHexString(firstIndex()) + "); the namespace index is older"
                    + " than the journal and cannot be brought up to date from it");
        }
        return replayKept(afterIndex, visitor);
    }

    /**
     * As {@link #replay}, but if the changes after {@code afterIndex} were partly trimmed, visits
     * those that are left: for readers that only need what central may not have.
     */
    public long replayKept(long afterIndex, Visitor visitor) {
        long count = 0;
        try (ExcerptTailer tailer = queue.createTailer()) {
            positionAfter(tailer, afterIndex);
            while (true) {
                try (DocumentContext dc = tailer.readingDocument()) {
                    if (!dc.isPresent()) {
                        break;
                    }
                    long index = dc.index();
                    byte[] bytes = dc.wire().bytes().toByteArray();
                    visitor.change(index, ChangeCodec.decode(bytes));
                    count++;
                }
            }
        }
        return count;
    }

    /**
     * Bytes of the {@code entries} entries after {@code afterIndex}: counted one by one for the
     * first {@code counted}, estimated from their average beyond, so a long backlog costs a
     * bounded read.
     */
    public long bytesAfter(long afterIndex, long entries, int counted) {
        if (entries <= 0) {
            return 0;
        }
        long bytes = 0;
        long seen = 0;
        try (ExcerptTailer tailer = queue.createTailer()) {
            positionAfter(tailer, afterIndex);
            while (seen < counted) {
                try (DocumentContext dc = tailer.readingDocument()) {
                    if (!dc.isPresent()) {
                        break;
                    }
                    bytes += dc.wire().bytes().readRemaining();
                    seen++;
                }
            }
        } catch (IllegalStateException e) {
            return 0;
        }
        return seen == 0 || seen >= entries ? bytes : bytes + (entries - seen) * bytes / seen;
    }

    /** One journal entry as a reader sees it; {@code requestId} is null when no client request made it. */
    public record Entry(long index, Change change, int bytes, String requestId) {
    }

    /**
     * A reader that follows the journal from after {@code afterIndex} (-1: from the start) as it
     * grows. Use it from one thread.
     */
    public Tail tail(long afterIndex) {
        ExcerptTailer tailer = queue.createTailer();
        try {
            positionAfter(tailer, afterIndex);
        } catch (IllegalStateException e) {
            tailer.close();
            throw e;
        }
        return new Tail(tailer);
    }

    /**
     * Puts {@code tailer} right after {@code afterIndex} (-1 or less: at the start). An index that
     * was trimmed away puts it at the first entry left: whoever asks to resume there (a crash lost
     * the record of the trim, or a central restored from an old backup) gets all that is left.
     */
    private void positionAfter(ExcerptTailer tailer, long afterIndex) {
        if (afterIndex < 0 || afterIndex < firstIndex()) {
            tailer.toStart();
            return;
        }
        if (!tailer.moveToIndex(afterIndex)) {
            throw new IllegalStateException("journal has no entry " + Long.toHexString(afterIndex)
                    + " to resume after; the journal directory was changed or lost");
        }
        try (DocumentContext dc = tailer.readingDocument()) {
            // moveToIndex positions at afterIndex itself; step over it.
            dc.isPresent();
        }
    }

    /** See {@link #tail}. */
    public static final class Tail implements AutoCloseable {
        private final ExcerptTailer tailer;

        private Tail(ExcerptTailer tailer) {
            this.tailer = tailer;
        }

        /** The next entry, or null if there is none yet. */
        public Entry next() {
            try (DocumentContext dc = tailer.readingDocument()) {
                if (!dc.isPresent()) {
                    return null;
                }
                byte[] bytes = dc.wire().bytes().toByteArray();
                return new Entry(dc.index(), ChangeCodec.decode(bytes), bytes.length, ChangeCodec.requestId(bytes));
            }
        }

        @Override
        public void close() {
            tailer.close();
        }
    }

    @Override
    public void close() {
        appender.close();
        queue.close();
    }
}
