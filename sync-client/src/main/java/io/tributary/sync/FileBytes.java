package io.tributary.sync;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * Where the chunks the gateway asks for are read from: the local file, or, for a small file, the
 * copy of it that was read once to cut it, so that it is neither opened twice nor sent other bytes
 * than it was cut from.
 */
interface FileBytes {
    /** A reader of these bytes; close it when the file is sent. */
    Reader open() throws IOException;

    interface Reader extends Closeable {
        /** {@code length} bytes from {@code offset}, in an array of their own. */
        byte[] read(long offset, int length) throws IOException;
    }

    static FileBytes of(Path file) {
        return () -> {
            FileChannel in = FileChannel.open(file, StandardOpenOption.READ);
            return new Reader() {
                @Override
                public byte[] read(long offset, int length) throws IOException {
                    ByteBuffer data = ByteBuffer.allocate(length);
                    while (data.hasRemaining()) {
                        if (in.read(data, offset + data.position()) < 0) {
                            throw new IOException("the file shrank while it was being sent; it is sent again on the next run");
                        }
                    }
                    return data.array();
                }

                @Override
                public void close() throws IOException {
                    in.close();
                }
            };
        };
    }

    static FileBytes of(byte[] content) {
        return () -> new Reader() {
            @Override
            public byte[] read(long offset, int length) {
                return Arrays.copyOfRange(content, Math.toIntExact(offset), Math.toIntExact(offset + length));
            }

            @Override
            public void close() {
                // nothing held
            }
        };
    }
}
