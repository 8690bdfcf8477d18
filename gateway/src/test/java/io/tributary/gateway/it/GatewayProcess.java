package io.tributary.gateway.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real gateway in a child JVM on the test's own class path, on loopback ports it picks itself.
 * Its stdout and stderr go to a log file under target/it-logs (named in failures). Start one with
 * {@link #start(Config)}; {@link #kill()} is SIGKILL; {@link #restart()} starts a new child on the
 * same data directory.
 */
public final class GatewayProcess implements AutoCloseable {
    public static final String MAIN_CLASS = "io.tributary.gateway.cli.Main";
    public static final List<String> JVM_FLAGS = List.of(
            "--enable-native-access=ALL-UNNAMED",
            "--sun-misc-unsafe-memory-access=allow",
            "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED",
            "-Dchronicle.analytics.disable=true");
    public static final String CENTRAL_MAIN_CLASS = "io.tributary.central.cli.Main";
    /** A gateway prints share-port first, a central grpc-port. */
    private static final Pattern READY =
            Pattern.compile("^tributary (?:gateway|central) ready (?:share|grpc)-port=(\\d+) http-port=(\\d+)(?: lan-port=(\\d+))?\\s*$");
    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    /**
     * How to start a gateway (or, with {@code central}, a central ingest node); a record so a
     * restart reuses it verbatim.
     */
    public record Config(String label, Path dataDir, String user, String password, String durability,
                         Long maxUploadBytes, List<String> heap, Duration readyTimeout, List<String> extraArgs,
                         boolean central) {
        public static Config of(String label, Path dataDir) {
            return new Config(label, dataDir, "alice", "s3cret-Pa55", "fsync", null, List.of("-Xmx512m"),
                    Duration.ofSeconds(60), List.of(), false);
        }

        /** A central node; its gRPC port is what {@link #sharePort()} reports. */
        public static Config central(String label, Path dataDir) {
            return new Config(label, dataDir, null, null, null, null, List.of("-Xmx512m"), Duration.ofSeconds(60), List.of(),
                    true);
        }

        public Config durability(String d) {
            return new Config(label, dataDir, user, password, d, maxUploadBytes, heap, readyTimeout, extraArgs, central);
        }

        public Config maxUploadBytes(long n) {
            return new Config(label, dataDir, user, password, durability, n, heap, readyTimeout, extraArgs, central);
        }

        /** The heap flags {@code ./tributary} runs a gateway with, from {@code gateway/heap.options}. */
        public Config productHeap() {
            Path options = Path.of(System.getProperty("basedir", ".")).resolve("heap.options");
            try {
                return heap(List.of(Files.readString(options).strip().split("\\s+")));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the gateway's heap flags from " + options, e);
            }
        }

        private Config heap(List<String> flags) {
            return new Config(label, dataDir, user, password, durability, maxUploadBytes, flags, readyTimeout,
                    extraArgs, central);
        }

        public Config extraArgs(String... args) {
            return new Config(label, dataDir, user, password, durability, maxUploadBytes, heap, readyTimeout,
                    List.of(args), central);
        }
    }

    private final Config config;
    private final Process process;
    private final Path logFile;
    private final int sharePort;
    private final int lanPort;
    private final int httpPort;
    private final Thread[] drains;
    private final Writer log;

    private GatewayProcess(Config config, Process process, Path logFile, int sharePort, int httpPort, int lanPort,
                           Thread[] drains, Writer log) {
        this.lanPort = lanPort;
        this.log = log;
        this.config = config;
        this.process = process;
        this.logFile = logFile;
        this.sharePort = sharePort;
        this.httpPort = httpPort;
        this.drains = drains;
    }

    public static GatewayProcess start(Config config) {
        Path logFile = logFile(config.label() + "-" + SEQUENCE.incrementAndGet());
        List<String> command = command(config);
        ProcessBuilder pb = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.PIPE);
        Process process;
        Writer log;
        try {
            Files.createDirectories(config.dataDir());
            log = Files.newBufferedWriter(logFile, StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING);
            log.write("# " + String.join(" ", command) + "\n");
            log.flush();
            process = pb.start();
            process.getOutputStream().close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start gateway: " + command, e);
        }
        CompletableFuture<int[]> ready = new CompletableFuture<>();
        Thread out = drain(process.getInputStream(), "out", log, ready);
        Thread err = drain(process.getErrorStream(), "err", log, null);
        process.onExit().thenRun(() -> ready.completeExceptionally(
                new IllegalStateException("gateway exited with " + process.exitValue() + " before it was ready")));
        int[] ports;
        try {
            ports = ready.get(config.readyTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            process.destroyForcibly();
            awaitExit(process, Duration.ofSeconds(10));
            joinQuietly(out, err);
            closeQuietly(log);
            throw new AssertionError("gateway not ready within " + config.readyTimeout() + "; log "
                    + logFile + ":\n" + tail(logFile), e);
        } catch (ExecutionException e) {
            awaitExit(process, Duration.ofSeconds(10));
            joinQuietly(out, err);
            closeQuietly(log);
            throw new AssertionError(e.getCause().getMessage() + "; log " + logFile + ":\n" + tail(logFile), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IllegalStateException(e);
        }
        GatewayProcess gateway = new GatewayProcess(config, process, logFile, ports[0], ports[1], ports[2],
                new Thread[] {out, err}, log);
        gateway.awaitHealthy(Duration.ofSeconds(20));
        return gateway;
    }

    private static List<String> command(Config config) {
        List<String> cmd = new ArrayList<>();
        cmd.add(javaBinary());
        cmd.addAll(JVM_FLAGS);
        cmd.addAll(config.heap());
        cmd.add("-XX:+ExitOnOutOfMemoryError");
        cmd.add("-cp");
        cmd.add(testClassPath());
        if (config.central()) {
            cmd.addAll(List.of(CENTRAL_MAIN_CLASS, "central", "--data", config.dataDir().toString(), "--bind", "127.0.0.1"));
            if (!config.extraArgs().contains("--http-port")) {
                cmd.addAll(List.of("--http-port", "0"));
            }
            if (!config.extraArgs().contains("--grpc-port")) {
                cmd.addAll(List.of("--grpc-port", "0"));
            }
            cmd.addAll(config.extraArgs());
            return cmd;
        }
        cmd.add(MAIN_CLASS);
        cmd.add("gateway");
        cmd.addAll(List.of("--data", config.dataDir().toString(), "--share-port", "0", "--http-port", "0",
                "--bind", "127.0.0.1", "--local-user", config.user() + ":" + config.password(),
                "--durability", config.durability()));
        if (config.maxUploadBytes() != null) {
            cmd.addAll(List.of("--max-upload-bytes", Long.toString(config.maxUploadBytes())));
        }
        cmd.addAll(config.extraArgs());
        return cmd;
    }

    public static String javaBinary() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    /** The test JVM's class path; under a manifest-only booter jar, the one Surefire records. */
    public static String testClassPath() {
        String cp = System.getProperty("java.class.path");
        String surefire = System.getProperty("surefire.test.class.path");
        if (surefire != null && !surefire.isBlank() && cp.contains("surefirebooter")) {
            return surefire;
        }
        return cp;
    }

    public static Path targetDir() {
        return Path.of(System.getProperty("basedir", ".")).resolve("target");
    }

    /**
     * A log file under target/it-logs, named with this test JVM's pid so that concurrent builds
     * in the same tree do not overwrite each other's logs.
     */
    public static Path logFile(String name) {
        return logDir().resolve(name + "-" + ProcessHandle.current().pid() + ".log");
    }

    static Path logDir() {
        Path dir = targetDir().resolve("it-logs");
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir;
    }

    private static Thread drain(InputStream stream, String tag, Writer log, CompletableFuture<int[]> ready) {
        Thread t = Thread.ofPlatform().daemon().name("gateway-" + tag).start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    synchronized (log) {
                        log.write(tag + "| " + line + "\n");
                        log.flush();
                    }
                    if (ready != null) {
                        Matcher m = READY.matcher(line);
                        if (m.matches()) {
                            ready.complete(new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                                    m.group(3) == null ? -1 : Integer.parseInt(m.group(3))});
                        }
                    }
                }
            } catch (IOException e) {
                // the child is gone (or the log closed); what it said is in the log already
            }
        });
        return t;
    }

    private void awaitHealthy(Duration limit) {
        HttpClient client = httpClient();
        long deadline = System.nanoTime() + limit.toNanos();
        String last = "no answer";
        int attempts = 0;
        while (System.nanoTime() < deadline && attempts++ < 400) {
            try {
                HttpResponse<String> r = client.send(HttpRequest.newBuilder(httpUri().resolve("/health"))
                        .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
                // A gateway whose tenant was erased is up but never ready: it serves the refusal.
                if (r.statusCode() == 200 || r.statusCode() == 503 && r.body().contains("\"erased\":true")) {
                    return;
                }
                last = r.statusCode() + " " + r.body();
            } catch (IOException e) {
                last = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            if (!process.isAlive()) {
                break;
            }
            pause(Duration.ofMillis(50));
        }
        process.destroyForcibly();
        awaitExit(process, Duration.ofSeconds(10));
        joinQuietly(drains);
        closeQuietly(log);
        throw new AssertionError("GET /health never answered 200 (last: " + last + "); log " + logFile
                + ":\n" + tail(logFile));
    }

    /** A short pause between polls of a condition that has its own deadline. */
    static void pause(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public Config config() {
        return config;
    }

    public int sharePort() {
        return sharePort;
    }

    /** A gateway's LAN API port (started with --grpc-port), or -1. */
    public int lanPort() {
        return lanPort;
    }

    /** The PEM certificate a gateway's LAN API presents. */
    public Path lanCertificate() {
        return config.dataDir().resolve("tls").resolve("gateway.crt");
    }

    /** A central's gRPC port. */
    public int grpcPort() {
        return sharePort;
    }

    /** A central's address as a gateway's --central takes it. */
    public String grpcTarget() {
        return "127.0.0.1:" + sharePort;
    }

    public URI shareUri() {
        return shareUri("share");
    }

    public URI shareUri(String share) {
        return URI.create("http://127.0.0.1:" + sharePort + "/" + share + "/");
    }

    public URI httpUri() {
        return URI.create((httpTls() ? "https" : "http") + "://127.0.0.1:" + httpPort + "/");
    }

    /** Whether the HTTP port speaks HTTPS: a gateway's with --operator-tls, a central's with --http-tls. */
    public boolean httpTls() {
        return config.extraArgs().contains(config.central() ? "--http-tls" : "--operator-tls");
    }

    /** The certificate the HTTP port's TLS chains to: the gateway's own, or central's CA. */
    public Path httpCertificate() {
        return config.central() ? config.dataDir().resolve("ca").resolve("ca.crt") : lanCertificate();
    }

    /** A client for the HTTP port, trusting {@link #httpCertificate()} when it speaks HTTPS. */
    public HttpClient httpClient() {
        HttpClient.Builder b = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5));
        if (httpTls()) {
            b.sslContext(trusting(httpCertificate()));
        }
        return b.build();
    }

    /** A TLS context that trusts exactly the PEM certificate in {@code pem}. */
    public static javax.net.ssl.SSLContext trusting(Path pem) {
        try (InputStream in = Files.newInputStream(pem)) {
            java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("trusted", java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in));
            javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance(
                    javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            return context;
        } catch (IOException | java.security.GeneralSecurityException e) {
            throw new IllegalStateException("cannot trust " + pem + ": " + e, e);
        }
    }

    public String user() {
        return config.user();
    }

    public String password() {
        return config.password();
    }

    public Dav dav() {
        return new Dav(shareUri(), user(), password());
    }

    public Dav dav(Duration requestTimeout) {
        return new Dav(shareUri(), user(), password(), requestTimeout);
    }

    /** One scrape of {@code GET /metrics}. */
    public Metrics metrics() {
        return Metrics.parse(metricsText());
    }

    /** One scrape of {@code GET /metrics}, as the exposition text. */
    public String metricsText() {
        HttpClient client = httpClient();
        try {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(httpUri().resolve("/metrics"))
                    .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new AssertionError("GET /metrics -> " + r.statusCode() + " " + r.body());
            }
            return r.body();
        } catch (IOException e) {
            throw new UncheckedIOException("GET /metrics failed; log " + logFile, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public Path logFile() {
        return logFile;
    }

    /** What the child printed so far (stdout and stderr), without the command line the log starts with. */
    public String log() {
        try {
            StringBuilder out = new StringBuilder();
            for (String line : Files.readAllLines(logFile, StandardCharsets.UTF_8)) {
                if (!line.startsWith("# ")) {
                    out.append(line).append('\n');
                }
            }
            return out.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** SIGKILL (what {@link Process#destroyForcibly()} sends on Linux) and wait for the exit. */
    public void kill() {
        process.destroyForcibly();
        if (!awaitExit(process, Duration.ofSeconds(30))) {
            throw new AssertionError("gateway did not die within 30 s of SIGKILL");
        }
        joinQuietly(drains);
        closeQuietly(log);
    }

    /** A new child on the same data directory and configuration; this one must have exited. */
    public GatewayProcess restart() {
        if (process.isAlive()) {
            throw new IllegalStateException("restart of a live gateway");
        }
        return start(config);
    }

    /** Graceful stop (SIGTERM), then SIGKILL if it has not exited within 20 s. */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            if (!awaitExit(process, Duration.ofSeconds(20))) {
                process.destroyForcibly();
                awaitExit(process, Duration.ofSeconds(20));
            }
        }
        joinQuietly(drains);
        closeQuietly(log);
    }

    private static void closeQuietly(Writer w) {
        synchronized (w) {
            try {
                w.close();
            } catch (IOException ignored) {
                // the log is as complete as it gets
            }
        }
    }

    private static boolean awaitExit(Process p, Duration limit) {
        try {
            return p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void joinQuietly(Thread... threads) {
        for (Thread t : threads) {
            try {
                t.join(Duration.ofSeconds(2));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** The last lines of a log, for failure messages. */
    static String tail(Path file) {
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 80), lines.size()));
        } catch (IOException e) {
            return "<log unreadable: " + e + ">";
        }
    }

    @Override
    public String toString() {
        return "gateway " + config.label() + " share " + shareUri() + " http " + httpUri() + " log " + logFile;
    }
}
