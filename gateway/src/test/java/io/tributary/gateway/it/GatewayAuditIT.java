package io.tributary.gateway.it;

import io.tributary.central.audit.AuditLog;
import io.tributary.central.audit.AuditRecord;
import io.tributary.central.audit.AuditEvent;
import io.tributary.central.meta.MetaStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a branch's users do reaches central's audit log: reads, writes, moves, copies, new folders,
 * deletes and failed sign-ins, each with its user, branch and client address; records made while
 * central is down arrive once it is back, and a gateway restarted by SIGKILL sends none twice.
 */
class GatewayAuditIT {
    @TempDir
    Path root;

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void branchActionsReachCentralsHashChainedLogOnce() throws Exception {
        try (Fleet fleet = new Fleet(root)) {
            GatewayProcess alpha = fleet.gateway("Alpha");
            Dav dav = alpha.dav(Duration.ofMinutes(1));
            String user = alpha.user();
            Fleet.assertWritten(dav.put("report.txt", "numbers".getBytes(StandardCharsets.UTF_8)), "PUT");
            assertEquals(200, dav.get("report.txt").status());
            assertEquals(201, dav.mkcol("archive").statusCode());
            assertEquals(201, dav.copy("report.txt", "archive/copy.txt", false).statusCode());
            assertEquals(201, dav.move("report.txt", "renamed.txt", false).statusCode());
            assertEquals(204, dav.delete("renamed.txt").statusCode());
            assertEquals(404, dav.get("renamed.txt").status(), "a refused read is recorded too");
            Dav intruder = new Dav(alpha.shareUri(), user, "not-the-password", Duration.ofSeconds(30));
            assertEquals(401, intruder.get("archive/copy.txt").status());

            awaitRecord(fleet, "the write", r -> is(r, "file.write", user, "/share/report.txt") && r.event().detail().startsWith("HTTP 20"));
            awaitRecord(fleet, "the refused read", r -> is(r, "file.read", user, "/share/renamed.txt")
                    && r.event().detail().equals("HTTP 404"));
            List<AuditRecord> all = records(fleet);
            assertTrue(all.stream().anyMatch(r -> is(r, "file.read", user, "/share/report.txt") && r.event().detail().equals("HTTP 200")));
            assertTrue(all.stream().anyMatch(r -> is(r, "folder.create", user, "/share/archive")));
            assertTrue(all.stream().anyMatch(r -> is(r, "file.copy", user, "/share/report.txt")
                    && r.event().detail().contains("archive/copy.txt")));
            assertTrue(all.stream().anyMatch(r -> is(r, "file.move", user, "/share/report.txt")
                    && r.event().detail().contains("renamed.txt")));
            assertTrue(all.stream().anyMatch(r -> is(r, "file.delete", user, "/share/renamed.txt")));
            assertTrue(all.stream().anyMatch(r -> r.event().action().equals("signin.ok") && r.event().actor().equals(user)
                    && r.event().gateway().equals("Alpha")));
            awaitRecord(fleet, "the failed sign-in", r -> r.event().action().equals("signin.failed")
                    && r.event().actor().equals(user) && r.event().gateway().equals("Alpha"));
            for (AuditRecord r : records(fleet)) {
                if (!r.event().gateway().equals(AuditEvent.CENTRAL) && r.event().actor().equals(user)) {
                    assertEquals("Alpha", r.event().gateway(), "central stamps the branch of the session's certificate: " + r);
                    assertEquals("127.0.0.1", r.event().address(), r.toString());
                }
            }

            // Recorded while central is down: kept at the branch and sent after the reconnect.
            fleet.killCentral();
            Fleet.assertWritten(dav.put("offline.txt", "written while central was down".getBytes(StandardCharsets.UTF_8)), "PUT offline");
            fleet.startCentral();
            awaitRecord(fleet, "the write made while central was down", r -> is(r, "file.write", user, "/share/offline.txt"));

            // A gateway killed before it saw the acknowledgement resends; central keeps one copy.
            alpha.kill();
            GatewayProcess again = fleet.restart(alpha);
            Dav after = again.dav(Duration.ofMinutes(1));
            Fleet.assertWritten(after.put("after-restart.txt", "x".getBytes(StandardCharsets.UTF_8)), "PUT after restart");
            awaitRecord(fleet, "the write after the restart", r -> is(r, "file.write", user, "/share/after-restart.txt"));
            List<AuditRecord> finalRecords = records(fleet);
            assertEquals(1, finalRecords.stream().filter(r -> is(r, "file.write", user, "/share/offline.txt")).count(),
                    "each record once: " + finalRecords);
            assertEquals(1, finalRecords.stream().filter(r -> is(r, "file.write", user, "/share/report.txt")).count());
            try (MetaStore meta = meta(fleet)) {
                AuditLog.Verification v = new AuditLog(meta.database()).verify();
                assertTrue(v.intact(), "the chain holds: " + v);
                assertEquals(finalRecords.size(), v.records());
            }
        }
    }

    private static boolean is(AuditRecord r, String action, String actor, String target) {
        return r.event().action().equals(action) && r.event().actor().equals(actor) && r.event().target().equals(target)
                && r.event().gateway().equals("Alpha");
    }

    private static void awaitRecord(Fleet fleet, String what, Predicate<AuditRecord> match) {
        Fleet.await(Duration.ofSeconds(60), what + " in central's audit log", () -> records(fleet).stream().anyMatch(match));
    }

    private static MetaStore meta(Fleet fleet) throws SQLException {
        return MetaStore.open("jdbc:sqlite:" + fleet.centralData().resolve("meta.db"), null, null, System::currentTimeMillis);
    }

    private static List<AuditRecord> records(Fleet fleet) {
        try (MetaStore meta = meta(fleet)) {
            return new AuditLog(meta.database()).records(0, 10_000);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
