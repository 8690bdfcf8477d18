package io.tributary.central.audit;

import io.tributary.central.meta.MetaStore;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The hash chain against a real SQLite database, tampered with by SQL as someone holding the database would. */
class AuditLogTest {
    @TempDir
    Path dir;
    MetaStore meta;
    AuditLog log;

    @BeforeEach
    void open() throws Exception {
        meta = MetaStore.open("jdbc:sqlite:" + dir.resolve("meta.db"), null, null, System::currentTimeMillis);
        log = new AuditLog(meta.database());
    }

    @AfterEach
    void close() {
        meta.close();
    }

    private void fill(int n) throws Exception {
        List<AuditEvent> events = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            events.add(new AuditEvent(1_000 + i, "alice", "file.read", "share/report-" + i + ".pdf", "Berlin", "10.0.0." + i,
                    "", "gw-1", (long) i));
        }
        log.append(events);
    }

    private void sql(String update) throws Exception {
        meta.database().transaction(c -> {
            try (var st = c.createStatement()) {
                return st.executeUpdate(update);
            }
        });
    }

    @Test
    void anUntouchedChainVerifiesAndExportsAsJsonLines() throws Exception {
        assertTrue(log.verify().intact(), "an empty log is intact");
        fill(5);
        log.record(AuditEvent.atCentral(2_000, "os:root", "gateway.revoke", "Lyon", "local", "1 certificates"));
        AuditLog.Verification v = log.verify();
        assertTrue(v.intact(), v.problem());
        assertEquals(6, v.records());
        assertEquals(4, log.lastOriginIndex("gw-1"));
        assertEquals(-1, log.lastOriginIndex("gw-2"));
        StringWriter out = new StringWriter();
        assertEquals(6, log.export(1, out));
        List<String> lines = out.toString().lines().toList();
        assertEquals(6, lines.size());
        JsonObject last = Json.createReader(new StringReader(lines.get(5))).readObject();
        assertEquals("gateway.revoke", last.getString("action"));
        assertEquals("central", last.getString("gateway"));
        assertEquals(v.head(), last.getString("hash"));
        JsonObject first = Json.createReader(new StringReader(lines.get(0))).readObject();
        assertEquals(AuditRecord.GENESIS, first.getString("previousHash"));
        assertEquals(first.getString("hash"), Json.createReader(new StringReader(lines.get(1))).readObject().getString("previousHash"));
        assertTrue(log.contains(v.head()));
    }

    @Test
    void aChangedRecordIsFoundWhereItWasChanged() throws Exception {
        fill(10);
        sql("UPDATE audit_log SET actor = 'mallory' WHERE seq = 7");
        AuditLog.Verification v = log.verify();
        assertFalse(v.intact());
        assertEquals(7, v.brokenAt());
        assertEquals(6, v.records());
        assertTrue(v.problem().contains("does not match its hash"), v.problem());
    }

    @Test
    void aRecordRewrittenWithItsOwnHashStillBreaksTheNextLink() throws Exception {
        fill(10);
        AuditRecord r = log.records(4, 1).getFirst();
        AuditEvent forged = new AuditEvent(r.event().atMillis(), "mallory", r.event().action(), r.event().target(), r.event().gateway(),
                r.event().address(), r.event().detail(), r.event().originGateway(), r.event().originIndex());
        sql("UPDATE audit_log SET actor = 'mallory', hash = '" + AuditRecord.hash(4, forged, r.previousHash()) + "' WHERE seq = 4");
        AuditLog.Verification v = log.verify();
        assertEquals(5, v.brokenAt());
        assertTrue(v.problem().contains("link"), v.problem());
    }

    @Test
    void removedRecordsInTheMiddleOrAtTheEndAreFound() throws Exception {
        fill(10);
        sql("DELETE FROM audit_log WHERE seq = 3");
        AuditLog.Verification middle = log.verify();
        assertEquals(3, middle.brokenAt());
        assertTrue(middle.problem().contains("missing"), middle.problem());

        sql("DELETE FROM audit_log");
        sql("UPDATE audit_head SET seq = 0, hash = '" + AuditRecord.GENESIS + "'");
        fill(10);
        String headBefore = log.verify().head();
        sql("DELETE FROM audit_log WHERE seq > 8");
        AuditLog.Verification end = log.verify();
        assertEquals(9, end.brokenAt());
        assertTrue(end.problem().contains("removed"), end.problem());

        // Whoever also rewinds the head makes the chain consistent again; a head kept elsewhere still tells.
        sql("UPDATE audit_head SET seq = 8, hash = (SELECT hash FROM audit_log WHERE seq = 8)");
        assertTrue(log.verify().intact());
        assertFalse(log.contains(headBefore), "the head saved before the truncation is gone from the chain");
    }

    @Test
    void appendersAtOnceKeepOneChain() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> jobs = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                jobs.add(pool.submit(() -> {
                    for (int i = 0; i < 25; i++) {
                        log.record(AuditEvent.atCentral(i, "t" + thread, "x", "y", "local", ""));
                    }
                    return null;
                }));
            }
            for (Future<?> f : jobs) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        AuditLog.Verification v = log.verify();
        assertTrue(v.intact(), v.problem());
        assertEquals(100, v.records());
    }

    @Test
    void controlCharactersAndOverlongFieldsAreTamedBeforeTheyAreHashed() throws Exception {
        log.record(AuditEvent.atCentral(1, "ev\u001bil\nname", "x", "y".repeat(5000), "local", ""));
        AuditRecord r = log.records(1, 1).getFirst();
        assertEquals("ev?il?name", r.event().actor());
        assertEquals(AuditEvent.MAX_FIELD_CHARS, r.event().target().length());
        assertTrue(log.verify().intact());
    }
}
