package io.tributary.gateway.chunk;

import io.tributary.proto.ChunkId;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sealed chunk payloads in append-only segment files on the SSD tier. A record is a small header
 * (magic, length, chunk id) and the sealed bytes; its location is (segment, offset, length).
 * Space is reserved under a lock and written outside it, so appends of many uploads proceed at
 * once; the newest segment rolls at a size limit ({@link #MAX_SEGMENT_BYTES} by default). Space comes back when a segment
 * is deleted, after {@link ChunkStore} copied its live records elsewhere.
 *
 * <p>Payloads never pass through a database log: written once here, then synced in groups.
 * Request threads are interrupted when clients go, and an interrupt during I/O closes a
 * {@code FileChannel} for every user of it. Positional reads and writes can be repeated, so a
 * channel closed that way is opened again and the operation repeated on the calling thread;
 * handing every record to another thread instead (an {@code AsynchronousFileChannel}) cost two
 * context switches per chunk.
 */
final class SegmentStore implements AutoCloseable {
    static final long MAX_SEGMENT_BYTES = 256L << 20;
    static final int HEADER = 4 + 4 + ChunkId.LENGTH;
    private static final int MAGIC = 0x54524231; // "TRB1"

    private final Path dir;
    private final long maxSegmentBytes;
    private final Map<Integer, FileChannel> channels = new ConcurrentHashMap<>();
    /** Segments deleted since the store opened; none is opened again. Guarded by openLock. */
    private final Set<Integer> deleted = new HashSet<>();
    private final Object openLock = new Object();
    private final RecordBuffers buffers = new RecordBuffers();
    private final Object appendLock = new Object();
    private int current;
    private long currentSize;
    /** Segments written since the last sync. Guarded by appendLock. */
    private final List<Integer> dirty = new ArrayList<>();
    /** Appends per segment whose location is not yet recorded. Guarded by appendLock. */
    private final Map<Integer, Integer> unsettled = new java.util.HashMap<>();

    private SegmentStore(Path dir, long maxSegmentBytes) {
        this.dir = dir;
        this.maxSegmentBytes = maxSegmentBytes;
    }

    static SegmentStore open(Path dir, long maxSegmentBytes) throws IOException {
        Files.createDirectories(dir);
        SegmentStore store = new SegmentStore(dir, maxSegmentBytes);
        int newest = 0;
        for (int segment : store.segments()) {
            newest = Math.max(newest, segment);
        }
        // Always start a new segment: the newest one may end in a torn record after a crash.
        store.roll(newest + 1);
        return store;
    }

    /** Segment numbers present on disk, in order. */
    List<Integer> segments() throws IOException {
        List<Integer> out = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "seg-*.dat")) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                out.add(Integer.parseInt(name.substring(4, name.length() - 4)));
            }
        }
        out.sort(null);
        return out;
    }

    private Path file(int segment) {
        return dir.resolve(String.format("seg-%010d.dat", segment));
    }

    private void roll(int segment) throws IOException {
        FileChannel channel = FileChannel.open(file(segment), StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE, StandardOpenOption.READ);
        channels.put(segment, channel);
        current = segment;
        currentSize = 0;
    }

    /**
     * Appends a record; it is in the operating system's hands on return, on disk after
     * {@link #sync()}. The caller records the location, then calls {@link #settled}.
     */
    ChunkLocation append(ChunkId id, byte[] sealed) throws IOException {
        ByteBuffer record = buffers.take(HEADER + sealed.length).putInt(MAGIC).putInt(sealed.length);
        record.put(id.toBytes()).put(sealed).flip();
        try {
            return append(record, sealed.length);
        } finally {
            buffers.give(record);
        }
    }

    private ChunkLocation append(ByteBuffer record, int sealedLength) throws IOException {
        int segment;
        long offset;
        synchronized (appendLock) {
            if (currentSize > 0 && currentSize + record.remaining() > maxSegmentBytes) {
                roll(current + 1);
            }
            segment = current;
            offset = currentSize;
            currentSize += record.remaining();
            unsettled.merge(segment, 1, Integer::sum);
            if (!dirty.contains(segment)) {
                dirty.add(segment);
            }
        }
        io(segment, ch -> {
            record.rewind();
            long pos = offset;
            while (record.hasRemaining()) {
                pos += ch.write(record, pos);
            }
        });
        return new ChunkLocation(segment, offset, sealedLength);
    }

    /** Forces every segment written since the last call to the device. */
    void sync() throws IOException {
        List<Integer> toForce;
        synchronized (appendLock) {
            toForce = new ArrayList<>(dirty);
            dirty.clear();
        }
        for (int segment : toForce) {
            try {
                // Any descriptor of the file will do: fsync writes back the file, not the descriptor's
                // writes. (A descriptor opened after an interrupt misses a write-back error from before
                // it opened; dirty pages are written back seconds later, so that window is short.)
                io(segment, ch -> ch.force(false));
            } catch (ClosedChannelException e) {
                // Deleted after compaction; nothing of it is needed any more.
            }
        }
    }

    /**
     * The sealed bytes at {@code location}, checked against the record header.
     *
     * @throws ClosedChannelException if the segment was deleted meanwhile; look the chunk up again
     */
    byte[] read(ChunkId id, ChunkLocation location) throws IOException {
        ByteBuffer buf = buffers.take(HEADER + location.length());
        try {
            return read(id, location, buf);
        } finally {
            buffers.give(buf);
        }
    }

    private byte[] read(ChunkId id, ChunkLocation location, ByteBuffer buf) throws IOException {
        io(location.segment(), ch -> {
            buf.rewind();
            long pos = location.offset();
            while (buf.hasRemaining()) {
                int n = ch.read(buf, pos);
                if (n < 0) {
                    throw new IOException("segment " + location.segment() + " ends before the record at " + location.offset());
                }
                pos += n;
            }
        });
        buf.flip();
        byte[] idBytes = new byte[ChunkId.LENGTH];
        int magic = buf.getInt();
        int length = buf.getInt();
        buf.get(idBytes);
        if (magic != MAGIC || length != location.length() || !ChunkId.of(idBytes).equals(id)) {
            throw new IOException("segment " + location.segment() + " holds no record of chunk " + id + " at " + location.offset());
        }
        byte[] sealed = new byte[location.length()];
        buf.get(sealed);
        return sealed;
    }

    private interface ChannelIo {
        void run(FileChannel channel) throws IOException;
    }

    /**
     * Runs positional I/O on the segment's channel on this thread. If an interrupt closed the
     * channel (this thread's, or another's while this one used it), the channel is opened again
     * and the I/O repeated: it writes the same bytes at the same place, or reads them again. The
     * interrupt status is kept for the caller.
     *
     * @throws ClosedChannelException if the segment was deleted
     */
    private void io(int segment, ChannelIo io) throws IOException {
        boolean interrupted = Thread.interrupted();
        try {
            while (true) {
                FileChannel channel = channel(segment);
                try {
                    io.run(channel);
                    return;
                } catch (ClosedChannelException e) {
                    // Closed by an interrupt (this thread's or another's), or deleted: channel() tells.
                    // A pending interrupt is kept for the caller, not left to close the channel again.
                    interrupted |= Thread.interrupted();
                    channels.remove(segment, channel);
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private FileChannel channel(int segment) throws IOException {
        FileChannel channel = channels.get(segment);
        if (channel != null) {
            return channel;
        }
        // Rare (a segment's first read after a start, or after an interrupt): under a lock, so a
        // delete cannot slip between the check and the open and leave a channel to a deleted file.
        synchronized (openLock) {
            channel = channels.get(segment);
            if (channel != null) {
                return channel;
            }
            if (deleted.contains(segment)) {
                throw new ClosedChannelException();
            }
            try {
                channel = FileChannel.open(file(segment), StandardOpenOption.READ, StandardOpenOption.WRITE);
            } catch (NoSuchFileException e) {
                throw new ClosedChannelException();
            }
            channels.put(segment, channel);
            return channel;
        }
    }

    /** The location of an appended record is recorded (or the append failed). */
    void settled(ChunkLocation location) {
        synchronized (appendLock) {
            unsettled.computeIfPresent(location.segment(), (k, n) -> n == 1 ? null : n - 1);
        }
    }

    /**
     * True once no append can reach the segment any more and every append to it is recorded:
     * only then do the recorded locations tell the whole story of what it holds.
     */
    boolean finished(int segment) {
        synchronized (appendLock) {
            return segment < current && !unsettled.containsKey(segment);
        }
    }

    long size(int segment) throws IOException {
        try {
            return Files.size(file(segment));
        } catch (NoSuchFileException e) {
            return 0;
        }
    }

    /** Deletes a segment none of whose records is referenced any more. Readers still on it get a ClosedChannelException. */
    void delete(int segment) throws IOException {
        if (!finished(segment)) {
            throw new IllegalArgumentException("segment " + segment + " is still being written");
        }
        FileChannel channel;
        synchronized (openLock) {
            deleted.add(segment);
            channel = channels.remove(segment);
        }
        if (channel != null) {
            channel.close();
        }
        Files.deleteIfExists(file(segment));
    }

    @Override
    public void close() throws IOException {
        synchronized (appendLock) {
            for (FileChannel channel : channels.values()) {
                channel.force(false);
                channel.close();
            }
            channels.clear();
        }
    }
}
