package io.github.shootdualstack.e2e;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.github.shootdualstack.deploy.ChartRbac;
import io.github.shootdualstack.garden.ExtensionKind;
import io.github.shootdualstack.operator.OperatorSettings;
import io.github.shootdualstack.shoot.LastOperation;
import io.github.shootdualstack.testing.AuditLog;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The chart's RBAC under a real RBAC authorizer: its ServiceAccount, ClusterRole, Role and bindings
 * (the default render) applied to the garden, and the operator running as that ServiceAccount.
 * With the roles as they are, a migration completes with leader election on; with one rule taken
 * away, the Shoot shows the refused request.
 */
class ChartRbacIT {

    @Test
    void asTheChartsServiceAccount_theOperatorCompletesAMigration() {
        try (RealMigrationHarness world = new RealMigrationHarness("rbac-allowed")) {
            String account = installIdentity(world.garden.client(), UnaryOperator.identity());
            RealMigrationHarness.Marks start = world.marks();
            OperatorSettings settings = world.settings(false)
                    .withLeaderElection(MigrationHarness.shortLease(ChartRbac.NAMESPACE, "rbac-allowed"));
            world.startOperator(world.garden.configAs(ChartRbac.NAMESPACE, account), settings);

            world.requestDualStack();
            world.awaitStep("Nodes");
            world.annotate(ExtensionKind.OPERATION_ANNOTATION, "rollout-workers=*");
            world.awaitCompleted();

            List<AuditLog.Entry> asAccount = world.garden.audit().since(start.garden()).matching(entry ->
                    ("system:serviceaccount:" + ChartRbac.NAMESPACE + ":" + account).equals(entry.impersonated()));
            assertThat(asAccount).as("requests made as the ServiceAccount").isNotEmpty()
                    .anySatisfy(entry -> assertThat(entry.resource()).isEqualTo("leases"));
            assertThat(asAccount).as("requests the RBAC authorizer refused").noneMatch(entry -> entry.code() == 403);
        }
    }

    @Test
    void withOneRuleTakenAway_theShootNamesTheRefusedRequest() {
        try (RealMigrationHarness world = new RealMigrationHarness("rbac-refused")) {
            String account = installIdentity(world.garden.client(), ChartRbacIT::withoutPatchOnInfrastructures);
            try {
                world.startOperator(world.garden.configAs(ChartRbac.NAMESPACE, account), world.settings(false));
                world.requestDualStack();

                await().atMost(RealMigrationHarness.TIMEOUT).untilAsserted(() -> {
                    LastOperation last = world.shoot().getStatus().getLastOperation();
                    assertThat(last.getState()).isEqualTo(LastOperation.STATE_ERROR);
                    assertThat(last.getDescription()).contains("infrastructures").contains("403").contains("forbidden");
                });
                System.out.println("With patch on infrastructures taken away, the Shoot shows: "
                        + world.shoot().getStatus().getLastOperation().getDescription());
            } finally {
                installIdentity(world.garden.client(), UnaryOperator.identity());
            }
        }
    }

    @Test
    void watchingOneProject_itsSecretsAreReadableThereOnly_andTheMigrationCompletes() {
        try (RealMigrationHarness world = new RealMigrationHarness("rbac-project")) {
            String project = world.landscape.projectNamespace();
            String account = installIdentity(world.garden.client(), "watch: {namespaces: [" + project + "]}\n", UnaryOperator.identity());
            try {
                world.startOperator(world.garden.configAs(ChartRbac.NAMESPACE, account), world.settings(false));
                world.requestDualStack();
                world.awaitStep("Nodes");
                world.annotate(ExtensionKind.OPERATION_ANNOTATION, "rollout-workers=*");
                world.awaitCompleted();

                try (KubernetesClient asAccount = new KubernetesClientBuilder()
                        .withConfig(world.garden.configAs(ChartRbac.NAMESPACE, account)).build()) {
                    String secret = world.landscape.kubeconfigSecretName();
                    assertThat(asAccount.secrets().inNamespace(project).withName(secret).get()).as("in the watched project").isNotNull();
                    assertThatThrownBy(() -> asAccount.secrets().inNamespace("kube-system").withName("any").get())
                            .as("in any other namespace").isInstanceOf(KubernetesClientException.class)
                            .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(403));
                    assertThatThrownBy(() -> asAccount.secrets().inNamespace(project).list())
                            .as("never listed").isInstanceOf(KubernetesClientException.class);
                }
            } finally {
                installIdentity(world.garden.client(), UnaryOperator.identity());
            }
        }
    }

    /** Applies the chart's default identity objects, the ClusterRole changed by {@code clusterRole}; returns the ServiceAccount. */
    private static String installIdentity(KubernetesClient garden, UnaryOperator<ClusterRole> clusterRole) {
        return installIdentity(garden, null, clusterRole);
    }

    /** Applies the chart's identity objects for these values, the ClusterRole changed by {@code clusterRole}. */
    private static String installIdentity(KubernetesClient garden, String valuesYaml, UnaryOperator<ClusterRole> clusterRole) {
        if (garden.namespaces().withName(ChartRbac.NAMESPACE).get() == null) {
            garden.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ChartRbac.NAMESPACE).endMetadata().build())
                    .create();
        }
        for (HasMetadata object : ChartRbac.identityObjects(valuesYaml)) {
            HasMetadata applied = object instanceof ClusterRole role ? clusterRole.apply(Serialization.clone(role)) : object;
            if (!(applied instanceof ClusterRole) && !applied.getKind().startsWith("Cluster")
                    && applied.getMetadata().getNamespace() == null) {
                applied.getMetadata().setNamespace(ChartRbac.NAMESPACE);
            }
            applied.getMetadata().setResourceVersion(null);
            garden.resource(applied).fieldManager("chart-rbac-it").forceConflicts().serverSideApply();
        }
        return ChartRbac.defaultServiceAccount();
    }

    /** The chart's ClusterRole without {@code patch} on the extension resources: the Infrastructure cannot be triggered. */
    private static ClusterRole withoutPatchOnInfrastructures(ClusterRole role) {
        List<PolicyRule> rules = new ArrayList<>();
        for (PolicyRule rule : role.getRules()) {
            if (rule.getResources().contains("infrastructures")) {
                rule.setVerbs(rule.getVerbs().stream().filter(verb -> !verb.equals("patch")).toList());
            }
            rules.add(rule);
        }
        role.setRules(rules);
        return role;
    }
}
