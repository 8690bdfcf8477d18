package io.tributary.gateway.observe;

import io.tributary.gateway.keys.ErasureWatch;
import io.tributary.gateway.keys.TenantErasedException;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.dropwizard.DropwizardExports;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;

/**
 * The operator's port: {@code /health} (with {@code /health/live} and {@code /health/ready})
 * and {@code /metrics} in the Prometheus text format, bridged from Dropwizard Metrics.
 */
public final class OperatorEndpoints implements HttpService {
    private final PrometheusRegistry prometheus = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    private final BooleanSupplier ready;
    private final ErasureWatch erasure;
    private final java.util.function.Supplier<String> central;

    /**
     * @param ready   true while storage is open and the journal takes writes
     * @param erasure an erased tenant makes the gateway not ready, and readiness says why
     * @param central "connected" or "disconnected", or null for a gateway on its own: reported
     *                beside readiness, not part of it, since the LAN is served either way
     */
    public OperatorEndpoints(GatewayMetrics metrics, BooleanSupplier ready, ErasureWatch erasure,
                             java.util.function.Supplier<String> central) {
        DropwizardExports.builder().dropwizardRegistry(metrics.registry()).register(prometheus);
        this.ready = ready;
        this.erasure = erasure;
        this.central = central;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/health", this::readiness)
                .get("/health/ready", this::readiness)
                .get("/health/live", (req, res) -> json(res, Status.OK_200, "{\"status\":\"UP\"}"))
                .get("/metrics", this::metrics);
    }

    private void readiness(ServerRequest req, ServerResponse res) {
        java.util.Optional<TenantErasedException> erased = erasure.erased();
        if (erased.isPresent()) {
            json(res, Status.SERVICE_UNAVAILABLE_503, "{\"status\":\"DOWN\",\"erased\":true,\"reason\":\""
                    + erased.get().getMessage().replace("\\", "\\\\").replace("\"", "\\\"") + "\"}");
            return;
        }
        boolean up = ready.getAsBoolean();
        String link = central.get();
        json(res, up ? Status.OK_200 : Status.SERVICE_UNAVAILABLE_503, "{\"status\":\"" + (up ? "UP" : "DOWN") + "\""
                + (link == null ? "" : ",\"central\":\"" + link + "\"") + "}");
    }

    private void metrics(ServerRequest req, ServerResponse res) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
        writer.write(out, prometheus.scrape());
        res.header(HeaderNames.CONTENT_TYPE, writer.getContentType());
        res.send(out.toByteArray());
    }

    private static void json(ServerResponse res, Status status, String body) {
        res.status(status);
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(body.getBytes(StandardCharsets.UTF_8));
    }
}
