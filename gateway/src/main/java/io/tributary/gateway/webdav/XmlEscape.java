package io.tributary.gateway.webdav;

/**
 * Escapes text for XML content and attribute values. Characters XML 1.0 cannot carry at all
 * (control characters other than tab, newline and carriage return, unpaired surrogates) become
 * U+FFFD, so no name or message can make a response unparseable.
 */
final class XmlEscape {
    private XmlEscape() {
    }

    /** {@code s} escaped for element content. */
    static String text(String s) {
        StringBuilder out = new StringBuilder(s.length() + 16);
        appendText(out, s);
        return out.toString();
    }

    /**
     * Appends {@code s} escaped for element content. Quotes stay as they are: some clients compare
     * values such as getetag as strings.
     */
    static void appendText(StringBuilder out, String s) {
        append(out, s, false);
    }

    /** Appends {@code s} escaped for a double- or single-quoted attribute value. */
    static void appendAttribute(StringBuilder out, String s) {
        append(out, s, true);
    }

    private static void append(StringBuilder out, String s, boolean attribute) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append(attribute ? "&quot;" : "\"");
                case '\'' -> out.append(attribute ? "&apos;" : "'");
                // Attribute values are normalized by the reader: whitespace must be kept as references.
                case '\t' -> out.append(attribute ? "&#9;" : "\t");
                case '\n' -> out.append(attribute ? "&#10;" : "\n");
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
