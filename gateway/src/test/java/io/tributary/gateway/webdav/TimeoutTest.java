package io.tributary.gateway.webdav;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TimeoutTest {

    @Test
    void absentMeansNoPreference() {
        assertNull(Timeout.parse(null));
    }

    @Test
    void parsesSecondsAndInfinite() {
        assertEquals(Duration.ofSeconds(60), Timeout.parse("Second-60"));
        assertEquals(Duration.ofSeconds(3600), Timeout.parse("second-0003600"));
        assertEquals(Timeout.LONGEST, Timeout.parse("Infinite"));
    }

    @Test
    void takesTheFirstOfAList() {
        assertEquals(Timeout.LONGEST, Timeout.parse("Infinite, Second-4100000000"));
        assertEquals(Duration.ofSeconds(30), Timeout.parse("Second-30,Infinite"));
    }

    @Test
    void capsHugeValuesInsteadOfOverflowing() {
        assertEquals(Timeout.LONGEST, Timeout.parse("Second-4100000000"));
        assertEquals(Timeout.LONGEST, Timeout.parse("Second-99999999999999999999999999"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "", " ", "Second-", "Second-abc", "Second--5", "Second-1.5", "Minute-5", "Infinity", "60",
        "Second-60,", "Second-60, garbage", "Second-0",
    })
    void refusesMalformedValuesWith400(String header) {
        assertEquals(400, assertThrows(DavException.class, () -> Timeout.parse(header)).status().code());
    }
}
