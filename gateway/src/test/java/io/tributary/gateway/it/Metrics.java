package io.tributary.gateway.it;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * One scrape of a Prometheus text exposition (format 0.0.4): the samples by name.
 * Only what the tests need: {@code name{labels} value [timestamp]} lines; comments skipped.
 */
public final class Metrics {
    public record Sample(String name, Map<String, String> labels, double value) {
    }

    private final List<Sample> samples;

    private Metrics(List<Sample> samples) {
        this.samples = List.copyOf(samples);
    }

    public static Metrics parse(String text) {
        List<Sample> samples = new ArrayList<>();
        int lineNo = 0;
        for (String raw : text.split("\n", -1)) {
            lineNo++;
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            try {
                samples.add(parseLine(line));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("bad metrics line " + lineNo + ": " + raw, e);
            }
        }
        return new Metrics(samples);
    }

    public List<Sample> samples() {
        return samples;
    }

    /**
     * The value of a metric: the sum over its label sets, accepting the name with or without the
     * {@code _total} suffix that counter expositions may add. Fails when neither is present.
     */
    public double value(String name) {
        String base = name.endsWith("_total") ? name.substring(0, name.length() - "_total".length()) : name;
        double sum = 0;
        boolean found = false;
        for (Sample s : samples) {
            if (s.name().equals(base) || s.name().equals(base + "_total")) {
                sum += s.value();
                found = true;
            }
        }
        if (!found) {
            TreeSet<String> names = new TreeSet<>();
            samples.forEach(s -> names.add(s.name()));
            throw new AssertionError("metric " + name + " not exposed; exposed: " + names);
        }
        return sum;
    }

    /** {@link #value(String)} as a whole number (counters of bytes). */
    public long count(String name) {
        return Math.round(value(name));
    }

    private static Sample parseLine(String line) {
        int i = 0;
        int n = line.length();
        while (i < n && line.charAt(i) != '{' && !Character.isWhitespace(line.charAt(i))) {
            i++;
        }
        String name = line.substring(0, i);
        if (name.isEmpty()) {
            throw new IllegalArgumentException("no metric name");
        }
        Map<String, String> labels = new LinkedHashMap<>();
        if (i < n && line.charAt(i) == '{') {
            i = parseLabels(line, i + 1, labels);
        }
        String[] rest = line.substring(i).strip().split("\\s+");
        if (rest.length < 1 || rest.length > 2 || rest[0].isEmpty()) {
            throw new IllegalArgumentException("expected a value and an optional timestamp");
        }
        return new Sample(name, labels, parseValue(rest[0]));
    }

    /** Parses {@code a="x",b="y"}} from just after the brace; returns the index after the closing brace. */
    private static int parseLabels(String line, int i, Map<String, String> labels) {
        int n = line.length();
        while (true) {
            while (i < n && (line.charAt(i) == ',' || line.charAt(i) == ' ')) {
                i++;
            }
            if (i >= n) {
                throw new IllegalArgumentException("unclosed label set");
            }
            if (line.charAt(i) == '}') {
                return i + 1;
            }
            int eq = line.indexOf('=', i);
            if (eq < 0 || eq + 1 >= n || line.charAt(eq + 1) != '"') {
                throw new IllegalArgumentException("label without quoted value");
            }
            String key = line.substring(i, eq).strip();
            StringBuilder value = new StringBuilder();
            int j = eq + 2;
            for (; j < n; j++) {
                char c = line.charAt(j);
                if (c == '\\' && j + 1 < n) {
                    char e = line.charAt(++j);
                    value.append(e == 'n' ? '\n' : e);
                } else if (c == '"') {
                    break;
                } else {
                    value.append(c);
                }
            }
            if (j >= n) {
                throw new IllegalArgumentException("unterminated label value");
            }
            labels.put(key, value.toString());
            i = j + 1;
        }
    }

    private static double parseValue(String v) {
        return switch (v) {
            case "+Inf", "Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            case "NaN" -> Double.NaN;
            default -> Double.parseDouble(v);
        };
    }
}
