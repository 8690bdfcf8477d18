package io.tributary.central.meta;

import com.google.protobuf.InvalidProtocolBufferException;
import io.tributary.proto.log.LogContext;
import io.tributary.proto.v1.ChunkRef;
import io.tributary.proto.v1.CommitAck;
import io.tributary.proto.v1.Hunk;
import io.tributary.proto.v1.ManifestEdit;
import io.tributary.proto.v1.Operation;
import io.tributary.proto.v1.OperationResult;
import io.tributary.proto.v1.PutFile;
import io.tributary.proto.v1.ShareChange;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.LongSupplier;

/**
 * Central's metadata: the one place that reads and writes the database for gateways, the feed
 * and the admin API. Every method is one transaction.
 */
public final class MetaStore implements AutoCloseable {
    private final Database db;
    private final LongSupplier clock;

    private MetaStore(Database db, LongSupplier clock) {
        this.db = db;
        this.clock = clock;
    }

    /** Opens the database at {@code url} and creates or checks its schema. */
    public static MetaStore open(String url, String user, String password, LongSupplier clock) throws SQLException {
        Database db = Database.open(url, user, password);
        try {
            Schema.create(db);
        } catch (SQLException | RuntimeException e) {
            db.close();
            throw e;
        }
        return new MetaStore(db, clock);
    }

    public Database database() {
        return db;
    }

    public long now() {
        return clock.getAsLong();
    }

    public boolean healthy() {
        return db.healthy();
    }

    /**
     * Checks a batch before anything is applied: every path and name, one kind per operation,
     * positions strictly increasing, chunk ids of the right length.
     */
    public static void validate(List<Operation> ops) {
        long last = Long.MIN_VALUE;
        for (Operation op : ops) {
            if (op.getPosition() <= last) {
                throw new InvalidOperationException("positions must increase within a batch: " + op.getPosition() + " after " + last);
            }
            last = op.getPosition();
            SharePath.checkName(op.getShare());
            // It goes into log lines as it is: the same rule as for a client's X-Request-Id.
            if (!op.getRequestId().isEmpty() && !LogContext.requestIdFrom(op.getRequestId()).equals(op.getRequestId())) {
                throw new InvalidOperationException("a request id is 1 to 64 letters, digits, '.', '_', ':' or '-'");
            }
            switch (op.getKindCase()) {
                case PUT_FILE -> {
                    SharePath.ofEntry(op.getPutFile().getPathList());
                    if (op.getPutFile().getSize() < 0) {
                        throw new InvalidOperationException("a file size is negative");
                    }
                    for (ChunkRef ref : op.getPutFile().getChunksList()) {
                        if (ref.getId().size() != 32 || ref.getLength() < 0) {
                            throw new InvalidOperationException("a chunk reference needs a 32-byte id and a length >= 0");
                        }
                    }
                    if (op.getPutFile().hasEdit()) {
                        checkEdit(op.getPutFile());
                    }
                }
                case MAKE_DIRECTORY -> SharePath.ofEntry(op.getMakeDirectory().getPathList());
                case DELETE -> SharePath.ofEntry(op.getDelete().getPathList());
                case MOVE -> {
                    SharePath.ofEntry(op.getMove().getFromList());
                    SharePath.ofEntry(op.getMove().getToList());
                }
                case COPY -> {
                    SharePath.ofEntry(op.getCopy().getFromList());
                    SharePath.ofEntry(op.getCopy().getToList());
                }
                case PATCH_PROPERTIES -> SharePath.ofEntry(op.getPatchProperties().getPathList());
                case SET_MODIFIED -> SharePath.ofEntry(op.getSetModified().getPathList());
                case KIND_NOT_SET -> throw new InvalidOperationException("an operation has no kind");
            }
        }
    }

    /** The most hunks one manifest edit may have. */
    static final int MAX_HUNKS = 4096;

    /** An edit must name its base, and its hunks must lie in order within the base and use every new chunk. */
    private static void checkEdit(PutFile put) {
        ManifestEdit edit = put.getEdit();
        if (!put.hasBase() || put.getBase().getGatewayId().isEmpty()) {
            throw new InvalidOperationException("an edited manifest needs the base version it edits");
        }
        if (edit.getHunksCount() == 0 || edit.getHunksCount() > MAX_HUNKS) {
            throw new InvalidOperationException("a manifest edit has 1 to " + MAX_HUNKS + " hunks, got " + edit.getHunksCount());
        }
        long end = 0;
        long fresh = 0;
        for (Hunk h : edit.getHunksList()) {
            if (h.getBaseStart() < end || h.getBaseCount() < 0 || h.getNewCount() < 0) {
                throw new InvalidOperationException("manifest edit hunks must be in order, not overlapping and not negative");
            }
            end = (long) h.getBaseStart() + h.getBaseCount();
            fresh += h.getNewCount();
        }
        if (end > edit.getBaseChunks() || fresh != put.getChunksCount()) {
            throw new InvalidOperationException("a manifest edit reaches chunk " + end + " of " + edit.getBaseChunks()
                    + " and uses " + fresh + " of " + put.getChunksCount() + " new chunks");
        }
    }

    /** Records a gateway's session start; returns its acked position (-1 for none). */
    public long welcome(String gatewayId, String branch) throws SQLException {
        return welcome(gatewayId, branch, "", List.of());
    }

    /**
     * Records a gateway's session start with what it says of itself (software version, the share
     * access rules it enforces), shown in the console; returns its acked position (-1 for none).
     */
    public long welcome(String gatewayId, String branch, String softwareVersion, List<String> accessRules) throws SQLException {
        long now = clock.getAsLong();
        return db.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO gateways (gateway_id, branch, acked_position, last_seen_millis,"
                    + " software_version, access_rules) VALUES (?, ?, -1, ?, ?, ?) ON CONFLICT (gateway_id) DO UPDATE SET"
                    + " branch = excluded.branch, last_seen_millis = excluded.last_seen_millis,"
                    + " software_version = excluded.software_version, access_rules = excluded.access_rules")) {
                ps.setString(1, gatewayId);
                ps.setString(2, branch);
                ps.setLong(3, now);
                ps.setString(4, softwareVersion);
                ps.setString(5, String.join("\n", accessRules));
                ps.executeUpdate();
            }
            return ackedPosition(c, gatewayId);
        });
    }

    /** Every gateway that ever said hello, with its last heartbeat, by branch. */
    public List<GatewayRecord> gateways() throws SQLException {
        return db.transaction(c -> {
            List<GatewayRecord> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT gateway_id, branch, acked_position, last_seen_millis,"
                    + " software_version, access_rules, heartbeat FROM gateways ORDER BY branch, gateway_id");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String rules = rs.getString(6);
                    out.add(new GatewayRecord(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4),
                            rs.getString(5) == null ? "" : rs.getString(5),
                            rules == null || rules.isEmpty() ? List.of() : List.of(rules.split("\n")), rs.getBytes(7)));
                }
            }
            return out;
        });
    }

    /** Every share central knows, with its revision, by name. */
    public List<ShareRevision> shares() throws SQLException {
        return db.transaction(c -> {
            List<ShareRevision> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT share, revision FROM shares ORDER BY share");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new ShareRevision(rs.getString(1), rs.getLong(2)));
                }
            }
            return out;
        });
    }

    /** The branch a gateway id last said hello as, if it ever did. */
    public Optional<String> branchOf(String gatewayId) throws SQLException {
        return db.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT branch FROM gateways WHERE gateway_id = ?")) {
                ps.setString(1, gatewayId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(rs.getString(1)) : Optional.<String>empty();
                }
            }
        });
    }

    public void heartbeat(String gatewayId, byte[] heartbeat) throws SQLException {
        long now = clock.getAsLong();
        db.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE gateways SET heartbeat = ?, last_seen_millis = ? WHERE gateway_id = ?")) {
                ps.setBytes(1, heartbeat);
                ps.setLong(2, now);
                ps.setString(3, gatewayId);
                ps.executeUpdate();
            }
            return null;
        });
    }

    /**
     * Applies a gateway's batch in one transaction. Operations at or below the gateway's acked
     * position were committed before and are skipped, so a replay after a lost ack is harmless.
     */
    public CommitResult commit(Origin origin, List<Operation> ops) throws SQLException {
        validate(ops);
        long now = clock.getAsLong();
        return db.transaction(c -> {
            // Locks the gateway's row first: a second node replaying the same batch waits, then skips it.
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO gateways (gateway_id, branch, acked_position, last_seen_millis)"
                    + " VALUES (?, ?, -1, ?) ON CONFLICT (gateway_id) DO UPDATE SET last_seen_millis = excluded.last_seen_millis")) {
                ps.setString(1, origin.gatewayId());
                ps.setString(2, origin.branch());
                ps.setLong(3, now);
                ps.executeUpdate();
            }
            long acked = ackedPosition(c, origin.gatewayId());
            Commit commit = new Commit(c, origin, now);
            List<OperationResult> results = new ArrayList<>(ops.size());
            long last = acked;
            for (Operation op : ops) {
                if (op.getPosition() <= acked) {
                    results.add(commit.alreadyCommitted(op));
                } else {
                    results.add(commit.apply(op));
                    last = op.getPosition();
                }
            }
            if (last != acked) {
                try (PreparedStatement ps = c.prepareStatement("UPDATE gateways SET acked_position = ? WHERE gateway_id = ?")) {
                    ps.setLong(1, last);
                    ps.setString(2, origin.gatewayId());
                    ps.executeUpdate();
                }
            }
            return new CommitResult(CommitAck.newBuilder().setAckedPosition(last).addAllResults(results).build(),
                    commit.applied, commit.skipped, commit.conflicts, commit.changedShares);
        });
    }

    /** Applies central's own operations (restores): no journal position, fanned out like any change. */
    public CommitResult commitAsCentral(List<Operation> ops) throws SQLException {
        for (Operation op : ops) {
            validate(List.of(op));
        }
        long now = clock.getAsLong();
        return db.transaction(c -> {
            Commit commit = new Commit(c, Origin.CENTRAL, now);
            List<OperationResult> results = new ArrayList<>(ops.size());
            for (Operation op : ops) {
                results.add(commit.apply(op));
            }
            return new CommitResult(CommitAck.newBuilder().setAckedPosition(-1).addAllResults(results).build(),
                    commit.applied, commit.skipped, commit.conflicts, commit.changedShares);
        });
    }

    private static long ackedPosition(java.sql.Connection c, String gatewayId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT acked_position FROM gateways WHERE gateway_id = ?")) {
            ps.setString(1, gatewayId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : -1;
            }
        }
    }

    /**
     * Up to {@code limit} changes of {@code share} after {@code revision}, in order, leaving out
     * those {@code gatewayId} sent and central committed as sent (it has them already).
     */
    public List<ShareChange> changesAfter(String share, long revision, String gatewayId, int limit) throws SQLException {
        return db.transaction(c -> {
            List<ShareChange> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT change FROM changes WHERE share = ? AND revision > ?"
                    + " AND NOT (origin_gateway = ? AND as_sent = 1) ORDER BY revision LIMIT " + limit)) {
                ps.setString(1, share);
                ps.setLong(2, revision);
                ps.setString(3, gatewayId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(ShareChange.parseFrom(rs.getBytes(1)));
                    }
                }
            } catch (InvalidProtocolBufferException e) {
                throw new SQLException("a stored change does not parse", e);
            }
            return out;
        });
    }

    /** The share's latest revision, or empty if central has never seen the share. */
    public OptionalLong shareRevision(String share) throws SQLException {
        return db.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT revision FROM shares WHERE share = ?")) {
                ps.setString(1, share);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? OptionalLong.of(rs.getLong(1)) : OptionalLong.empty();
                }
            }
        });
    }

    public Optional<Entry> entry(String share, SharePath path) throws SQLException {
        return db.transaction(c -> Entries.get(c, share, path.key()));
    }

    public List<Entry> children(String share, SharePath dir) throws SQLException {
        return db.transaction(c -> Entries.children(c, share, dir.key()));
    }

    /** The files at or below {@code path} (every file of the share for the root). */
    public List<Entry> filesWithin(String share, SharePath path) throws SQLException {
        return db.transaction(c -> Entries.filesWithin(c, share, path.key()));
    }

    /** Conflicts, newest first; {@code share} null for all shares. */
    public List<ConflictRecord> conflicts(String share, int limit) throws SQLException {
        return db.transaction(c -> {
            String sql = "SELECT id, share, path, conflict_path, winner_gateway, winner_position, loser_gateway, loser_position,"
                    + " loser_branch, revision, at_millis FROM conflicts" + (share == null ? "" : " WHERE share = ?")
                    + " ORDER BY id DESC LIMIT " + limit;
            List<ConflictRecord> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                if (share != null) {
                    ps.setString(1, share);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new ConflictRecord(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                                rs.getString(5), rs.getLong(6), rs.getString(7), rs.getLong(8), rs.getString(9),
                                rs.getLong(10), rs.getLong(11)));
                    }
                }
            }
            return out;
        });
    }

    /** The chunk list of a stored file version. */
    public static List<ChunkRef> chunksOf(Entry e) {
        return Commit.chunks(e);
    }

    /** The dead properties of an entry. */
    public static java.util.Map<String, String> propertiesOf(Entry e) {
        return Commit.properties(e.props());
    }

    @Override
    public void close() {
        db.close();
    }
}
