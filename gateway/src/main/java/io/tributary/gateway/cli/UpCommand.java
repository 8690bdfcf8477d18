package io.tributary.gateway.cli;

import io.tributary.gateway.Gateway;
import io.tributary.gateway.GatewayConfig;
import io.tributary.gateway.chunk.ChunkSizes;
import io.tributary.gateway.enroll.EnrolledCertificate;
import io.tributary.gateway.enroll.Enroller;
import io.tributary.gateway.journal.Durability;
import io.tributary.gateway.uplink.UplinkSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;

/**
 * {@code tributary up}: a gateway on embedded defaults under {@code ./var}, with a local user whose
 * password is made on first start and kept in {@code var/credentials}.
 */
@Command(name = "up", mixinStandardHelpOptions = true,
        description = "Start a gateway on embedded defaults under ./var and print how to map its share.%n"
                + "The launcher's `./tributary up` also starts a central beside it and passes --central.")
public final class UpCommand implements java.util.concurrent.Callable<Integer> {
    private static final String USER = "branch";

    @Option(names = "--var", defaultValue = "var", description = "Where everything lives. Default: ${DEFAULT-VALUE}.")
    Path var;

    @Mixin
    ListenPorts ports;

    @Option(names = "--grpc-port", defaultValue = "8443", paramLabel = "N",
            description = "The LAN gRPC API's port (for tributary sync); -1 keeps it closed. Default: ${DEFAULT-VALUE}.")
    int grpcPort;

    @Option(names = "--central", paramLabel = "HOST:PORT",
            description = "The central this gateway joins (the launcher starts one beside it). Default: none.")
    String central;

    @Option(names = "--enroll-token", paramLabel = "TOKEN",
            description = "Enroll with --central using this one-time token first, if not enrolled yet.")
    String enrollToken;

    @Option(names = "--central-console", paramLabel = "URL", description = "The address of central's admin console, to print.")
    String centralConsole;

    @Override
    public Integer call() throws Exception {
        String password = password(var.resolve("credentials"));
        Path data = var.resolve("gateway");
        if (central != null && enrollToken != null && EnrolledCertificate.load(data).isEmpty()) {
            EnrolledCertificate enrolled = Enroller.enroll(data, central, enrollToken);
            System.out.println("Enrolled with central as branch '" + enrolled.branch() + "'.");
        }
        UplinkSettings uplink = central == null ? null
                : new UplinkSettings(central, GatewayCommand.enrolledBranch(data, central, null), 0, UplinkSettings.DEFAULT_WINDOW);
        GatewayConfig config = new GatewayConfig(data, data.resolve("ssd"), "127.0.0.1", ports.sharePort, ports.httpPort,
                List.of("share"), Map.of(USER, password), Durability.FSYNC, GatewayConfig.DEFAULT_MAX_UPLOAD,
                ChunkSizes.DEFAULT, GatewayConfig.DEFAULT_ZSTD_LEVEL, null, uplink, 0, grpcPort, null, null, false, false, null, 0);
        Gateway gateway = Gateway.start(config);
        String url = "http://127.0.0.1:" + gateway.sharePort() + "/share/";
        System.out.println();
        System.out.println("Tributary is up (data in " + var.toAbsolutePath() + ").");
        System.out.println("  Share:     " + url);
        System.out.println("  User:      " + USER);
        System.out.println("  Password:  " + password + "   (kept in " + var.resolve("credentials") + ")");
        System.out.println("  Metrics:   http://127.0.0.1:" + gateway.httpPort() + "/metrics");
        if (gateway.lanPort() >= 0) {
            System.out.println("  LAN API:   127.0.0.1:" + gateway.lanPort() + " (gRPC over TLS, certificate "
                    + gateway.lanCertificate().pemFile() + ")");
        }
        if (central != null) {
            System.out.println("  Central:   " + central + " (gRPC)");
        }
        Path consoleCredentials = var.resolve("console-credentials");
        if (centralConsole != null && Files.isReadable(consoleCredentials)) {
            String[] admin = Files.readString(consoleCredentials).strip().split(":", 2);
            System.out.println("  Console:   " + centralConsole + "   (certificate chained to " + var.resolve("central/ca/ca.crt") + ")");
            System.out.println("             admin " + admin[0] + ", password " + (admin.length > 1 ? admin[1] : "?")
                    + "   (kept in " + consoleCredentials + ")");
        }
        System.out.println();
        System.out.println("Map it:   rclone: rclone lsd :webdav: --webdav-url " + url + " --webdav-user " + USER
                + " --webdav-pass $(rclone obscure '" + password + "')");
        System.out.println("          Linux:  gio mount dav://" + USER + "@127.0.0.1:" + gateway.sharePort() + "/share/");
        if (gateway.lanPort() >= 0) {
            System.out.println("Sync a folder: TRIBUTARY_USER=" + USER + " TRIBUTARY_PASSWORD='" + password + "' ./tributary sync DIR 127.0.0.1:"
                    + gateway.lanPort() + "/share --ca " + gateway.lanCertificate().pemFile());
        }
        System.out.println("Stop with Ctrl-C.");
        System.out.flush();
        gateway.serveUntilStopped();
        return 0;
    }

    /** The local user's password: made once, then reused so mapped drives keep working. */
    private static String password(Path file) throws IOException {
        if (Files.exists(file)) {
            String stored = Files.readString(file, StandardCharsets.UTF_8).strip();
            if (!stored.isEmpty()) {
                return stored;
            }
        }
        Files.createDirectories(file.getParent());
        byte[] random = new byte[12];
        new SecureRandom().nextBytes(random);
        String password = java.util.HexFormat.of().formatHex(random);
        Files.writeString(file, password + "\n", StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return password;
    }
}
