package io.tributary.gateway.it;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * rclone, a real WebDAV client, syncs a tree to the share and back; the copy that comes back
 * must equal the original byte for byte, also after a second sync that renames, deletes and
 * rewrites files.
 */
class RcloneIT {
    private static final Path RCLONE = Path.of("/usr/bin/rclone");
    private static final Duration SYNC_LIMIT = Duration.ofSeconds(150);

    @TempDir
    Path temp;

    private GatewayProcess gateway;
    private String obscuredPassword;

    @BeforeEach
    void startGateway() {
        if (!Files.isExecutable(RCLONE)) {
            fail(RCLONE + " is not installed; .ci/run installs it (apt-get install rclone)");
        }
        gateway = GatewayProcess.start(GatewayProcess.Config.of("rclone", temp.resolve("data")));
        Command.Result obscured = Command.run(List.of(RCLONE.toString(), "obscure", gateway.password()),
                Map.of("RCLONE_CONFIG", temp.resolve("rclone.conf").toString()), temp, Duration.ofSeconds(30), null);
        assertEquals(0, obscured.exitCode(), obscured::describe);
        obscuredPassword = obscured.output().strip();
    }

    @AfterEach
    void stopGateway() {
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void treeSyncedUpAndBackIsIdenticalByteForByte() throws IOException {
        Path source = Files.createDirectories(temp.resolve("source"));
        TreeMap<String, String> original = FileTree.generate(source,
                new FileTree.Spec(300, 8 * 1024, 4, 25, 20240611L));
        assertTrue(original.size() > 300, "the generated tree has its few hundred entries");

        sync(source, ":webdav:rclone-it", "up");
        Path back = Files.createDirectories(temp.resolve("back"));
        sync(null, ":webdav:rclone-it", "down", back);
        assertSameTree(original, FileTree.describe(back), "after the first sync up and back");

        // second round: rename, delete, rewrite, add; sync must bring the share to exactly that
        Files.move(source.resolve("docs"), source.resolve("docs renamed"));
        List<String> files = new ArrayList<>(original.keySet());
        files.removeIf(p -> original.get(p).equals("dir") || p.startsWith("docs/") || p.equals("docs"));
        Files.delete(source.resolve(files.get(3)));
        FileTree.write(source.resolve(files.get(7)), 99L, 200_000);
        FileTree.write(source.resolve("new folder/ünïcödé added.txt"), 7L, 12_345);
        TreeMap<String, String> changed = FileTree.describe(source);

        sync(source, ":webdav:rclone-it", "up-again");
        Path back2 = Files.createDirectories(temp.resolve("back2"));
        sync(null, ":webdav:rclone-it", "down-again", back2);
        assertSameTree(changed, FileTree.describe(back2), "after renaming, deleting and rewriting");
        assertTrue(gateway.isAlive(), "the gateway survived both syncs");
    }

    private void sync(Path from, String remote, String label) {
        sync(from, remote, label, null);
    }

    /** {@code rclone sync} from a local folder to the remote, or (from == null) from the remote to {@code to}. */
    private void sync(Path from, String remote, String label, Path to) {
        List<String> args = new ArrayList<>(List.of("sync"));
        if (from != null) {
            args.addAll(List.of(from.toString(), remote));
        } else {
            args.addAll(List.of(remote, to.toString()));
        }
        args.addAll(List.of("--create-empty-src-dirs", "--transfers", "4", "--checkers", "4",
                "--retries", "1", "--low-level-retries", "1", "--timeout", "60s", "--contimeout", "10s",
                "-v", "--stats", "0"));
        Command.Result r = rclone(args, label);
        assertEquals(0, r.exitCode(), () -> "rclone " + label + " failed; gateway log " + gateway.logFile()
                + "\n" + r.describe());
    }

    private Command.Result rclone(List<String> args, String label) {
        List<String> cmd = new ArrayList<>();
        cmd.add(RCLONE.toString());
        cmd.addAll(args);
        cmd.addAll(List.of("--webdav-url", gateway.shareUri().toString(), "--webdav-vendor", "other",
                "--webdav-user", gateway.user(), "--webdav-pass", obscuredPassword));
        return Command.run(cmd, Map.of("RCLONE_CONFIG", temp.resolve("rclone.conf").toString()),
                temp, SYNC_LIMIT, GatewayProcess.logFile("rclone-" + label));
    }

    private static void assertSameTree(TreeMap<String, String> expected, TreeMap<String, String> actual,
                                       String when) {
        List<String> diffs = FileTree.differences(expected, actual);
        assertTrue(diffs.isEmpty(), () -> diffs.size() + " differences " + when + ":\n  "
                + String.join("\n  ", diffs.subList(0, Math.min(40, diffs.size()))));
    }
}
