package io.tributary.central.meta;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The name a losing version is kept under: {@code stem (conflict from BRANCH YYYY-MM-DD HHMMSS).ext},
 * with the time of the losing write in UTC, and {@code  2}, {@code  3}... before the closing
 * parenthesis when that name is taken.
 */
final class ConflictName {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HHmmss").withZone(ZoneOffset.UTC);

    private ConflictName() {
    }

    /** The candidate for the {@code n}th try (1 = no number). */
    static String of(String name, String branch, long modifiedMillis, int n) {
        int dot = name.lastIndexOf('.');
        // ".profile" has no extension: a leading dot is part of the stem.
        String stem = dot > 0 ? name.substring(0, dot) : name;
        String ext = dot > 0 ? name.substring(dot) : "";
        String tag = " (conflict from " + safeBranch(branch) + " " + TIME.format(Instant.ofEpochMilli(modifiedMillis))
                + (n > 1 ? " " + n : "") + ")";
        // Keep within the name limit by shortening the stem, never the tag or the extension.
        int budget = SharePath.MAX_NAME_BYTES - utf8(tag) - utf8(ext);
        while (utf8(stem) > budget && !stem.isEmpty()) {
            stem = stem.substring(0, stem.offsetByCodePoints(stem.codePointCount(0, stem.length()), -1));
        }
        return stem + tag + ext;
    }

    private static String safeBranch(String branch) {
        StringBuilder b = new StringBuilder();
        branch.codePoints().limit(64).forEach(cp -> {
            boolean bad = cp == '/' || cp == '\\' || cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0);
            b.appendCodePoint(bad ? '_' : cp);
        });
        return b.isEmpty() ? "unknown branch" : b.toString();
    }

    private static int utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }
}
