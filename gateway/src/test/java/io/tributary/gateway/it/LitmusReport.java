package io.tributary.gateway.it;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What one litmus suite run printed: its summary counts, the tests that failed, and its warnings. */
public record LitmusReport(String suite, int run, int passed, int failed, int skipped, int warningCount,
                           List<String> failures, List<String> warnings) {
    private static final Pattern SUMMARY = Pattern.compile(
            "<- summary for `([^']+)': of (\\d+) tests run: (\\d+) passed, (\\d+) failed\\.");
    private static final Pattern WARNINGS = Pattern.compile("-> (\\d+) warnings? (?:was|were) issued\\.");
    private static final Pattern SKIPPED = Pattern.compile("-> (\\d+) tests? (?:was|were) skipped\\.");
    /** " 18. cond_put_corrupt_token WARNING: PUT failed with 412 not 423" */
    private static final Pattern WARNING = Pattern.compile("^\\s*(?:\\d+\\.\\s+(\\S+?)\\.*\\s+)?WARNING:\\s*(.*)$");
    /** " 11. mkcol_again........... FAIL (MKCOL on existing collection should fail ...)" */
    private static final Pattern FAIL = Pattern.compile("^\\s*\\d+\\.\\s+(\\S+?)\\.*\\s+FAIL\\s*(.*)$");

    /** Parses the output of {@code litmus} run with TESTS set to one suite; fails if it has no summary. */
    public static LitmusReport parse(String suite, String output) {
        Matcher summary = SUMMARY.matcher(output);
        if (!summary.find()) {
            throw new AssertionError("litmus printed no summary for `" + suite + "':\n" + output);
        }
        if (!summary.group(1).equals(suite)) {
            throw new AssertionError("litmus summary is for `" + summary.group(1) + "', expected `" + suite + "'");
        }
        Matcher w = WARNINGS.matcher(output);
        int warningCount = w.find() ? Integer.parseInt(w.group(1)) : 0;
        Matcher s = SKIPPED.matcher(output);
        int skipped = s.find() ? Integer.parseInt(s.group(1)) : 0;
        List<String> warnings = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        String[] lines = output.split("\n");
        for (int i = 0; i < lines.length; i++) {
            // progress is redrawn with carriage returns: the text after the last one is what shows
            lines[i] = lines[i].substring(lines[i].lastIndexOf('\r') + 1);
        }
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            Matcher wm = WARNING.matcher(line);
            if (wm.matches()) {
                String test = wm.group(1) != null ? wm.group(1) : lastTestName(lines, i);
                warnings.add(suite + "/" + test + ": " + wm.group(2).strip());
                continue;
            }
            Matcher fm = FAIL.matcher(line);
            if (fm.matches()) {
                StringBuilder why = new StringBuilder(fm.group(2));
                // a failure message may run onto the following lines until its closing parenthesis
                while (why.toString().startsWith("(") && !why.toString().strip().endsWith(")")
                        && i + 1 < lines.length && !lines[i + 1].matches("^\\s*\\d+\\..*")) {
                    why.append(' ').append(lines[++i].strip());
                }
                failures.add(suite + "/" + fm.group(1) + ": " + why.toString().strip());
            }
        }
        return new LitmusReport(suite, Integer.parseInt(summary.group(2)), Integer.parseInt(summary.group(3)),
                Integer.parseInt(summary.group(4)), skipped, warningCount, List.copyOf(failures),
                List.copyOf(warnings));
    }

    private static String lastTestName(String[] lines, int before) {
        Pattern numbered = Pattern.compile("^\\s*\\d+\\.\\s+(\\S+?)\\.*(?:\\s.*)?$");
        for (int j = before; j >= 0; j--) {
            Matcher m = numbered.matcher(lines[j]);
            if (m.matches()) {
                return m.group(1);
            }
        }
        return "?";
    }
}
