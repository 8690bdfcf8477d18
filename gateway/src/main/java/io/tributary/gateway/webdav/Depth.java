package io.tributary.gateway.webdav;

import java.util.Locale;

/** The Depth request header (RFC 4918 section 10.2). */
enum Depth {
    ZERO, ONE, INFINITY;

    /**
     * @param header the header value, or null when absent
     * @param absent what an absent header means for the method at hand
     * @throws DavException 400 for anything but 0, 1 or infinity
     */
    static Depth parse(String header, Depth absent) {
        if (header == null) {
            return absent;
        }
        return switch (header.strip().toLowerCase(Locale.ROOT)) {
            case "0" -> ZERO;
            case "1" -> ONE;
            case "infinity" -> INFINITY;
            default -> throw DavException.badRequest("Depth must be 0, 1 or infinity, not '" + header + "'");
        };
    }

    /** As written in the header and in DAV:depth. */
    String text() {
        return switch (this) {
            case ZERO -> "0";
            case ONE -> "1";
            case INFINITY -> "infinity";
        };
    }
}
