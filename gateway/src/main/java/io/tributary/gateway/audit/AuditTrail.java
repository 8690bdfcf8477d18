package io.tributary.gateway.audit;

import com.google.protobuf.InvalidProtocolBufferException;
import io.tributary.proto.v1.AuditEntry;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import io.tributary.gateway.fs.RollFiles;
import net.openhft.chronicle.wire.DocumentContext;

import java.nio.file.Path;
import java.time.Clock;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The gateway's audit records, appended to a Chronicle Queue in their own directory. A record's
 * index in the queue is its audit index: increasing, so central, which acknowledges the highest
 * index it has recorded, can tell a resent record from a new one.
 *
 * <p>Records are written to the queue's memory-mapped file when the action is answered, without
 * an fsync of their own: a killed process loses none, a power cut may lose the last few, as the
 * page cache holds them. The journal, not the audit trail, is what makes a write durable.
 *
 * <p>Thread-safe; other processes (the command line's key actions) may append to the same
 * directory while a gateway runs.
 */
public final class AuditTrail implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(AuditTrail.class.getName());
    private static final long BLOCK_SIZE = 4L << 20;

    private final ChronicleQueue queue;
    private final Path dir;
    private final ExcerptAppender appender;
    private final Clock clock;
    private boolean closed;

    private AuditTrail(ChronicleQueue queue, Path dir, Clock clock) {
        this.queue = queue;
        this.dir = dir;
        this.clock = clock;
        this.appender = queue.createAppender();
        this.appender.singleThreadedCheckDisabled(true);
    }

    public static AuditTrail open(Path dir) {
        return open(dir, Clock.systemUTC());
    }

    public static AuditTrail open(Path dir, Clock clock) {
        return new AuditTrail(SingleChronicleQueueBuilder.single(dir.toFile()).blockSize(BLOCK_SIZE).build(), dir, clock);
    }

    /** As {@link #open(Path, Clock)}, with the roll cycle and the queue's clock given (tests). */
    static AuditTrail open(Path dir, Clock clock, net.openhft.chronicle.queue.RollCycle rollCycle,
                           net.openhft.chronicle.core.time.TimeProvider time) {
        return new AuditTrail(SingleChronicleQueueBuilder.single(dir.toFile()).blockSize(BLOCK_SIZE).rollCycle(rollCycle)
                .timeProvider(time).build(), dir, clock);
    }

    /**
     * Records an action now. Never throws: an action that happened is not undone because its
     * record could not be written; the failure is logged instead.
     */
    public void record(String actor, String action, String target, String address, String detail) {
        append(new AuditRecord(clock.millis(), actor, action, target, address, detail));
    }

    /** Appends {@code record}; returns its index, or -1 if it could not be written. */
    public synchronized long append(AuditRecord record) {
        if (closed) {
            LOG.warning(() -> "audit trail closed; not recorded: " + record);
            return -1;
        }
        byte[] bytes = AuditEntry.newBuilder().setAtMillis(record.atMillis()).setActor(record.actor())
                .setAction(record.action()).setTarget(record.target()).setAddress(record.address())
                .setDetail(record.detail()).build().toByteArray();
        try {
            try (DocumentContext dc = appender.writingDocument()) {
                dc.wire().bytes().write(bytes);
            }
            return appender.lastIndexAppended();
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "cannot write the audit record " + record, e);
            return -1;
        }
    }

    /**
     * Deletes the roll files that hold only records before the file of {@code index}: once central
     * has recorded them, its hash chain is their copy. Returns how many files went.
     */
    public synchronized int trimBefore(long index) {
        if (closed || index < 0 || !(queue instanceof SingleChronicleQueue q)) {
            return 0;
        }
        return RollFiles.deleteBefore(q, dir, index);
    }

    /** Index of the newest record, or -1 if there is none. */
    public long lastIndex() {
        long last = queue.lastIndex();
        return last < 0 ? -1 : last;
    }

    /** A reader from after {@code afterIndex} (below the first index: from the start). Use it from one thread. */
    public Tail tail(long afterIndex) {
        ExcerptTailer tailer = queue.createTailer();
        long first = queue.firstIndex();
        if (afterIndex < 0 || first == Long.MAX_VALUE || afterIndex < first || !tailer.moveToIndex(afterIndex)) {
            // An index this queue does not hold: send everything; central drops the records at or
            // below the index it acknowledged, so nothing is recorded twice.
            tailer.toStart();
        } else {
            try (DocumentContext dc = tailer.readingDocument()) {
                // moveToIndex positions at afterIndex itself; step over it.
                dc.isPresent();
            }
        }
        return new Tail(tailer);
    }

    /** See {@link #tail}. */
    public static final class Tail implements AutoCloseable {
        private final ExcerptTailer tailer;

        private Tail(ExcerptTailer tailer) {
            this.tailer = tailer;
        }

        /** The next record with its index set, or null if there is none yet. */
        public AuditEntry next() {
            while (true) {
                try (DocumentContext dc = tailer.readingDocument()) {
                    if (!dc.isPresent()) {
                        return null;
                    }
                    long index = dc.index();
                    try {
                        return AuditEntry.parseFrom(dc.wire().bytes().toByteArray()).toBuilder().setIndex(index).build();
                    } catch (InvalidProtocolBufferException e) {
                        LOG.severe("audit record " + Long.toHexString(index) + " is damaged and is skipped: " + e.getMessage());
                    }
                }
            }
        }

        @Override
        public void close() {
            tailer.close();
        }
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            appender.close();
            queue.close();
        }
    }
}
