package io.tributary.gateway.cli;

import io.tributary.gateway.Gateway;
import io.tributary.gateway.GatewayConfig;
import io.tributary.gateway.auth.OidcSettings;
import io.tributary.gateway.auth.ShareAccess;
import io.tributary.gateway.chunk.ChunkSizes;
import io.tributary.gateway.enroll.EnrolledCertificate;
import io.tributary.gateway.journal.Durability;
import io.tributary.gateway.uplink.UplinkSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code tributary gateway}: runs a branch gateway until it is stopped. */
@Command(name = "gateway", mixinStandardHelpOptions = true,
        description = "Run a branch gateway: a WebDAV share on --share-port, health and metrics on --http-port.",
        subcommands = {EnrollCommand.class, KeysCommand.class})
public final class GatewayCommand implements Callable<Integer> {
    @Option(names = "--data", description = "Data directory: index, journal, keys, users, the certificate for central. Required.")
    Path data;

    @Option(names = "--ssd", description = "Chunk payload directory (the SSD tier). Default: DATA/ssd.")
    Path ssd;

    @Option(names = "--bind", defaultValue = "127.0.0.1", description = "Address to listen on. Default: ${DEFAULT-VALUE}.")
    String bind;

    @Mixin
    ListenPorts ports;

    @Option(names = "--share", paramLabel = "NAME", description = "A share to serve (repeatable). Default: share.")
    List<String> shares = new ArrayList<>();

    @Option(names = "--local-user", paramLabel = "NAME:PASSWORD",
            description = "Add a user to the local user store (repeatable).")
    List<String> localUsers = new ArrayList<>();

    @Option(names = "--durability", defaultValue = "fsync",
            description = "fsync: acknowledged writes survive a power cut; os: they survive a crash of the gateway. Default: ${DEFAULT-VALUE}.")
    String durability;

    @Option(names = "--max-upload-bytes", defaultValue = "" + GatewayConfig.DEFAULT_MAX_UPLOAD,
            description = "Largest file a client may upload. Default: ${DEFAULT-VALUE}.")
    long maxUploadBytes;

    @Option(names = "--lan-write-budget", defaultValue = "0", paramLabel = "N",
            description = "Most files the LAN API holds under way at once, gateway-wide, each weighing its chunks plus one;"
                    + " past it a client is told to begin a file again shortly. Default: 0, sized by the heap (its bytes / 2 KiB).")
    long lanWriteBudget;

    @Option(names = "--chunk-sizes", defaultValue = "16k/64k/256k", paramLabel = "MIN/AVG/MAX",
            description = "Content-defined chunk sizes. Default: ${DEFAULT-VALUE}.")
    String chunkSizes;

    @Option(names = "--compression-level", defaultValue = "" + GatewayConfig.DEFAULT_ZSTD_LEVEL,
            description = "zstd level for chunks that compress. Default: ${DEFAULT-VALUE}.")
    int compressionLevel;

    @Mixin
    KeyOptions keyOptions = new KeyOptions();

    @Option(names = "--central", paramLabel = "HOST:PORT",
            description = "Join the central ingest service there (mutual TLS; enroll first with 'gateway enroll'). Default: run on its own.")
    String central;

    @Option(names = "--branch", paramLabel = "NAME",
            description = "If given, must be the branch this gateway was enrolled as. Default: the enrolled branch.")
    String branch;

    @Option(names = "--upload-rate", paramLabel = "BYTES", defaultValue = "0",
            description = "Cap on chunk bytes per second sent to central; 0 for none. Suffixes k, m, g. Default: ${DEFAULT-VALUE}.")
    String uploadRate;

    @Option(names = "--pin", paramLabel = "SHARE/FOLDER",
            description = "Keep this folder's content in the cache (prefetched, never evicted); repeatable. Needs --central.")
    List<String> pins = new ArrayList<>();

    @Option(names = "--grpc-port", paramLabel = "N", defaultValue = "-1",
            description = "Open the LAN gRPC API (TLS, the share's users) on this port; 0 picks a free one. Default: closed.")
    int grpcPort;

    @Option(names = "--cache-cap", paramLabel = "BYTES", defaultValue = "0",
            description = "Most bytes the chunk cache may take (needs --central); only chunks central has are evicted. "
                    + "Suffixes k, m, g. Default: ${DEFAULT-VALUE} (no cap).")
    String cacheCap;

    @Option(names = "--oidc-issuer", paramLabel = "URL",
            description = "Also admit users by OIDC access token (Authorization: Bearer) from this issuer, e.g. a Keycloak realm "
                    + "https://sso.example.com/realms/acme; checked here against its published keys. Default: local users only.")
    String oidcIssuer;

    @Option(names = "--oidc-audience", paramLabel = "AUD",
            description = "The audience tokens must name (Keycloak: an audience mapper on the client). Default: tributary.")
    String oidcAudience;

    @Option(names = "--share-tls", description = "Serve the share over HTTPS (TLS 1.3, or 1.2 with AEAD suites) with the gateway's "
            + "certificate, DATA/tls/gateway.crt, made on first start. Needed for Windows mapped drives with Basic credentials.")
    boolean shareTls;

    @Option(names = "--operator-tls", description = "Serve /health and /metrics over HTTPS with the same certificate as --share-tls.")
    boolean operatorTls;

    @Option(names = "--acl", paramLabel = "SHARE:role|group:NAME=LEVEL",
            description = "What the issuer's users may do (repeatable): e.g. finance:role:finance-staff=write, *:group:/auditors=read. "
                    + "LEVEL is read, write or admin; a realm user no rule names may not use the share. Local users may do anything.")
    List<String> acl = new ArrayList<>();

    @Option(names = "--oidc-client", paramLabel = "ID",
            description = "Admit Basic users the local store does not hold by exchanging their password at the issuer for this client "
                    + "(Keycloak: direct access grants on). For Windows mapped drives, which speak only Basic. Default: off.")
    String oidcClient;

    @Option(names = "--oidc-client-secret-file", paramLabel = "FILE",
            description = "The secret of a confidential --oidc-client, read from this file (never from the command line).")
    java.nio.file.Path oidcClientSecretFile;

    @Option(names = "--offline-window", paramLabel = "DURATION", defaultValue = "8h",
            description = "While the issuer cannot be reached, admit a Basic user who signed in there within this long with the same "
                    + "password (kept as a salted slow hash, mode 0600). 0 to never. Default: ${DEFAULT-VALUE}.")
    String offlineWindow;

    @Override
    public Integer call() throws Exception {
        GatewayConfig config = config();
        Gateway gateway = Gateway.start(config);
        for (String share : config.shares()) {
            System.out.println("share " + share + ": " + (config.shareTls() ? "https" : "http") + "://" + config.bindHost() + ":" + gateway.sharePort() + "/" + share + "/");
        }
        System.out.println("health and metrics: " + (config.operatorTls() ? "https" : "http") + "://" + config.bindHost() + ":" + gateway.httpPort() + "/health /metrics");
        if (gateway.lanPort() >= 0) {
            System.out.println("LAN API: " + config.bindHost() + ":" + gateway.lanPort() + " (gRPC over TLS; certificate "
                    + gateway.lanCertificate().pemFile() + ", SHA-256 " + gateway.lanCertificate().fingerprint() + ")");
        }
        System.out.println("tributary gateway ready share-port=" + gateway.sharePort() + " http-port=" + gateway.httpPort()
                + (gateway.lanPort() >= 0 ? " lan-port=" + gateway.lanPort() : ""));
        System.out.flush();
        gateway.serveUntilStopped();
        return 0;
    }

    GatewayConfig config() throws java.io.IOException {
        if (data == null) {
            throw new IllegalArgumentException("--data DIR is required");
        }
        Map<String, String> users = new LinkedHashMap<>();
        for (String user : localUsers) {
            int colon = user.indexOf(':');
            if (colon <= 0 || colon == user.length() - 1) {
                throw new IllegalArgumentException("--local-user takes NAME:PASSWORD, got '" + user.replaceAll(":.*", ":...") + "'");
            }
            users.put(user.substring(0, colon), user.substring(colon + 1));
        }
        if (central == null && !pins.isEmpty()) {
            throw new IllegalArgumentException("--pin needs --central: on its own a gateway keeps everything anyway");
        }
        UplinkSettings uplink = central == null ? null
                : new UplinkSettings(central, enrolledBranch(data, central, branch), parseBytes(uploadRate, "--upload-rate"),
                UplinkSettings.DEFAULT_WINDOW, UplinkSettings.parsePins(pins));
        return new GatewayConfig(data, ssd != null ? ssd : data.resolve("ssd"), bind, ports.sharePort, ports.httpPort,
                shares.isEmpty() ? List.of("share") : shares, users, Durability.parse(durability), maxUploadBytes,
                ChunkSizes.parse(chunkSizes), compressionLevel, keyOptions.keys, uplink, parseBytes(cacheCap, "--cache-cap"), grpcPort, oidc(),
                ShareAccess.parse(acl), shareTls, operatorTls, keyOptions.vaultSettings(), lanWriteBudget);
    }

    private OidcSettings oidc() {
        if (oidcIssuer == null) {
            if (oidcAudience != null) {
                throw new IllegalArgumentException("--oidc-audience needs --oidc-issuer");
            }
            return null;
        }
        java.net.URI issuer;
        try {
            issuer = new java.net.URI(oidcIssuer);
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException("--oidc-issuer is not a URL: " + e.getMessage());
        }
        return new OidcSettings(issuer, oidcAudience != null ? oidcAudience : "tributary", oidcClient, oidcClientSecretFile,
                parseDuration(offlineWindow, "--offline-window"));
    }

    /** 90s, 30m, 8h, 2d; a bare number is seconds. */
    static java.time.Duration parseDuration(String text, String option) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d{1,9})([smhd]?)").matcher(text.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException(option + " takes a duration such as 90s, 30m, 8h or 2d, got '" + text + "'");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "m" -> java.time.Duration.ofMinutes(n);
            case "h" -> java.time.Duration.ofHours(n);
            case "d" -> java.time.Duration.ofDays(n);
            default -> java.time.Duration.ofSeconds(n);
        };
    }

    /** The branch the certificate in {@code data} names; a gateway joins central only once enrolled. */
    static String enrolledBranch(Path data, String central, String asked) throws java.io.IOException {
        EnrolledCertificate enrolled = EnrolledCertificate.load(data).orElseThrow(() -> new IllegalArgumentException(
                "this gateway is not enrolled with central yet: run 'tributary gateway enroll --data " + data + " --central "
                        + central + " --token TOKEN' with a token from central's admin ('tributary central token --branch NAME')"));
        if (asked != null && !asked.equals(enrolled.branch())) {
            throw new IllegalArgumentException("--branch " + asked + " differs from the branch this gateway was enrolled as, '"
                    + enrolled.branch() + "'");
        }
        return enrolled.branch();
    }

    static long parseBytes(String text, String option) {
        String t = text.strip().toLowerCase(java.util.Locale.ROOT);
        long unit = 1;
        if (!t.isEmpty() && "kmg".indexOf(t.charAt(t.length() - 1)) >= 0) {
            unit = 1L << (10 * ("kmg".indexOf(t.charAt(t.length() - 1)) + 1));
            t = t.substring(0, t.length() - 1);
        }
        try {
            long n = Long.parseLong(t);
            if (n < 0) {
                throw new IllegalArgumentException(option + " must not be negative, got '" + text + "'");
            }
            return Math.multiplyExact(n, unit);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException(option + " takes a byte count such as 10m, got '" + text + "'");
        }
    }
}
