package io.tributary.gateway.chunk;

import io.tributary.proto.ChunkId;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.ClosedChannelException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * Sealed chunk payloads in append-only segment files on the SSD tier. A record is a small header
 * (magic, length, chunk id) and the sealed bytes; its location is (segment, offset, length).
 * Space is reserved under a lock and written outside it, so appends of many uploads proceed at
 * once; the newest segment rolls at a size limit ({@link #MAX_SEGMENT_BYTES} by default). Space comes back when a segment
 * is deleted, after {@link ChunkStore} copied its live records elsewhere.
 *
 * <p>Payloads never pass through a database log: written once here, then synced in groups.
 * The channels are asynchronous ones because an interrupted thread closes an ordinary
 * {@code FileChannel} for every other user; request threads are interrupted when clients go.
 */
final class SegmentStore implements AutoCloseable {
    static final long MAX_SEGMENT_BYTES = 256L << 20;
    static final int HEADER = 4 + 4 + ChunkId.LENGTH;
    private static final int MAGIC = 0x54524231; // "TRB1"

    private final Path dir;
    private final long maxSegmentBytes;
    private final Map<Integer, AsynchronousFileChannel> channels = new ConcurrentHashMap<>();
    private final Object appendLock = new Object();
    private int current;
    private long currentSize;
    /** Segments written since the last sync. Guarded by appendLock. */
    private final List<AsynchronousFileChannel> dirty = new ArrayList<>();
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
        AsynchronousFileChannel channel = AsynchronousFileChannel.open(file(segment), StandardOpenOption.CREATE_NEW,
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
        ByteBuffer record = ByteBuffer.allocate(HEADER + sealed.length).putInt(MAGIC).putInt(sealed.length);
        id.copyTo(record.array(), 8);
        record.position(HEADER).put(sealed).flip();
        int segment;
        long offset;
        AsynchronousFileChannel channel;
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
        long pos = offset;
        while (record.hasRemaining()) {
            pos += await(channel.write(record, pos));
        }
        return new ChunkLocation(segment, offset, sealed.length);
    }

    /** Forces every segment written since the last call to the device. */
    void sync() throws IOException {
        List<AsynchronousFileChannel> toForce;
        synchronized (appendLock) {
            toForce = new ArrayList<>(dirty);
            dirty.clear();
        }
        for (AsynchronousFileChannel channel : toForce) {
            try {
                channel.force(false);
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
        AsynchronousFileChannel channel = channel(location.segment());
        ByteBuffer buf = ByteBuffer.allocate(HEADER + location.length());
        long pos = location.offset();
        while (buf.hasRemaining()) {
            int n = await(channel.read(buf, pos));
            if (n < 0) {
                throw new IOException("segment " + location.segment() + " ends before the record at " + location.offset());
            }
            pos += n;
        }
        buf.flip();
        if (buf.getInt() != MAGIC || buf.getInt() != location.length() || !ChunkId.of(buf.array(), 8).equals(id)) {
            throw new IOException("segment " + location.segment() + " holds no record of chunk " + id + " at " + location.offset());
        }
        byte[] sealed = new byte[location.length()];
        System.arraycopy(buf.array(), HEADER, sealed, 0, sealed.length);
        return sealed;
    }

    private static int await(Future<Integer> io) throws IOException {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return io.get();
                } catch (InterruptedException e) {
                    // The I/O goes on regardless; finish it so the record is whole, then report.
                    interrupted = true;
                }
            }
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io2) {
                throw io2;
            }
            throw new IOException(e.getCause());
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private AsynchronousFileChannel channel(int segment) throws IOException {
        AsynchronousFileChannel channel = channels.get(segment);
        if (channel != null) {
            return channel;
        }
        try {
            AsynchronousFileChannel opened = AsynchronousFileChannel.open(file(segment), StandardOpenOption.READ);
            AsynchronousFileChannel raced = channels.putIfAbsent(segment, opened);
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
        AsynchronousFileChannel channel = channels.remove(segment);
        if (channel != null) {
            channel.close();
        }
        Files.deleteIfExists(file(segment));
    }

    @Override
    public void close() throws IOException {
        synchronized (appendLock) {
            for (AsynchronousFileChannel channel : channels.values()) {
                channel.force(false);
                channel.close();
            }
            channels.clear();
        }
    }
}
