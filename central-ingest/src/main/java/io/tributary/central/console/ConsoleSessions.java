package io.tributary.central.console;

import io.tributary.central.meta.Database;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Console sessions, in the database so that every central node behind one address knows them.
 * The cookie holds 256 random bits; the database holds only their SHA-256, so reading the
 * database (or a backup of it) signs nobody in.
 */
public final class ConsoleSessions {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int MAX_COOKIE_CHARS = 64;

    private final Database db;
    private final LongSupplier clock;
    private final Duration lifetime;

    public ConsoleSessions(Database db, LongSupplier clock, Duration lifetime) {
        this.db = db;
        this.clock = clock;
        this.lifetime = lifetime;
    }

    /** A new session and the cookie value that names it. */
    public record Created(String cookie, ConsoleSession session) {
    }

    public Created create(String user, List<String> roles) throws SQLException {
        String cookie = randomToken();
        long now = clock.getAsLong();
        ConsoleSession session = new ConsoleSession(user, roles, randomToken(), now + lifetime.toMillis());
        db.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM console_sessions WHERE expires_millis <= ?")) {
                ps.setLong(1, now);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO console_sessions (id_hash, user_name, roles, csrf,"
                    + " created_millis, expires_millis) VALUES (?, ?, ?, ?, ?, ?)")) {
                ps.setString(1, hash(cookie));
                ps.setString(2, user);
                ps.setString(3, String.join("\n", roles));
                ps.setString(4, session.csrf());
                ps.setLong(5, now);
                ps.setLong(6, session.expiresMillis());
                ps.executeUpdate();
            }
            return null;
        });
        return new Created(cookie, session);
    }

    /** The live session the cookie value names, if any. */
    public Optional<ConsoleSession> find(String cookie) throws SQLException {
        if (cookie == null || cookie.isEmpty() || cookie.length() > MAX_COOKIE_CHARS) {
            return Optional.empty();
        }
        long now = clock.getAsLong();
        return db.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT user_name, roles, csrf, expires_millis FROM console_sessions"
                    + " WHERE id_hash = ? AND expires_millis > ?")) {
                ps.setString(1, hash(cookie));
                ps.setLong(2, now);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.<ConsoleSession>empty();
                    }
                    String roles = rs.getString(2);
                    return Optional.of(new ConsoleSession(rs.getString(1), roles.isEmpty() ? List.of() : List.of(roles.split("\n")),
                            rs.getString(3), rs.getLong(4)));
                }
            }
        });
    }

    /** Ends the session the cookie value names; true if there was one. */
    public boolean end(String cookie) throws SQLException {
        if (cookie == null || cookie.isEmpty() || cookie.length() > MAX_COOKIE_CHARS) {
            return false;
        }
        return db.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM console_sessions WHERE id_hash = ?")) {
                ps.setString(1, hash(cookie));
                return ps.executeUpdate() > 0;
            }
        });
    }

    /** 256 random bits, URL-safe. */
    static String randomToken() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static String hash(String cookie) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(cookie.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
