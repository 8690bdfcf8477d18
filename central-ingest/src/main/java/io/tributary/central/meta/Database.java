package io.tributary.central.meta;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A few JDBC connections and the transaction discipline around them. SQLite gets one
 * connection (it has one writer anyway, and this avoids SQLITE_BUSY); PostgreSQL a small pool.
 * Transactions that lose a deadlock or serialization race are retried from the start.
 */
public final class Database implements AutoCloseable {
    private static final int RETRIES = 5;

    /** Work inside a transaction; may be run more than once if the database asks for a retry. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private final String url;
    private final Properties props;
    private final Dialect dialect;
    private final BlockingQueue<Connection> idle;
    private final List<Connection> all = new ArrayList<>();
    private volatile boolean closed;

    private Database(String url, Properties props, Dialect dialect, int size) {
        this.url = url;
        this.props = props;
        this.dialect = dialect;
        this.idle = new ArrayBlockingQueue<>(size);
    }

    /** Opens {@code url}; {@code user} and {@code password} may be null (SQLite ignores them). */
    public static Database open(String url, String user, String password) throws SQLException {
        Dialect dialect = Dialect.of(url);
        Properties props = new Properties();
        if (user != null) {
            props.setProperty("user", user);
        }
        if (password != null) {
            props.setProperty("password", password);
        }
        Database db = new Database(url, props, dialect, dialect == Dialect.SQLITE ? 1 : 4);
        try {
            for (int i = 0; i < (dialect == Dialect.SQLITE ? 1 : 4); i++) {
                Connection c = db.connect();
                db.all.add(c);
                db.idle.add(c);
            }
        } catch (SQLException e) {
            db.close();
            throw e;
        }
        return db;
    }

    public Dialect dialect() {
        return dialect;
    }

    private Connection connect() throws SQLException {
        Connection c = DriverManager.getConnection(url, props);
        if (dialect == Dialect.SQLITE) {
            try (Statement s = c.createStatement()) {
                s.execute("PRAGMA journal_mode=WAL");
                // FULL: a commit central has acknowledged survives a power cut, as the gateway promises its clients.
                s.execute("PRAGMA synchronous=FULL");
                s.execute("PRAGMA busy_timeout=10000");
            }
        }
        c.setAutoCommit(false);
        return c;
    }

    /** Runs {@code work} in one transaction and commits it. */
    public <T> T transaction(Work<T> work) throws SQLException {
        for (int attempt = 1; ; attempt++) {
            Connection c = take();
            boolean healthy = true;
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                healthy = rollback(c);
                if (e instanceof SQLException sql && retryable(sql) && attempt < RETRIES) {
                    continue;
                }
                throw e;
            } finally {
                give(c, healthy);
            }
        }
    }

    private static boolean retryable(SQLException e) {
        String state = e.getSQLState();
        // 40001 serialization failure, 40P01 deadlock: the transaction did nothing; run it again.
        return "40001".equals(state) || "40P01".equals(state);
    }

    private boolean rollback(Connection c) {
        try {
            c.rollback();
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    private Connection take() throws SQLException {
        if (closed) {
            throw new SQLException("the metadata store is closed");
        }
        try {
            Connection c = idle.poll(30, TimeUnit.SECONDS);
            if (c == null) {
                throw new SQLException("no database connection became free within 30 s");
            }
            return c;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted while waiting for a database connection", e);
        }
    }

    private void give(Connection c, boolean healthy) {
        if (!healthy && !closed) {
            // A broken connection (database restarted, network cut) is replaced rather than reused.
            try {
                c.close();
            } catch (SQLException ignored) {
                // already broken
            }
            try {
                Connection fresh = connect();
                synchronized (all) {
                    all.remove(c);
                    all.add(fresh);
                }
                c = fresh;
            } catch (SQLException e) {
                // keep the old one: the next use fails and tries again
            }
        }
        idle.offer(c);
    }

    /** True if a trivial query answers: readiness. */
    public boolean healthy() {
        try {
            return transaction(c -> {
                try (Statement s = c.createStatement()) {
                    s.executeQuery("SELECT 1").close();
                }
                return true;
            });
        } catch (SQLException e) {
            return false;
        }
    }

    @Override
    public void close() {
        closed = true;
        synchronized (all) {
            for (Connection c : all) {
                try {
                    c.close();
                } catch (SQLException ignored) {
                    // closing anyway
                }
            }
            all.clear();
        }
    }
}
