package io.tributary.central.ingest;

import io.grpc.Status;

import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The sessions open on this node, one per gateway, and what wakes their feeds: a commit on this
 * node wakes the sessions of the shares it changed at once; a poll every second catches commits
 * made by other central nodes on the same database.
 */
public final class OpenSessions implements AutoCloseable {
    static final long POLL_MILLIS = 1000;

    private final ConcurrentHashMap<String, GatewaySession> byGateway = new ConcurrentHashMap<>();
    private final ExecutorService feedThreads = Executors.newFixedThreadPool(2, Thread.ofPlatform().daemon().name("feed-", 0).factory());
    private final ScheduledExecutorService poll = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("feed-poll").factory());

    public OpenSessions() {
        poll.scheduleWithFixedDelay(() -> byGateway.values().forEach(GatewaySession::wakeFeed),
                POLL_MILLIS, POLL_MILLIS, TimeUnit.MILLISECONDS);
    }

    ExecutorService feedThreads() {
        return feedThreads;
    }

    /** Makes {@code session} the gateway's session; an older one of the same gateway is closed. */
    void register(String gatewayId, GatewaySession session) {
        GatewaySession previous = byGateway.put(gatewayId, session);
        if (previous != null && previous != session) {
            previous.close(Status.ABORTED.withDescription("a newer session of gateway " + gatewayId + " opened"));
        }
    }

    void unregister(String gatewayId, GatewaySession session) {
        byGateway.remove(gatewayId, session);
    }

    /** Wakes the feeds of every session that follows one of {@code shares}. */
    public void changed(Set<String> shares) {
        if (shares.isEmpty()) {
            return;
        }
        for (GatewaySession s : byGateway.values()) {
            if (s.follows(shares)) {
                s.wakeFeed();
            }
        }
    }

    /**
     * Closes every session whose certificate {@code refusal} now refuses (revoked, expired);
     * {@code refusal} returns the reason, or null to keep the session.
     */
    public void closeRefused(java.util.function.Function<io.tributary.central.enroll.GatewayPeer, String> refusal) {
        for (GatewaySession s : List.copyOf(byGateway.values())) {
            String why = s.peer() == null ? null : refusal.apply(s.peer());
            if (why != null) {
                java.util.logging.Logger.getLogger(OpenSessions.class.getName()).warning("closing the session of branch '"
                        + s.peer().branch() + "': " + why);
                s.close(Status.UNAUTHENTICATED.withDescription(why));
            }
        }
    }

    public int size() {
        return byGateway.size();
    }

    @Override
    public void close() {
        poll.shutdownNow();
        Collection<GatewaySession> open = List.copyOf(byGateway.values());
        for (GatewaySession s : open) {
            s.close(Status.UNAVAILABLE.withDescription("central is shutting down"));
        }
        feedThreads.shutdown();
        try {
            feedThreads.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        feedThreads.shutdownNow();
    }
}
