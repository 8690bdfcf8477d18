package io.tributary.central.cli;

import io.tributary.central.audit.AuditEvent;
import io.tributary.central.audit.AuditLog;
import io.tributary.central.meta.Dialect;
import io.tributary.central.meta.MetaStore;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;

/** The options that find a central's data and database, for commands that work on them offline. */
final class CentralStore {
    @Option(names = "--data", required = true, paramLabel = "DIR", description = "The central's data directory.")
    Path data;

    @Option(names = "--database", paramLabel = "JDBC_URL", description = "The central's database, if not SQLite at DIR/meta.db.")
    String database;

    @Option(names = "--database-user", paramLabel = "USER", description = "Database user; the password comes from $"
            + CentralCommand.PASSWORD_ENV + ".")
    String databaseUser;

    /** Refuses a directory that is not a central's, before anything is created in it. */
    void check() {
        if (!Files.isDirectory(data.resolve("ca")) || database == null && !Files.exists(data.resolve("meta.db"))) {
            throw new IllegalArgumentException("--data " + data + " is not a central's data directory (start central on it first)");
        }
        if (database != null) {
            Dialect.of(database);
        }
    }

    /** Records an admin's action on this host, as the operating-system user who ran the command. */
    void record(MetaStore meta, String action, String target, String detail) throws SQLException {
        new AuditLog(meta.database()).record(AuditEvent.atCentral(System.currentTimeMillis(), "os:" + System.getProperty("user.name"),
                action, target, "local", detail));
    }

    MetaStore open() throws SQLException {
        String url = database != null ? database : "jdbc:sqlite:" + data.resolve("meta.db");
        return MetaStore.open(url, databaseUser, System.getenv(CentralCommand.PASSWORD_ENV), System::currentTimeMillis);
    }
}
