package io.tributary.central.audit;

import io.tributary.central.meta.Database;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Central's audit log in its database. Appending takes the chain's head row first (an update),
 * so appenders on every central node of the database take turns and the chain stays one line.
 */
public final class AuditLog {
    private final Database db;

    public AuditLog(Database db) {
        this.db = db;
    }

    /** The outcome of {@link #verify}: intact, or the first record that breaks the chain and how. */
    public record Verification(long records, String head, long brokenAt, String problem) {
        public boolean intact() {
            return problem == null;
        }
    }

    public void record(AuditEvent event) throws SQLException {
        append(List.of(event));
    }

    /** Appends {@code events} in order, in one transaction. */
    public void append(List<AuditEvent> events) throws SQLException {
        if (events.isEmpty()) {
            return;
        }
        db.transaction(c -> {
            try (PreparedStatement lock = c.prepareStatement("UPDATE audit_head SET seq = seq WHERE id = 1")) {
                lock.executeUpdate();
            }
            long seq;
            String hash;
            try (PreparedStatement ps = c.prepareStatement("SELECT seq, hash FROM audit_head WHERE id = 1");
                 ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new SQLException("the audit log has no head row");
                }
                seq = rs.getLong(1);
                hash = rs.getString(2);
            }
            try (PreparedStatement ins = c.prepareStatement("INSERT INTO audit_log (seq, at_millis, actor, action, target, gateway,"
                    + " address, detail, origin_index, previous_hash, hash, origin_gateway) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                for (AuditEvent e : events) {
                    seq++;
                    String next = AuditRecord.hash(seq, e, hash);
                    ins.setLong(1, seq);
                    ins.setLong(2, e.atMillis());
                    ins.setString(3, e.actor());
                    ins.setString(4, e.action());
                    ins.setString(5, e.target());
                    ins.setString(6, e.gateway());
                    ins.setString(7, e.address());
                    ins.setString(8, e.detail());
                    if (e.originIndex() == null) {
                        ins.setNull(9, java.sql.Types.BIGINT);
                    } else {
                        ins.setLong(9, e.originIndex());
                    }
                    ins.setString(10, hash);
                    ins.setString(11, next);
                    ins.setString(12, e.originGateway());
                    ins.addBatch();
                    hash = next;
                }
                ins.executeBatch();
            }
            try (PreparedStatement head = c.prepareStatement("UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1")) {
                head.setLong(1, seq);
                head.setString(2, hash);
                head.executeUpdate();
            }
            return null;
        });
    }

    /** The highest index recorded from the gateway with id {@code gatewayId}, or -1. */
    public long lastOriginIndex(String gatewayId) throws SQLException {
        return db.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT MAX(origin_index) FROM audit_log WHERE origin_gateway = ?")) {
                ps.setString(1, gatewayId);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    long v = rs.getLong(1);
                    return rs.wasNull() ? -1L : v;
                }
            }
        });
    }

    /** Walks the whole chain: each record's hash, its link to the one before, and the head. */
    public Verification verify() throws SQLException {
        return db.transaction(c -> {
            long expectedSeq = 1;
            String previous = AuditRecord.GENESIS;
            try (PreparedStatement ps = c.prepareStatement(SELECT + " ORDER BY seq"); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    AuditRecord r = read(rs);
                    if (r.seq() != expectedSeq) {
                        return new Verification(expectedSeq - 1, previous, expectedSeq, r.seq() < expectedSeq
                                ? "record " + r.seq() + " appears twice" : "records " + expectedSeq + " to " + (r.seq() - 1) + " are missing");
                    }
                    if (!r.previousHash().equals(previous)) {
                        return new Verification(expectedSeq - 1, previous, r.seq(), "its link to the record before does not match");
                    }
                    if (!AuditRecord.hash(r.seq(), r.event(), r.previousHash()).equals(r.hash())) {
                        return new Verification(expectedSeq - 1, previous, r.seq(), "its content does not match its hash (changed after it was written)");
                    }
                    previous = r.hash();
                    expectedSeq++;
                }
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT seq, hash FROM audit_head WHERE id = 1"); ResultSet rs = ps.executeQuery()) {
                if (!rs.next() || rs.getLong(1) != expectedSeq - 1 || !rs.getString(2).equals(previous)) {
                    return new Verification(expectedSeq - 1, previous, expectedSeq,
                            "the chain ends before its recorded head (records at the end were removed)");
                }
            }
            return new Verification(expectedSeq - 1, previous, -1, null);
        });
    }

    /** Whether some record has {@code hash}: a head kept elsewhere is still in the chain. */
    public boolean contains(String hash) throws SQLException {
        return db.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM audit_log WHERE hash = ?")) {
                ps.setString(1, hash);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next();
                }
            }
        });
    }

    /** Writes records from {@code fromSeq} on as JSON lines; returns how many. */
    public long export(long fromSeq, Writer out) throws SQLException {
        long[] count = {0};
        each(fromSeq, Long.MAX_VALUE, r -> {
            try {
                out.write(r.toJson().toString());
                out.write('\n');
                count[0]++;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        return count[0];
    }

    /** Up to {@code limit} records from {@code fromSeq} on, oldest first. */
    public List<AuditRecord> records(long fromSeq, int limit) throws SQLException {
        List<AuditRecord> out = new ArrayList<>();
        each(fromSeq, limit, out::add);
        return out;
    }

    /**
     * Up to {@code limit} records before {@code beforeSeq} (all when null), newest first, whose
     * actor, action, target, gateway, address or detail contains {@code text} (any when blank),
     * ignoring case.
     */
    public List<AuditRecord> search(String text, Long beforeSeq, int limit) throws SQLException {
        String like = text == null || text.isBlank() ? null
                : "%" + text.strip().toLowerCase(java.util.Locale.ROOT).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
        return db.transaction(c -> {
            StringBuilder sql = new StringBuilder(SELECT).append(" WHERE seq < ?");
            if (like != null) {
                sql.append(" AND (");
                String[] columns = {"actor", "action", "target", "gateway", "address", "detail"};
                for (int i = 0; i < columns.length; i++) {
                    sql.append(i == 0 ? "" : " OR ").append("LOWER(").append(columns[i]).append(") LIKE ? ESCAPE '\\'");
                }
                sql.append(")");
            }
            sql.append(" ORDER BY seq DESC");
            List<AuditRecord> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                ps.setLong(1, beforeSeq == null ? Long.MAX_VALUE : beforeSeq);
                if (like != null) {
                    for (int i = 2; i <= 7; i++) {
                        ps.setString(i, like);
                    }
                }
                ps.setMaxRows(limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (out.size() < limit && rs.next()) {
                        out.add(read(rs));
                    }
                }
            }
            return out;
        });
    }

    private static final String SELECT = "SELECT seq, at_millis, actor, action, target, gateway, address, detail, origin_index,"
            + " previous_hash, hash, origin_gateway FROM audit_log";

    private void each(long fromSeq, long limit, Consumer<AuditRecord> sink) throws SQLException {
        db.transaction(c -> {
            read(c, fromSeq, limit, sink);
            return null;
        });
    }

    private static void read(Connection c, long fromSeq, long limit, Consumer<AuditRecord> sink) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(SELECT + " WHERE seq >= ? ORDER BY seq")) {
            ps.setLong(1, fromSeq);
            try (ResultSet rs = ps.executeQuery()) {
                for (long n = 0; n < limit && rs.next(); n++) {
                    sink.accept(read(rs));
                }
            }
        }
    }

    private static AuditRecord read(ResultSet rs) throws SQLException {
        long origin = rs.getLong(9);
        Long originIndex = rs.wasNull() ? null : origin;
        AuditEvent e = new AuditEvent(rs.getLong(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6),
                rs.getString(7), rs.getString(8), rs.getString(12), originIndex);
        return new AuditRecord(rs.getLong(1), e, rs.getString(10), rs.getString(11));
    }
}
