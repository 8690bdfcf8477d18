package io.tributary.gateway.audit;

import java.util.Objects;

/**
 * One audited action: when, who ({@code actor}), what ({@code action}, e.g. {@code file.write}),
 * on what ({@code target}, e.g. {@code SHARE/PATH}), from where ({@code address}), and how it
 * ended ({@code detail}).
 *
 * <p>Every field is bounded in UTF-8 bytes and control characters become {@code ?}, so a record
 * always fits central's 4 KiB per entry and a hostile file name cannot forge lines in an export.
 */
public record AuditRecord(long atMillis, String actor, String action, String target, String address, String detail) {
    static final int MAX_ACTOR_BYTES = 256;
    static final int MAX_ACTION_BYTES = 64;
    static final int MAX_TARGET_BYTES = 1536;
    static final int MAX_ADDRESS_BYTES = 128;
    static final int MAX_DETAIL_BYTES = 1536;

    public AuditRecord {
        actor = bounded(actor, MAX_ACTOR_BYTES);
        action = bounded(Objects.requireNonNull(action, "action"), MAX_ACTION_BYTES);
        target = bounded(target, MAX_TARGET_BYTES);
        address = bounded(address, MAX_ADDRESS_BYTES);
        detail = bounded(detail, MAX_DETAIL_BYTES);
    }

    /** {@code text} with control characters replaced, cut at a character boundary to at most {@code maxBytes}. */
    static String bounded(String text, int maxBytes) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(Math.min(text.length(), maxBytes));
        int bytes = 0;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            if (Character.isISOControl(cp) || cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE) {
                cp = '?';
            }
            int size = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
            if (bytes + size > maxBytes) {
                break;
            }
            out.appendCodePoint(cp);
            bytes += size;
        }
        return out.toString();
    }
}
