package io.tributary.gateway.webdav;

import java.time.Duration;

/**
 * The Timeout request header of LOCK (RFC 4918 section 10.7): a list of {@code Second-N} and
 * {@code Infinite}, most preferred first. The first entry is taken; the lock manager caps it.
 */
final class Timeout {
    /** Longest value taken literally; anything longer is as good as infinite to the lock manager. */
    static final Duration LONGEST = Duration.ofSeconds(Integer.MAX_VALUE);

    private Timeout() {
    }

    /**
     * @param header the header value, or null when absent
     * @return the requested timeout, or null for no preference (absent header); {@code Infinite} is {@link #LONGEST}
     * @throws DavException 400 for a malformed header or a zero timeout
     */
    static Duration parse(String header) {
        if (header == null) {
            return null;
        }
        String[] entries = header.split(",", -1);
        Duration first = null;
        // Every entry is checked, so a malformed list is refused even if its first entry is fine.
        for (String entry : entries) {
            Duration d = parseEntry(entry.strip(), header);
            if (first == null) {
                first = d;
            }
        }
        return first;
    }

    private static Duration parseEntry(String entry, String header) {
        if (entry.equalsIgnoreCase("Infinite")) {
            return LONGEST;
        }
        if (entry.regionMatches(true, 0, "Second-", 0, 7) && entry.length() > 7) {
            String digits = entry.substring(7);
            for (int i = 0; i < digits.length(); i++) {
                if (digits.charAt(i) < '0' || digits.charAt(i) > '9') {
                    throw malformed(header);
                }
            }
            String trimmed = digits.replaceFirst("^0+(?=.)", "");
            if (trimmed.length() > 10 || Long.parseLong(trimmed) > LONGEST.toSeconds()) {
                return LONGEST;
            }
            long seconds = Long.parseLong(trimmed);
            if (seconds == 0) {
                throw DavException.badRequest("a lock timeout of zero seconds is not allowed");
            }
            return Duration.ofSeconds(seconds);
        }
        throw malformed(header);
    }

    private static DavException malformed(String header) {
        return DavException.badRequest("Timeout must be a list of Second-N or Infinite, not '" + header + "'");
    }
}
