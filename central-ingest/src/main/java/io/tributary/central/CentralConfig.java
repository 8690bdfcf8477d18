package io.tributary.central;

import io.tributary.central.console.ConsoleSettings;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Everything a central node is started with. {@code databaseUrl} null means SQLite at
 * {@code DATA/meta.db}; ports 0 mean any free port. {@code serverNames} are the names and
 * addresses gateways reach central by, put in its TLS certificate beside loopback and the bind
 * address; {@code gatewayCertificateLifetime} is how long a gateway certificate is valid;
 * {@code httpTls} serves the HTTP port (health, metrics, admin API) over HTTPS with the same
 * certificate; {@code console} says how admins sign in to the console.
 */
public record CentralConfig(Path data, String bindHost, int grpcPort, int httpPort, String databaseUrl,
                            String databaseUser, String databasePassword, Duration keepVersions, LongSupplier clock,
                            List<String> serverNames, Duration gatewayCertificateLifetime, boolean httpTls,
                            ConsoleSettings console) {
    public static final Duration DEFAULT_CERTIFICATE_LIFETIME = Duration.ofDays(30);

    public CentralConfig {
        serverNames = List.copyOf(serverNames);
    }

    /** Embedded defaults on any free ports of 127.0.0.1: what tests and the quick start use. */
    public static CentralConfig embedded(Path data) {
        return new CentralConfig(data, "127.0.0.1", 0, 0, null, null, null, Duration.ofDays(30), System::currentTimeMillis,
                List.of(), DEFAULT_CERTIFICATE_LIFETIME, false, ConsoleSettings.LOCAL);
    }

    /** Every name central's TLS certificate carries. */
    public List<String> certificateNames() {
        java.util.LinkedHashSet<String> names = new java.util.LinkedHashSet<>(List.of("127.0.0.1", "::1", "localhost"));
        if (!bindHost.equals("0.0.0.0") && !bindHost.equals("::")) {
            names.add(bindHost);
        }
        names.addAll(serverNames);
        return List.copyOf(names);
    }

    public String jdbcUrl() {
        return databaseUrl != null ? databaseUrl : "jdbc:sqlite:" + data.resolve("meta.db");
    }
}
