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
                {"gateway", "--data", data.toString(), "--share-port", "http"},
                {"gateway", "--data", data.toString(), "--lan-write-budget", "-1"},
                {"gateway", "--data", data.toString(), "--lan-write-budget", "lots"}}) {
            Run r = run(args);
            assertEquals(2, r.status(), String.join(" ", args) + "\n" + r.err());
            assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
            assertTrue(r.err().length() > 10, r.err());
        }
        assertFalse(Files.exists(data), "a refused command line creates no data directory");
    }

    @Test
    void keyCommandsRefuseBadInputAndDestroyNothing() throws Exception {
        Path data = dir.resolve("gw");
        Run missing = run("gateway", "keys", "rotate", "--data", data.toString());
        assertEquals(2, missing.status(), missing.err());
        assertTrue(missing.err().contains("is not a gateway data directory"), missing.err());
        assertFalse(Files.exists(data));

        Path keys = Files.createDirectories(data).resolve("keys");
        io.tributary.gateway.keys.TenantKeys before = io.tributary.gateway.keys.LocalKeyStore.openOrCreate(keys).keys("default");
        Run wrongTenant = run("gateway", "keys", "destroy", "--data", data.toString(), "--confirm", "other");
        assertEquals(2, wrongTenant.status(), wrongTenant.err());
        assertTrue(wrongTenant.err().contains("nothing was destroyed"), wrongTenant.err());
        Run badName = run("gateway", "keys", "destroy", "--data", data.toString(), "--tenant", "Bad Name", "--confirm", "Bad Name");
        assertEquals(2, badName.status(), badName.err());
        Run noKeys = run("gateway", "keys", "rotate", "--data", data.toString(), "--tenant", "nobody");
        assertEquals(2, noKeys.status(), noKeys.err());
        assertTrue(noKeys.err().contains("has no keys"), noKeys.err());
        Run vaultWithoutToken = run("gateway", "keys", "rotate", "--data", data.toString(), "--vault", "https://vault.example");
        assertEquals(2, vaultWithoutToken.status(), vaultWithoutToken.err());
        assertTrue(vaultWithoutToken.err().contains("--vault-token-file"), vaultWithoutToken.err());
        assertEquals(before, io.tributary.gateway.keys.LocalKeyStore.openOrCreate(keys).keys("default"), "the keys are untouched");
        assertFalse(Files.exists(keys.resolve(io.tributary.gateway.keys.ErasedTenants.FILE)), "no tombstone");
    }

    @Test
    void helpListsEveryGatewayOption() {
        CommandLine cmd = Main.commandLine();
        StringWriter out = new StringWriter();
        cmd.setOut(new PrintWriter(out, true));
        assertEquals(0, cmd.execute("gateway", "--help"));
        for (String option : new String[]{"--data", "--ssd", "--bind", "--share-port", "--http-port", "--share",
                "--local-user", "--durability", "--max-upload-bytes", "--chunk-sizes", "--compression-level", "--lan-write-budget"}) {
            assertTrue(out.toString().contains(option), option + " missing from --help");
        }
    }
}
