package io.tributary.central.cli;

import io.tributary.central.Central;
import io.tributary.central.CentralConfig;
import io.tributary.central.console.ConsoleSettings;
import io.tributary.central.meta.Dialect;
import io.tributary.proto.auth.LocalUserStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

/** {@code central}: runs a central node until SIGTERM or SIGINT. */
@Command(name = "central", mixinStandardHelpOptions = true,
        description = "Run a central ingest node: gRPC ingest and enrollment (mutual TLS) on --grpc-port; health, metrics,"
                + " the admin console (/console/) and its API (/api/v1) on --http-port.",
        subcommands = {TokenCommand.class, RevokeCommand.class, AuditCommand.class})
public final class CentralCommand implements Callable<Integer> {
    static final String PASSWORD_ENV = "TRIBUTARY_DB_PASSWORD";

    @Option(names = "--data", paramLabel = "DIR", description = "Data directory: chunks, the CA, and meta.db with the default database. Required.")
    Path data;

    @Option(names = "--grpc-port", defaultValue = "0", paramLabel = "N", description = "gRPC ingest port; 0 for any free port. Default: ${DEFAULT-VALUE}.")
    int grpcPort;

    @Option(names = "--http-port", defaultValue = "0", paramLabel = "N", description = "Health, metrics and admin API port; 0 for any. Default: ${DEFAULT-VALUE}.")
    int httpPort;

    @Option(names = "--bind", defaultValue = "127.0.0.1", paramLabel = "ADDR", description = "Address to listen on. Default: ${DEFAULT-VALUE}.")
    String bind;

    @Option(names = "--database", paramLabel = "JDBC_URL",
            description = "Metadata database: jdbc:sqlite:FILE or jdbc:postgresql://HOST:PORT/DB. Default: SQLite at DIR/meta.db.")
    String database;

    @Option(names = "--database-user", paramLabel = "USER", description = "Database user; the password comes from $" + PASSWORD_ENV + ".")
    String databaseUser;

    @Option(names = "--server-name", paramLabel = "NAME", description = "A DNS name or address gateways reach central by,"
            + " for its TLS certificate (loopback and --bind are always in it). Repeatable.")
    java.util.List<String> serverNames = new java.util.ArrayList<>();

    @Option(names = "--gateway-cert-lifetime", defaultValue = "30d", paramLabel = "DURATION",
            description = "How long a gateway certificate is valid (gateways renew after two thirds): 90s, 30m, 8h, 30d. Default: ${DEFAULT-VALUE}.")
    String gatewayCertLifetime;

    @Option(names = "--http-tls", description = "Serve the HTTP port (health, metrics, admin API) over HTTPS: TLS 1.3, or 1.2 with"
            + " AEAD suites, with central's certificate, which chains to DATA/ca/ca.crt.")
    boolean httpTls;

    @Option(names = "--admin-user", paramLabel = "NAME:PASSWORD",
            description = "Adds or replaces a console admin in central's own user store (DATA/admins). Repeatable.")
    java.util.List<String> adminUsers = new java.util.ArrayList<>();

    @Option(names = "--oidc-issuer", paramLabel = "URL",
            description = "OIDC issuer (e.g. a Keycloak realm) for console single sign-on, with --oidc-client.")
    String oidcIssuer;

    @Option(names = "--oidc-client", paramLabel = "ID", description = "The console's public client id at the OIDC issuer (PKCE, no secret).")
    String oidcClient;

    @Option(names = "--oidc-admin-role", defaultValue = ConsoleSettings.DEFAULT_ADMIN_ROLE, paramLabel = "ROLE",
            description = "Realm role an OIDC user needs to use the console. Default: ${DEFAULT-VALUE}.")
    String oidcAdminRole;

    @Option(names = "--console-url", paramLabel = "URL",
            description = "The console's external address (https://host:port), for the OIDC redirect URI; default: the address central listens on.")
    String consoleUrl;

    @Option(names = "--console-session", defaultValue = "8h", paramLabel = "DURATION",
            description = "How long a console session lasts: 5m to 7d. Default: ${DEFAULT-VALUE}.")
    String consoleSession;

    @Option(names = "--keep-versions-days", defaultValue = "30", paramLabel = "N",
            description = "Keep previous file versions this many days. Default: ${DEFAULT-VALUE}.")
    int keepVersionsDays;

    @Override
    public Integer call() throws Exception {
        CentralConfig config = config();
        seedAdmins(config.data());
        Central central = Central.start(config);
        Runtime.getRuntime().addShutdownHook(new Thread(central::close, "central shutdown"));
        System.out.println("tributary central ready grpc-port=" + central.grpcPort() + " http-port=" + central.httpPort());
        java.util.logging.Logger.getLogger(CentralCommand.class.getName()).info("admin API, health and metrics: "
                + (config.httpTls() ? "https" : "http") + "://" + config.bindHost() + ":" + central.httpPort() + "/"
                + (config.httpTls() ? " (certificate chained to " + config.data().resolve("ca/ca.crt") + ")" : ""));
        System.out.flush();
        central.awaitStopped();
        return 0;
    }

    /** Checks every value before anything is created. */
    CentralConfig config() {
        if (data == null) {
            throw new IllegalArgumentException("--data DIR is required");
        }
        port("--grpc-port", grpcPort);
        port("--http-port", httpPort);
        if (keepVersionsDays < 0 || keepVersionsDays > 36_500) {
            throw new IllegalArgumentException("--keep-versions-days takes 0 to 36500, got " + keepVersionsDays);
        }
        if (Files.exists(data) && !Files.isDirectory(data)) {
            throw new IllegalArgumentException("--data " + data + " exists and is not a directory");
        }
        if (bind.isBlank()) {
            throw new IllegalArgumentException("--bind takes an address, got an empty one");
        }
        try {
            InetAddress.getByName(bind);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("--bind " + bind + " is not an address of this machine");
        }
        if (database != null) {
            Dialect.of(database);
        }
        Duration lifetime = DurationText.parse(gatewayCertLifetime, "--gateway-cert-lifetime");
        if (lifetime.compareTo(Duration.ofSeconds(10)) < 0 || lifetime.compareTo(Duration.ofDays(825)) > 0) {
            throw new IllegalArgumentException("--gateway-cert-lifetime takes 10s to 825d, got " + gatewayCertLifetime);
        }
        for (String name : serverNames) {
            if (!name.matches("[A-Za-z0-9.:-]{1,253}")) {
                throw new IllegalArgumentException("--server-name takes a DNS name or an IP address, got '" + name + "'");
            }
        }
        for (String admin : adminUsers) {
            adminUser(admin);
        }
        ConsoleSettings console = new ConsoleSettings(uri("--oidc-issuer", oidcIssuer), oidcClient, oidcAdminRole,
                uri("--console-url", consoleUrl), DurationText.parse(consoleSession, "--console-session"));
        return new CentralConfig(data, bind, grpcPort, httpPort, database, databaseUser, System.getenv(PASSWORD_ENV),
                Duration.ofDays(keepVersionsDays), System::currentTimeMillis, serverNames, lifetime, httpTls, console);
    }

    /** Adds the --admin-user admins to DATA/admins. */
    private void seedAdmins(Path dir) throws java.io.IOException {
        if (adminUsers.isEmpty()) {
            return;
        }
        Files.createDirectories(dir);
        LocalUserStore store = LocalUserStore.open(dir.resolve("admins"));
        for (String admin : adminUsers) {
            String[] nameAndPassword = adminUser(admin);
            store.put(nameAndPassword[0], nameAndPassword[1].toCharArray());
        }
    }

    private static String[] adminUser(String value) {
        int colon = value.indexOf(':');
        if (colon <= 0 || colon == value.length() - 1) {
            throw new IllegalArgumentException("--admin-user takes NAME:PASSWORD, got '" + value.replaceAll(":.*", ":...") + "'");
        }
        String name = value.substring(0, colon);
        LocalUserStore.checkName(name);
        return new String[]{name, value.substring(colon + 1)};
    }

    private static java.net.URI uri(String option, String value) {
        if (value == null) {
            return null;
        }
        try {
            java.net.URI uri = new java.net.URI(value);
            if (uri.getHost() == null) {
                throw new IllegalArgumentException(option + " takes an absolute URL, got '" + value + "'");
            }
            return uri;
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException(option + " is not a URL: '" + value + "'");
        }
    }

    private static void port(String option, int port) {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException(option + " takes 0 to 65535, got " + port);
        }
    }
}
