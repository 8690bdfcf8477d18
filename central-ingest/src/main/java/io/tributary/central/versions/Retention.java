package io.tributary.central.versions;

import io.tributary.central.meta.MetaStore;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;

/** Forgets previous versions replaced longer ago than the retention period. */
public final class Retention {
    private final MetaStore meta;
    private final Duration keep;

    public Retention(MetaStore meta, Duration keep) {
        this.meta = meta;
        this.keep = keep;
    }

    /** Deletes the expired versions; returns how many. */
    public int sweep() throws SQLException {
        long cutoff = meta.now() - keep.toMillis();
        return meta.database().transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM versions WHERE replaced_millis < ?")) {
                ps.setLong(1, cutoff);
                return ps.executeUpdate();
            }
        });
    }
}
