package io.tributary.gateway.share;

import java.text.Normalizer;
import java.util.Locale;
import java.util.Set;

/**
 * The names every branch can serve: Windows is the strictest client, so its rules apply to every
 * share. Checked when a name is created (upload, mkdir, copy and move targets), never on lookup.
 */
public final class NameRules {
    /** Longest name in UTF-16 units, as on NTFS. */
    public static final int MAX_NAME_LENGTH = 255;
    private static final Set<String> RESERVED = Set.of(
            "CON", "PRN", "AUX", "NUL",
            "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9",
            "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
            "COM\u00b9", "COM\u00b2", "COM\u00b3", "LPT\u00b9", "LPT\u00b2", "LPT\u00b3");
    private static final String FORBIDDEN = "<>:\"/\\|?*";

    private NameRules() {
    }

    /** Throws {@link ShareException.Kind#INVALID_NAME} with the reason if {@code name} may not be created. */
    public static void check(String name) {
        if (name.isEmpty()) {
            throw invalid(name, "the name is empty");
        }
        if (name.length() > MAX_NAME_LENGTH) {
            throw invalid(name, "the name is longer than " + MAX_NAME_LENGTH + " characters");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                throw invalid(name, "the name contains a control character");
            }
            if (FORBIDDEN.indexOf(c) >= 0) {
                throw invalid(name, "the name contains '" + c + "', which Windows does not allow");
            }
        }
        if (name.codePoints().anyMatch(cp -> cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE)) {
            throw invalid(name, "the name is not valid Unicode");
        }
        char last = name.charAt(name.length() - 1);
        if (last == '.' || last == ' ') {
            throw invalid(name, "Windows does not allow a name that ends with a dot or a space");
        }
        int dot = name.indexOf('.');
        String stem = (dot < 0 ? name : name.substring(0, dot)).stripTrailing().toUpperCase(Locale.ROOT);
        if (RESERVED.contains(stem)) {
            throw invalid(name, "'" + stem + "' is a reserved device name on Windows");
        }
    }

    /**
     * The form under which names collide: Windows compares names without regard to case, and
     * macOS may send the decomposed form of an accented name.
     */
    public static String fold(String name) {
        return Normalizer.normalize(name, Normalizer.Form.NFC).toLowerCase(Locale.ROOT);
    }

    private static ShareException invalid(String name, String why) {
        return new ShareException(ShareException.Kind.INVALID_NAME, "invalid name '" + printable(name) + "': " + why);
    }

    private static String printable(String name) {
        StringBuilder out = new StringBuilder();
        name.codePoints().limit(80).forEach(cp -> {
            if (cp < 0x20 || cp == 0x7f) {
                out.append(String.format("\\x%02x", cp));
            } else {
                out.appendCodePoint(cp);
            }
        });
        return out.toString();
    }
}
