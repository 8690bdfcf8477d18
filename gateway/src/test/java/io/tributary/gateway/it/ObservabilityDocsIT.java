package io.tributary.gateway.it;

import com.nimbusds.jose.util.JSONObjectUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The operator's documents against what the services export, scraped from a real central and an
 * enrolled gateway after a write: every metric the alert rules and the Grafana dashboard use
 * exists, every exported metric is in docs/metrics.md or docs/central.md, and every metric those
 * documents name is exported. Prometheus's own promtool then checks the scraped text, the alert
 * rules and every dashboard query, so that what a Prometheus server would refuse fails here.
 */
class ObservabilityDocsIT {
    private static final Pattern METRIC = Pattern.compile("\\b((?:tributary|central)_[a-z0-9_]+)\\b");
    private static final Path DOCS = Path.of(System.getProperty("basedir", ".")).resolve("../docs").normalize();

    @TempDir
    Path root;

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void alertRulesDashboardAndMetricDocsNameOnlyExportedMetricsAndEveryOneOfThem() throws Exception {
        Set<String> exported = new TreeSet<>();
        try (Fleet fleet = new Fleet(root)) {
            GatewayProcess gateway = fleet.gateway("Alpha");
            Dav dav = gateway.dav(Duration.ofSeconds(30));
            Fleet.assertWritten(dav.put("observed.txt", "a write so that every series has a value".getBytes(StandardCharsets.UTF_8)), "PUT");
            Fleet.await(Duration.ofSeconds(30), "the write at central", () -> Fleet.receipt(dav, "observed.txt").equals("true"));
            for (GatewayProcess p : List.of(gateway, fleet.central())) {
                String text = p.metricsText();
                for (Metrics.Sample s : Metrics.parse(text).samples()) {
                    exported.add(base(s.name()));
                }
                Path scrape = Files.writeString(root.resolve("scrape-" + exported.size() + ".prom"), text);
                Command.Result lint = promtool(List.of("check", "metrics"), scrape);
                assertEquals(0, lint.exitCode(), "promtool check metrics on " + p + ":\n" + lint.output());
            }
        }
        assertTrue(exported.contains("tributary_upstream_connected") && exported.contains("central_sessions"), exported.toString());

        Set<String> used = new TreeSet<>();
        Map<String, Object> rules = new Yaml().load(Files.readString(DOCS.resolve("observability/tributary-alerts.yml")));
        int alerts = 0;
        for (Object group : (List<?>) rules.get("groups")) {
            for (Object rule : (List<?>) ((Map<?, ?>) group).get("rules")) {
                Map<?, ?> r = (Map<?, ?>) rule;
                assertTrue(r.get("alert") instanceof String && r.get("expr") instanceof String, "a rule with an alert and an expr: " + r);
                used.addAll(metrics(r.get("expr").toString()));
                alerts++;
            }
        }
        Map<String, Object> dashboard = JSONObjectUtils.parse(Files.readString(DOCS.resolve("observability/tributary-dashboard.json")));
        int targets = 0;
        for (Object panel : (List<?>) dashboard.get("panels")) {
            for (Object target : (List<?>) ((Map<?, ?>) panel).get("targets")) {
                used.addAll(metrics(((Map<?, ?>) target).get("expr").toString()));
                targets++;
            }
        }
        assertTrue(alerts >= 5 && targets >= 15, alerts + " alerts, " + targets + " dashboard queries");
        // A YAML reader keeps the last of two equal keys; Prometheus refuses the file. Ask Prometheus.
        Command.Result checked = promtool(List.of("check", "rules", DOCS.resolve("observability/tributary-alerts.yml").toString()), null);
        assertEquals(0, checked.exitCode(), checked.output());
        assertTrue(checked.output().contains("SUCCESS: " + alerts + " rules found"), checked.output());
        StringBuilder queries = new StringBuilder("groups:\n  - name: dashboard\n    rules:\n");
        int q = 0;
        for (Object panel : (List<?>) dashboard.get("panels")) {
            for (Object target : (List<?>) ((Map<?, ?>) panel).get("targets")) {
                queries.append("      - record: dashboard_query_").append(++q).append("\n        expr: '")
                        .append(((Map<?, ?>) target).get("expr").toString().replace("'", "''")).append("'\n");
            }
        }
        Path asRules = Files.writeString(root.resolve("dashboard-queries.yml"), queries);
        Command.Result parsed = promtool(List.of("check", "rules", asRules.toString()), null);
        assertEquals(0, parsed.exitCode(), "every dashboard query is PromQL that Prometheus parses:\n" + parsed.output());
        for (String alert : List.of("TributaryGatewayOffline", "TributaryUpstreamLag", "TributaryJournalBacklog", "TributaryCacheFull",
                "TributaryCertificateExpiring")) {
            assertTrue(rules.toString().contains(alert), alert + " is among the rules");
        }
        Set<String> missing = new TreeSet<>(used);
        missing.removeAll(exported);
        assertEquals(Set.of(), missing, "metrics the rules or the dashboard use that nothing exports");

        Set<String> documented = new TreeSet<>();
        for (String doc : List.of("metrics.md", "central.md")) {
            for (String line : Files.readAllLines(DOCS.resolve(doc))) {
                if (line.startsWith("| `")) {
                    documented.addAll(metrics(line.substring(0, line.indexOf('`', 3) + 1)));
                }
            }
        }
        Set<String> undocumented = new TreeSet<>(exported);
        undocumented.removeAll(documented);
        assertEquals(Set.of(), undocumented, "exported metrics that docs/metrics.md and docs/central.md do not list");
        Set<String> stale = new TreeSet<>(documented);
        stale.removeAll(exported);
        assertEquals(Set.of(), stale, "documented metrics that nothing exports");
        assertFalse(documented.isEmpty());
    }

    /** promtool (Debian's prometheus package, installed by the test scripts), reading {@code stdin} if given. */
    private Command.Result promtool(List<String> args, Path stdin) {
        List<String> command = new java.util.ArrayList<>(List.of("bash", "-c",
                "exec promtool \"$@\"" + (stdin == null ? "" : " < " + "'" + stdin + "'"), "promtool"));
        command.addAll(args);
        return Command.run(command, Map.of(), root, Duration.ofSeconds(60), root.resolve("promtool.log"));
    }

    private static Set<String> metrics(String text) {
        Set<String> names = new TreeSet<>();
        Matcher m = METRIC.matcher(text);
        while (m.find()) {
            names.add(base(m.group(1)));
        }
        return names;
    }

    /** The name without the suffixes the exposition format adds to counters and summaries. */
    private static String base(String name) {
        for (String suffix : List.of("_total", "_count", "_sum", "_created")) {
            if (name.endsWith(suffix)) {
                return name.substring(0, name.length() - suffix.length());
            }
        }
        return name;
    }
}
