package io.tributary.central.meta;

/**
 * The few places where SQLite and PostgreSQL differ: column types in the schema only.
 * Queries and updates are the same text on both.
 */
public enum Dialect {
    SQLITE("BLOB", "INTEGER PRIMARY KEY AUTOINCREMENT"),
    POSTGRESQL("BYTEA", "BIGSERIAL PRIMARY KEY");

    final String blob;
    final String generatedKey;

    Dialect(String blob, String generatedKey) {
        this.blob = blob;
        this.generatedKey = generatedKey;
    }

    /** The dialect of a JDBC URL, or an {@link IllegalArgumentException} naming the ones we speak. */
    public static Dialect of(String jdbcUrl) {
        if (jdbcUrl.startsWith("jdbc:sqlite:")) {
            return SQLITE;
        }
        if (jdbcUrl.startsWith("jdbc:postgresql:")) {
            return POSTGRESQL;
        }
        throw new IllegalArgumentException("the database must be a jdbc:sqlite: or jdbc:postgresql: URL, got '" + jdbcUrl + "'");
    }
}
