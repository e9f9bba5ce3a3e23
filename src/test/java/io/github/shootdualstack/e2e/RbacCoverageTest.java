package io.github.shootdualstack.e2e;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.ResourceRule;
import io.fabric8.kubernetes.api.model.authorization.v1.ResourceRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.github.shootdualstack.deploy.ChartRbac;
import io.github.shootdualstack.garden.ExtensionKind;
import io.github.shootdualstack.garden.Projects;
import io.github.shootdualstack.local.LocalApiServer;
import io.github.shootdualstack.local.LocalCrds;
import io.github.shootdualstack.operator.OperatorSettings;
import io.github.shootdualstack.operator.ShootOperator;
import io.github.shootdualstack.shoot.LastOperation;
import io.github.shootdualstack.testing.Reconciles;
import io.github.shootdualstack.testing.RequestAttributes;
import io.github.shootdualstack.testing.RequestLog;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Least privilege, proven on the wire: every API request the operator makes to the garden during
 * a refused change, a whole migration and an idle reconcile, with leader election on, is allowed
 * by the roles the chart's defaults bind to its ServiceAccount, and those roles grant nothing that
 * was not used. The Shoot's namespace has no project label here, so its Project is looked up too.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RbacCoverageTest {

    ChartRbac chart;
    MigrationHarness world;
    List<RequestAttributes> garden;
    List<RequestAttributes> shoot;

    @BeforeAll
    void refuseMigrateAndIdle_withLeaderElection() {
        chart = ChartRbac.defaults();
        world = MigrationHarness.twoPools();
        projectByItsProjectOnly(world.landscape.projectNamespace(), world.landscape.project());
        world.answerRulesReviews(rulesIn(ChartRbac.NAMESPACE));
        int gardenStart = world.gardenRequests.mark();
        int shootStart = world.shootRequests.mark();
        world.startOperator(OperatorSettings.defaults().withMigration(MigrationHarness.FAST)
                .withLeaderElection(MigrationHarness.shortLease(ChartRbac.NAMESPACE, "op-rbac")));

        for (int refusal = 0; refusal < 2; refusal++) { // the second refusal's warning repeats the first's
            setIpFamilies("IPv6");
            await().atMost(MigrationHarness.TIMEOUT).until(() -> "Error".equals(lastOperation().getState()));
            setIpFamilies("IPv4");
            await().atMost(MigrationHarness.TIMEOUT).until(() -> lastOperation().getDescription().endsWith("accepted"));
        }

        world.requestDualStack();
        world.awaitStep("Nodes");
        world.annotate(ExtensionKind.OPERATION_ANNOTATION, "rollout-workers=*");
        world.awaitCompleted();

        Reconciles.awaitAfter(world.operator(), () -> world.edit(s -> {
            s.getMetadata().getLabels().put("touched", "idle");
            return s;
        }));

        garden = attributes(world.gardenRequests.since(gardenStart));
        shoot = attributes(world.shootRequests.since(shootStart));
        print("Garden requests of the operator's ServiceAccount (verb, group, resource, scope, name: count -> allowed by)",
                garden, a -> chart.allowing(a).map(ChartRbac.Grant::role)
                        .orElse(ChartRbac.basicUserAllows(a) ? "system:basic-user" : "NOTHING"));
        print("Shoot cluster requests, made with the shoot's kubeconfig (not checked against the chart)", shoot, a -> "");
    }

    @AfterAll
    void stop() {
        world.close();
    }

    @Test
    void everyGardenRequestIsAllowed_byTheChartsRolesOrByBasicUser() {
        assertThat(garden).as("requests recorded").isNotEmpty();
        assertThat(garden).filteredOn(request -> chart.allowing(request).isEmpty() && !ChartRbac.basicUserAllows(request))
                .as("requests that would be forbidden").isEmpty();
    }

    /**
     * The defaults ({@code shootAccess: auto}) grant both ways into shoot clusters, for either kind of
     * garden; on this one, which serves Shoots through the CRD, the Secret's is taken, and with
     * {@code shootAccess: secret} nothing is granted that was not used. (AdminKubeconfigMigrationTest
     * takes the other way, with {@code shootAccess: adminkubeconfig}.)
     */
    @Test
    void theChartGrantsNothingTheOperatorDidNotUse() {
        assertThat(unused(chart)).as("granted but never used").extracting(ChartRbac.Permission::toString)
                .containsExactly("ClusterRole shoot-dualstack-operator: create core.gardener.cloud/shoots/adminkubeconfig");
        assertThat(unused(ChartRbac.of("shootAccess: secret\n"))).as("granted with shootAccess: secret but never used").isEmpty();
    }

    private List<ChartRbac.Permission> unused(ChartRbac granted) {
        assertThat(granted.permissions()).as("permissions granted").isNotEmpty();
        return granted.permissions().stream()
                .filter(permission -> garden.stream().noneMatch(permission::usedBy) && !checkedByJosdk(permission)).toList();
    }

    @Test
    void noWildcard_noDelete_andSecretsOnlyReadByName() {
        List<PolicyRule> rules = chart.grants().stream().flatMap(g -> g.rules().stream()).toList();

        assertThat(rules).allSatisfy(rule -> {
            assertThat(rule.getApiGroups()).doesNotContain("*");
            assertThat(rule.getResources()).noneMatch(r -> r.contains("*"));
            assertThat(rule.getVerbs()).doesNotContain("*", "delete", "deletecollection");
            assertThat(rule.getNonResourceURLs()).isNullOrEmpty();
        });
        assertThat(rules).filteredOn(rule -> rule.getResources().contains("secrets"))
                .singleElement().satisfies(rule -> assertThat(rule.getVerbs()).containsExactly("get"));
        assertThat(garden).filteredOn(a -> a.resource().equals("secrets")).isNotEmpty()
                .allSatisfy(a -> assertThat(a.verb() + " " + a.name()).isEqualTo("get " + world.landscape.kubeconfigSecretName()));
    }

    @Test
    void leaseRequestsStayInTheReleaseNamespace_andOnlyItsRoleAllowsThem() {
        List<RequestAttributes> leases = garden.stream().filter(a -> a.resource().equals("leases")).toList();

        assertThat(leases).extracting(RequestAttributes::verb).contains("get", "create", "patch");
        assertThat(leases).allSatisfy(a -> {
            assertThat(a.namespace()).isEqualTo(ChartRbac.NAMESPACE);
            assertThat(chart.allowing(a)).hasValueSatisfying(grant -> assertThat(grant.namespace()).isEqualTo(ChartRbac.NAMESPACE));
        });
    }

    /**
     * The elector renews the Lease by patch and never sends an update; the Role grants update all
     * the same, because JOSDK's access check asks for it. Without it the operator does not start.
     */
    @Test
    void leaseUpdateIsNeverSent_butWithoutItTheOperatorRefusesToStart() {
        assertThat(garden).filteredOn(a -> a.resource().equals("leases")).extracting(RequestAttributes::verb)
                .contains("patch").doesNotContain("update");

        List<ResourceRule> withoutUpdate = rulesIn(ChartRbac.NAMESPACE).stream()
                .map(rule -> new ResourceRuleBuilder(rule)
                        .withVerbs(rule.getVerbs().stream().filter(verb -> !verb.equals("update")).toList()).build())
                .toList();
        try (LocalApiServer server = LocalApiServer.start()) {
            LocalCrds.install(server.client());
            MigrationHarness.answerRulesReviews(server, withoutUpdate);
            ShootOperator operator = new ShootOperator(server.client().getConfiguration(), OperatorSettings.defaults()
                    .withLeaderElection(MigrationHarness.shortLease(ChartRbac.NAMESPACE, "op-without-update")));
            try {
                assertThatThrownBy(operator::start).rootCause()
                        .hasMessageContaining("No permission to lease resource")
                        .hasMessageContaining("missing required verbs: [update]");
            } finally {
                operator.close();
            }
        }
    }

    /**
     * JOSDK asks a SelfSubjectRulesReview before electing a leader. Every authenticated user may
     * (system:basic-user), so the chart does not grant it again; it is the only request that
     * relies on a role outside the chart.
     */
    @Test
    void theLeaseAccessCheckIsAllowedByBasicUser_andNothingElseIs() {
        assertThat(garden).filteredOn(a -> chart.allowing(a).isEmpty())
                .extracting(a -> a.verb() + " " + a.apiGroup() + "/" + a.resourcePath() + " " + a.scope())
                .containsOnly("create authorization.k8s.io/selfsubjectrulesreviews cluster")
                .isNotEmpty();
    }

    @Test
    void shootClusterRequests_areListedApart_andDeleteNothing() {
        assertThat(shoot).extracting(RequestAttributes::resource).contains("nodes", "deployments", "services");
        assertThat(shoot).noneMatch(a -> a.verb().startsWith("delete"));
    }

    /** Lease verbs that JOSDK's start-up check (LeaderElectionManager.checkLeaseAccess) asks a rules review for. */
    private boolean checkedByJosdk(ChartRbac.Permission permission) {
        boolean reviewed = garden.stream().anyMatch(a -> a.resource().equals("selfsubjectrulesreviews"));
        return reviewed && permission.apiGroup().equals("coordination.k8s.io") && permission.resource().equals("leases")
                && List.of("get", "create", "update").contains(permission.verb());
    }

    /** The namespace without its label project.gardener.cloud/name; the Project with spec.namespace of it names the project. */
    private void projectByItsProjectOnly(String namespace, String project) {
        world.gardenClient().namespaces().withName(namespace).edit(n -> {
            n.getMetadata().getLabels().remove(Projects.LABEL);
            return n;
        });
        GenericKubernetesResource resource = new GenericKubernetesResource();
        resource.setApiVersion("core.gardener.cloud/v1beta1");
        resource.setKind("Project");
        resource.setMetadata(new ObjectMetaBuilder().withName(project).build());
        resource.setAdditionalProperty("spec", Map.of("namespace", namespace));
        world.gardenClient().genericKubernetesResources(Projects.PROJECT).resource(resource).create();
    }

    private void setIpFamilies(String... families) {
        world.edit(s -> {
            s.getSpec().getNetworking().setIpFamilies(List.of(families));
            return s;
        });
    }

    private LastOperation lastOperation() {
        var status = world.shoot().getStatus();
        return status == null || status.getLastOperation() == null ? new LastOperation() : status.getLastOperation();
    }

    /** What a SelfSubjectRulesReview in the namespace would answer for the chart's ServiceAccount. */
    private List<ResourceRule> rulesIn(String namespace) {
        return Stream.concat(chart.grants().stream().filter(g -> g.namespace() == null || g.namespace().equals(namespace))
                                .flatMap(g -> g.rules().stream()), ChartRbac.BASIC_USER.stream())
                .map(rule -> new ResourceRuleBuilder().withApiGroups(rule.getApiGroups()).withResources(rule.getResources())
                        .withResourceNames(rule.getResourceNames()).withVerbs(rule.getVerbs()).build())
                .toList();
    }

    private static List<RequestAttributes> attributes(List<RequestLog.Request> requests) {
        return requests.stream().filter(RequestLog.byOperator()).map(RequestAttributes::of)
                .flatMap(a -> a.stream()).toList();
    }

    private static void print(String title, List<RequestAttributes> requests, Function<RequestAttributes, String> allowedBy) {
        Map<String, Long> counts = requests.stream()
                .collect(Collectors.groupingBy(a -> a + "  -> " + allowedBy.apply(a), TreeMap::new, Collectors.counting()));
        System.out.println(title + ":");
        counts.forEach((line, count) -> System.out.printf("  %4d x %s%n", count, line));
    }
}
