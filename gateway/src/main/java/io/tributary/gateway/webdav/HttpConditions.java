package io.tributary.gateway.webdav;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.tributary.gateway.share.Entry;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * The HTTP conditional headers (RFC 9110 section 13), evaluated in the order section 13.2.2 gives:
 * If-Match, If-Unmodified-Since, If-None-Match, If-Modified-Since. The WebDAV If header is separate
 * ({@link WriteCheck}).
 */
final class HttpConditions {
    private HttpConditions() {
    }

    /**
     * @param current the resource as it is now; empty if it does not exist
     * @param safe    GET or HEAD: a failed If-None-Match or If-Modified-Since is then a 304, not a 412
     * @return the status to answer instead of performing the method, or empty to go ahead
     */
    static Optional<Status> evaluate(DavRequest request, Optional<Entry> current, boolean safe) {
        Optional<String> ifMatch = request.header(HeaderNames.IF_MATCH);
        if (ifMatch.isPresent()) {
            if (!anyMatches(ifMatch.get(), current, true)) {
                return Optional.of(Status.PRECONDITION_FAILED_412);
            }
        } else {
            Optional<Instant> since = request.header(HeaderNames.IF_UNMODIFIED_SINCE).flatMap(HttpDates::parseRfc1123);
            if (since.isPresent() && current.isPresent() && seconds(current.get()).isAfter(since.get())) {
                return Optional.of(Status.PRECONDITION_FAILED_412);
            }
        }
        Optional<String> ifNoneMatch = request.header(HeaderNames.IF_NONE_MATCH);
        if (ifNoneMatch.isPresent()) {
            if (anyMatches(ifNoneMatch.get(), current, false)) {
                return Optional.of(safe ? Status.NOT_MODIFIED_304 : Status.PRECONDITION_FAILED_412);
            }
        } else if (safe && current.isPresent()) {
            Optional<Instant> since = request.header(HeaderNames.IF_MODIFIED_SINCE).flatMap(HttpDates::parseRfc1123);
            if (since.isPresent() && !seconds(current.get()).isAfter(since.get())) {
                return Optional.of(Status.NOT_MODIFIED_304);
            }
        }
        return Optional.empty();
    }

    /** True if the header's list names the current entity tag, or is {@code *} and the resource exists. */
    static boolean anyMatches(String header, Optional<Entry> current, boolean strong) {
        if (current.isEmpty()) {
            return false;
        }
        String etag = current.get().etag();
        for (String candidate : header.split(",")) {
            String c = candidate.strip();
            if (c.equals("*")) {
                return true;
            }
            if (c.startsWith("W/")) {
                if (strong) {
                    continue;  // a weak tag never matches strongly
                }
                c = c.substring(2);
            }
            if (c.equals(etag)) {
                return true;
            }
        }
        return false;
    }

    private static Instant seconds(Entry e) {
        return e.modified() == null ? Instant.EPOCH : e.modified().truncatedTo(ChronoUnit.SECONDS);
    }
}
