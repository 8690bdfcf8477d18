package io.tributary.central.meta;

/** One row of {@code conflicts}: which version kept the path and where the loser went. */
public record ConflictRecord(long id, String share, String path, String conflictPath, String winnerGateway,
                             long winnerPosition, String loserGateway, long loserPosition, String loserBranch,
                             long revision, long atMillis) {
}
