package io.tributary.central.meta;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * SQL over {@code entries} and {@code versions}, inside the caller's transaction. A tree is
 * addressed by key prefix ({@code substr(path_key, 1, n) = 'dir/'}), so moving, copying or
 * deleting a directory of any size is a handful of statements, not one per descendant.
 * Lengths given to substr count code points, as both SQLite and PostgreSQL do for text.
 */
final class Entries {
    static final String COLUMNS = "share, path_key, path, parent_key, is_dir, size, modified_millis, version_gateway,"
            + " version_position, manifest, props, revision, created_millis";

    private Entries() {
    }

    static Optional<Entry> get(Connection c, String share, String key) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM entries WHERE share = ? AND path_key = ?")) {
            ps.setString(1, share);
            ps.setString(2, key);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.empty();
            }
        }
    }

    static List<Entry> children(Connection c, String share, String parentKey) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT " + COLUMNS + " FROM entries WHERE share = ? AND parent_key = ? ORDER BY path_key")) {
            ps.setString(1, share);
            ps.setString(2, parentKey);
            return list(ps);
        }
    }

    /** The files at {@code key} or below it (all files of the share for the root key ""). */
    static List<Entry> filesWithin(Connection c, String share, String key) throws SQLException {
        if (key.isEmpty()) {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT " + COLUMNS + " FROM entries WHERE share = ? AND is_dir = 0 ORDER BY path_key")) {
                ps.setString(1, share);
                return list(ps);
            }
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM entries WHERE share = ? AND is_dir = 0"
                + " AND (path_key = ? OR substr(path_key, 1, ?) = ?) ORDER BY path_key")) {
            bindTree(ps, 1, share, key);
            return list(ps);
        }
    }

    static void insert(Connection c, Entry e) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO entries (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, e.share());
            ps.setString(2, e.key());
            ps.setString(3, e.path());
            ps.setString(4, e.parentKey());
            ps.setInt(5, e.dir() ? 1 : 0);
            ps.setLong(6, e.size());
            ps.setLong(7, e.modifiedMillis());
            if (e.dir()) {
                ps.setNull(8, Types.VARCHAR);
                ps.setNull(9, Types.BIGINT);
            } else {
                ps.setString(8, e.versionGateway());
                ps.setLong(9, e.versionPosition());
            }
            setBytes(ps, 10, e.manifest());
            setBytes(ps, 11, e.props());
            ps.setLong(12, e.revision());
            ps.setLong(13, e.createdMillis());
            ps.executeUpdate();
        }
    }

    static void delete(Connection c, String share, String key) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM entries WHERE share = ? AND path_key = ?")) {
            ps.setString(1, share);
            ps.setString(2, key);
            ps.executeUpdate();
        }
    }

    /** Removes the entry at {@code key} and everything below it. */
    static void deleteTree(Connection c, String share, String key) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "DELETE FROM entries WHERE share = ? AND (path_key = ? OR substr(path_key, 1, ?) = ?)")) {
            bindTree(ps, 1, share, key);
            ps.executeUpdate();
        }
    }

    /** Keeps every file at or below {@code key} as a previous version, replaced at {@code revision}. */
    static void retireTree(Connection c, String share, String key, long revision, long now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO versions (share, path_key, path, version_gateway,"
                + " version_position, size, modified_millis, manifest, revision_created, created_millis, revision_replaced,"
                + " replaced_millis) SELECT share, path_key, path, version_gateway, version_position, size, modified_millis,"
                + " manifest, revision, created_millis, ?, ? FROM entries WHERE share = ? AND is_dir = 0"
                + " AND (path_key = ? OR substr(path_key, 1, ?) = ?)")) {
            ps.setLong(1, revision);
            ps.setLong(2, now);
            bindTree(ps, 3, share, key);
            ps.executeUpdate();
        }
    }

    /** Renames the tree at {@code from} to {@code to}; the entry's new parent is {@code toParentKey}. Versions travel along. */
    static void moveTree(Connection c, String share, Entry from, String toKey, String toPath, String toParentKey) throws SQLException {
        int keyLen = length(from.key());
        int pathLen = length(from.path());
        try (PreparedStatement ps = c.prepareStatement("UPDATE entries SET path_key = ?, path = ?, parent_key = ?"
                + " WHERE share = ? AND path_key = ?")) {
            ps.setString(1, toKey);
            ps.setString(2, toPath);
            ps.setString(3, toParentKey);
            ps.setString(4, share);
            ps.setString(5, from.key());
            ps.executeUpdate();
        }
        if (from.dir()) {
            try (PreparedStatement ps = c.prepareStatement("UPDATE entries SET path_key = ? || substr(path_key, ?),"
                    + " path = ? || substr(path, ?), parent_key = ? || substr(parent_key, ?)"
                    + " WHERE share = ? AND substr(path_key, 1, ?) = ?")) {
                ps.setString(1, toKey);
                ps.setInt(2, keyLen + 1);
                ps.setString(3, toPath);
                ps.setInt(4, pathLen + 1);
                ps.setString(5, toKey);
                ps.setInt(6, keyLen + 1);
                ps.setString(7, share);
                ps.setInt(8, keyLen + 1);
                ps.setString(9, from.key() + "/");
                ps.executeUpdate();
            }
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE versions SET path_key = ? || substr(path_key, ?),"
                + " path = ? || substr(path, ?) WHERE share = ? AND (path_key = ? OR substr(path_key, 1, ?) = ?)")) {
            ps.setString(1, toKey);
            ps.setInt(2, keyLen + 1);
            ps.setString(3, toPath);
            ps.setInt(4, pathLen + 1);
            bindTree(ps, 5, share, from.key());
            ps.executeUpdate();
        }
    }

    /** Copies the descendants of {@code from} below {@code toKey}; files get the version (gateway, position). */
    static void copyDescendants(Connection c, String share, Entry from, String toKey, String toPath, String gateway,
                                long position, long revision, long now) throws SQLException {
        int keyLen = length(from.key());
        int pathLen = length(from.path());
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO entries (" + COLUMNS + ")"
                + " SELECT share, ? || substr(path_key, ?), ? || substr(path, ?), ? || substr(parent_key, ?), is_dir, size,"
                + " modified_millis, CASE WHEN is_dir = 1 THEN NULL ELSE CAST(? AS TEXT) END,"
                + " CASE WHEN is_dir = 1 THEN NULL ELSE CAST(? AS BIGINT) END, manifest, props, ?, ?"
                + " FROM entries WHERE share = ? AND substr(path_key, 1, ?) = ?")) {
            ps.setString(1, toKey);
            ps.setInt(2, keyLen + 1);
            ps.setString(3, toPath);
            ps.setInt(4, pathLen + 1);
            ps.setString(5, toKey);
            ps.setInt(6, keyLen + 1);
            ps.setString(7, gateway);
            ps.setLong(8, position);
            ps.setLong(9, revision);
            ps.setLong(10, now);
            ps.setString(11, share);
            ps.setInt(12, keyLen + 1);
            ps.setString(13, from.key() + "/");
            ps.executeUpdate();
        }
    }

    /** Renames only the display path of an entry and its descendants (a change of case). */
    static void redisplayTree(Connection c, String share, Entry from, String toPath) throws SQLException {
        int pathLen = length(from.path());
        for (String table : new String[] {"entries", "versions"}) {
            try (PreparedStatement ps = c.prepareStatement("UPDATE " + table + " SET path = ? || substr(path, ?)"
                    + " WHERE share = ? AND (path_key = ? OR substr(path_key, 1, ?) = ?)")) {
                ps.setString(1, toPath);
                ps.setInt(2, pathLen + 1);
                bindTree(ps, 3, share, from.key());
                ps.executeUpdate();
            }
        }
    }

    static void updateFile(Connection c, Entry e) throws SQLException {
        delete(c, e.share(), e.key());
        insert(c, e);
    }

    static void setProps(Connection c, String share, String key, byte[] props) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE entries SET props = ? WHERE share = ? AND path_key = ?")) {
            setBytes(ps, 1, props);
            ps.setString(2, share);
            ps.setString(3, key);
            ps.executeUpdate();
        }
    }

    static void setModified(Connection c, String share, String key, long millis) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE entries SET modified_millis = ? WHERE share = ? AND path_key = ?")) {
            ps.setLong(1, millis);
            ps.setString(2, share);
            ps.setString(3, key);
            ps.executeUpdate();
        }
    }

    /** Binds (share, key, length of key + '/', key + '/') at {@code index}. */
    static void bindTree(PreparedStatement ps, int index, String share, String key) throws SQLException {
        ps.setString(index, share);
        ps.setString(index + 1, key);
        ps.setInt(index + 2, length(key) + 1);
        ps.setString(index + 3, key + "/");
    }

    static int length(String s) {
        return s.codePointCount(0, s.length());
    }

    private static List<Entry> list(PreparedStatement ps) throws SQLException {
        List<Entry> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(read(rs));
            }
        }
        return out;
    }

    private static Entry read(ResultSet rs) throws SQLException {
        long position = rs.getLong(9);
        if (rs.wasNull()) {
            position = -1;
        }
        return new Entry(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getInt(5) == 1,
                rs.getLong(6), rs.getLong(7), rs.getString(8), position, rs.getBytes(10), rs.getBytes(11),
                rs.getLong(12), rs.getLong(13));
    }

    static void setBytes(PreparedStatement ps, int index, byte[] bytes) throws SQLException {
        if (bytes == null) {
            ps.setNull(index, Types.BINARY);
        } else {
            ps.setBytes(index, bytes);
        }
    }
}
