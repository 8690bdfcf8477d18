package io.tributary.central.enroll;

import io.tributary.central.meta.Database;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.Set;
import java.util.function.LongSupplier;

/** The certificates central has issued to gateways, and which of them an admin has revoked. */
public final class IssuedCertificates {
    private final Database db;
    private final LongSupplier clock;

    public IssuedCertificates(Database db, LongSupplier clock) {
        this.db = db;
        this.clock = clock;
    }

    void record(String serial, String branch, long expiresMillis) throws SQLException {
        long now = clock.getAsLong();
        db.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO gateway_certificates"
                    + " (serial, branch, issued_millis, expires_millis) VALUES (?, ?, ?, ?)")) {
                ps.setString(1, serial);
                ps.setString(2, branch);
                ps.setLong(3, now);
                ps.setLong(4, expiresMillis);
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** Revokes every certificate of {@code branch}; returns how many were still unrevoked. */
    public int revokeBranch(String branch) throws SQLException {
        long now = clock.getAsLong();
        return db.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE gateway_certificates SET revoked_millis = ?"
                    + " WHERE branch = ? AND revoked_millis IS NULL")) {
                ps.setLong(1, now);
                ps.setString(2, branch);
                return ps.executeUpdate();
            }
        });
    }

    /** How many certificates were ever issued for {@code branch}. */
    public int issuedFor(String branch) throws SQLException {
        return db.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM gateway_certificates WHERE branch = ?")) {
                ps.setString(1, branch);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getInt(1);
                }
            }
        });
    }

    /** True when {@code branch} had certificates and every one of them is revoked: it is cut off. */
    public boolean revoked(String branch) throws SQLException {
        return db.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*), COUNT(revoked_millis) FROM gateway_certificates"
                    + " WHERE branch = ?")) {
                ps.setString(1, branch);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getInt(1) > 0 && rs.getInt(1) == rs.getInt(2);
                }
            }
        });
    }

    /** Serials of revoked certificates that have not yet expired (expired ones fail anyway). */
    public Set<String> revokedSerials() throws SQLException {
        long now = clock.getAsLong();
        return db.transaction(c -> {
            Set<String> out = new HashSet<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT serial FROM gateway_certificates"
                    + " WHERE revoked_millis IS NOT NULL AND expires_millis > ?")) {
                ps.setLong(1, now);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(rs.getString(1));
                    }
                }
            }
            return out;
        });
    }
}
