package io.tributary.central.enroll;

import java.util.regex.Pattern;

/** What a branch name may be: it becomes a certificate's common name and a conflict copy's suffix. */
public final class Branches {
    private static final Pattern NAME = Pattern.compile("[\\p{L}\\p{N}][\\p{L}\\p{N} ._-]{0,63}");

    private Branches() {
    }

    public static String check(String branch) {
        if (branch == null || !NAME.matcher(branch).matches() || branch.strip().length() != branch.length()) {
            throw new IllegalArgumentException("a branch name is 1-64 letters, digits, spaces, '.', '_' or '-', starting with a letter"
                    + " or digit, got '" + branch + "'");
        }
        return branch;
    }
}
