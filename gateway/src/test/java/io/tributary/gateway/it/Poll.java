package io.tributary.gateway.it;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waits for state another process changes, where there is no event to wait for: bounded in time and in polls. */
public final class Poll {
    private static final Duration EVERY = Duration.ofMillis(100);

    private Poll() {
    }

    /**
     * Polls {@code condition} every 100 ms until it holds; fails with {@code what} (made only then)
     * once {@code limit} has passed. The condition may itself fail, to stop early.
     */
    public static void until(Duration limit, Supplier<String> what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + limit.toNanos();
        int polls = 0;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline || ++polls > limit.toMillis() / 50) {
                throw new AssertionError("not within " + limit + ": " + what.get());
            }
            GatewayProcess.pause(EVERY);
        }
    }
}
