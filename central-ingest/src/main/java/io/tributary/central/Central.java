package io.tributary.central;

import io.grpc.InsecureServerCredentials;
import io.helidon.webserver.WebServer;
import io.tributary.central.api.AdminApi;
import io.tributary.central.chunks.ChunkStore;
import io.tributary.central.ingest.IngestServer;
import io.tributary.central.ingest.IngestService;
import io.tributary.central.ingest.OpenSessions;
import io.tributary.central.meta.MetaStore;
import io.tributary.central.observe.CentralMetrics;
import io.tributary.central.observe.OperatorEndpoints;
import io.tributary.central.versions.Retention;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/** A running central node: stores, gRPC ingest, operator and admin HTTP, version retention. */
public final class Central implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Central.class.getName());

    private final MetaStore meta;
    private final OpenSessions sessions;
    private final IngestServer grpc;
    private final WebServer http;
    private final ScheduledExecutorService timer;
    private final CountDownLatch stopped = new CountDownLatch(1);

    private Central(MetaStore meta, OpenSessions sessions, IngestServer grpc, WebServer http, ScheduledExecutorService timer) {
        this.meta = meta;
        this.sessions = sessions;
        this.grpc = grpc;
        this.http = http;
        this.timer = timer;
    }

    public static Central start(CentralConfig config) throws IOException, SQLException {
        Files.createDirectories(config.data());
        String centralId = centralId(config.data());
        ChunkStore chunks = ChunkStore.open(config.data().resolve("chunks"));
        MetaStore meta = MetaStore.open(config.jdbcUrl(), config.databaseUser(), config.databasePassword(), config.clock());
        CentralMetrics metrics = new CentralMetrics();
        OpenSessions sessions = new OpenSessions();
        metrics.sessions(sessions::size);
        IngestServer grpc = null;
        try {
            grpc = IngestServer.start(config.bindHost(), config.grpcPort(), InsecureServerCredentials.create(),
                    new IngestService(chunks, meta, metrics, sessions, centralId));
            WebServer http = WebServer.builder()
                    .host(config.bindHost())
                    .port(config.httpPort())
                    .routing(r -> r.register("/", new OperatorEndpoints(metrics, meta::healthy))
                            .register("/api/v1", new AdminApi(meta, sessions::changed)))
                    .build()
                    .start();
            ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
                    Thread.ofPlatform().daemon().name("version-retention").factory());
            Retention retention = new Retention(meta, config.keepVersions());
            timer.scheduleWithFixedDelay(() -> {
                try {
                    int gone = retention.sweep();
                    if (gone > 0) {
                        LOG.info("version retention removed " + gone + " versions");
                    }
                } catch (SQLException | RuntimeException e) {
                    LOG.log(Level.WARNING, "version retention failed", e);
                }
            }, 1, 60, TimeUnit.MINUTES);
            return new Central(meta, sessions, grpc, http, timer);
        } catch (IOException | RuntimeException e) {
            sessions.close();
            if (grpc != null) {
                grpc.close();
            }
            meta.close();
            throw e;
        }
    }

    /** Stable for the data directory: gateways see the same id after a restart. */
    private static String centralId(Path data) throws IOException {
        Path file = data.resolve("central-id");
        if (Files.exists(file)) {
            return Files.readString(file, StandardCharsets.UTF_8).strip();
        }
        String id = UUID.randomUUID().toString();
        Files.writeString(file, id + "\n", StandardCharsets.UTF_8);
        return id;
    }

    public int grpcPort() {
        return grpc.port();
    }

    public int httpPort() {
        return http.port();
    }

    /** Blocks until {@link #close()} has run (from a shutdown hook, for example). */
    public void awaitStopped() throws InterruptedException {
        stopped.await();
    }

    @Override
    public void close() {
        if (stopped.getCount() == 0) {
            return;
        }
        timer.shutdownNow();
        sessions.close();
        grpc.close();
        http.stop();
        meta.close();
        stopped.countDown();
    }
}
