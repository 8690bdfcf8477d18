package io.tributary.gateway.chunk;

import io.tributary.proto.ChunkId;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sealed chunk payloads in append-only segment files on the SSD tier. A record is a small header
 * (magic, length, chunk id) and the sealed bytes; its location is (segment, offset, length).
 * Space is reserved under a lock and written outside it, so appends of many uploads proceed at
 * once; the newest segment rolls at a size limit ({@link #MAX_SEGMENT_BYTES} by default). Space comes back when a segment
 * is deleted, after {@link ChunkStore} copied its live records elsewhere.
 *
 * <p>Payloads never pass through a database log: written once here, then synced in groups.
 * Each write and read runs on the caller's thread ({@link SegmentFile}): handing them to an I/O
 * thread pool cost a thread wake-up per chunk, most of a small file's time on a busy machine.
 */
final class SegmentStore implements AutoCloseable {
    static final long MAX_SEGMENT_BYTES = 256L << 20;
    static final int HEADER = 4 + 4 + ChunkId.LENGTH;
    private static final int MAGIC = 0x54524231; // "TRB1"

    private final Path dir;
    private final long maxSegmentBytes;
    private final Map<Integer, SegmentFile> channels = new ConcurrentHashMap<>();
    private final Object appendLock = new Object();
    /** Room for a record of the largest default chunk, sealed; 16 of them at most. */
    private final DirectBuffers buffers = new DirectBuffers(HEADER + (512 << 10), 16);
    private int current;
    private long currentSize;
    /** Segments written since the last sync. Guarded by appendLock. */
    private final List<SegmentFile> dirty = new ArrayList<>();
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
        SegmentFile channel = SegmentFile.create(file(segment));
        channels.put(segment, channel);
        current = segment;
        currentSize = 0;
    }

    /**
     * Appends a record; it is in the operating system's hands on return, on disk after
     * {@link #sync()}. The caller records the location, then calls {@link #settled}.
     */
    ChunkLocation append(ChunkId id, byte[] sealed) throws IOException {
        ByteBuffer record = buffers.take(HEADER + sealed.length);
        try {
            return append(id, sealed, record);
        } finally {
            buffers.give(record);
        }
    }

    private ChunkLocation append(ChunkId id, byte[] sealed, ByteBuffer record) throws IOException {
        record.putInt(MAGIC).putInt(sealed.length).put(id.toBytes()).put(sealed).flip();
        int segment;
        long offset;
        SegmentFile channel;
        synchronized (appendLock) {
            if (currentSize > 0 && currentSize + record.remaining() > maxSegmentBytes) {
                roll(current + 1);
            }
            segment = current;
            offset = currentSize;
            currentSize += record.remaining();
            channel = channels.get(segment);
            unsettled.merge(segment, 1, Integer::sum);
            if (!dirty.contains(channel)) {
                dirty.add(channel);
            }
        }
        channel.writeFully(record, offset);
        return new ChunkLocation(segment, offset, sealed.length);
    }

    /** Forces every segment written since the last call to the device. */
    void sync() throws IOException {
        List<SegmentFile> toForce;
        synchronized (appendLock) {
            toForce = new ArrayList<>(dirty);
            dirty.clear();
        }
        for (SegmentFile channel : toForce) {
            try {
                channel.force();
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
        SegmentFile channel = channel(location.segment());
        ByteBuffer buf = buffers.take(HEADER + location.length());
        try {
            if (!channel.readFully(buf, location.offset())) {
                throw new IOException("segment " + location.segment() + " ends before the record at " + location.offset());
            }
            buf.flip();
            int magic = buf.getInt();
            int length = buf.getInt();
            byte[] recordId = new byte[ChunkId.LENGTH];
            buf.get(recordId);
            if (magic != MAGIC || length != location.length() || !ChunkId.of(recordId).equals(id)) {
                throw new IOException("segment " + location.segment() + " holds no record of chunk " + id + " at " + location.offset());
            }
            byte[] sealed = new byte[location.length()];
            buf.get(sealed);
            return sealed;
        } finally {
            buffers.give(buf);
        }
    }

    private SegmentFile channel(int segment) throws IOException {
        SegmentFile channel = channels.get(segment);
        if (channel != null) {
            return channel;
        }
        try {
            SegmentFile opened = SegmentFile.open(file(segment));
            SegmentFile raced = channels.putIfAbsent(segment, opened);
            if (raced != null) {
                opened.close();
                return raced;
            }
            return opened;
        } catch (NoSuchFileException e) {
            throw new ClosedChannelException();
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
        SegmentFile channel = channels.remove(segment);
        if (channel != null) {
            channel.close();
        }
        Files.deleteIfExists(file(segment));
    }

    @Override
    public void close() throws IOException {
        synchronized (appendLock) {
            for (SegmentFile channel : channels.values()) {
                channel.force();
                channel.close();
            }
            channels.clear();
        }
    }
}
