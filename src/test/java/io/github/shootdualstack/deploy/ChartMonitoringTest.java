package io.github.shootdualstack.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The Grafana dashboard and the PrometheusRule of the chart: off by default, and as the values say
 * when on. That every metric they name is exported is MonitoringMetricsTest's (e2e) to show.
 */
class ChartMonitoringTest {

    private static final String SELECTOR = "job=\"shoot-dualstack-operator-metrics\",namespace=\"" + HelmChart.NAMESPACE + "\"";
    private static final List<String> ALERTS = List.of("ShootDualStackMigrationBlocked", "ShootDualStackWritesAtRest",
            "ShootDualStackCoreDnsRestartsExceedMigrations", "ShootDualStackApiErrors", "ShootDualStackReconcilesFailing",
            "ShootDualStackOperatorDown");

    private static ChartMonitoring enabled;

    @BeforeAll
    static void render() {
        enabled = ChartMonitoring.render(ChartMonitoring.BOTH_ENABLED);
    }

    @Test
    void neitherDashboardNorRuleByDefault() {
        ChartMonitoring defaults = ChartMonitoring.render(null);

        assertThat(defaults.dashboardConfigMap()).isEmpty();
        assertThat(defaults.rule()).isEmpty();
        assertThat(Manifests.of(HelmChart.template()).all(ConfigMap.class)).isEmpty();
    }

    @Test
    void dashboardIsTheChartsJsonFile_inAConfigMapWithTheSidecarsLabel() throws Exception {
        ConfigMap map = enabled.dashboardConfigMap().orElseThrow();

        assertThat(map.getMetadata().getName()).isEqualTo("shoot-dualstack-operator-dashboard");
        assertThat(map.getMetadata().getNamespace()).isEqualTo(HelmChart.NAMESPACE);
        assertThat(map.getMetadata().getLabels()).containsEntry("grafana_dashboard", "1")
                .containsEntry("app.kubernetes.io/instance", HelmChart.RELEASE);
        assertThat(map.getData().get(ChartMonitoring.DASHBOARD_KEY))
                .isEqualTo(Files.readString(HelmChart.DIR.resolve("dashboards/shoot-dualstack-operator.json")).strip());
    }

    @Test
    void dashboardLabelsAnnotationsAndNamespaceFollowTheValues() {
        ConfigMap map = ChartMonitoring.render("""
                grafanaDashboard:
                  enabled: true
                  labels: {grafana_dashboard: null, dashboards: shoots}
                  annotations: {grafana_folder: Gardener}
                  namespace: monitoring
                """).dashboardConfigMap().orElseThrow();

        assertThat(map.getMetadata().getLabels()).containsEntry("dashboards", "shoots").doesNotContainKey("grafana_dashboard");
        assertThat(map.getMetadata().getAnnotations()).containsEntry("grafana_folder", "Gardener");
        assertThat(map.getMetadata().getNamespace()).isEqualTo("monitoring");
    }

    @Test
    void everyPanelSaysWhatItShows_onTheChosenDataSourceAndJobs() {
        List<JsonNode> panels = enabled.panels().stream().filter(panel -> !panel.path("type").asText().equals("row")).toList();

        assertThat(panels).hasSizeGreaterThanOrEqualTo(12).allSatisfy(panel -> {
            String title = panel.path("title").asText();
            assertThat(panel.path("description").asText()).as(title).isNotBlank();
            assertThat(panel.path("datasource").path("uid").asText()).as(title).isEqualTo("${datasource}");
            assertThat(panel.path("targets")).as(title).isNotEmpty();
            panel.path("targets").forEach(target -> assertThat(selectors(target.path("expr").asText()))
                    .as("%s: every selector picks the chosen jobs", title).allMatch(s -> s.contains("job=~\"$job\"")));
        });
        assertThat(panels).extracting(panel -> panel.path("id").asInt()).doesNotHaveDuplicates();
        assertThat(panels).extracting(panel -> panel.path("title").asText()).contains("Shoots per migration step",
                "Blocked migrations", "Longest block", "Step durations", "API requests by verb", "API errors", "Reconciles",
                "Heap used vs max", "GC pauses", "Threads");
        JsonNode heap = panels.stream().filter(panel -> panel.path("title").asText().equals("Heap used vs max")).findFirst().orElseThrow();
        assertThat(heap.path("description").asText()).contains("Heap is what limits how many Shoots one replica holds");
    }

    @Test
    void rulesHoldEveryAlert_eachSelectingThisReleasesSeries() {
        GenericKubernetesResource rule = enabled.rule().orElseThrow();

        assertThat(rule.getApiVersion()).isEqualTo("monitoring.coreos.com/v1");
        assertThat(rule.getMetadata().getNamespace()).isEqualTo(HelmChart.NAMESPACE);
        assertThat(enabled.alertExpressions()).containsOnlyKeys(ALERTS).allSatisfy((alert, expr) -> assertThat(selectors(expr))
                .as(alert).isNotEmpty().allMatch(selector -> selector.contains(SELECTOR)));
        assertThat(enabled.alertRules()).allSatisfy(alert -> {
            assertThat((Map<String, Object>) alert.get("labels")).containsKey("severity");
            assertThat((Map<String, Object>) alert.get("annotations")).containsKeys("summary", "description");
        });
    }

    @Test
    void ruleDefaults_blockedForHalfAnHour() {
        assertThat(enabled.alertExpressions().get("ShootDualStackMigrationBlocked"))
                .isEqualTo("max by (step) (shoot_dualstack_blocked_longest_seconds{" + SELECTOR + "}) > 1800");
        assertThat(alert(enabled, "ShootDualStackWritesAtRest")).containsEntry("for", "15m");
        assertThat(enabled.alertExpressions().get("ShootDualStackApiErrors")).endsWith(") > 0.05");
        assertThat(alert(enabled, "ShootDualStackOperatorDown")).containsEntry("for", "5m");
        // the templating of Prometheus's own annotations reaches it untouched
        assertThat(String.valueOf(alert(enabled, "ShootDualStackMigrationBlocked").get("annotations")))
                .contains("{{ $labels.step }}").contains("{{ $value | humanizeDuration }}");
    }

    @ParameterizedTest(name = "blockedFor {0} -> > {1}")
    @CsvSource({"45s, 45", "30m, 1800", "2h, 7200"})
    void blockedForIsComparedInSeconds(String duration, long seconds) {
        ChartMonitoring rendered = ChartMonitoring.render("prometheusRule: {enabled: true, blockedFor: " + duration + "}\n");

        assertThat(rendered.alertExpressions().get("ShootDualStackMigrationBlocked")).endsWith("}) > " + seconds);
    }

    @Test
    void thresholdsLabelsAndSelectorFollowTheValues() {
        ChartMonitoring rendered = ChartMonitoring.render("""
                prometheusRule:
                  enabled: true
                  labels: {release: prometheus}
                  alertLabels: {team: gardener-networking, severity: page}
                  selector: 'job="dualstack"'
                  writesAtRestFor: 30m
                  apiErrorsPerSecond: 0.5
                  apiErrorsFor: 1h
                  failedReconcilesFor: 45m
                  operatorDownFor: 10m
                """);

        assertThat(rendered.rule().orElseThrow().getMetadata().getLabels()).containsEntry("release", "prometheus");
        assertThat(rendered.alertRules()).hasSize(ALERTS.size()).allSatisfy(alert -> assertThat((Map<String, Object>) alert.get("labels"))
                .containsEntry("team", "gardener-networking").containsEntry("severity", "page"));
        assertThat(rendered.alertExpressions()).allSatisfy((alert, expr) -> assertThat(selectors(expr)).as(alert)
                .allMatch(selector -> selector.startsWith("{job=\"dualstack\"")));
        assertThat(alert(rendered, "ShootDualStackWritesAtRest")).containsEntry("for", "30m");
        assertThat(alert(rendered, "ShootDualStackApiErrors")).containsEntry("for", "1h");
        assertThat(rendered.alertExpressions().get("ShootDualStackApiErrors")).endsWith(") > 0.5");
        assertThat(alert(rendered, "ShootDualStackReconcilesFailing")).containsEntry("for", "45m");
        assertThat(alert(rendered, "ShootDualStackOperatorDown")).containsEntry("for", "10m");
    }

    @Test
    void severityDefaultsPerAlert() {
        assertThat(enabled.alertRules()).allSatisfy(alert -> assertThat(((Map<String, Object>) alert.get("labels")).get("severity"))
                .as((String) alert.get("alert"))
                .isEqualTo(List.of("ShootDualStackCoreDnsRestartsExceedMigrations", "ShootDualStackOperatorDown")
                        .contains(alert.get("alert")) ? "critical" : "warning"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "prometheusRule: {blockedFor: 30 minutes} | at '/prometheusRule/blockedFor'",
            "prometheusRule: {blockedFor: 500ms}      | at '/prometheusRule/blockedFor'",
            "prometheusRule: {apiErrorsPerSecond: -1} | at '/prometheusRule/apiErrorsPerSecond'",
            "prometheusRule: {thresholds: {}}         | additional properties 'thresholds' not allowed",
            "grafanaDashboard: {folder: Gardener}     | additional properties 'folder' not allowed",
    })
    void badMonitoringValuesAreRefused(String values, String message) {
        assertThatThrownBy(() -> HelmChart.template(values + "\n"))
                .hasMessageContaining("values don't meet the specifications of the schema")
                .hasMessageContaining(message);
    }

    /** The label matchers of every selector in a PromQL expression, braces included. */
    private static List<String> selectors(String expression) {
        List<String> selectors = new ArrayList<>();
        Matcher matcher = Pattern.compile("\\{[^}]*}").matcher(expression);
        while (matcher.find()) {
            selectors.add(matcher.group());
        }
        return selectors;
    }

    private static Map<String, Object> alert(ChartMonitoring rendered, String name) {
        return rendered.alertRules().stream().filter(rule -> name.equals(rule.get("alert"))).findFirst().orElseThrow();
    }
}
