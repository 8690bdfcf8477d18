package io.tributary.gateway.webdav;

import com.codahale.metrics.Counter;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** Adds every byte read from an upload to a counter, as it is read. */
final class CountedInputStream extends FilterInputStream {
    private final Counter counter;

    CountedInputStream(InputStream in, Counter counter) {
        super(in);
        this.counter = counter;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            counter.inc();
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n > 0) {
            counter.inc(n);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        long skipped = super.skip(n);
        counter.inc(skipped);
        return skipped;
    }
}
