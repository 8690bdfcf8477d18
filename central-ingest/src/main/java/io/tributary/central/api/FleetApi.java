package io.tributary.central.api;

import com.google.protobuf.InvalidProtocolBufferException;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.tributary.central.audit.AuditEvent;
import io.tributary.central.audit.AuditLog;
import io.tributary.central.console.ConsoleGuard;
import io.tributary.central.enroll.Branches;
import io.tributary.central.enroll.IssuedCertificates;
import io.tributary.central.fleet.Throughput;
import io.tributary.central.meta.GatewayRecord;
import io.tributary.central.meta.MetaStore;
import io.tributary.central.meta.ShareRevision;
import io.tributary.central.versions.NotFoundException;
import io.tributary.proto.v1.Heartbeat;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;

import java.sql.SQLException;
import java.util.List;

import static io.tributary.central.api.JsonRoutes.answer;

/** The fleet as the console sees it: gateways, their heartbeats and throughput, branch revocation, shares and their access. */
public final class FleetApi implements HttpService {
    /** The fleet list carries the last five minutes of each gateway's rates, for its sparkline. */
    static final int LISTED_SAMPLES = 60;
    /** Three missed heartbeats (one each 5 s) and a gateway counts as offline. */
    static final long CONNECTED_WITHIN_MILLIS = 15_000;

    private final MetaStore meta;
    private final IssuedCertificates certificates;
    private final Throughput throughput;
    private final AuditLog audit;

    public FleetApi(MetaStore meta, IssuedCertificates certificates, Throughput throughput, AuditLog audit) {
        this.meta = meta;
        this.certificates = certificates;
        this.throughput = throughput;
        this.audit = audit;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/gateways", (req, res) -> answer(req, res, this::gateways))
                .get("/gateways/{id}", (req, res) -> answer(req, res, this::gateway))
                .post("/branches/{branch}/revoke", (req, res) -> answer(req, res, this::revoke))
                .get("/shares", (req, res) -> answer(req, res, this::shares));
    }

    private JsonValue gateways(ServerRequest req) throws SQLException {
        JsonArrayBuilder list = Json.createArrayBuilder();
        for (GatewayRecord g : meta.gateways()) {
            list.add(describe(g).add("throughput", samples(g, LISTED_SAMPLES)));
        }
        return Json.createObjectBuilder().add("gateways", list).build();
    }

    private JsonValue gateway(ServerRequest req) throws SQLException, NotFoundException {
        String id = req.path().pathParameters().get("id");
        if (id.length() > 128) {
            throw new IllegalArgumentException("a gateway id is at most 128 characters");
        }
        GatewayRecord g = meta.gateways().stream().filter(r -> r.gatewayId().equals(id)).findFirst()
                .orElseThrow(() -> new NotFoundException("no gateway '" + id + "' has ever connected"));
        JsonArrayBuilder rules = Json.createArrayBuilder();
        g.accessRules().forEach(rules::add);
        return describe(g).add("accessRules", rules).add("throughput", samples(g, Integer.MAX_VALUE)).build();
    }

    /** The gateway's newest {@code limit} rate samples, oldest first. */
    private JsonArrayBuilder samples(GatewayRecord g, int limit) {
        List<Throughput.Sample> all = throughput.of(g.gatewayId());
        JsonArrayBuilder samples = Json.createArrayBuilder();
        for (Throughput.Sample s : all.subList(Math.max(0, all.size() - limit), all.size())) {
            samples.add(Json.createObjectBuilder().add("atMillis", s.atMillis())
                    .add("clientInBytesPerSecond", s.clientInBytesPerSecond())
                    .add("clientOutBytesPerSecond", s.clientOutBytesPerSecond())
                    .add("upstreamBytesPerSecond", s.upstreamBytesPerSecond()));
        }
        return samples;
    }

    private JsonObjectBuilder describe(GatewayRecord g) throws SQLException {
        boolean revoked = certificates.revoked(g.branch());
        boolean connected = meta.now() - g.lastSeenMillis() <= CONNECTED_WITHIN_MILLIS && !revoked;
        JsonObjectBuilder o = Json.createObjectBuilder().add("gatewayId", g.gatewayId()).add("branch", g.branch())
                .add("status", connected ? "connected" : "offline").add("softwareVersion", g.softwareVersion())
                .add("lastSeenMillis", g.lastSeenMillis()).add("ackedPosition", g.ackedPosition())
                .add("revoked", revoked).add("certificatesIssued", certificates.issuedFor(g.branch()));
        Heartbeat beat = heartbeat(g);
        if (beat != null) {
            o.add("upstreamLagSeconds", beat.getUpstreamLagSeconds())
                    .add("journalBacklogEntries", beat.getJournalBacklogEntries())
                    .add("journalBacklogBytes", beat.getJournalBacklogBytes())
                    .add("cacheBytes", beat.getCacheBytes()).add("cacheCapBytes", beat.getCacheCapBytes())
                    .add("cacheHitRatio", beat.getCacheHitRatio()).add("ready", beat.getReady());
        }
        return o;
    }

    private static Heartbeat heartbeat(GatewayRecord g) {
        if (g.heartbeat() == null) {
            return null;
        }
        try {
            return Heartbeat.parseFrom(g.heartbeat());
        } catch (InvalidProtocolBufferException e) {
            return null;
        }
    }

    private JsonValue revoke(ServerRequest req) throws SQLException {
        String branch = Branches.check(req.path().pathParameters().get("branch"));
        int revoked = certificates.revokeBranch(branch);
        audit.record(AuditEvent.atCentral(meta.now(), ConsoleGuard.user(req), "gateway.revoke", branch,
                ConsoleGuard.address(req), revoked + " certificates"));
        return Json.createObjectBuilder().add("branch", branch).add("revoked", revoked).build();
    }

    private JsonValue shares(ServerRequest req) throws SQLException {
        List<GatewayRecord> gateways = meta.gateways();
        JsonArrayBuilder list = Json.createArrayBuilder();
        for (ShareRevision s : meta.shares()) {
            JsonArrayBuilder access = Json.createArrayBuilder();
            for (GatewayRecord g : gateways) {
                JsonArrayBuilder rules = Json.createArrayBuilder();
                int n = 0;
                for (String rule : g.accessRules()) {
                    // A rule reads SHARE:role|group:NAME=level; "*" stands for every share.
                    String share = rule.substring(0, Math.max(0, rule.indexOf(':')));
                    if (share.equals(s.share()) || share.equals("*")) {
                        rules.add(rule);
                        n++;
                    }
                }
                if (n > 0) {
                    access.add(Json.createObjectBuilder().add("branch", g.branch()).add("gatewayId", g.gatewayId()).add("rules", rules));
                }
            }
            list.add(Json.createObjectBuilder().add("share", s.share()).add("revision", s.revision()).add("access", access));
        }
        return Json.createObjectBuilder().add("shares", list).build();
    }
}
