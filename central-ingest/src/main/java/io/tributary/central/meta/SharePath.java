package io.tributary.central.meta;

import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A path inside a share as a list of names, and its key: the form under which names collide.
 * Windows is the strictest client, so names are compared after Unicode NFC and lower-casing;
 * the display path keeps the case the first writer used.
 */
public record SharePath(List<String> names) {
    public static final int MAX_NAMES = 64;
    public static final int MAX_NAME_BYTES = 255;
    public static final SharePath ROOT = new SharePath(List.of());

    public SharePath {
        names = List.copyOf(names);
    }

    /** A checked path; {@link InvalidOperationException} says what is wrong with it. */
    public static SharePath of(List<String> names) {
        if (names.size() > MAX_NAMES) {
            throw new InvalidOperationException("a path has at most " + MAX_NAMES + " names, got " + names.size());
        }
        for (String name : names) {
            checkName(name);
        }
        return new SharePath(names);
    }

    /** A checked path with at least one name: the target of an operation is never the share root. */
    public static SharePath ofEntry(List<String> names) {
        if (names.isEmpty()) {
            throw new InvalidOperationException("the path is empty; an operation cannot apply to the share root");
        }
        return of(names);
    }

    /** Parses {@code a/b/c} (slashes at either end ignored; empty is the root). */
    public static SharePath parse(String slashed) {
        List<String> names = new ArrayList<>();
        String s = slashed == null ? "" : slashed;
        int start = 0;
        while (start < s.length() && s.charAt(start) == '/') {
            start++;
        }
        int end = s.length();
        while (end > start && s.charAt(end - 1) == '/') {
            end--;
        }
        if (start < end) {
            names.addAll(List.of(s.substring(start, end).split("/", -1)));
        }
        return of(names);
    }

    /** Throws {@link InvalidOperationException} unless {@code name} may be stored. */
    public static void checkName(String name) {
        if (name.isEmpty()) {
            throw new InvalidOperationException("a name is empty");
        }
        if (name.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
            throw new InvalidOperationException("a name is longer than " + MAX_NAME_BYTES + " UTF-8 bytes");
        }
        if (name.equals(".") || name.equals("..")) {
            throw new InvalidOperationException("'" + name + "' is not a name");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '/' || c == '\\') {
                throw new InvalidOperationException("a name contains '" + c + "'");
            }
            if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0)) {
                throw new InvalidOperationException("a name contains a control character");
            }
            if (Character.isSurrogate(c)
                    && !(Character.isHighSurrogate(c) && i + 1 < name.length() && Character.isLowSurrogate(name.charAt(i + 1)))
                    && !(Character.isLowSurrogate(c) && i > 0 && Character.isHighSurrogate(name.charAt(i - 1)))) {
                throw new InvalidOperationException("a name is not valid Unicode");
            }
        }
    }

    /** The collision form of one name. */
    public static String fold(String name) {
        return Normalizer.normalize(name, Normalizer.Form.NFC).toLowerCase(Locale.ROOT);
    }

    public boolean isRoot() {
        return names.isEmpty();
    }

    public String key() {
        StringBuilder b = new StringBuilder();
        for (String n : names) {
            if (!b.isEmpty()) {
                b.append('/');
            }
            b.append(fold(n));
        }
        return b.toString();
    }

    public String display() {
        return String.join("/", names);
    }

    public String name() {
        return names.getLast();
    }

    public SharePath parent() {
        return new SharePath(names.subList(0, names.size() - 1));
    }

    public SharePath child(String name) {
        List<String> n = new ArrayList<>(names);
        n.add(name);
        return new SharePath(n);
    }

    /** True if {@code this} is {@code other} or lies below it. */
    public boolean within(SharePath other) {
        String k = key();
        String o = other.key();
        return other.isRoot() || k.equals(o) || k.startsWith(o + "/");
    }

    /** Splits a stored display path back into names. */
    public static SharePath ofStored(String display) {
        return display.isEmpty() ? ROOT : new SharePath(List.of(display.split("/", -1)));
    }

    @Override
    public String toString() {
        return "/" + display();
    }
}
