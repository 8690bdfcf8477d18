package io.tributary.gateway.it;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class LitmusReportTest {
    /** The shape litmus prints when its output is not a terminal: progress redrawn after a CR. */
    private static final String LOCKS = "-> running `locks':\n"
            + "\r 0. init.................. \r 0. init.................. pass\n"
            + "\r11. owner_modify.......... \r11. owner_modify.......... FAIL (PROPPATCH on locked resouce on"
            + " `/litmus/lockme': http://127.0.0.1:1/litmus/lockme: 403 Forbidden\n)\n"
            + "\r18. cond_put_corrupt_token WARNING: PUT failed with 412 not 423\n"
            + "    ...................... pass (with 1 warning)\n"
            + "    ...................... \r19. complex_cond_put...... pass\n"
            + "\r23. lock_shared........... \r23. lock_shared........... FAIL (LOCK on `/litmus/lockme': 501 Not Implemented)\n"
            + "\r24. notowner_modify....... \r24. notowner_modify....... SKIPPED\n"
            + "-> 7 tests were skipped.\n"
            + "<- summary for `locks': of 34 tests run: 30 passed, 4 failed. 88.2%\n"
            + "-> 1 warning was issued.\n"
            + "See debug.log for network/debug traces.\n";

    @Test
    void summaryFailuresAndWarningsAreRead() {
        LitmusReport r = LitmusReport.parse("locks", LOCKS);
        assertEquals(34, r.run());
        assertEquals(30, r.passed());
        assertEquals(4, r.failed());
        assertEquals(7, r.skipped());
        assertEquals(1, r.warningCount());
        assertEquals(List.of("locks/cond_put_corrupt_token: PUT failed with 412 not 423"), r.warnings());
        assertEquals(List.of(
                "locks/owner_modify: (PROPPATCH on locked resouce on `/litmus/lockme': "
                        + "http://127.0.0.1:1/litmus/lockme: 403 Forbidden )",
                "locks/lock_shared: (LOCK on `/litmus/lockme': 501 Not Implemented)"), r.failures());
    }

    @Test
    void cleanRunHasNoFailuresOrWarnings() {
        LitmusReport r = LitmusReport.parse("http", "-> running `http':\n"
                + "\r 2. expect100............. \r 2. expect100............. pass\n"
                + "<- summary for `http': of 4 tests run: 4 passed, 0 failed. 100.0%\n");
        assertEquals(0, r.failed());
        assertEquals(0, r.warningCount());
        assertEquals(List.of(), r.warnings());
    }

    @Test
    void outputWithoutASummaryIsAFailure() {
        assertThrows(AssertionError.class, () -> LitmusReport.parse("basic", "Could not connect to server\n"));
    }
}
