package io.tributary.sync;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The name a conflicting local version is kept under, as central names conflict copies:
 * {@code stem (conflict from HOST YYYY-MM-DD HHMMSS).ext}, in UTC.
 */
final class ConflictCopy {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HHmmss").withZone(ZoneOffset.UTC);

    private ConflictCopy() {
    }

    static String path(String path, String host, Instant when, int attempt) {
        int slash = path.lastIndexOf('/');
        String dir = path.substring(0, slash + 1);
        String name = path.substring(slash + 1);
        int dot = name.lastIndexOf('.');
        boolean hasExtension = dot > 0;
        String stem = hasExtension ? name.substring(0, dot) : name;
        String ext = hasExtension ? name.substring(dot) : "";
        String tag = " (conflict from " + host + " " + TIME.format(when) + (attempt > 1 ? " " + attempt : "") + ")";
        return dir + stem + tag + ext;
    }
}
