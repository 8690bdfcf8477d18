package io.tributary.central.enroll;

import io.tributary.central.meta.Database;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * The enrollment tokens admins have made: each bound to one branch, expiring, and used at most
 * once. Redeeming is one conditional update, so two central nodes given the same token at the
 * same moment cannot both accept it.
 */
public final class EnrollmentTokens {
    public static final Duration LONGEST_LIFETIME = Duration.ofDays(7);

    private final Database db;
    private final String caFingerprint;
    private final LongSupplier clock;

    public EnrollmentTokens(Database db, String caFingerprint, LongSupplier clock) {
        this.db = db;
        this.caFingerprint = caFingerprint;
        this.clock = clock;
    }

    /** A new token for {@code branch}, valid for {@code lifetime}. */
    public EnrollmentToken create(String branch, Duration lifetime) throws SQLException {
        Branches.check(branch);
        if (lifetime.isNegative() || lifetime.isZero() || lifetime.compareTo(LONGEST_LIFETIME) > 0) {
            throw new IllegalArgumentException("an enrollment token lives for more than 0 and at most 7 days, asked for " + lifetime);
        }
        EnrollmentToken token = EnrollmentToken.fresh(caFingerprint);
        long now = clock.getAsLong();
        db.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO enrollment_tokens"
                    + " (token_hash, branch, created_millis, expires_millis) VALUES (?, ?, ?, ?)")) {
                ps.setString(1, token.hash());
                ps.setString(2, branch);
                ps.setLong(3, now);
                ps.setLong(4, now + lifetime.toMillis());
                ps.executeUpdate();
            }
            return null;
        });
        return token;
    }

    /**
     * Uses {@code token} up and returns the branch it was made for, or throws
     * {@link TokenRefusedException} saying whether it is unknown, used or expired.
     */
    public String redeem(EnrollmentToken token) throws SQLException, TokenRefusedException {
        if (!token.caFingerprint().equals(caFingerprint)) {
            throw new TokenRefusedException("the token was made by another central (its CA fingerprint differs)");
        }
        long now = clock.getAsLong();
        String hash = token.hash();
        Outcome outcome = db.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE enrollment_tokens SET used_millis = ?"
                    + " WHERE token_hash = ? AND used_millis IS NULL AND revoked_millis IS NULL AND expires_millis > ?")) {
                ps.setLong(1, now);
                ps.setString(2, hash);
                ps.setLong(3, now);
                boolean redeemed = ps.executeUpdate() == 1;
                try (PreparedStatement q = c.prepareStatement("SELECT branch, used_millis, revoked_millis FROM enrollment_tokens WHERE token_hash = ?")) {
                    q.setString(1, hash);
                    try (ResultSet rs = q.executeQuery()) {
                        if (!rs.next()) {
                            return new Outcome(null, "the enrollment token is unknown");
                        }
                        if (redeemed) {
                            return new Outcome(rs.getString(1), null);
                        }
                        rs.getLong(3);
                        if (!rs.wasNull()) {
                            return new Outcome(null, "the enrollment token has been revoked");
                        }
                        rs.getLong(2);
                        return new Outcome(null, rs.wasNull() ? "the enrollment token has expired" : "the enrollment token has been used already");
                    }
                }
            }
        });
        if (outcome.refusal() != null) {
            throw new TokenRefusedException(outcome.refusal());
        }
        return outcome.branch();
    }

    private record Outcome(String branch, String refusal) {
    }

    /** Length of a token's public id: a prefix of the hash of its secret, never the secret. */
    static final int ID_LENGTH = 16;

    /** A token as the console lists it; {@code usedMillis} and {@code revokedMillis} are 0 when not. */
    public record Listed(String id, String branch, long createdMillis, long expiresMillis, long usedMillis, long revokedMillis) {
        /** unused, used, expired or revoked, as at {@code now}. */
        public String state(long now) {
            if (usedMillis > 0) {
                return "used";
            }
            if (revokedMillis > 0) {
                return "revoked";
            }
            return expiresMillis <= now ? "expired" : "unused";
        }
    }

    /** The public id of a token. */
    public static String id(EnrollmentToken token) {
        return token.hash().substring(0, ID_LENGTH);
    }

    /** The newest {@code limit} tokens, newest first. */
    public List<Listed> list(int limit) throws SQLException {
        return db.transaction(c -> {
            List<Listed> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(SELECT_LISTED + " ORDER BY created_millis DESC, token_hash")) {
                try (ResultSet rs = ps.executeQuery()) {
                    while (out.size() < limit && rs.next()) {
                        out.add(listed(rs));
                    }
                }
            }
            return out;
        });
    }

    /**
     * Revokes the unused token whose id is {@code id}; returns it as it now is. Throws
     * {@link IllegalArgumentException} for a malformed id, {@link TokenRefusedException} when no
     * token has it or it was used already.
     */
    public Listed revoke(String id) throws SQLException, TokenRefusedException {
        if (id == null || !id.matches("[0-9a-f]{" + ID_LENGTH + "}")) {
            throw new IllegalArgumentException("a token id is " + ID_LENGTH + " lowercase hex digits");
        }
        long now = clock.getAsLong();
        record Revoked(Listed token, String refusal) {
        }
        Revoked outcome = db.transaction(c -> {
            Listed found;
            String hash;
            try (PreparedStatement q = c.prepareStatement(SELECT_LISTED + " WHERE token_hash LIKE ?")) {
                q.setString(1, id + "%");
                try (ResultSet rs = q.executeQuery()) {
                    if (!rs.next()) {
                        return new Revoked(null, "no enrollment token has the id " + id);
                    }
                    found = listed(rs);
                    hash = rs.getString(1);
                }
            }
            if (found.usedMillis() > 0) {
                return new Revoked(null, "the enrollment token " + id + " has been used already");
            }
            if (found.revokedMillis() > 0) {
                return new Revoked(found, null);
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE enrollment_tokens SET revoked_millis = ?"
                    + " WHERE token_hash = ? AND used_millis IS NULL AND revoked_millis IS NULL")) {
                ps.setLong(1, now);
                ps.setString(2, hash);
                ps.executeUpdate();
            }
            return new Revoked(new Listed(found.id(), found.branch(), found.createdMillis(), found.expiresMillis(), 0, now), null);
        });
        if (outcome.refusal() != null) {
            throw new TokenRefusedException(outcome.refusal());
        }
        return outcome.token();
    }

    private static final String SELECT_LISTED = "SELECT token_hash, branch, created_millis, expires_millis, used_millis,"
            + " revoked_millis FROM enrollment_tokens";

    /** A row of {@link #SELECT_LISTED}; absent times read as 0. */
    private static Listed listed(ResultSet rs) throws SQLException {
        return new Listed(rs.getString(1).substring(0, ID_LENGTH), rs.getString(2), rs.getLong(3), rs.getLong(4),
                rs.getLong(5), rs.getLong(6));
    }
}
