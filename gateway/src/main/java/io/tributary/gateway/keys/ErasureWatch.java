package io.tributary.gateway.keys;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Whether the tenant a gateway serves was erased, for its front-ends to answer "erased" rather
 * than fail obscurely. A running gateway notices a tombstone written by {@code tributary gateway
 * keys destroy} within one check period and refuses every request from then on.
 */
public final class ErasureWatch implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ErasureWatch.class.getName());

    private final ScheduledExecutorService timer;
    private volatile TenantErasedException erased;

    private ErasureWatch(TenantErasedException erased, ScheduledExecutorService timer) {
        this.erased = erased;
        this.timer = timer;
    }

    /** A tenant found erased at start. */
    public static ErasureWatch erased(TenantErasedException e) {
        return new ErasureWatch(e, null);
    }

    /** Checks {@code keysDir}'s tombstones for {@code tenant} every {@code every}. */
    public static ErasureWatch watching(Path keysDir, String tenant, Duration every) {
        ErasedTenants tombstones = new ErasedTenants(keysDir);
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "erasure-watch");
            t.setDaemon(true);
            return t;
        });
        ErasureWatch watch = new ErasureWatch(null, timer);
        timer.scheduleWithFixedDelay(() -> {
            try {
                tombstones.checkNotErased(tenant);
            } catch (TenantErasedException e) {
                LOG.severe(e.getMessage() + "; every request is refused from now on");
                watch.erased = e;
                timer.shutdown();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "cannot check whether tenant " + tenant + " was erased", e);
            }
        }, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
        return watch;
    }

    /** Never erased: for front-ends tested on their own. */
    public static ErasureWatch never() {
        return new ErasureWatch(null, null);
    }

    /** Why nothing may be read or written, if the tenant is erased. */
    public Optional<TenantErasedException> erased() {
        return Optional.ofNullable(erased);
    }

    @Override
    public void close() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}
