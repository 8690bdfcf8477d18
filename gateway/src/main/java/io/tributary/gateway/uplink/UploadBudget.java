package io.tributary.gateway.uplink;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/** A token bucket for upstream chunk bytes; one second of burst. */
final class UploadBudget {
    private final long bytesPerSecond;
    private double tokens;
    private long last = System.nanoTime();

    UploadBudget(long bytesPerSecond) {
        this.bytesPerSecond = bytesPerSecond;
        this.tokens = bytesPerSecond;
    }

    /** Waits until {@code bytes} may be sent. Only the uplink thread calls this. */
    void take(long bytes) {
        if (bytesPerSecond <= 0) {
            return;
        }
        while (true) {
            long now = System.nanoTime();
            tokens = Math.min(bytesPerSecond, tokens + (now - last) / 1e9 * bytesPerSecond);
            last = now;
            // A chunk larger than the whole budget goes once the bucket is full.
            if (tokens >= Math.min(bytes, bytesPerSecond)) {
                tokens -= bytes;
                return;
            }
            double missing = Math.min(bytes, bytesPerSecond) - tokens;
            LockSupport.parkNanos((long) (missing / bytesPerSecond * TimeUnit.SECONDS.toNanos(1)) + 1);
            if (Thread.currentThread().isInterrupted()) {
                return;
            }
        }
    }
}
