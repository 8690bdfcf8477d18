package io.tributary.gateway.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The WebDAV conformance suite litmus, suite by suite, against a real gateway. litmus creates
 * (and removes) its own {@code litmus/} collection under the URL it is given, so it gets the
 * share root. Every warning it prints is collected into target/litmus-warnings.txt.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LitmusIT {
    private static final Path LITMUS = Path.of("/usr/bin/litmus");
    private static final Duration SUITE_LIMIT = Duration.ofSeconds(120);

    @TempDir
    static Path dataDir;

    private GatewayProcess gateway;
    private final List<String> warnings = new ArrayList<>();

    @BeforeAll
    void startGateway() {
        if (!Files.isExecutable(LITMUS)) {
            fail(LITMUS + " is not installed; .ci/run installs it (apt-get install litmus)");
        }
        gateway = GatewayProcess.start(GatewayProcess.Config.of("litmus", dataDir));
    }

    @AfterAll
    void stopAndWriteWarnings() throws IOException {
        if (gateway != null) {
            gateway.close();
        }
        Path file = GatewayProcess.targetDir().resolve("litmus-warnings.txt");
        Files.createDirectories(file.getParent());
        Files.write(file, warnings, StandardCharsets.UTF_8);
        System.out.println("litmus warnings (" + warnings.size() + "), also in " + file + ":");
        warnings.forEach(w -> System.out.println("  " + w));
    }

    @ParameterizedTest(name = "litmus suite {0} passes with no failed test")
    @ValueSource(strings = {"basic", "copymove", "props", "locks", "http"})
    void litmusSuitePassesWithNoFailedTest(String suite) throws IOException {
        Path work = GatewayProcess.targetDir().resolve("litmus").resolve(suite);
        Files.createDirectories(work);
        Command.Result result = Command.run(
                List.of(LITMUS.toString(), gateway.shareUri().toString(), gateway.user(), gateway.password()),
                Map.of("TESTS", suite), work, SUITE_LIMIT,
                GatewayProcess.logFile("litmus-" + suite));
        LitmusReport report = LitmusReport.parse(suite, result.output());
        System.out.printf("litmus %s: %d run, %d passed, %d failed, %d skipped, %d warnings (%d ms)%n", suite,
                report.run(), report.passed(), report.failed(), report.skipped(), report.warningCount(),
                result.took().toMillis());
        synchronized (warnings) {
            warnings.addAll(report.warnings());
        }
        assertEquals(report.warningCount(), report.warnings().size(),
                "litmus counted " + report.warningCount() + " warnings but " + report.warnings().size()
                        + " were parsed from its output:\n" + result.output());
        assertEquals(0, report.failed(), () -> "litmus " + suite + ": " + report.failed() + " of " + report.run()
                + " failed (" + report.skipped() + " skipped); failures:\n  "
                + String.join("\n  ", report.failures()) + "\nrequest traces in " + work.resolve("debug.log")
                + "\ngateway log " + gateway.logFile());
        assertEquals(report.run(), report.passed(), "every test litmus ran passed");
        assertEquals(0, result.exitCode(), () -> result.describe());
        assertTrue(gateway.isAlive(), "the gateway survived litmus " + suite);
    }
}
