package io.tributary.gateway.webdav;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class HttpDatesTest {
    private static final Instant EARLY_JUNE = Instant.parse("2008-06-03T11:05:30.250Z");

    @Test
    void writesImfFixdateWithTwoDigitDays() {
        assertEquals("Tue, 03 Jun 2008 11:05:30 GMT", HttpDates.rfc1123(EARLY_JUNE));
    }

    @Test
    void writesRfc3339InUtcToTheSecond() {
        assertEquals("2008-06-03T11:05:30Z", HttpDates.rfc3339(EARLY_JUNE));
    }

    @Test
    void parsesWhatClientsSend() {
        Instant seconds = Instant.parse("2008-06-03T11:05:30Z");
        assertEquals(Optional.of(seconds), HttpDates.parseRfc1123("Tue, 03 Jun 2008 11:05:30 GMT"));
        assertEquals(Optional.of(seconds), HttpDates.parseRfc1123("Tue, 3 Jun 2008 11:05:30 GMT"));
        assertEquals(Optional.of(seconds), HttpDates.parseRfc1123(HttpDates.rfc1123(EARLY_JUNE)));
    }

    @Test
    void rejectsWhatIsNotADate() {
        assertTrue(HttpDates.parseRfc1123("yesterday").isEmpty());
        assertTrue(HttpDates.parseRfc1123("2008-06-03T11:05:30Z").isEmpty());
        assertTrue(HttpDates.parseRfc1123(null).isEmpty());
    }
}
