package io.tributary.central;

import java.nio.file.Path;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Everything a central node is started with. {@code databaseUrl} null means SQLite at
 * {@code DATA/meta.db}; ports 0 mean any free port.
 */
public record CentralConfig(Path data, String bindHost, int grpcPort, int httpPort, String databaseUrl,
                            String databaseUser, String databasePassword, Duration keepVersions, LongSupplier clock) {

    /** Embedded defaults on any free ports of 127.0.0.1: what tests and the quick start use. */
    public static CentralConfig embedded(Path data) {
        return new CentralConfig(data, "127.0.0.1", 0, 0, null, null, null, Duration.ofDays(30), System::currentTimeMillis);
    }

    public String jdbcUrl() {
        return databaseUrl != null ? databaseUrl : "jdbc:sqlite:" + data.resolve("meta.db");
    }
}
