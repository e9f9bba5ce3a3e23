package io.github.shootdualstack.deploy;

import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.github.shootdualstack.testing.RequestAttributes;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

/** The Helm chart, rendered by real Helm for its defaults and for each optional feature. */
class HelmChartTest {

    private static final String SERVICE_ACCOUNT = "shoot-dualstack-operator";

    /** Every optional feature on, and every operator flag away from its default. */
    private static final String ALL_FEATURES = """
            replicas: 3
            image:
              tag: "1.2.3"
              pullSecrets: [ghcr-pull]
            watch:
              namespaces: [garden-dev, garden-prod]
              selector: "dualstack.gardener.cloud/migrate in (true,yes)"
            recheckInterval: 1m
            maxBackoff: 10m
            routeWarningNodes: 200
            serverSideApply: true
            logFormat: json
            serviceMonitor:
              enabled: true
              labels: {release: prometheus}
            networkPolicy:
              enabled: true
              metricsFrom:
                - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: monitoring}}
                  podSelector: {matchLabels: {app.kubernetes.io/name: prometheus}}
            crds:
              extensions: true
              keep: false
            """;

    /** One replica and no Lease, on a garden whose Shoot API is served by Gardener. */
    private static final String SINGLE_ON_GARDENER = """
            replicas: 1
            leaderElection:
              enabled: false
            crds:
              install: false
            """;

    private static Manifests defaults;
    private static Manifests allFeatures;
    private static Manifests singleOnGardener;

    @BeforeAll
    static void render() {
        defaults = Manifests.of(HelmChart.template());
        allFeatures = Manifests.of(HelmChart.template(ALL_FEATURES));
        singleOnGardener = Manifests.of(HelmChart.template(SINGLE_ON_GARDENER));
    }

    @Test
    void chartLintsCleanly() {
        LintResult lint = HelmChart.lint();

        assertThat(lint.isFailed()).as("lint failed: %s", lint.getMessages()).isFalse();
        assertThat(lint.getMessages()).noneMatch(message -> message.contains("[ERROR]") || message.contains("[WARNING]"));
    }

    @Test
    void defaultsRenderTheOperatorWithItsRbacServiceAndShootCrd() {
        assertThat(defaults.kinds()).containsExactlyInAnyOrder(
                "PodDisruptionBudget/shoot-dualstack-operator",
                "ServiceAccount/shoot-dualstack-operator",
                "CustomResourceDefinition/shoots.core.gardener.cloud",
                "ClusterRole/shoot-dualstack-operator",
                "ClusterRoleBinding/shoot-dualstack-operator",
                "Role/shoot-dualstack-operator-leader-election",
                "RoleBinding/shoot-dualstack-operator-leader-election",
                "Service/shoot-dualstack-operator-metrics",
                "Deployment/shoot-dualstack-operator");
        assertThat(defaults.objects()).filteredOn(o -> !(o instanceof ClusterRole || o instanceof ClusterRoleBinding
                        || o instanceof CustomResourceDefinition))
                .allSatisfy(o -> assertThat(o.getMetadata().getNamespace()).isEqualTo(HelmChart.NAMESPACE));
    }

    @Test
    void podPassesTheRestrictedPodSecurityProfile() {
        PodSpec pod = defaults.one(Deployment.class).getSpec().getTemplate().getSpec();
        PodSecurityContext podContext = pod.getSecurityContext();
        SecurityContext context = operator(defaults).getSecurityContext();

        assertThat(podContext.getRunAsNonRoot()).isTrue();
        assertThat(podContext.getRunAsUser()).isEqualTo(65532L);
        assertThat(podContext.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        assertThat(context.getRunAsNonRoot()).isTrue();
        assertThat(context.getAllowPrivilegeEscalation()).isFalse();
        assertThat(context.getPrivileged()).isFalse();
        assertThat(context.getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(context.getCapabilities().getAdd()).isNullOrEmpty();
        assertThat(context.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        assertThat(context.getReadOnlyRootFilesystem()).isTrue();
        assertThat(pod.getHostNetwork()).isNotEqualTo(Boolean.TRUE);
        assertThat(pod.getHostPID()).isNotEqualTo(Boolean.TRUE);
        assertThat(pod.getVolumes()).allSatisfy(volume -> assertThat(volume.getHostPath()).isNull());
    }

    @Test
    void tmpIsAWritableEmptyDirBesideTheReadOnlyRoot() {
        PodSpec pod = defaults.one(Deployment.class).getSpec().getTemplate().getSpec();

        assertThat(operator(defaults).getVolumeMounts())
                .extracting(mount -> mount.getMountPath(), mount -> mount.getName(), mount -> mount.getReadOnly())
                .containsExactly(tuple("/tmp", "tmp", null));
        assertThat(pod.getVolumes()).singleElement().satisfies(volume -> {
            assertThat(volume.getName()).isEqualTo("tmp");
            assertThat(volume.getEmptyDir()).isNotNull();
        });
    }

    @Test
    void probesAskTheHealthEndpointsAndReadinessIgnoresLeadership() {
        Container operator = operator(defaults);

        assertThat(operator.getPorts()).singleElement().satisfies(port -> {
            assertThat(port.getName()).isEqualTo("http");
            assertThat(port.getContainerPort()).isEqualTo(8080);
        });
        assertThat(httpGet(operator.getStartupProbe())).isEqualTo("/healthz on http");
        assertThat(httpGet(operator.getLivenessProbe())).isEqualTo("/healthz on http");
        assertThat(httpGet(operator.getReadinessProbe())).isEqualTo("/readyz on http");
        assertThat(operator.getStartupProbe().getFailureThreshold() * operator.getStartupProbe().getPeriodSeconds())
                .as("seconds the JVM gets to start").isGreaterThanOrEqualTo(60);
        assertThat(operator.getArgs()).contains("--http-port=8080");
    }

    @Test
    void defaultsRunTwoReplicasThatElectALeaderWithALease() {
        Deployment deployment = defaults.one(Deployment.class);
        Role role = defaults.one(Role.class);
        RoleBinding binding = defaults.one(RoleBinding.class);

        assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);
        assertThat(operator(defaults).getArgs()).contains("--leader-election", "--leader-election-name=shoot-dualstack-operator");
        assertThat(operator(defaults).getEnv()).filteredOn(env -> env.getValueFrom() != null)
                .extracting(EnvVar::getName, env -> env.getValueFrom().getFieldRef().getFieldPath())
                .contains(tuple("POD_NAME", "metadata.name"), tuple("POD_NAMESPACE", "metadata.namespace"));
        assertThat(role.getMetadata().getNamespace()).isEqualTo(HelmChart.NAMESPACE);
        assertThat(role.getRules()).extracting(PolicyRule::getApiGroups, PolicyRule::getResources, PolicyRule::getVerbs, PolicyRule::getResourceNames)
                .containsExactly(tuple(List.of("coordination.k8s.io"), List.of("leases"), List.of("get", "create", "update", "patch"), List.of()));
        assertThat(binding.getRoleRef().getName()).isEqualTo(role.getMetadata().getName());
        assertThat(binding.getSubjects()).extracting(Subject::getKind, Subject::getName, Subject::getNamespace)
                .containsExactly(tuple("ServiceAccount", SERVICE_ACCOUNT, HelmChart.NAMESPACE));
    }

    @Test
    void disruptionBudgetOnlyWhenMoreThanOneReplica() {
        PodDisruptionBudget budget = defaults.one(PodDisruptionBudget.class);

        assertThat(budget.getSpec().getMinAvailable().getIntVal()).isEqualTo(1);
        assertThat(budget.getSpec().getSelector().getMatchLabels()).isEqualTo(podSelector(defaults));
        assertThat(allFeatures.one(PodDisruptionBudget.class).getSpec().getMinAvailable().getIntVal()).isEqualTo(1);
        assertThat(singleOnGardener.has(PodDisruptionBudget.class)).isFalse();
    }

    @Test
    void singleReplicaWithoutLeaderElectionHasNoLeaseRole() {
        assertThat(singleOnGardener.one(Deployment.class).getSpec().getReplicas()).isEqualTo(1);
        assertThat(operator(singleOnGardener).getArgs()).noneMatch(arg -> arg.startsWith("--leader-election"));
        assertThat(singleOnGardener.has(Role.class)).isFalse();
        assertThat(singleOnGardener.has(RoleBinding.class)).isFalse();
    }

    @Test
    void moreThanOneReplicaWithoutLeaderElectionIsRefused() {
        assertThatThrownBy(() -> HelmChart.template("leaderElection: {enabled: false}\n"))
                .hasMessageContaining("replicas > 1 needs leaderElection.enabled: true");
    }

    @Test
    void clusterRoleGrantsExactlyWhatTheOperatorUses() {
        ClusterRole role = defaults.one(ClusterRole.class);

        assertThat(role.getRules()).extracting(PolicyRule::getApiGroups, PolicyRule::getResources, PolicyRule::getVerbs)
                .containsExactly(
                        tuple(List.of("core.gardener.cloud"), List.of("shoots"), List.of("get", "list", "watch", "patch")),
                        tuple(List.of("core.gardener.cloud"), List.of("shoots/status"), List.of("patch")),
                        tuple(List.of(""), List.of("events"), List.of("create", "patch")),
                        tuple(List.of(""), List.of("secrets"), List.of("get")),
                        tuple(List.of("core.gardener.cloud"), List.of("shoots/adminkubeconfig"), List.of("create")),
                        tuple(List.of(""), List.of("namespaces"), List.of("get")),
                        tuple(List.of("core.gardener.cloud"), List.of("projects"), List.of("list")),
                        tuple(List.of("extensions.gardener.cloud"), List.of("infrastructures", "controlplanes", "networks"),
                                List.of("get", "list", "watch", "patch")),
                        tuple(List.of("extensions.gardener.cloud"), List.of("clusters"), List.of("get", "patch")),
                        tuple(List.of("machine.sapcloud.io"), List.of("machinedeployments"), List.of("get", "list", "patch")));
        assertThat(role.getRules()).allSatisfy(rule -> {
            assertThat(rule.getApiGroups()).doesNotContain("*");
            assertThat(rule.getResources()).doesNotContain("*");
            assertThat(rule.getVerbs()).doesNotContain("*", "delete", "deletecollection", "escalate", "bind", "impersonate");
            assertThat(rule.getNonResourceURLs()).isNullOrEmpty();
        });
        assertThat(role.getAggregationRule()).isNull();
    }

    @Test
    void watchingSomeNamespaces_shootsEventsAndSecretsAreGrantedByRolesInThoseNamespacesOnly() {
        ChartRbac rbac = ChartRbac.of("watch: {namespaces: [garden-dev, garden-prod]}\n");
        Manifests manifests = Manifests.of(HelmChart.template("watch: {namespaces: [garden-dev, garden-prod]}\n"));

        assertThat(manifests.one(ClusterRole.class).getRules()).flatExtracting(PolicyRule::getResources)
                .doesNotContain("secrets", "shoots", "shoots/status", "shoots/adminkubeconfig", "events", "namespaces");
        assertThat(manifests.all(Role.class)).filteredOn(role -> !role.getMetadata().getName().endsWith("-leader-election"))
                .extracting(role -> role.getMetadata().getNamespace())
                .containsExactlyInAnyOrder("garden-dev", "garden-prod");
        for (String namespace : List.of("garden-dev", "garden-prod")) {
            assertThat(rbac.allowing(RequestAttributes.of("GET", "/api/v1/namespaces/" + namespace + "/secrets/prod.kubeconfig")
                    .orElseThrow())).as("a kubeconfig Secret in %s", namespace).isPresent();
            assertThat(rbac.allowing(RequestAttributes.of("PATCH", "/apis/core.gardener.cloud/v1beta1/namespaces/" + namespace
                    + "/shoots/prod/status").orElseThrow())).isPresent();
            assertThat(rbac.allowing(RequestAttributes.of("GET", "/api/v1/namespaces/" + namespace).orElseThrow()))
                    .as("the namespace %s itself, for its project", namespace).isPresent();
        }
        assertThat(rbac.allowing(RequestAttributes.of("GET", "/api/v1/namespaces/garden-other").orElseThrow()))
                .as("a namespace not watched").isEmpty();
        assertThat(rbac.allowing(RequestAttributes.of("GET", "/api/v1/namespaces/garden-other/secrets/prod.kubeconfig")
                .orElseThrow())).as("a Secret in a namespace not watched").isEmpty();
        assertThat(rbac.allowing(RequestAttributes.of("GET", "/api/v1/namespaces/garden-dev/secrets").orElseThrow()))
                .as("Secrets are never listed").isEmpty();
        assertThat(rbac.allowing(RequestAttributes.of("GET", "/apis/extensions.gardener.cloud/v1alpha1/namespaces/"
                + "shoot--dev--prod/infrastructures/prod").orElseThrow())).as("the technical namespaces' resources").isPresent();
        assertThatThrownBy(() -> HelmChart.template("watch: {namespaces: [garden-dev, garden-dev]}\n"))
                .as("a namespace listed twice (it would render two Roles of one name)")
                .hasMessageContaining("at '/watch/namespaces': items at 0 and 1 are equal");
    }

    @Test
    void clusterRoleIsBoundToTheOperatorsServiceAccount() {
        ClusterRoleBinding binding = defaults.one(ClusterRoleBinding.class);
        ServiceAccount account = defaults.one(ServiceAccount.class);

        assertThat(binding.getRoleRef().getName()).isEqualTo(defaults.one(ClusterRole.class).getMetadata().getName());
        assertThat(binding.getSubjects()).extracting(Subject::getKind, Subject::getName, Subject::getNamespace)
                .containsExactly(tuple("ServiceAccount", account.getMetadata().getName(), HelmChart.NAMESPACE));
        assertThat(defaults.one(Deployment.class).getSpec().getTemplate().getSpec().getServiceAccountName())
                .isEqualTo(account.getMetadata().getName());
    }

    @Test
    void defaultArgsRunTheOperatorWithPlainLogsOnAllNamespaces() {
        assertThat(operator(defaults).getArgs()).containsExactly(
                "run",
                "--http-port=8080",
                "--recheck-interval=30s",
                "--max-backoff=5m",
                "--route-warning-nodes=50",
                "--no-server-side-apply",
                "--log-format=plain",
                "--shoot-access=auto",
                "--migrator=auto",
                "--max-rolling=0",
                "--max-rolling-per-seed=0",
                "--leader-election",
                "--leader-election-name=shoot-dualstack-operator");
        assertThat(operator(defaults).getEnv()).filteredOn(env -> env.getName().equals("JAVA_TOOL_OPTIONS"))
                .singleElement().extracting(EnvVar::getValue).asString().contains("-XX:MaxRAMPercentage=75");
    }

    @Test
    void argsFollowTheWatchRecheckAndLoggingValues() {
        assertThat(operator(allFeatures).getArgs()).containsExactly(
                "run",
                "--http-port=8080",
                "--namespace=garden-dev",
                "--namespace=garden-prod",
                "--selector=dualstack.gardener.cloud/migrate in (true,yes)",
                "--recheck-interval=1m",
                "--max-backoff=10m",
                "--route-warning-nodes=200",
                "--server-side-apply",
                "--log-format=json",
                "--shoot-access=auto",
                "--migrator=auto",
                "--max-rolling=0",
                "--max-rolling-per-seed=0",
                "--leader-election",
                "--leader-election-name=shoot-dualstack-operator");
    }

    @Test
    void imageDefaultsToTheChartsAppVersion() {
        assertThat(operator(defaults).getImage())
                .isEqualTo("ghcr.io/shoot-dualstack/shoot-dualstack-operator:" + HelmChart.appVersion());
        assertThat(operator(allFeatures).getImage()).isEqualTo("ghcr.io/shoot-dualstack/shoot-dualstack-operator:1.2.3");
        assertThat(allFeatures.one(Deployment.class).getSpec().getTemplate().getSpec().getImagePullSecrets())
                .extracting(secret -> secret.getName()).containsExactly("ghcr-pull");
    }

    @Test
    void metricsServiceServesPort8080AsHttpMetrics() {
        Service service = defaults.one(Service.class);

        assertThat(service.getSpec().getPorts()).singleElement().satisfies(port -> {
            assertThat(port.getName()).isEqualTo("http-metrics");
            assertThat(port.getPort()).isEqualTo(8080);
            assertThat(port.getTargetPort().getStrVal()).isEqualTo("http");
        });
        assertThat(service.getSpec().getSelector()).isEqualTo(podSelector(defaults));
    }

    @Test
    @SuppressWarnings("unchecked")
    void serviceMonitorOnlyWhenEnabled() {
        assertThat(defaults.generic("ServiceMonitor")).isEmpty();

        GenericKubernetesResource monitor = allFeatures.generic("ServiceMonitor").get(0);
        assertThat(monitor.getApiVersion()).isEqualTo("monitoring.coreos.com/v1");
        assertThat(monitor.getMetadata().getLabels()).containsEntry("release", "prometheus");
        Map<String, String> selector = (Map<String, String>) monitor.get("spec", "selector", "matchLabels");
        assertThat(selector).isEqualTo(podSelector(allFeatures));
        assertThat(allFeatures.one(Service.class).getMetadata().getLabels()).containsAllEntriesOf(selector);
        assertThat((List<String>) monitor.get("spec", "namespaceSelector", "matchNames")).containsExactly(HelmChart.NAMESPACE);
        assertThat((List<Map<String, Object>>) monitor.get("spec", "endpoints")).singleElement().satisfies(endpoint -> {
            assertThat(endpoint).containsEntry("port", "http-metrics").containsEntry("path", "/metrics");
        });
    }

    @Test
    void networkPolicyOnlyWhenEnabledAndOnlyForIngressToTheMetricsPort() {
        assertThat(defaults.has(NetworkPolicy.class)).isFalse();

        NetworkPolicy policy = allFeatures.one(NetworkPolicy.class);
        assertThat(policy.getSpec().getPodSelector().getMatchLabels()).isEqualTo(podSelector(allFeatures));
        assertThat(policy.getSpec().getPolicyTypes()).containsExactly("Ingress");
        assertThat(policy.getSpec().getEgress()).isNullOrEmpty();
        NetworkPolicyIngressRule rule = policy.getSpec().getIngress().get(0);
        assertThat(policy.getSpec().getIngress()).hasSize(1);
        assertThat(rule.getPorts()).singleElement().satisfies(port -> assertThat(port.getPort().getIntVal()).isEqualTo(8080));
        assertThat(rule.getFrom()).singleElement().satisfies(peer -> {
            assertThat(peer.getNamespaceSelector().getMatchLabels()).containsEntry("kubernetes.io/metadata.name", "monitoring");
            assertThat(peer.getPodSelector().getMatchLabels()).containsEntry("app.kubernetes.io/name", "prometheus");
        });
    }

    @Test
    void networkPolicyWithoutPeersAllowsNoIngress() {
        Manifests closed = Manifests.of(HelmChart.template("networkPolicy: {enabled: true, metricsFrom: []}\n"));

        NetworkPolicy policy = closed.one(NetworkPolicy.class);
        assertThat(policy.getSpec().getPolicyTypes()).containsExactly("Ingress");
        assertThat(policy.getSpec().getIngress()).isEmpty();
    }

    @Test
    void crdsFollowTheValues() {
        assertThat(defaults.all(CustomResourceDefinition.class)).singleElement().satisfies(crd -> {
            assertThat(crd.getMetadata().getName()).isEqualTo("shoots.core.gardener.cloud");
            assertThat(crd.getMetadata().getAnnotations()).containsEntry("helm.sh/resource-policy", "keep");
            assertThat(crd.getSpec().getVersions()).isNotEmpty();
        });
        assertThat(allFeatures.all(CustomResourceDefinition.class)).extracting(crd -> crd.getMetadata().getName())
                .containsExactlyInAnyOrder("shoots.core.gardener.cloud",
                        "infrastructures.extensions.gardener.cloud", "controlplanes.extensions.gardener.cloud",
                        "networks.extensions.gardener.cloud", "clusters.extensions.gardener.cloud",
                        "machinedeployments.machine.sapcloud.io");
        assertThat(allFeatures.all(CustomResourceDefinition.class))
                .allSatisfy(crd -> assertThat(crd.getMetadata().getAnnotations()).isNullOrEmpty());
        assertThat(singleOnGardener.has(CustomResourceDefinition.class)).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            replicas: two               | at '/replicas': got string, want integer
            logFormat: xml              | at '/logFormat': value must be one of 'plain', 'json'
            recheckInterval: 30 seconds | at '/recheckInterval': '30 seconds' does not match pattern
            replica: 2                  | additional properties 'replica' not allowed
            watch: {namespace: garden}  | additional properties 'namespace' not allowed
            """)
    void valuesThatBreakTheSchemaAreRefused(String values, String message) {
        assertThatThrownBy(() -> HelmChart.template(values + "\n"))
                .hasMessageContaining("values don't meet the specifications of the schema")
                .hasMessageContaining(message);
    }

    private static Container operator(Manifests manifests) {
        return manifests.one(Deployment.class).getSpec().getTemplate().getSpec().getContainers().stream()
                .filter(container -> container.getName().equals("operator")).findFirst().orElseThrow();
    }

    private static Map<String, String> podSelector(Manifests manifests) {
        Deployment deployment = manifests.one(Deployment.class);
        Map<String, String> selector = deployment.getSpec().getSelector().getMatchLabels();
        assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels()).containsAllEntriesOf(selector);
        return selector;
    }

    private static String httpGet(Probe probe) {
        return probe.getHttpGet().getPath() + " on " + probe.getHttpGet().getPort().getStrVal();
    }
}
