package io.github.shootdualstack.deploy;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.github.shootdualstack.testing.RequestAttributes;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code shootAccess}: the way into shoot clusters the operator is started with, and what its roles grant
 * for it. {@code create} on {@code shoots/adminkubeconfig} where the Secrets' {@code get} would be (the
 * ClusterRole, or the Role of each watched namespace), and no Secret at all with {@code adminkubeconfig}.
 */
class ChartShootAccessTest {

    private static final String SECRET = "GET /api/v1/namespaces/%s/secrets/prod.kubeconfig";
    private static final String ADMIN_KUBECONFIG = "POST /apis/core.gardener.cloud/v1beta1/namespaces/%s/shoots/prod/adminkubeconfig";

    @ParameterizedTest(name = "shootAccess: {0}")
    @CsvSource({"auto, true, true", "secret, true, false", "adminkubeconfig, false, true"})
    void gardenWide_theClusterRoleGrantsWhatTheWayNeeds(String access, boolean secrets, boolean adminKubeconfig) {
        ChartRbac rbac = ChartRbac.of("shootAccess: " + access + "\n");

        assertThat(args(access)).contains("--shoot-access=" + access);
        assertThat(rbac.allowing(request(SECRET, "garden-dev")).isPresent()).as("get a kubeconfig Secret").isEqualTo(secrets);
        assertThat(rbac.allowing(request(ADMIN_KUBECONFIG, "garden-dev")).isPresent()).as("create shoots/adminkubeconfig")
                .isEqualTo(adminKubeconfig);
        assertThat(rbac.grants()).flatExtracting(grant -> grant.rules()).filteredOn(rule -> rule.getResources().contains("secrets"))
                .hasSize(secrets ? 1 : 0);
    }

    @ParameterizedTest(name = "shootAccess: {0}")
    @CsvSource({"auto, true, true", "secret, true, false", "adminkubeconfig, false, true"})
    void watchedNamespaces_theirRolesGrantWhatTheWayNeeds_thereAlone(String access, boolean secrets, boolean adminKubeconfig) {
        String values = "shootAccess: " + access + "\nwatch: {namespaces: [garden-dev, garden-prod]}\n";
        ChartRbac rbac = ChartRbac.of(values);

        for (String namespace : List.of("garden-dev", "garden-prod")) {
            assertThat(rbac.allowing(request(SECRET, namespace)).isPresent()).as("get a kubeconfig Secret in %s", namespace)
                    .isEqualTo(secrets);
            assertThat(rbac.allowing(request(ADMIN_KUBECONFIG, namespace)))
                    .as("create shoots/adminkubeconfig in %s", namespace).satisfies(grant -> {
                        assertThat(grant.isPresent()).isEqualTo(adminKubeconfig);
                        grant.ifPresent(g -> assertThat(g.namespace()).isEqualTo(namespace));
                    });
        }
        assertThat(rbac.allowing(request(ADMIN_KUBECONFIG, "garden-other"))).as("in a namespace not watched").isEmpty();
        assertThat(rbac.allowing(request(SECRET, "garden-other"))).as("in a namespace not watched").isEmpty();
        assertThat(Manifests.of(HelmChart.template(values)).all(io.fabric8.kubernetes.api.model.rbac.ClusterRole.class))
                .flatExtracting(role -> role.getRules()).flatExtracting(PolicyRule::getResources)
                .doesNotContain("secrets", "shoots/adminkubeconfig");
    }

    @Test
    void anotherWay_refusedByTheSchema_andTheFlagInExtraArgs_refused() {
        assertThatThrownBy(() -> HelmChart.template("shootAccess: token\n")).hasMessageContaining("shootAccess");
        assertThatThrownBy(() -> HelmChart.template("extraArgs: [--shoot-access=adminkubeconfig]\n"))
                .hasMessageContaining("extraArgs: --shoot-access is set by shootAccess (auto, secret or adminkubeconfig),"
                        + " which the chart's roles follow");
    }

    private static List<String> args(String access) {
        return Manifests.of(HelmChart.template("shootAccess: " + access + "\n")).one(Deployment.class).getSpec().getTemplate().getSpec()
                .getContainers().get(0).getArgs();
    }

    private static RequestAttributes request(String template, String namespace) {
        String[] methodAndPath = String.format(template, namespace).split(" ", 2);
        return RequestAttributes.of(methodAndPath[0], methodAndPath[1]).orElseThrow();
    }
}
