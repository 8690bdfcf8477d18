package io.tributary.gateway.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * End-to-end encryption as central's operator would check it: known text written at a branch
 * reaches the other branch, while central's chunk store and database (every file under its data
 * directory) hold no trace of it, neither as written nor compressed-free in any common encoding.
 */
class CentralHoldsNoPlaintextIT {
    @TempDir
    Path root;

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void knownTextWrittenAtABranchIsNowhereInCentralsFiles() throws Exception {
        // Text that compresses well (zstd would keep its words) and a random-looking but known run.
        String marker = "TRIBUTARY-PLAINTEXT-CANARY-" + Long.toHexString(System.nanoTime());
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 2000; i++) {
            text.append(marker).append(" line ").append(i).append(" of the quarterly numbers nobody outside the tenant may read\n");
        }
        byte[] content = text.toString().getBytes(StandardCharsets.UTF_8);
        try (Fleet fleet = new Fleet(root)) {
            GatewayProcess a = fleet.gateway("Alpha");
            GatewayProcess b = fleet.gateway("Bravo");
            Dav atA = a.dav(Duration.ofMinutes(1));
            Dav atB = b.dav(Duration.ofMinutes(1));
            Fleet.assertWritten(atA.put("secret-report.txt", content), "PUT at A");
            Fleet.await(Duration.ofSeconds(60), "the report at B", () -> atB.get("secret-report.txt").status() == 200);
            assertEquals(text.toString(), atB.getString("secret-report.txt").body(), "the other branch reads it whole");
            Fleet.await(Duration.ofSeconds(60), "A's receipt", () -> Fleet.receipt(atA, "secret-report.txt").equals("true"));

            Path centralData = root.resolve("central");
            List<Path> files = new ArrayList<>();
            try (Stream<Path> walk = Files.walk(centralData)) {
                walk.filter(Files::isRegularFile).forEach(files::add);
            }
            assertTrue(files.size() > 2, "central keeps chunks and a database: " + files);
            long scanned = 0;
            byte[][] needles = {marker.getBytes(StandardCharsets.UTF_8), marker.getBytes(StandardCharsets.UTF_16LE),
                    "quarterly numbers nobody".getBytes(StandardCharsets.UTF_8)};
            for (Path f : files) {
                byte[] bytes = Files.readAllBytes(f);
                scanned += bytes.length;
                for (byte[] needle : needles) {
                    assertEquals(-1, indexOf(bytes, needle), "plaintext in " + centralData.relativize(f));
                }
            }
            assertTrue(scanned > content.length / 4, "the chunks themselves were among the files scanned (" + scanned + " bytes)");
            // The name is visible to central, by design (the console and conflicts need it): stated in security.md.
            assertTrue(containsName(files, "secret-report.txt"), "names are metadata central keeps");
        }
    }

    private static boolean containsName(List<Path> files, String name) throws IOException {
        byte[] needle = name.getBytes(StandardCharsets.UTF_8);
        for (Path f : files) {
            if (indexOf(Files.readAllBytes(f), needle) >= 0) {
                return true;
            }
        }
        return false;
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
