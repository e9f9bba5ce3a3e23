package io.github.shootdualstack.deploy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.github.shootdualstack.testing.RequestAttributes;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The chart with {@code shards}: one Deployment, Lease and pod label per shard, and RBAC for all of them. */
class ChartShardsTest {

    private static final String FULLNAME = HelmChart.RELEASE;
    private static final String SHARD_LABEL = "shootdualstack.io/shard";

    /** Three shards: two projects, and one project split by a label; the garden-wide opt-in label on top. */
    static final String THREE_SHARDS = """
            watch:
              selector: dualstack.gardener.cloud/migrate=true
            serviceMonitor: {enabled: true}
            networkPolicy: {enabled: true}
            shards:
              - name: dev
                namespaces: [garden-dev, garden-qa]
              - name: prod-a
                namespaces: [garden-prod]
                selector: shard=a
                replicas: 1
              - name: prod-b
                namespaces: [garden-prod]
                selector: shard!=a
                replicas: 3
                resources: {requests: {cpu: 200m, memory: 768Mi}, limits: {memory: 1Gi}}
            """;

    private static Manifests shards;

    @BeforeAll
    static void render() {
        shards = Manifests.of(HelmChart.template(THREE_SHARDS));
    }

    @Test
    void noShards_rendersTheSingleDeploymentAsBefore() {
        Manifests defaults = Manifests.of(HelmChart.template());

        assertThat(HelmChart.template("shards: []\n")).isEqualTo(HelmChart.template());
        assertThat(defaults.all(Deployment.class)).extracting(d -> d.getMetadata().getName()).containsExactly(FULLNAME);
        assertThat(defaults.one(Deployment.class).getSpec().getSelector().getMatchLabels()).doesNotContainKey(SHARD_LABEL);
        assertThat(defaults.one(PodDisruptionBudget.class).getMetadata().getName()).isEqualTo(FULLNAME);
        // DeployFilesTest holds the default render byte for byte against the committed deploy/kustomize.
    }

    @Test
    void eachShard_getsADeploymentWithItsOwnWatchArgsAndLease() {
        assertThat(shards.all(Deployment.class)).extracting(d -> d.getMetadata().getName())
                .containsExactly(FULLNAME + "-dev", FULLNAME + "-prod-a", FULLNAME + "-prod-b");
        assertThat(operator(shards, "dev").getArgs()).containsExactly("run", "--http-port=8080",
                "--namespace=garden-dev", "--namespace=garden-qa", "--selector=dualstack.gardener.cloud/migrate=true",
                "--recheck-interval=30s", "--max-backoff=5m", "--route-warning-nodes=50", "--no-server-side-apply",
                "--log-format=plain", "--shoot-access=auto", "--migrator=auto", "--max-rolling=0",
                "--max-rolling-per-seed=0", "--leader-election", "--leader-election-name=" + FULLNAME + "-dev");
        assertThat(operator(shards, "prod-a").getArgs())
                .contains("--namespace=garden-prod", "--selector=dualstack.gardener.cloud/migrate=true,shard=a",
                        "--leader-election-name=" + FULLNAME + "-prod-a")
                .doesNotContain("--namespace=garden-dev");
        assertThat(operator(shards, "prod-b").getArgs())
                .contains("--namespace=garden-prod", "--selector=dualstack.gardener.cloud/migrate=true,shard!=a",
                        "--leader-election-name=" + FULLNAME + "-prod-b");
    }

    @Test
    void replicasAndResources_comeFromTheShard_elseFromTheChartDefaults() {
        assertThat(shards.all(Deployment.class)).extracting(d -> d.getSpec().getReplicas()).containsExactly(2, 1, 3);
        assertThat(operator(shards, "dev").getResources().getLimits().get("memory").toString()).isEqualTo("512Mi");
        assertThat(operator(shards, "prod-b").getResources().getLimits().get("memory").toString()).isEqualTo("1Gi");
        assertThat(operator(shards, "prod-b").getResources().getRequests().get("cpu").toString()).isEqualTo("200m");
    }

    @Test
    void defaultMemoryRequest_isTheLimit_becauseTheJvmKeepsTheHeapItGrewTo() {
        for (Container operator : List.of(operator(shards, "dev"),
                Manifests.of(HelmChart.template()).one(Deployment.class).getSpec().getTemplate().getSpec().getContainers().get(0))) {
            assertThat(operator.getResources().getRequests().get("memory")).isEqualTo(operator.getResources().getLimits().get("memory"));
        }
    }

    @Test
    void eachDeployment_selectsOnlyItsOwnShardsPods_whileServiceAndPoliciesSelectThemAll() {
        for (Deployment deployment : shards.all(Deployment.class)) {
            String shard = shardOf(deployment);
            Map<String, String> podLabels = deployment.getSpec().getTemplate().getMetadata().getLabels();
            assertThat(podLabels).containsEntry(SHARD_LABEL, shard).containsAllEntriesOf(deployment.getSpec().getSelector().getMatchLabels());
            for (Deployment other : shards.all(Deployment.class)) {
                if (other != deployment) {
                    assertThat(selects(other.getSpec().getSelector().getMatchLabels(), podLabels))
                            .as("%s selects the pods of shard %s", other.getMetadata().getName(), shard).isFalse();
                }
            }
            assertThat(selects(shards.one(Service.class).getSpec().getSelector(), podLabels)).as("metrics Service").isTrue();
            assertThat(selects(shards.one(NetworkPolicy.class).getSpec().getPodSelector().getMatchLabels(), podLabels))
                    .as("NetworkPolicy").isTrue();
        }
        GenericKubernetesResource monitor = shards.generic("ServiceMonitor").get(0);
        @SuppressWarnings("unchecked")
        Map<String, String> monitored = (Map<String, String>) monitor.get("spec", "selector", "matchLabels");
        assertThat(selects(monitored, shards.one(Service.class).getMetadata().getLabels())).as("ServiceMonitor").isTrue();
    }

    @Test
    void disruptionBudget_perShardWithMoreThanOneReplica_selectingThatShardOnly() {
        assertThat(shards.all(PodDisruptionBudget.class)).extracting(b -> b.getMetadata().getName())
                .containsExactly(FULLNAME + "-dev", FULLNAME + "-prod-b");
        for (PodDisruptionBudget budget : shards.all(PodDisruptionBudget.class)) {
            List<String> covered = shards.all(Deployment.class).stream()
                    .filter(d -> selects(budget.getSpec().getSelector().getMatchLabels(), d.getSpec().getTemplate().getMetadata().getLabels()))
                    .map(d -> d.getMetadata().getName()).toList();
            assertThat(covered).as("Deployments whose pods %s covers", budget.getMetadata().getName())
                    .containsExactly(budget.getMetadata().getName());
        }
    }

    @Test
    void leaderElectionRole_allowsEveryShardsLease() {
        ChartRbac rbac = ChartRbac.of(THREE_SHARDS);
        String leases = "/apis/coordination.k8s.io/v1/namespaces/" + HelmChart.NAMESPACE + "/leases";

        assertThat(shards.all(Role.class)).filteredOn(role -> role.getMetadata().getName().endsWith("-leader-election")).hasSize(1);
        assertThat(rbac.allowing(request("POST", leases))).as("create a Lease").isPresent();
        for (String shard : List.of("dev", "prod-a", "prod-b")) {
            for (String method : List.of("GET", "PUT", "PATCH")) {
                assertThat(rbac.allowing(request(method, leases + "/" + FULLNAME + "-" + shard))).as("%s the Lease of %s", method, shard)
                        .isPresent();
            }
        }
        assertThat(rbac.allowing(request("GET", "/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/" + FULLNAME + "-dev")))
                .as("a Lease outside the release namespace").isEmpty();
    }

    @Test
    void shardsNamingNamespaces_getShootRolesInTheUnionOfThoseNamespacesOnly() {
        ChartRbac rbac = ChartRbac.of(THREE_SHARDS);

        assertThat(projectRoles(shards)).containsExactly("garden-dev", "garden-qa", "garden-prod");
        assertThat(shards.one(ClusterRole.class).getRules()).flatExtracting(PolicyRule::getResources)
                .doesNotContain("secrets", "shoots", "shoots/status", "shoots/adminkubeconfig", "events", "namespaces");
        for (String namespace : List.of("garden-dev", "garden-qa", "garden-prod")) {
            assertThat(rbac.allowing(request("GET", "/api/v1/namespaces/" + namespace + "/secrets/a.kubeconfig")))
                    .as("a kubeconfig Secret in %s", namespace).isPresent();
            assertThat(rbac.allowing(request("GET", "/apis/core.gardener.cloud/v1beta1/namespaces/" + namespace + "/shoots?watch=true")))
                    .as("a watch of the Shoots in %s", namespace).isPresent();
        }
        assertThat(rbac.allowing(request("GET", "/api/v1/namespaces/garden-other/secrets/a.kubeconfig")))
                .as("a Secret in a namespace no shard watches").isEmpty();
    }

    @Test
    void aShardWatchingAllNamespaces_keepsTheShootRulesGardenWide() {
        String values = """
                shards:
                  - name: dev
                    namespaces: [garden-dev]
                    selector: team=dev
                  - name: rest
                    selector: team=ops
                """;
        Manifests manifests = Manifests.of(HelmChart.template(values));

        assertThat(projectRoles(manifests)).as("no Role per namespace when a shard watches them all").isEmpty();
        assertThat(manifests.one(ClusterRole.class).getRules()).flatExtracting(PolicyRule::getResources)
                .contains("secrets", "shoots", "shoots/status", "events", "namespaces");
        assertThat(ChartRbac.of(values).allowing(request("GET", "/api/v1/namespaces/garden-other/secrets/a.kubeconfig"))).isPresent();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            shards: [{namespaces: [garden-dev]}]                   | at '/shards/0': missing property 'name'
            shards: [{name: Dev_1}]                                | at '/shards/0/name': 'Dev_1' does not match pattern
            shards: [{name: dev, namespace: garden-dev}]           | at '/shards/0': additional properties 'namespace' not allowed
            shards: [{name: dev, namespaces: garden-dev}]          | at '/shards/0/namespaces': got string, want array
            shards: [{name: dev, namespaces: [Garden-Dev]}]        | at '/shards/0/namespaces/0': 'Garden-Dev' does not match pattern
            shards: [{name: dev, replicas: 0}]                     | at '/shards/0/replicas': minimum: got 0, want 1
            shards: [{name: dev, selector: [a=b]}]                 | at '/shards/0/selector': got array, want string
            """)
    void shardEntriesThatBreakTheSchema_areRefused(String values, String message) {
        assertThatThrownBy(() -> HelmChart.template(values + "\n"))
                .hasMessageContaining("values don't meet the specifications of the schema")
                .hasMessageContaining(message);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            shards: [{name: a}, {name: b}]                                                       | shards a and b would watch the same Shoots (a watches all namespaces and a has no selector)
            shards: [{name: a, namespaces: [garden-dev]}, {name: b}]                             | shards a and b would watch the same Shoots (b watches all namespaces and a has no selector)
            shards: [{name: a, namespaces: [garden-dev]}, {name: b, namespaces: [garden-dev]}]   | shards a and b would watch the same Shoots (both watch namespace garden-dev and a has no selector)
            shards: [{name: a, namespaces: [garden-x, garden-y]}, {name: b, namespaces: [garden-y], selector: t=1}] | shards a and b would watch the same Shoots (both watch namespace garden-y and a has no selector)
            shards: [{name: a, selector: t=1}, {name: b, namespaces: [garden-x], selector: t=1}] | shards a and b would watch the same Shoots (a watches all namespaces and both select t=1)
            shards: [{name: a, namespaces: [garden-x]}, {name: a, namespaces: [garden-y]}]       | shards: the name a is given twice
            {watch: {namespaces: [garden-x]}, shards: [{name: a, namespaces: [garden-y]}]}       | shards and watch.namespaces exclude each other
            {leaderElection: {enabled: false}, shards: [{name: a, namespaces: [garden-x], replicas: 1}, {name: b, namespaces: [garden-y]}]} | shard b has replicas > 1 and needs leaderElection.enabled: true
            """)
    void shardsThatObviouslyOverlapOrConflict_areRefused(String values, String message) {
        assertThatThrownBy(() -> HelmChart.template(values + "\n")).hasMessageContaining(message);
    }

    @Test
    void shardsApart_byNamespaceOrBySelector_areAccepted() {
        String values = """
                shards:
                  - {name: a, namespaces: [garden-dev]}
                  - {name: b, namespaces: [garden-prod]}
                  - {name: c, namespaces: [garden-ops], selector: t=1}
                  - {name: d, namespaces: [garden-ops], selector: t=2}
                """;

        assertThat(Manifests.of(HelmChart.template(values)).all(Deployment.class)).hasSize(4);
    }

    @Test
    void installNotes_listEveryShardWithItsShoots() {
        String notes = HelmChart.notes(THREE_SHARDS);

        assertThat(notes).contains("as 3 shards, one Deployment each with a leader of its own")
                .contains(FULLNAME + "-dev: 2 replica(s), Shoots in garden-dev, garden-qa matching \"dualstack.gardener.cloud/migrate=true\"")
                .contains(FULLNAME + "-prod-a: 1 replica(s), Shoots in garden-prod matching \"dualstack.gardener.cloud/migrate=true,shard=a\"");
    }

    private static Container operator(Manifests manifests, String shard) {
        return manifests.all(Deployment.class).stream().filter(d -> d.getMetadata().getName().equals(FULLNAME + "-" + shard))
                .findFirst().orElseThrow().getSpec().getTemplate().getSpec().getContainers().get(0);
    }

    private static String shardOf(Deployment deployment) {
        return deployment.getMetadata().getName().substring(FULLNAME.length() + 1);
    }

    private static List<String> projectRoles(Manifests manifests) {
        return manifests.all(Role.class).stream().filter(role -> !role.getMetadata().getName().endsWith("-leader-election"))
                .map(role -> role.getMetadata().getNamespace()).toList();
    }

    /** Whether a matchLabels selector selects an object with these labels. */
    private static boolean selects(Map<String, String> selector, Map<String, String> labels) {
        return !selector.isEmpty() && labels.entrySet().containsAll(selector.entrySet());
    }

    private static RequestAttributes request(String method, String path) {
        return RequestAttributes.of(method, path).orElseThrow();
    }
}
