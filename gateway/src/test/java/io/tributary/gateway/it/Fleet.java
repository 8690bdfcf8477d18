package io.tributary.gateway.it;

import io.tributary.central.enroll.CertificateAuthority;
import io.tributary.central.enroll.EnrollmentTokens;
import io.tributary.central.meta.MetaStore;
import io.tributary.gateway.enroll.Enroller;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * One central and several gateways as child processes on loopback, sharing one tenant keystore
 * (as every branch of a tenant must). Central listens on a port fixed for the fleet's life, so a
 * central that is killed and started again is found by gateways that keep its address.
 */
final class Fleet implements AutoCloseable {
    private final Path root;
    private final int centralPort;
    private final String[] centralArgs;
    private GatewayProcess central;
    private final List<GatewayProcess> gateways = new ArrayList<>();

    Fleet(Path root, String... centralArgs) {
        this.root = root;
        this.centralPort = freePort();
        this.centralArgs = centralArgs;
        this.central = GatewayProcess.start(centralConfig());
    }

    private GatewayProcess.Config centralConfig() {
        List<String> args = new ArrayList<>(List.of("--grpc-port", Integer.toString(centralPort)));
        args.addAll(List.of(centralArgs));
        return GatewayProcess.Config.central("central", root.resolve("central")).extraArgs(args.toArray(String[]::new));
    }

    Path centralData() {
        return root.resolve("central");
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Starts branch {@code name}, enrolled first with a token from central's database (as
     * {@code tributary central token} makes it); gateways share the first one's tenant keys.
     */
    GatewayProcess gateway(String name, String... extraArgs) {
        enroll(name, root.resolve(name));
        List<String> args = new ArrayList<>(List.of("--central", "127.0.0.1:" + centralPort, "--branch", name,
                "--keys", root.resolve("tenant-keys").toString()));
        args.addAll(List.of(extraArgs));
        GatewayProcess g = GatewayProcess.start(GatewayProcess.Config.of(name, root.resolve(name)).durability("os")
                .extraArgs(args.toArray(String[]::new)));
        gateways.add(g);
        return g;
    }

    /** Enrolls the gateway whose data is in {@code data} as branch {@code branch}, unless it is already. */
    void enroll(String branch, Path data) {
        try {
            if (io.tributary.gateway.enroll.EnrolledCertificate.load(data).isPresent()) {
                return;
            }
            Enroller.enroll(data, "127.0.0.1:" + centralPort, token(branch));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A one-time token for {@code branch}, made in central's database. */
    String token(String branch) {
        Path dir = root.resolve("central");
        try (MetaStore meta = MetaStore.open("jdbc:sqlite:" + dir.resolve("meta.db"), null, null, System::currentTimeMillis)) {
            return new EnrollmentTokens(meta.database(), CertificateAuthority.loadOrCreate(dir.resolve("ca")).fingerprint(),
                    System::currentTimeMillis).create(branch, Duration.ofMinutes(10)).toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    int centralPort() {
        return centralPort;
    }

    /** Replaces a gateway that was killed by a new process on its data directory. */
    GatewayProcess restart(GatewayProcess killed) {
        GatewayProcess g = killed.restart();
        gateways.set(gateways.indexOf(killed), g);
        return g;
    }

    GatewayProcess central() {
        return central;
    }

    void killCentral() {
        central.kill();
    }

    void startCentral() {
        central = GatewayProcess.start(centralConfig());
    }

    /** A PUT or MOVE answered 201 or 204. */
    static void assertWritten(java.net.http.HttpResponse<String> r, String what) {
        if (r.statusCode() != 201 && r.statusCode() != 204) {
            throw new AssertionError(what + " -> " + r.statusCode() + " " + r.body());
        }
    }

    /** Polls {@code condition} every 100 ms until it holds or {@code limit} passes. */
    static void await(Duration limit, String what, Supplier<Boolean> condition) {
        Poll.until(limit, () -> what, condition::get);
    }

    /** Every path under {@code dir} with "dir" or the SHA-256 of its content, read through WebDAV. */
    /** The safe-at-central property of a file, as its text. */
    static String receipt(Dav dav, String path) {
        java.net.http.HttpResponse<String> r = dav.propfind(path, "0", """
                <?xml version="1.0" encoding="utf-8"?>
                <D:propfind xmlns:D="DAV:" xmlns:T="urn:tributary:v1"><D:prop><T:safe-at-central/></D:prop></D:propfind>
                """);
        if (r.statusCode() != 207) {
            throw new AssertionError("PROPFIND " + path + " -> " + r.statusCode() + " " + r.body());
        }
        var m = java.util.regex.Pattern.compile("safe-at-central[^>]*>([a-z]+)<").matcher(r.body());
        return m.find() ? m.group(1) : "absent";
    }

    static TreeMap<String, String> contentTree(Dav dav, String dir) {
        TreeMap<String, String> out = new TreeMap<>();
        for (var e : dav.tree(dir).entrySet()) {
            if (e.getValue().equals("dir")) {
                out.put(e.getKey(), "dir");
            } else {
                Dav.Download d = dav.get(e.getKey());
                out.put(e.getKey(), d.status() == 200 ? d.sha256() : "HTTP " + d.status());
            }
        }
        return out;
    }

    @Override
    public void close() {
        for (GatewayProcess g : gateways) {
            g.close();
        }
        central.close();
    }
}
