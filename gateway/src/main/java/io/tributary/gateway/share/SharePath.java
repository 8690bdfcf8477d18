package io.tributary.gateway.share;

import java.util.ArrayList;
import java.util.List;

/**
 * A normalized path inside one share: a list of names, none empty, none "." or "..".
 * Built only by {@link #parse} or {@link #child}, so a value of this type never escapes the share.
 * Name rules (Windows-safe names) are checked separately by {@link NameRules} when a name is created.
 */
public record SharePath(List<String> names) {
    public static final SharePath ROOT = new SharePath(List.of());

    public SharePath {
        names = List.copyOf(names);
    }

    /**
     * Parses an already percent-decoded path such as {@code /a/b/}. Empty segments collapse;
     * "." and ".." are refused rather than resolved, since no honest client sends them.
     */
    public static SharePath parse(String decoded) {
        List<String> out = new ArrayList<>();
        for (String part : decoded.split("/", -1)) {
            if (part.isEmpty()) {
                continue;
            }
            if (part.equals(".") || part.equals("..")) {
                throw new ShareException(ShareException.Kind.INVALID_NAME, "path segment '" + part + "' is not allowed");
            }
            if (part.indexOf('\\') >= 0) {
                throw new ShareException(ShareException.Kind.INVALID_NAME, "backslash is not allowed in a name");
            }
            for (int i = 0; i < part.length(); i++) {
                if (part.charAt(i) < 0x20 || part.charAt(i) == 0x7f) {
                    throw new ShareException(ShareException.Kind.INVALID_NAME, "control characters are not allowed in a name");
                }
            }
            out.add(part);
        }
        return new SharePath(out);
    }

    public boolean isRoot() {
        return names.isEmpty();
    }

    /** The last name; the empty string for the root. */
    public String name() {
        return names.isEmpty() ? "" : names.getLast();
    }

    public SharePath parent() {
        if (names.isEmpty()) {
            throw new IllegalStateException("the root has no parent");
        }
        return new SharePath(names.subList(0, names.size() - 1));
    }

    public SharePath child(String name) {
        List<String> out = new ArrayList<>(names);
        out.add(name);
        return new SharePath(out);
    }

    /** True if this path is {@code other} or lies under it. */
    public boolean startsWith(SharePath other) {
        return names.size() >= other.names.size() && names.subList(0, other.names.size()).equals(other.names);
    }

    /** {@code /a/b}, or {@code /} for the root. */
    @Override
    public String toString() {
        return names.isEmpty() ? "/" : "/" + String.join("/", names);
    }
}
