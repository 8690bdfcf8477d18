package io.tributary.gateway.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MainTest {
    @TempDir
    Path dir;

    private record Run(int status, String err) {
    }

    private static Run run(String... args) {
        CommandLine cmd = Main.commandLine();
        StringWriter err = new StringWriter();
        cmd.setErr(new PrintWriter(err, true));
        return new Run(cmd.execute(args), err.toString());
    }

    @Test
    void badOptionValuesGetASentenceAndStatusTwoAndTouchNothing() {
        Path data = dir.resolve("data");
        for (String[] args : new String[][]{
                {"gateway", "--data", data.toString(), "--local-user", "no-colon"},
                {"gateway", "--data", data.toString(), "--durability", "sometimes"},
                {"gateway", "--data", data.toString(), "--chunk-sizes", "64k/16k/256k"},
                {"gateway", "--data", data.toString(), "--share-port", "http"}}) {
            Run r = run(args);
            assertEquals(2, r.status(), String.join(" ", args) + "\n" + r.err());
            assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
            assertTrue(r.err().length() > 10, r.err());
        }
        assertFalse(Files.exists(data), "a refused command line creates no data directory");
    }

    @Test
    void helpListsEveryGatewayOption() {
        CommandLine cmd = Main.commandLine();
        StringWriter out = new StringWriter();
        cmd.setOut(new PrintWriter(out, true));
        assertEquals(0, cmd.execute("gateway", "--help"));
        for (String option : new String[]{"--data", "--ssd", "--bind", "--share-port", "--http-port", "--share",
                "--local-user", "--durability", "--max-upload-bytes", "--chunk-sizes", "--compression-level"}) {
            assertTrue(out.toString().contains(option), option + " missing from --help");
        }
    }
}
