package io.tributary.gateway.fs;

import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** The roll files of a Chronicle queue: one per cycle (a day by default), deleted whole once read. */
public final class RollFiles {
    private RollFiles() {
    }

    /**
     * Deletes the roll files of {@code queue} (in {@code dir}) that hold only entries before the
     * file of {@code index}; the file holding {@code index} stays, so a reader can resume after it.
     * Returns how many went; stops at the first that cannot be deleted (left for the next call).
     */
    public static int deleteBefore(SingleChronicleQueue queue, Path dir, long index) {
        RollCycle cycles = queue.rollCycle();
        int keep = cycles.toCycle(index);
        int first = queue.firstCycle();
        if (first >= keep) {
            return 0;
        }
        DateTimeFormatter names = DateTimeFormatter.ofPattern(cycles.format()).withZone(ZoneOffset.UTC);
        int deleted = 0;
        for (long cycle : queue.listCyclesBetween(first, keep - 1)) {
            Path file = dir.resolve(names.format(Instant.ofEpochMilli(cycle * cycles.lengthInMillis() + cycles.defaultEpoch()))
                    + SingleChronicleQueue.SUFFIX);
            try {
                if (Files.deleteIfExists(file)) {
                    deleted++;
                }
            } catch (IOException e) {
                break;
            }
        }
        if (deleted > 0) {
            queue.refreshDirectoryListing();
        }
        return deleted;
    }
}
