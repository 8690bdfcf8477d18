package io.tributary.gateway.journal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Group commit: callers that need their writes flushed share one flush. A caller's writes are
 * covered by any flush that starts after it called {@link #sync()}; while one flush runs, the
 * callers that arrive wait and the next flush covers all of them at once.
 */
public final class GroupSync {
    /** The flush itself, e.g. fsync of a file. */
    @FunctionalInterface
    public interface Flush {
        void run() throws IOException;
    }

    /** Told how many callers each flush served. */
    @FunctionalInterface
    public interface GroupObserver {
        void flushed(int callers);
    }

    private final Flush flush;
    private final GroupObserver observer;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition done = lock.newCondition();
    private long requested;     // ticket of the newest caller
    private long completed;     // every ticket up to here is flushed
    // After a failed fsync the page cache can no longer be trusted, so failure is permanent.
    private IOException failure;
    private boolean running;

    public GroupSync(Flush flush, GroupObserver observer) {
        this.flush = flush;
        this.observer = observer;
    }

    /** True once a flush has failed; from then on every {@link #sync()} fails. */
    public boolean failed() {
        lock.lock();
        try {
            return failure != null;
        } finally {
            lock.unlock();
        }
    }

    /** Returns once a flush that started after this call has finished. */
    public void sync() {
        lock.lock();
        try {
            long ticket = ++requested;
            while (completed < ticket && failure == null) {
                if (running) {
                    done.awaitUninterruptibly();
                    continue;
                }
                running = true;
                long covers = requested;
                long before = completed;
                IOException error = null;
                lock.unlock();
                try {
                    flush.run();
                } catch (IOException e) {
                    error = e;
                } finally {
                    lock.lock();
                }
                running = false;
                completed = covers;
                if (error != null) {
                    failure = error;
                } else {
                    observer.flushed((int) Math.min(Integer.MAX_VALUE, covers - before));
                }
                done.signalAll();
            }
            if (failure != null) {
                throw new UncheckedIOException("flush to disk failed; refusing further writes", failure);
            }
        } finally {
            lock.unlock();
        }
    }
}
