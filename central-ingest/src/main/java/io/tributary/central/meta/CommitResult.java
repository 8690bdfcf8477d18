package io.tributary.central.meta;

import io.tributary.proto.v1.CommitAck;

import java.util.Set;

/** What a committed batch did: the ack for the gateway, counts for the metrics, the shares that moved. */
public record CommitResult(CommitAck ack, int applied, int skipped, int conflicts, Set<String> changedShares) {
}
