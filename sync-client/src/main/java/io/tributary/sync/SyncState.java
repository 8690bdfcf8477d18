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
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What both sides looked like after the last sync, in {@code FOLDER/.tributary/state.db}
 * (SQLite): per path its local size, modification time, inode and content hash, and the
 * gateway's etag. A path in it that is gone from one side was deleted there; one whose values
 * differ was changed there.
 *
 * <p>Records are written in batches, one transaction each: hundreds of transfer threads record
 * at once, and one statement each under a lock cost more than the transfers. A record lost
 * with its batch to a crash only makes the next run compare that path again.
 */
final class SyncState implements AutoCloseable {
    static final String DIR = ".tributary";

    /** One synced path: the local facts and the remote etag as of the last sync. */
    record Synced(String path, boolean directory, long size, long mtimeMillis, long inode, String hash, String etag) {
    }

    /** Records waiting for the next batch. */
    static final int BATCH = 512;

    private final Connection db;
    /** Synced records to write and paths (String) to forget, in the order they came. */
    private final ConcurrentLinkedQueue<Object> pending = new ConcurrentLinkedQueue<>();
    private final AtomicInteger pendingCount = new AtomicInteger();

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
        flush();
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

    void put(Synced s) throws IOException {
        queue(s);
    }

    void remove(String path) throws IOException {
        queue(path);
    }

    private void queue(Object record) throws IOException {
        pending.add(record);
        if (pendingCount.incrementAndGet() >= BATCH) {
            flush();
        }
    }

    /** Writes every record queued so far, in one transaction. */
    synchronized void flush() throws IOException {
        if (pending.isEmpty()) {
            return;
        }
        try (PreparedStatement upsert = db.prepareStatement("INSERT INTO entries (path, is_dir, size, mtime, inode, hash, etag)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(path) DO UPDATE SET is_dir = excluded.is_dir, size = excluded.size,"
                + " mtime = excluded.mtime, inode = excluded.inode, hash = excluded.hash, etag = excluded.etag");
             PreparedStatement delete = db.prepareStatement("DELETE FROM entries WHERE path = ?")) {
            db.setAutoCommit(false);
            try {
                for (Object record; (record = pending.poll()) != null; ) {
                    pendingCount.decrementAndGet();
                    if (record instanceof Synced s) {
                        upsert.setString(1, s.path());
                        upsert.setInt(2, s.directory() ? 1 : 0);
                        upsert.setLong(3, s.size());
                        upsert.setLong(4, s.mtimeMillis());
                        upsert.setLong(5, s.inode());
                        upsert.setString(6, s.hash());
                        upsert.setString(7, s.etag());
                        upsert.executeUpdate();
                    } else {
                        delete.setString(1, (String) record);
                        delete.executeUpdate();
                    }
                }
                db.commit();
            } catch (SQLException e) {
                db.rollback();
                throw e;
            } finally {
                db.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new IOException("cannot record the sync state: " + e.getMessage(), e);
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
            flush();
        } catch (IOException e) {
            System.err.println("tributary sync: " + e.getMessage() + "; the next run compares those paths again");
        }
        try {
            db.close();
        } catch (SQLException ignored) {
            // closing a local file; nothing to do
        }
    }
}
