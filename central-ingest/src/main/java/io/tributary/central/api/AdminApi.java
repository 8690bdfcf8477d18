package io.tributary.central.api;

import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.tributary.central.audit.AuditEvent;
import io.tributary.central.audit.AuditLog;
import io.tributary.central.console.ConsoleGuard;
import io.tributary.central.meta.CommitResult;
import io.tributary.central.meta.ConflictRecord;
import io.tributary.central.meta.Entry;
import io.tributary.central.meta.GatewayRecord;
import io.tributary.central.meta.MetaStore;
import io.tributary.central.meta.SharePath;
import io.tributary.central.versions.FileHistory;
import io.tributary.central.versions.FileVersion;
import io.tributary.central.versions.NotFoundException;
import io.tributary.central.versions.Restore;
import io.tributary.proto.v1.OperationResult;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;

import java.io.IOException;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

import static io.tributary.central.api.JsonRoutes.answer;
import static io.tributary.central.api.JsonRoutes.body;
import static io.tributary.central.api.JsonRoutes.number;
import static io.tributary.central.api.JsonRoutes.string;

/** {@code /api/v1}: see docs/central.md for each route. */
public final class AdminApi implements HttpService {

    private final MetaStore meta;
    private final FileHistory history;
    private final Restore restore;
    private final Consumer<Set<String>> changed;

    private final AuditLog audit;

    /** @param changed told the shares a restore changed, to wake their feeds */
    public AdminApi(MetaStore meta, Consumer<Set<String>> changed, AuditLog audit) {
        this.audit = audit;
        this.meta = meta;
        this.history = new FileHistory(meta);
        this.restore = new Restore(meta, history);
        this.changed = changed;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/shares/{share}/files", (req, res) -> answer(req, res, this::files))
                .get("/shares/{share}/versions", (req, res) -> answer(req, res, this::versions))
                .post("/shares/{share}/restore", (req, res) -> answer(req, res, this::restoreFile))
                .post("/shares/{share}/restore-folder", (req, res) -> answer(req, res, this::restoreFolder))
                .get("/conflicts", (req, res) -> answer(req, res, this::conflicts));
    }

    private JsonValue files(ServerRequest req) throws SQLException, NotFoundException {
        String share = share(req);
        SharePath dir = SharePath.parse(req.query().first("path").orElse(""));
        if (!dir.isRoot()) {
            Optional<Entry> e = meta.entry(share, dir);
            if (e.isEmpty() || !e.get().dir()) {
                throw new NotFoundException("no folder '" + dir.display() + "' in share '" + share + "'");
            }
        }
        JsonArrayBuilder entries = Json.createArrayBuilder();
        for (Entry e : meta.children(share, dir)) {
            JsonObjectBuilder o = Json.createObjectBuilder().add("name", e.name()).add("path", e.path())
                    .add("type", e.dir() ? "directory" : "file").add("size", e.size())
                    .add("modifiedMillis", e.modifiedMillis()).add("revision", e.revision());
            if (!e.dir()) {
                o.add("version", version(e.versionGateway(), e.versionPosition()));
            }
            entries.add(o);
        }
        return Json.createObjectBuilder().add("share", share).add("path", dir.display()).add("entries", entries).build();
    }

    private JsonValue versions(ServerRequest req) throws SQLException, NotFoundException {
        String share = share(req);
        SharePath path = SharePath.parse(req.query().first("path").orElse(""));
        if (path.isRoot()) {
            throw new IllegalArgumentException("the query parameter 'path' must name a file");
        }
        List<FileVersion> versions = history.of(share, path);
        if (versions.isEmpty()) {
            throw new NotFoundException("no file '" + path.display() + "' in share '" + share + "', now or before");
        }
        JsonArrayBuilder list = Json.createArrayBuilder();
        for (FileVersion v : versions) {
            JsonObjectBuilder o = Json.createObjectBuilder().add("path", v.path()).add("revision", v.revision())
                    .add("committedMillis", v.createdMillis()).add("size", v.size()).add("modifiedMillis", v.modifiedMillis())
                    .add("origin", version(v.originGateway(), v.originPosition())).add("current", v.current());
            if (!v.current()) {
                o.add("replacedRevision", v.replacedRevision()).add("replacedMillis", v.replacedMillis());
            }
            list.add(o);
        }
        return Json.createObjectBuilder().add("share", share).add("path", path.display()).add("versions", list).build();
    }

    private JsonValue restoreFile(ServerRequest req) throws SQLException, NotFoundException, IOException {
        String share = share(req);
        JsonObject body = body(req);
        SharePath path = SharePath.ofEntry(SharePath.parse(string(body, "path")).names());
        long revision = number(body, "revision");
        JsonValue result = committed(restore.file(share, path, revision));
        record(req, "file.restore", share + "/" + path.display(), "revision " + revision);
        return result;
    }

    private JsonValue restoreFolder(ServerRequest req) throws SQLException, NotFoundException, IOException {
        String share = share(req);
        JsonObject body = body(req);
        SharePath folder = SharePath.parse(string(body, "path"));
        long at = number(body, "atMillis");
        JsonValue result = committed(restore.folder(share, folder, at));
        record(req, "folder.restore", share + "/" + folder.display(), "as at " + java.time.Instant.ofEpochMilli(at));
        return result;
    }

    private void record(ServerRequest req, String action, String target, String detail) throws SQLException {
        audit.record(AuditEvent.atCentral(meta.now(), ConsoleGuard.user(req), action, target, ConsoleGuard.address(req), detail));
    }

    private JsonValue conflicts(ServerRequest req) throws SQLException, NotFoundException {
        Optional<String> share = req.query().first("share").asOptional();
        if (share.isPresent()) {
            SharePath.checkName(share.get());
            if (meta.shareRevision(share.get()).isEmpty()) {
                throw new NotFoundException("no share '" + share.get() + "'");
            }
        }
        JsonArrayBuilder list = Json.createArrayBuilder();
        java.util.Map<String, String> branches = new java.util.HashMap<>();
        for (GatewayRecord g : meta.gateways()) {
            branches.put(g.gatewayId(), g.branch());
        }
        for (ConflictRecord c : meta.conflicts(share.orElse(null), 1000)) {
            list.add(Json.createObjectBuilder().add("id", c.id()).add("share", c.share()).add("path", c.path())
                    .add("conflictPath", c.conflictPath()).add("winner", version(c.winnerGateway(), c.winnerPosition()))
                    .add("loser", version(c.loserGateway(), c.loserPosition())).add("loserBranch", c.loserBranch())
                    // The version kept at the path came from a gateway, or from central itself (a restore).
                    .add("winnerBranch", branches.getOrDefault(c.winnerGateway(), c.winnerGateway()))
                    .add("revision", c.revision()).add("atMillis", c.atMillis()));
        }
        return Json.createObjectBuilder().add("conflicts", list).build();
    }

    private JsonValue committed(CommitResult result) {
        changed.accept(result.changedShares());
        JsonArrayBuilder list = Json.createArrayBuilder();
        long last = 0;
        for (OperationResult r : result.ack().getResultsList()) {
            JsonObjectBuilder o = Json.createObjectBuilder().add("revision", r.getRevision()).add("outcome", r.getOutcome().name());
            if (r.getConflictPathCount() > 0) {
                o.add("conflictPath", String.join("/", r.getConflictPathList()));
            }
            list.add(o);
            last = Math.max(last, r.getRevision());
        }
        return Json.createObjectBuilder().add("revision", last).add("operations", list).build();
    }

    private String share(ServerRequest req) throws SQLException, NotFoundException {
        String share = req.path().pathParameters().get("share");
        SharePath.checkName(share);
        if (meta.shareRevision(share).isEmpty()) {
            throw new NotFoundException("no share '" + share + "'");
        }
        return share;
    }

    private static JsonObject version(String gateway, long position) {
        return Json.createObjectBuilder().add("gateway", gateway == null ? "" : gateway).add("position", position).build();
    }
}
