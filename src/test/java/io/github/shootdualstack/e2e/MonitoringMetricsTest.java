package io.github.shootdualstack.e2e;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.ResourceRuleBuilder;
import io.github.shootdualstack.deploy.ChartMonitoring;
import io.github.shootdualstack.operator.LeaderElectionSettings;
import io.github.shootdualstack.operator.OperatorHttpServer;
import io.github.shootdualstack.operator.OperatorSettings;
import io.github.shootdualstack.testing.PromQl;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The chart's dashboard and alerts read only metrics the operator exports: both are rendered by
 * real Helm, every metric name their PromQL selects is read, and each must be a sample name of the
 * operator's /metrics after a whole migration that was blocked once and had a write refused once,
 * with leader election on.
 * The names are compared as Prometheus stores them ({@code _total}, {@code _bucket}, {@code _count}
 * included), so a histogram's buckets count only when the operator exports them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MonitoringMetricsTest {

    /** Series Prometheus adds for each scraped target; the operator cannot export them. */
    private static final Set<String> PROMETHEUS_OWN = Set.of("up");
    private static final Pattern LABEL_VALUES = Pattern.compile(
            "label_values\\(\\s*(?:([a-zA-Z_:][a-zA-Z0-9_:]*)\\s*(?:\\{[^}]*})?\\s*,\\s*)?[a-zA-Z_][a-zA-Z0-9_]*\\s*\\)");

    MigrationHarness world;
    ChartMonitoring monitoring;
    String scrapeWhileBlocked;
    String scrapeWhenUnblocked;
    String scrape;
    String scrapeAtRest;

    @BeforeAll
    void migrate() throws Exception {
        monitoring = ChartMonitoring.render(ChartMonitoring.BOTH_ENABLED);
        world = MigrationHarness.twoPools();
        world.local.shootServer(world.landscape).expect().patch()
                .withPath("/api/v1/namespaces/kube-system/services/kube-dns")
                .andReturn(422, new StatusBuilder().withStatus("Failure").withReason("Invalid").withCode(422)
                        .withMessage("spec.clusterIPs[1]: Invalid value: the IP is already allocated").build())
                .once();
        // with leader election, as the chart runs it: the Lease renewals are the writes at rest
        world.answerRulesReviews(List.of(new ResourceRuleBuilder().withApiGroups("coordination.k8s.io")
                .withResources("leases").withVerbs("get", "create", "update", "patch").build()));
        // a lease long enough that a busy machine does not lose it: renewed every second
        world.startOperator(OperatorSettings.defaults().withMigration(MigrationHarness.FAST)
                .withLeaderElection(new LeaderElectionSettings("shoot-dualstack-system", "shoot-dualstack-operator", "op",
                        Duration.ofSeconds(15), Duration.ofSeconds(10), Duration.ofSeconds(1), false)));
        world.requestDualStack();
        world.awaitStep("Nodes");

        Secret kubeconfig = world.kubeconfigSecret().get();
        world.kubeconfigSecret().delete();
        scrapeWhileBlocked = awaitScrape("shoot_dualstack_blocked_shoots{step=\"Nodes\"} 1.0");
        world.kubeconfigSecret().create(new SecretBuilder(kubeconfig).editMetadata().withResourceVersion(null).withUid(null)
                .endMetadata().build());
        scrapeWhenUnblocked = awaitScrape("shoot_dualstack_blocked_shoots{step=\"Nodes\"} 0.0");

        world.rollWorkers("*");
        world.awaitCompleted();
        // the GC metrics have their first sample at the first collection; the completion is counted
        // after the completing reconcile's last write (its event)
        System.gc();
        scrape = awaitScrape(text -> text.contains("jvm_gc_pause_seconds_count")
                && text.contains("shoot_dualstack_migrations_completed_total 1.0"));
        double renewals = leaseWrites(scrape);
        scrapeAtRest = awaitScrape(text -> leaseWrites(text) >= renewals + 3);
    }

    @AfterAll
    void stop() {
        world.close();
    }

    @Test
    void aMissingShootSecret_countsTheMigrationAsBlockedAtNodes_untilItIsBack() {
        assertThat(scrapeWhileBlocked).contains("shoot_dualstack_blocked_shoots{step=\"Nodes\"} 1.0")
                .contains("shoot_dualstack_blocked_shoots{step=\"Infrastructure\"} 0.0")
                .containsPattern("shoot_dualstack_blocked_longest_seconds\\{step=\"Nodes\"} [0-9.E]+");
        assertThat(scrapeWhenUnblocked).contains("shoot_dualstack_blocked_longest_seconds{step=\"Nodes\"} 0.0");
    }

    @Test
    void aRefusedWrite_countsAFailedReconcile_andTheAnswersCode() {
        assertThat(scrape).contains("shoot_dualstack_failed_reconciles_total{cause=\"error\"} 1.0")
                .contains("shoot_dualstack_api_requests_total{cluster=\"shoot\",code=\"422\",resource=\"services\",verb=\"PATCH\"} 1.0")
                .contains("shoot_dualstack_api_requests_total{cluster=\"garden\",code=\"202\",resource=\"shoots/status\",verb=\"PATCH\"}");
    }

    @Test
    void everyMetricOfTheDashboard_isExported() {
        Map<String, Set<String>> names = new TreeMap<>();
        monitoring.panelQueries().forEach(query -> names.put(query, PromQl.metricNames(query)));
        monitoring.variableQueries().forEach(query -> names.put(query, variableMetricNames(query)));

        assertThat(names.values().stream().flatMap(Set::stream)).as("the names read from the dashboard")
                .contains("shoot_dualstack_shoots", "shoot_dualstack_blocked_longest_seconds",
                        "shoot_dualstack_step_duration_seconds_bucket", "shoot_dualstack_api_requests_total",
                        "jvm_memory_used_bytes", "jvm_gc_pause_seconds_sum", "jvm_threads_live_threads");
        assertThat(notExported(names)).as("queries of the dashboard naming metrics /metrics does not have").isEmpty();
    }

    @Test
    void everyMetricOfTheAlerts_isExported_orPrometheusOwn() {
        Map<String, Set<String>> names = new TreeMap<>();
        monitoring.alertExpressions().forEach((alert, expr) -> names.put(alert, PromQl.metricNames(expr)));

        assertThat(names).hasSize(6).allSatisfy((alert, metrics) -> assertThat(metrics).as(alert).isNotEmpty());
        assertThat(notExported(names)).as("alerts naming metrics /metrics does not have").isEmpty();
    }

    @Test
    void atRest_theLeaseIsRenewed_butWhatTheWritesAtRestAlertCountsStandsStill() {
        String expr = monitoring.alertExpressions().get("ShootDualStackWritesAtRest");
        Matcher selector = Pattern.compile("shoot_dualstack_api_requests_total\\{([^}]*)}").matcher(expr);
        assertThat(selector.find()).as(expr).isTrue();
        Map<String, Pattern> matchers = new TreeMap<>();
        Matcher matcher = Pattern.compile("(\\w+)(=~|!~|!=|=)\"([^\"]*)\"").matcher(selector.group(1));
        while (matcher.find()) {
            // job and namespace are the scrape target's, which Prometheus adds
            if (!Set.of("job", "namespace").contains(matcher.group(1))) {
                String regex = matcher.group(2).contains("~") ? matcher.group(3) : Pattern.quote(matcher.group(3));
                matchers.put(matcher.group(1) + (matcher.group(2).startsWith("!") ? "!" : ""), Pattern.compile(regex));
            }
        }
        assertThat(matchers).containsKeys("verb", "resource!");

        assertThat(leaseWrites(scrapeAtRest)).isGreaterThanOrEqualTo(leaseWrites(scrape) + 3);
        assertThat(sum(scrapeAtRest, matchers)).as("writes the alert counts, at rest")
                .isEqualTo(sum(scrape, matchers)).isPositive();
    }

    /** The sum of the request counter's samples whose labels satisfy the matchers ({@code name!}: must not match). */
    private static double sum(String text, Map<String, Pattern> matchers) {
        double total = 0;
        for (String line : text.split("\n")) {
            Matcher sample = Pattern.compile("^shoot_dualstack_api_requests_total\\{([^}]*)} (\\S+)$").matcher(line);
            if (!sample.matches()) {
                continue;
            }
            Map<String, String> labels = new TreeMap<>();
            Matcher label = Pattern.compile("(\\w+)=\"([^\"]*)\"").matcher(sample.group(1));
            while (label.find()) {
                labels.put(label.group(1), label.group(2));
            }
            boolean selected = matchers.entrySet().stream().allMatch(m -> {
                String name = m.getKey().replace("!", "");
                boolean matches = m.getValue().matcher(labels.getOrDefault(name, "")).matches();
                return m.getKey().endsWith("!") != matches;
            });
            total += selected ? Double.parseDouble(sample.group(2)) : 0;
        }
        return total;
    }

    private static double leaseWrites(String text) {
        return sum(text, Map.of("resource", Pattern.compile("leases"), "verb", Pattern.compile("PUT|PATCH|POST")));
    }

    /** Each query (or alert) with the names it selects that the scrape does not hold. */
    private Map<String, Set<String>> notExported(Map<String, Set<String>> namesByQuery) {
        Set<String> exported = sampleNames(scrape);
        Map<String, Set<String>> missing = new TreeMap<>();
        namesByQuery.forEach((query, names) -> names.stream()
                .filter(name -> !exported.contains(name) && !PROMETHEUS_OWN.contains(name))
                .forEach(name -> missing.computeIfAbsent(query, q -> new TreeSet<>()).add(name)));
        return missing;
    }

    /** The metric of a Grafana {@code label_values(metric, label)} variable; other queries are PromQL. */
    private static Set<String> variableMetricNames(String query) {
        Matcher labelValues = LABEL_VALUES.matcher(query.strip());
        if (labelValues.matches()) {
            return labelValues.group(1) == null ? Set.of() : Set.of(labelValues.group(1));
        }
        return PromQl.metricNames(query);
    }

    /** The names of the samples in Prometheus text, as Prometheus stores them. */
    private static Set<String> sampleNames(String text) {
        Set<String> names = new TreeSet<>();
        for (String line : text.split("\n")) {
            if (!line.isBlank() && !line.startsWith("#")) {
                names.add(line.split("[{ ]", 2)[0]);
            }
        }
        return names;
    }

    /** The operator's /metrics, served as in a pod, once it contains {@code expected}. */
    private String awaitScrape(String expected) throws Exception {
        return awaitScrape(text -> text.contains(expected));
    }

    /** The operator's /metrics, served as in a pod, once it satisfies {@code expected}. */
    private String awaitScrape(Predicate<String> expected) throws Exception {
        try (OperatorHttpServer http = new OperatorHttpServer(0, world.operator())) {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.port() + "/metrics")).build();
            HttpClient client = HttpClient.newHttpClient();
            String[] body = new String[1];
            await().atMost(MigrationHarness.TIMEOUT).until(() -> {
                body[0] = client.send(request, HttpResponse.BodyHandlers.ofString()).body();
                return expected.test(body[0]);
            });
            return body[0];
        }
    }
}
