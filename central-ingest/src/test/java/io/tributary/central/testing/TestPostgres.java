package io.tributary.central.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A throwaway PostgreSQL cluster for tests: initdb in a temp directory, trust auth, listening on
 * a free port of 127.0.0.1 with its socket in the same directory, stopped when the test JVM
 * exits. One cluster per JVM; each caller gets a fresh database in it.
 */
public final class TestPostgres {
    private static final String BIN = System.getenv().getOrDefault("TRIBUTARY_PG_BIN", newestInstalledBin());
    private static TestPostgres shared;

    private final Path dir;
    private final int port;
    private final AtomicInteger databases = new AtomicInteger();

    private TestPostgres(Path dir, int port) {
        this.dir = dir;
        this.port = port;
    }

    /** The newest /usr/lib/postgresql/N/bin with the server tools (Debian installs one per major version). */
    private static String newestInstalledBin() {
        Path base = Path.of("/usr/lib/postgresql");
        try (var versions = Files.list(base)) {
            return versions.filter(v -> Files.isExecutable(v.resolve("bin/initdb")))
                    .max(java.util.Comparator.comparingInt(v -> {
                        try {
                            return Integer.parseInt(v.getFileName().toString());
                        } catch (NumberFormatException e) {
                            return -1;
                        }
                    }))
                    .map(v -> v.resolve("bin").toString())
                    .orElse(base.resolve("15/bin").toString());
        } catch (java.io.IOException e) {
            return base.resolve("15/bin").toString();
        }
    }

    /** The JVM's cluster, started on first use. */
    public static synchronized TestPostgres shared() {
        if (shared == null) {
            shared = start();
            TestPostgres started = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(started::stop, "stop test postgres"));
        }
        return shared;
    }

    /** A JDBC URL of a new, empty database (user postgres, no password). */
    public String newDatabase() {
        String name = "t" + databases.incrementAndGet();
        try (Connection c = DriverManager.getConnection(url("postgres"), "postgres", null); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create test database " + name, e);
        }
        return url(name);
    }

    private String url(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    private static TestPostgres start() {
        if (!Files.isExecutable(Path.of(BIN, "initdb")) || !Files.isExecutable(Path.of(BIN, "pg_ctl"))) {
            throw new IllegalStateException("PostgreSQL server binaries are missing at " + BIN
                    + " (scripts/install-test-deps.sh installs the Debian package postgresql; or set TRIBUTARY_PG_BIN)");
        }
        try {
            Path dir = Files.createTempDirectory("tributary-pg");
            boolean root = "root".equals(System.getProperty("user.name"));
            if (root) {
                // initdb refuses to run as root; the cluster belongs to the postgres user.
                run(List.of("chown", "postgres:postgres", dir.toString()), 30);
            }
            int port;
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
                port = s.getLocalPort();
            }
            Path data = dir.resolve("data");
            run(asPostgres(root, BIN + "/initdb", "-D", data.toString(), "-A", "trust", "-U", "postgres", "-E", "UTF8",
                    "--locale=C", "--no-sync", "--no-instructions"), 120);
            run(asPostgres(root, BIN + "/pg_ctl", "-D", data.toString(), "-l", dir.resolve("log").toString(), "-w", "-t", "60",
                    "-o", "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off",
                    "start"), 90);
            return new TestPostgres(dir, port);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start a test PostgreSQL", e);
        }
    }

    private void stop() {
        boolean root = "root".equals(System.getProperty("user.name"));
        try {
            run(asPostgres(root, BIN + "/pg_ctl", "-D", dir.resolve("data").toString(), "-m", "immediate", "-w", "-t", "30", "stop"), 45);
        } catch (RuntimeException | IOException e) {
            System.err.println("test postgres did not stop cleanly: " + e.getMessage());
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp directory left behind is harmless
        }
    }

    private static List<String> asPostgres(boolean root, String... command) {
        List<String> out = new ArrayList<>();
        if (root) {
            out.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        out.addAll(List.of(command));
        return out;
    }

    private static void run(List<String> command, int timeoutSeconds) throws IOException {
        // Output to a file, not a pipe: the server pg_ctl starts must not hold our pipe open.
        Path out = Files.createTempFile("tributary-pg-cmd", ".log");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        try {
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(command.get(command.size() > 4 ? 4 : 0) + " did not finish within " + timeoutSeconds + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        String output = Files.readString(out);
        Files.deleteIfExists(out);
        if (p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed with status " + p.exitValue() + ": " + output);
        }
    }
}
