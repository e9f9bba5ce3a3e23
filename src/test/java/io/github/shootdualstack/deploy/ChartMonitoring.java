package io.github.shootdualstack.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The chart's Grafana dashboard and PrometheusRule as real Helm renders them for some values, and
 * the PromQL they hold: for the chart tests and for the end-to-end test that scrapes the operator.
 */
public record ChartMonitoring(Optional<ConfigMap> dashboardConfigMap, Optional<GenericKubernetesResource> rule) {

    public static final String BOTH_ENABLED = """
            grafanaDashboard: {enabled: true}
            prometheusRule: {enabled: true}
            """;
    static final String DASHBOARD_KEY = "shoot-dualstack-operator.json";

    /** @param values a values file's text; {@code null} for the chart's defaults */
    public static ChartMonitoring render(String values) {
        Manifests manifests = Manifests.of(values == null ? HelmChart.template() : HelmChart.template(values));
        Optional<ConfigMap> dashboard = manifests.all(ConfigMap.class).stream()
                .filter(map -> map.getData() != null && map.getData().containsKey(DASHBOARD_KEY)).findFirst();
        return new ChartMonitoring(dashboard, manifests.generic("PrometheusRule").stream().findFirst());
    }

    public JsonNode dashboard() {
        try {
            return new ObjectMapper().readTree(dashboardConfigMap.orElseThrow().getData().get(DASHBOARD_KEY));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every panel, those inside collapsed rows too. */
    List<JsonNode> panels() {
        List<JsonNode> panels = new ArrayList<>();
        for (JsonNode panel : dashboard().path("panels")) {
            panels.add(panel);
            panel.path("panels").forEach(panels::add);
        }
        return panels;
    }

    /** The PromQL of every panel's targets. */
    public List<String> panelQueries() {
        List<String> queries = new ArrayList<>();
        for (JsonNode panel : panels()) {
            panel.path("targets").forEach(target -> queries.add(target.path("expr").asText()));
        }
        return queries;
    }

    /** The queries of the dashboard's query variables, such as {@code label_values(metric, label)}. */
    public List<String> variableQueries() {
        List<String> queries = new ArrayList<>();
        for (JsonNode variable : dashboard().path("templating").path("list")) {
            if (variable.path("type").asText().equals("query")) {
                queries.add(variable.path("query").path("query").asText());
            }
        }
        return queries;
    }

    /** Alert name to its PromQL expression. */
    @SuppressWarnings("unchecked")
    public Map<String, String> alertExpressions() {
        Map<String, String> alerts = new LinkedHashMap<>();
        for (Map<String, Object> rule : alertRules()) {
            alerts.put((String) rule.get("alert"), (String) rule.get("expr"));
        }
        return alerts;
    }

    @SuppressWarnings("unchecked")
    List<Map<String, Object>> alertRules() {
        List<Map<String, Object>> rules = new ArrayList<>();
        for (Map<String, Object> group : (List<Map<String, Object>>) rule.orElseThrow().get("spec", "groups")) {
            rules.addAll((List<Map<String, Object>>) group.get("rules"));
        }
        return rules;
    }
}
