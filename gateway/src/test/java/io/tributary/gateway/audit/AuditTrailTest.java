package io.tributary.gateway.audit;

import io.tributary.proto.v1.AuditEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AuditTrailTest {
    @TempDir
    Path dir;

    private static List<AuditEntry> drain(AuditTrail.Tail tail) {
        List<AuditEntry> out = new ArrayList<>();
        for (AuditEntry e = tail.next(); e != null; e = tail.next()) {
            out.add(e);
        }
        return out;
    }

    @Test
    void recordsComeBackInOrderWithIncreasingIndexesAndResumeAfterAnIndex() {
        Clock clock = Clock.fixed(Instant.parse("2026-12-02T10:00:00Z"), ZoneOffset.UTC);
        try (AuditTrail trail = AuditTrail.open(dir, clock)) {
            assertEquals(-1, trail.lastIndex());
            trail.record("ann", "file.write", "/share/a.txt", "10.0.0.7", "HTTP 201");
            trail.record("bob", "file.read", "/share/a.txt", "10.0.0.8", "HTTP 200");
            trail.record("ann", "file.delete", "/share/a.txt", "10.0.0.7", "HTTP 204");
            List<AuditEntry> all;
            try (AuditTrail.Tail tail = trail.tail(-1)) {
                all = drain(tail);
            }
            assertEquals(List.of("file.write", "file.read", "file.delete"), all.stream().map(AuditEntry::getAction).toList());
            assertEquals(Instant.parse("2026-12-02T10:00:00Z").toEpochMilli(), all.get(1).getAtMillis());
            assertEquals("bob", all.get(1).getActor());
            assertEquals("10.0.0.8", all.get(1).getAddress());
            assertTrue(all.get(0).getIndex() < all.get(1).getIndex() && all.get(1).getIndex() < all.get(2).getIndex());
            assertEquals(all.get(2).getIndex(), trail.lastIndex());
            try (AuditTrail.Tail tail = trail.tail(all.get(0).getIndex())) {
                assertEquals(all.subList(1, 3), drain(tail), "resumes right after the acknowledged index");
            }
            try (AuditTrail.Tail tail = trail.tail(all.get(2).getIndex())) {
                assertNull(tail.next(), "nothing after the last");
                trail.record("ann", "folder.create", "/share/new", "10.0.0.7", "HTTP 201");
                assertEquals("folder.create", tail.next().getAction(), "a tail sees records appended after it opened");
            }
        }
    }

    @Test
    void recordsSurviveAReopenAndAnIndexCentralDoesNotKnowSendsEverything() {
        long first;
        try (AuditTrail trail = AuditTrail.open(dir)) {
            first = trail.append(new AuditRecord(1, "ann", "file.write", "/share/a", "::1", "HTTP 201"));
            trail.record("ann", "file.write", "/share/b", "::1", "HTTP 201");
        }
        try (AuditTrail trail = AuditTrail.open(dir); AuditTrail.Tail tail = trail.tail(0)) {
            List<AuditEntry> all = drain(tail);
            assertEquals(2, all.size());
            assertEquals(first, all.get(0).getIndex());
            assertEquals("/share/b", all.get(1).getTarget());
        }
    }

    @Test
    void hostileFieldsAreBoundedAndControlCharactersReplaced() {
        String forged = "/share/x\n{\"action\":\"signin.ok\"}\r\u0000";
        AuditRecord r = new AuditRecord(0, "é".repeat(1000), "file.write", forged, null, "d".repeat(10_000));
        assertFalse(r.target().chars().anyMatch(Character::isISOControl), r.target());
        assertEquals("/share/x?{\"action\":\"signin.ok\"}??", r.target());
        assertEquals(AuditRecord.MAX_ACTOR_BYTES, r.actor().getBytes(StandardCharsets.UTF_8).length);
        assertEquals(AuditRecord.MAX_DETAIL_BYTES, r.detail().length());
        assertEquals("", r.address());
        // A four-byte character is never cut in half.
        AuditRecord emoji = new AuditRecord(0, "x" + "\uD83D\uDE00".repeat(100), "a", "", "", "");
        assertEquals(1 + 4 * 63, emoji.actor().getBytes(StandardCharsets.UTF_8).length);
        try (AuditTrail trail = AuditTrail.open(dir); AuditTrail.Tail tail = trail.tail(-1)) {
            trail.append(r);
            AuditEntry stored = tail.next();
            assertTrue(stored.getSerializedSize() <= 4096, "fits central's limit per entry: " + stored.getSerializedSize());
        }
    }

    @Test
    void daysCentralHasAreTrimmedAndTheTrailResumesAfterTheAcknowledgedIndex() throws Exception {
        net.openhft.chronicle.core.time.SetTimeProvider time = new net.openhft.chronicle.core.time.SetTimeProvider(
                java.util.concurrent.TimeUnit.DAYS.toNanos(20_000)).autoIncrement(0, java.util.concurrent.TimeUnit.SECONDS);
        List<Long> indexes = new ArrayList<>();
        try (AuditTrail trail = AuditTrail.open(dir, Clock.systemUTC(),
                net.openhft.chronicle.queue.rollcycles.TestRollCycles.TEST_SECONDLY, time)) {
            for (int cycle = 0; cycle < 3; cycle++) {
                for (int i = 0; i < 2; i++) {
                    indexes.add(trail.append(new AuditRecord(0, "ann", "file.read", "/s/" + cycle + "-" + i, "", "")));
                }
                time.advanceMillis(1000);
            }
            assertEquals(3, rollFiles());
            assertEquals(0, trail.trimBefore(indexes.get(1)), "nothing before the first file");
            assertEquals(2, trail.trimBefore(indexes.get(4)), "the two days before the one holding the index go");
            assertEquals(1, rollFiles());
            try (AuditTrail.Tail tail = trail.tail(indexes.get(4))) {
                assertEquals(List.of("/s/2-1"), drain(tail).stream().map(AuditEntry::getTarget).toList());
            }
            try (AuditTrail.Tail tail = trail.tail(indexes.get(0))) {
                assertEquals(2, drain(tail).size(), "an index trimmed away: everything left is sent");
            }
        }
    }

    private long rollFiles() throws java.io.IOException {
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".cq4")).count();
        }
    }

    @Test
    void aClosedTrailRefusesQuietly() {
        AuditTrail trail = AuditTrail.open(dir);
        trail.close();
        assertEquals(-1, trail.append(new AuditRecord(0, "ann", "file.read", "/s/a", "", "")));
    }
}
