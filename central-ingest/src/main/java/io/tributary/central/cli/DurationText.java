package io.tributary.central.cli;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as people type them on central's command line: 90s, 30m, 8h, 30d. */
final class DurationText {
    private static final Pattern FORM = Pattern.compile("(\\d{1,9})([smhd])");

    private DurationText() {
    }

    static Duration parse(String text, String option) {
        Matcher m = FORM.matcher(text == null ? "" : text.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException(option + " takes a number and a unit (s, m, h or d) such as 90s or 30d, got '" + text + "'");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2).charAt(0)) {
            case 's' -> Duration.ofSeconds(n);
            case 'm' -> Duration.ofMinutes(n);
            case 'h' -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }
}
