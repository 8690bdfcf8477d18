package io.tributary.gateway.uplink;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/** Exponential reconnect delays with full jitter, so a fleet does not reconnect in step. */
final class Backoff {
    private final long initialMillis;
    private final long maxMillis;
    private long ceiling;

    Backoff(Duration initial, Duration max) {
        this.initialMillis = initial.toMillis();
        this.maxMillis = max.toMillis();
        this.ceiling = initialMillis;
    }

    Duration next() {
        long delay = initialMillis / 2 + ThreadLocalRandom.current().nextLong(Math.max(1, ceiling - initialMillis / 2));
        ceiling = Math.min(maxMillis, ceiling * 2);
        return Duration.ofMillis(delay);
    }

    void reset() {
        ceiling = initialMillis;
    }
}
