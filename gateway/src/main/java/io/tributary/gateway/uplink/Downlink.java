package io.tributary.gateway.uplink;

import io.tributary.gateway.observe.GatewayMetrics;
import io.tributary.gateway.share.NamespaceStore;
import io.tributary.gateway.share.ShareException;
import io.tributary.proto.v1.ShareChange;

import java.util.Set;
import java.util.stream.Collectors;

/**
 * Applies other branches' changes, as central streams them, to the local namespace: metadata
 * at once, content on first read. Each change is applied once, in revision order, and never
 * travels back upstream.
 */
final class Downlink {
    private static final System.Logger LOG = System.getLogger(Downlink.class.getName());

    private final NamespaceStore store;
    private final GatewayMetrics metrics;
    private final Set<String> shares;
    private final Prefetcher prefetcher;

    Downlink(NamespaceStore store, GatewayMetrics metrics, Prefetcher prefetcher) {
        this.store = store;
        this.metrics = metrics;
        this.prefetcher = prefetcher;
        this.shares = store.shares().stream().map(s -> s.name()).collect(Collectors.toUnmodifiableSet());
    }

    void apply(ShareChange change) {
        String share = change.getShare();
        if (!shares.contains(share)) {
            LOG.log(System.Logger.Level.WARNING, "central sent a change of share '" + share + "', which this gateway does not serve");
            return;
        }
        if (change.getRevision() <= store.revision(share)) {
            return; // sent again after a reconnect
        }
        metrics.propagation.update(Math.max(0, System.currentTimeMillis() - change.getCommittedMillis()));
        if (change.getOriginGateway().equals(store.gatewayId()) && change.getAsSent()) {
            store.recordRevision(share, change.getRevision());
            return;
        }
        try {
            if (store.applyRemote(id -> OperationCodec.fromWire(change, id), change.getAsSent())) {
                metrics.downstreamApplied.inc();
                var op = change.getOperation();
                if (op.hasPutFile()) {
                    prefetcher.changed(share, op.getPutFile().getPathList());
                } else if (op.hasCopy()) {
                    prefetcher.changed(share, op.getCopy().getToList());
                } else if (op.hasMove()) {
                    prefetcher.changed(share, op.getMove().getToList());
                }
            } else {
                metrics.downstreamSkipped.inc();
            }
        } catch (IllegalArgumentException | ShareException e) {
            LOG.log(System.Logger.Level.WARNING, "revision " + change.getRevision() + " of " + share
                    + " from " + change.getOriginBranch() + " not applied: " + e.getMessage());
            metrics.downstreamSkipped.inc();
            store.recordRevision(share, change.getRevision());
        }
    }
}
