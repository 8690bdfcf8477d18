package io.tributary.gateway.webdav;

/**
 * Escapes text for XML content and attribute values. Characters XML 1.0 cannot carry at all
 * (control characters other than tab, newline and carriage return, unpaired surrogates) become
 * U+FFFD, so no name or message can make a response unparseable.
 */
final class XmlEscape {
    private XmlEscape() {
    }

    static String text(String s) {
        StringBuilder out = new StringBuilder(s.length() + 16);
        append(out, s);
        return out.toString();
    }

    /** Appends {@code s} escaped for both content and double- or single-quoted attributes. */
    static void append(StringBuilder out, String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&apos;");
                case '\t', '\n' -> out.append(c);
                // A literal CR would be normalized away by the reader; the reference survives.
                case '\r' -> out.append("&#13;");
                default -> {
                    if (c < 0x20 || c == 0xfffe || c == 0xffff) {
                        out.append('\ufffd');
                    } else if (Character.isHighSurrogate(c) && i + 1 < s.length()
                            && Character.isLowSurrogate(s.charAt(i + 1))) {
                        out.append(c).append(s.charAt(++i));
                    } else if (Character.isSurrogate(c)) {
                        out.append('\ufffd');
                    } else {
                        out.append(c);
                    }
                }
            }
        }
    }
}
