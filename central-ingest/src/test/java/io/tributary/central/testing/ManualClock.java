package io.tributary.central.testing;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/** A clock tests move by hand, so versions and restores have exact times. */
public final class ManualClock implements LongSupplier {
    private final AtomicLong millis;

    public ManualClock(long start) {
        millis = new AtomicLong(start);
    }

    public void set(long value) {
        millis.set(value);
    }

    @Override
    public long getAsLong() {
        return millis.get();
    }
}
