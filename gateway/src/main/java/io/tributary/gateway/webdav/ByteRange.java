package io.tributary.gateway.webdav;

/**
 * What a GET's Range header selects from an entity of known size (RFC 9110 section 14).
 *
 * <p>Only one range is served as a 206; several ranges, other units and malformed headers are
 * answered with the whole entity, which RFC 9110 allows and which spares a multipart writer.
 */
sealed interface ByteRange {
    /** The whole entity, as a 200. */
    record Whole() implements ByteRange {
    }

    /** Bytes {@code first} to {@code last}, both inclusive, as a 206. */
    record Part(long first, long last) implements ByteRange {
        long length() {
            return last - first + 1;
        }
    }

    /** No byte of the entity is selected: a 416. */
    record Unsatisfiable() implements ByteRange {
    }

    /**
     * @param header the Range header, or null when absent
     * @param size   the entity's length in bytes
     */
    static ByteRange select(String header, long size) {
        if (header == null) {
            return new Whole();
        }
        String h = header.strip();
        if (!h.regionMatches(true, 0, "bytes=", 0, 6)) {
            return new Whole();
        }
        String spec = h.substring(6).strip();
        if (spec.indexOf(',') >= 0) {
            return new Whole();
        }
        int dash = spec.indexOf('-');
        if (dash < 0) {
            return new Whole();
        }
        long first = digits(spec.substring(0, dash).strip());
        long last = digits(spec.substring(dash + 1).strip());
        if (dash == 0) {
            // "-n": the last n bytes.
            if (last < 0) {
                return new Whole();
            }
            if (last == 0 || size == 0) {
                return new Unsatisfiable();
            }
            return new Part(Math.max(0, size - last), size - 1);
        }
        if (first < 0 || (dash < spec.length() - 1 && last < 0)) {
            return new Whole();
        }
        if (dash == spec.length() - 1) {
            last = Long.MAX_VALUE;
        } else if (last < first) {
            return new Whole();
        }
        if (first >= size) {
            return new Unsatisfiable();
        }
        return new Part(first, Math.min(last, size - 1));
    }

    /** A non-negative decimal, {@link Long#MAX_VALUE} when too long to hold; -1 when not digits. */
    private static long digits(String s) {
        if (s.isEmpty()) {
            return -1;
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return -1;
            }
        }
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }
}
