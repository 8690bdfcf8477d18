package io.tributary.gateway.webdav;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Optional;

/** The two date formats WebDAV uses: RFC 1123 (HTTP headers, getlastmodified) and RFC 3339 (creationdate). */
final class HttpDates {
    /** IMF-fixdate: always two-digit days, unlike {@link DateTimeFormatter#RFC_1123_DATE_TIME}. */
    private static final DateTimeFormatter IMF_FIXDATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);

    private HttpDates() {
    }

    static String rfc1123(Instant instant) {
        return IMF_FIXDATE.format(instant);
    }

    /** {@code 2024-05-01T09:30:00Z}: seconds precision, UTC. */
    static String rfc3339(Instant instant) {
        return DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(ChronoUnit.SECONDS));
    }

    /** Parses an RFC 1123 date as clients send it; empty when it is not one. */
    static Optional<Instant> parseRfc1123(String text) {
        if (text == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Instant.from(DateTimeFormatter.RFC_1123_DATE_TIME.parse(text.strip())));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
