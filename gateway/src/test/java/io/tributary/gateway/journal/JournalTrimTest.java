package io.tributary.gateway.journal;

import io.tributary.gateway.observe.GatewayMetrics;
import net.openhft.chronicle.core.time.SetTimeProvider;
import net.openhft.chronicle.queue.rollcycles.TestRollCycles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Trimming a real Chronicle Queue rolled every second by a clock the test moves. */
class JournalTrimTest {
    @TempDir
    Path dir;

    private final SetTimeProvider clock = new SetTimeProvider(TimeUnit.DAYS.toNanos(20_000)).autoIncrement(0, TimeUnit.SECONDS);
    private final GatewayMetrics metrics = new GatewayMetrics();

    @Test
    void filesBeforeTheOneHoldingTheIndexGoAndReadersStillResume() throws IOException {
        List<Long> indexes = new ArrayList<>();
        try (Journal journal = Journal.open(dir, Durability.OS, metrics, TestRollCycles.TEST_SECONDLY, clock)) {
            for (int cycle = 0; cycle < 4; cycle++) {
                for (int i = 0; i < 3; i++) {
                    indexes.add(journal.append(new Change.Delete("s", List.of("f" + cycle + "-" + i))));
                }
                clock.advanceMillis(1000);
            }
            assertEquals(4, rollFiles());

            assertEquals(0, journal.trimBefore(indexes.get(2)), "nothing before the first file");
            // Entry 7 is in the third file: the first two go, the third stays for a resume after 7.
            assertEquals(2, journal.trimBefore(indexes.get(7)));
            assertEquals(2, rollFiles());
            assertEquals(2, metrics.journalFilesTrimmed.getCount());
            assertEquals(indexes.get(6), journal.firstIndex());

            assertEquals(List.of("f2-2", "f3-0", "f3-1", "f3-2"), names(journal, indexes.get(7)), "resume after a kept entry");
            List<String> kept = new ArrayList<>();
            journal.replayKept(indexes.get(1), (index, change) -> kept.add(((Change.Delete) change).path().getFirst()));
            assertEquals(6, kept.size(), "what is left after a trimmed entry");
            assertThrows(IllegalStateException.class, () -> names(journal, indexes.get(1)),
                    "a namespace older than the journal cannot be brought up to date from it");
            assertThrows(IllegalStateException.class, () -> names(journal, -1), "nor can an empty one");
            assertTrue(journal.trimmed());
            try (Journal.Tail tail = journal.tail(indexes.get(0))) {
                assertEquals(List.of("f2-0"), ((Change.Delete) tail.next().change()).path());
            }
            try (Journal.Tail tail = journal.tail(indexes.get(11))) {
                assertNull(tail.next());
            }
            indexes.add(journal.append(new Change.Delete("s", List.of("after"))));
            assertEquals(List.of("after"), names(journal, indexes.get(11)), "appending goes on");
        }
        try (Journal reopened = Journal.open(dir, Durability.OS, metrics, TestRollCycles.TEST_SECONDLY, clock)) {
            assertTrue(reopened.trimmed());
            assertEquals(indexes.get(6), reopened.firstIndex(), "a reopened journal starts at its first kept file");
            assertEquals(List.of("after"), names(reopened, indexes.get(11)));
        }
    }

    private static List<String> names(Journal journal, long after) {
        List<String> out = new ArrayList<>();
        journal.replay(after, (index, change) -> out.add(((Change.Delete) change).path().getFirst()));
        return out;
    }

    private long rollFiles() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".cq4")).count();
        }
    }
}
