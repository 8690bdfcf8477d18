package io.tributary.sync;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What both sides looked like after the last sync, in {@code FOLDER/.tributary/state.db}
 * (SQLite): per path its local size, modification time, inode and content hash, and the
 * gateway's etag. A path in it that is gone from one side was deleted there; one whose values
 * differ was changed there.
 */
final class SyncState implements AutoCloseable {
    static final String DIR = ".tributary";

    /** One synced path: the local facts and the remote etag as of the last sync. */
    record Synced(String path, boolean directory, long size, long mtimeMillis, long inode, String hash, String etag) {
    }

    private final Connection db;

    private SyncState(Connection db) {
        this.db = db;
    }

    static SyncState open(Path folder) throws IOException {
        Path dir = folder.resolve(DIR);
        Files.createDirectories(dir);
        try {
            Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("state.db"));
            try (Statement s = c.createStatement()) {
                s.execute("PRAGMA journal_mode=WAL");
                // A record lost to a power cut only makes the next run compare that path again.
                s.execute("PRAGMA synchronous=NORMAL");
                s.execute("CREATE TABLE IF NOT EXISTS entries (path TEXT PRIMARY KEY, is_dir INTEGER NOT NULL, size INTEGER NOT NULL,"
                        + " mtime INTEGER NOT NULL, inode INTEGER NOT NULL, hash TEXT, etag TEXT)");
                s.execute("CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT NOT NULL)");
            }
            return new SyncState(c);
        } catch (SQLException e) {
            throw new IOException("cannot open the sync state in " + dir + ": " + e.getMessage(), e);
        }
    }

    synchronized Map<String, Synced> all() throws IOException {
        Map<String, Synced> out = new TreeMap<>();
        try (Statement s = db.createStatement();
             ResultSet rs = s.executeQuery("SELECT path, is_dir, size, mtime, inode, hash, etag FROM entries")) {
            while (rs.next()) {
                out.put(rs.getString(1), new Synced(rs.getString(1), rs.getInt(2) != 0, rs.getLong(3), rs.getLong(4),
                        rs.getLong(5), rs.getString(6), rs.getString(7)));
            }
        } catch (SQLException e) {
            throw new IOException("cannot read the sync state: " + e.getMessage(), e);
        }
        return out;
    }

    synchronized void put(Synced s) throws IOException {
        try (PreparedStatement ps = db.prepareStatement("INSERT INTO entries (path, is_dir, size, mtime, inode, hash, etag)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(path) DO UPDATE SET is_dir = excluded.is_dir, size = excluded.size,"
                + " mtime = excluded.mtime, inode = excluded.inode, hash = excluded.hash, etag = excluded.etag")) {
            ps.setString(1, s.path());
            ps.setInt(2, s.directory() ? 1 : 0);
            ps.setLong(3, s.size());
            ps.setLong(4, s.mtimeMillis());
            ps.setLong(5, s.inode());
            ps.setString(6, s.hash());
            ps.setString(7, s.etag());
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IOException("cannot record " + s.path() + " in the sync state: " + e.getMessage(), e);
        }
    }

    synchronized void remove(String path) throws IOException {
        try (PreparedStatement ps = db.prepareStatement("DELETE FROM entries WHERE path = ?")) {
            ps.setString(1, path);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IOException("cannot forget " + path + " in the sync state: " + e.getMessage(), e);
        }
    }

    synchronized Optional<String> meta(String key) throws IOException {
        try (PreparedStatement ps = db.prepareStatement("SELECT v FROM meta WHERE k = ?")) {
            ps.setString(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IOException("cannot read the sync state: " + e.getMessage(), e);
        }
    }

    synchronized void meta(String key, String value) throws IOException {
        try (PreparedStatement ps = db.prepareStatement("INSERT INTO meta (k, v) VALUES (?, ?) ON CONFLICT(k) DO UPDATE SET v = excluded.v")) {
            ps.setString(1, key);
            ps.setString(2, value);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IOException("cannot write the sync state: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            db.close();
        } catch (SQLException ignored) {
            // closing a local file; nothing to do
        }
    }
}
