package io.tributary.gateway.chunk;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One segment file, shared by every thread that appends to it or reads from it, with positional
 * I/O on the caller's own thread. A {@code FileChannel} closes for all its users when one user's
 * thread is interrupted during I/O, and request threads are interrupted when their clients go;
 * so an operation that finds the channel closed that way opens the file again and repeats
 * itself. Positional writes of the same bytes at the same place are idempotent, so a repeat is
 * harmless. Only {@link #close} closes it for good.
 */
final class SegmentFile implements AutoCloseable {
    /** An interrupt storm cannot keep a caller looping. */
    private static final int ATTEMPTS = 16;

    private static final OpenOption[] READ_WRITE = {StandardOpenOption.READ, StandardOpenOption.WRITE};
    private static final OpenOption[] READ_ONLY = {StandardOpenOption.READ};

    private final Path path;
    private final OpenOption[] reopenWith;
    private volatile FileChannel channel;
    private volatile boolean closed;

    private SegmentFile(Path path, OpenOption[] reopenWith, FileChannel channel) {
        this.path = path;
        this.reopenWith = reopenWith;
        this.channel = channel;
    }

    /** A new, empty segment for appending. */
    static SegmentFile create(Path path) throws IOException {
        return new SegmentFile(path, READ_WRITE, FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                StandardOpenOption.READ));
    }

    /** An existing segment, for reading; NoSuchFileException if it is gone. */
    static SegmentFile open(Path path) throws IOException {
        return new SegmentFile(path, READ_ONLY, FileChannel.open(path, READ_ONLY));
    }

    @FunctionalInterface
    private interface Io<T> {
        T run(FileChannel channel) throws IOException;
    }

    /** Writes all of {@code data} at {@code position}. */
    void writeFully(ByteBuffer data, long position) throws IOException {
        int start = data.position();
        retrying(ch -> {
            data.position(start);
            long pos = position;
            while (data.hasRemaining()) {
                pos += ch.write(data, pos);
            }
            return null;
        });
    }

    /** Fills {@code into} from {@code position}; false if the file ends first. */
    boolean readFully(ByteBuffer into, long position) throws IOException {
        int start = into.position();
        return retrying(ch -> {
            into.position(start);
            long pos = position;
            while (into.hasRemaining()) {
                int n = ch.read(into, pos);
                if (n < 0) {
                    return false;
                }
                pos += n;
            }
            return true;
        });
    }

    /** Forces written data to the device (fsync is per file, whichever descriptor asks). */
    void force() throws IOException {
        retrying(ch -> {
            ch.force(false);
            return null;
        });
    }

    private <T> T retrying(Io<T> io) throws IOException {
        boolean interrupted = false;
        try {
            for (int attempt = 1; ; attempt++) {
                FileChannel ch = channel;
                try {
                    if (closed) {
                        throw new ClosedChannelException();
                    }
                    return io.run(ch);
                } catch (ClosedChannelException e) {
                    // Includes ClosedByInterruptException and AsynchronousCloseException.
                    if (closed || attempt == ATTEMPTS) {
                        throw e;
                    }
                    interrupted |= Thread.interrupted();
                    reopen(ch);
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private synchronized void reopen(FileChannel broken) throws IOException {
        if (channel != broken || closed) {
            return;   // another caller reopened it already, or it is closed for good
        }
        try {
            channel = FileChannel.open(path, reopenWith);
        } catch (NoSuchFileException e) {
            throw new ClosedChannelException();
        }
    }

    @Override
    public synchronized void close() throws IOException {
        closed = true;
        channel.close();
    }
}
