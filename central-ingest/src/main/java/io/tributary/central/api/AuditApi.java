package io.tributary.central.api;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.tributary.central.audit.AuditLog;
import io.tributary.central.audit.AuditRecord;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.List;

import static io.tributary.central.api.JsonRoutes.answer;
import static io.tributary.central.api.JsonRoutes.query;

/** The audit log from the console: search it newest first, a page at a time, and export it as JSON lines. */
public final class AuditApi implements HttpService {
    private static final int DEFAULT_PAGE = 50;
    private static final int LONGEST_QUERY = 200;

    private final AuditLog audit;

    public AuditApi(AuditLog audit) {
        this.audit = audit;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/audit", (req, res) -> answer(req, res, this::search))
                .get("/audit/export", this::export);
    }

    private JsonValue search(ServerRequest req) throws SQLException {
        String q = req.query().first("q").orElse("");
        if (q.length() > LONGEST_QUERY) {
            throw new IllegalArgumentException("the search text is at most " + LONGEST_QUERY + " characters");
        }
        Long before = query(req, "before", 1, Long.MAX_VALUE);
        Long limit = query(req, "limit", 1, 500);
        int page = limit == null ? DEFAULT_PAGE : limit.intValue();
        // One more than the page says whether there is an older page.
        List<AuditRecord> found = audit.search(q, before, page + 1);
        JsonArrayBuilder records = Json.createArrayBuilder();
        for (AuditRecord r : found.subList(0, Math.min(page, found.size()))) {
            records.add(r.toJson());
        }
        JsonObjectBuilder o = Json.createObjectBuilder().add("records", records);
        if (found.size() > page) {
            o.add("next", found.get(page - 1).seq());
        } else {
            o.addNull("next");
        }
        return o.build();
    }

    private void export(ServerRequest req, ServerResponse res) {
        long from;
        try {
            Long given = query(req, "from", 1, Long.MAX_VALUE);
            from = given == null ? 1 : given;
        } catch (IllegalArgumentException e) {
            JsonRoutes.send(res, Status.BAD_REQUEST_400, JsonRoutes.error(e.getMessage()));
            return;
        }
        res.header(HeaderNames.CONTENT_TYPE, "application/x-ndjson");
        res.header(HeaderNames.CONTENT_DISPOSITION, "attachment; filename=\"tributary-audit.jsonl\"");
        // Streamed: the log may be far larger than the heap.
        try (BufferedWriter out = new BufferedWriter(new OutputStreamWriter(res.outputStream(), StandardCharsets.UTF_8))) {
            audit.export(from, out);
        } catch (IOException | UncheckedIOException | SQLException e) {
            throw new IllegalStateException("exporting the audit log failed: " + e.getMessage(), e);
        }
    }
}
