package io.tributary.central.meta;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The tables, created on open. {@code schema_version} says which layout a database has, so a
 * later version can migrate it and an older central refuses a newer database.
 */
final class Schema {
    static final int VERSION = 4;

    private Schema() {
    }

    static void create(Database db) throws SQLException {
        db.transaction(c -> {
            exec(c, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
            Integer found = null;
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT MAX(version) FROM schema_version")) {
                if (rs.next()) {
                    int v = rs.getInt(1);
                    found = rs.wasNull() ? null : v;
                }
            }
            if (found != null && found > VERSION) {
                throw new SQLException("the metadata database has schema version " + found + "; this central knows up to " + VERSION);
            }
            if (found == null) {
                for (String ddl : tables(db.dialect())) {
                    exec(c, ddl);
                }
            }
            if (found == null || found < 2) {
                for (String ddl : identityTables()) {
                    exec(c, ddl);
                }
            }
            if (found == null || found < 3) {
                for (String ddl : auditTables()) {
                    exec(c, ddl);
                }
            }
            if (found == null || found < 4) {
                for (String ddl : consoleTables()) {
                    exec(c, ddl);
                }
            }
            if (found == null || found < VERSION) {
                exec(c, "DELETE FROM schema_version");
                exec(c, "INSERT INTO schema_version (version) VALUES (" + VERSION + ")");
            }
            return null;
        });
    }

    private static List<String> tables(Dialect d) {
        String blob = d.blob;
        return List.of(
                "CREATE TABLE gateways (gateway_id TEXT PRIMARY KEY, branch TEXT NOT NULL, acked_position BIGINT NOT NULL,"
                        + " last_seen_millis BIGINT NOT NULL, heartbeat " + blob + ")",
                "CREATE TABLE shares (share TEXT PRIMARY KEY, revision BIGINT NOT NULL)",
                "CREATE TABLE entries (share TEXT NOT NULL, path_key TEXT NOT NULL, path TEXT NOT NULL, parent_key TEXT NOT NULL,"
                        + " is_dir INTEGER NOT NULL, size BIGINT NOT NULL, modified_millis BIGINT NOT NULL,"
                        + " version_gateway TEXT, version_position BIGINT, manifest " + blob + ", props " + blob + ","
                        + " revision BIGINT NOT NULL, created_millis BIGINT NOT NULL, PRIMARY KEY (share, path_key))",
                "CREATE INDEX entries_parent ON entries (share, parent_key)",
                "CREATE TABLE changes (share TEXT NOT NULL, revision BIGINT NOT NULL, origin_gateway TEXT NOT NULL,"
                        + " as_sent INTEGER NOT NULL, committed_millis BIGINT NOT NULL, change " + blob + " NOT NULL,"
                        + " PRIMARY KEY (share, revision))",
                "CREATE TABLE versions (id " + d.generatedKey + ", share TEXT NOT NULL, path_key TEXT NOT NULL, path TEXT NOT NULL,"
                        + " version_gateway TEXT NOT NULL, version_position BIGINT NOT NULL, size BIGINT NOT NULL,"
                        + " modified_millis BIGINT NOT NULL, manifest " + blob + ", revision_created BIGINT NOT NULL,"
                        + " created_millis BIGINT NOT NULL, revision_replaced BIGINT NOT NULL, replaced_millis BIGINT NOT NULL)",
                "CREATE INDEX versions_path ON versions (share, path_key)",
                "CREATE INDEX versions_replaced ON versions (replaced_millis)",
                "CREATE TABLE conflicts (id " + d.generatedKey + ", share TEXT NOT NULL, path TEXT NOT NULL,"
                        + " conflict_path TEXT NOT NULL, winner_gateway TEXT NOT NULL, winner_position BIGINT NOT NULL,"
                        + " loser_gateway TEXT NOT NULL, loser_position BIGINT NOT NULL, loser_branch TEXT NOT NULL,"
                        + " revision BIGINT NOT NULL, at_millis BIGINT NOT NULL)",
                "CREATE INDEX conflicts_share ON conflicts (share, id)");
    }

    /** Version 2: enrollment tokens (only their hashes) and the certificates issued to gateways. */
    private static List<String> identityTables() {
        return List.of(
                "CREATE TABLE enrollment_tokens (token_hash TEXT PRIMARY KEY, branch TEXT NOT NULL, created_millis BIGINT NOT NULL,"
                        + " expires_millis BIGINT NOT NULL, used_millis BIGINT)",
                "CREATE TABLE gateway_certificates (serial TEXT PRIMARY KEY, branch TEXT NOT NULL, issued_millis BIGINT NOT NULL,"
                        + " expires_millis BIGINT NOT NULL, revoked_millis BIGINT)",
                "CREATE INDEX gateway_certificates_branch ON gateway_certificates (branch)");
    }

    /**
     * Version 3: the audit log, a hash chain; {@code audit_head} holds its last link, and
     * appending updates that row first, so appenders on any node take turns.
     */
    private static List<String> auditTables() {
        return List.of(
                "CREATE TABLE audit_log (seq BIGINT PRIMARY KEY, at_millis BIGINT NOT NULL, actor TEXT NOT NULL,"
                        + " action TEXT NOT NULL, target TEXT NOT NULL, gateway TEXT NOT NULL, address TEXT NOT NULL,"
                        + " detail TEXT NOT NULL, origin_gateway TEXT, origin_index BIGINT, previous_hash TEXT NOT NULL,"
                        + " hash TEXT NOT NULL)",
                "CREATE INDEX audit_log_origin ON audit_log (origin_gateway, origin_index)",
                "CREATE INDEX audit_log_time ON audit_log (at_millis)",
                "CREATE TABLE audit_head (id INTEGER PRIMARY KEY, seq BIGINT NOT NULL, hash TEXT NOT NULL)",
                "INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '" + "0".repeat(64) + "')");
    }

    /**
     * Version 4, for the console: what each gateway said of itself at hello, revocable
     * enrollment tokens, and admin sessions (by the hash of their cookie, so a copy of the
     * database signs nobody in).
     */
    private static List<String> consoleTables() {
        return List.of(
                "ALTER TABLE gateways ADD COLUMN software_version TEXT",
                "ALTER TABLE gateways ADD COLUMN access_rules TEXT",
                "ALTER TABLE enrollment_tokens ADD COLUMN revoked_millis BIGINT",
                "CREATE TABLE console_sessions (id_hash TEXT PRIMARY KEY, user_name TEXT NOT NULL, roles TEXT NOT NULL,"
                        + " csrf TEXT NOT NULL, created_millis BIGINT NOT NULL, expires_millis BIGINT NOT NULL)",
                "CREATE INDEX console_sessions_expiry ON console_sessions (expires_millis)");
    }

    private static void exec(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
