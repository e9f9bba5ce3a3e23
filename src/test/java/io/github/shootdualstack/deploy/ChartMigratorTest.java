package io.github.shootdualstack.deploy;

import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.github.shootdualstack.testing.RequestAttributes;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code migrator: gardenlet}: beside gardenlet the operator needs the garden's Shoots and their events
 * alone (it asks gardenlet for reconciles through the Shoots' operation annotation), so its roles grant
 * nothing else: no status, no Secret or shoot access, no extension resource or MachineDeployment.
 */
class ChartMigratorTest {

    private static final List<String> ORCHESTRATOR = List.of(
            "GET /apis/core.gardener.cloud/v1beta1/namespaces/%s/shoots/prod",
            "PATCH /apis/core.gardener.cloud/v1beta1/namespaces/%s/shoots/prod",
            "POST /api/v1/namespaces/%s/events",
            "PATCH /api/v1/namespaces/%s/events/prod.1234");

    @ParameterizedTest(name = "watch.namespaces: {0}")
    @ValueSource(booleans = {false, true})
    void gardenlet_grantsShootsAndTheirEventsAlone_whatTheOrchestratorAsks(boolean watchedNamespaces) {
        String values = "migrator: gardenlet\n" + (watchedNamespaces ? "watch: {namespaces: [garden-dev]}\n" : "");
        ChartRbac rbac = ChartRbac.of(values);

        assertThat(rbac.grants()).flatExtracting(ChartRbac.Grant::rules).flatExtracting(PolicyRule::getResources)
                .containsOnly("shoots", "events", "leases"); // leases: leader election, in its own namespace
        for (String request : ORCHESTRATOR) {
            assertThat(rbac.allowing(request(request, "garden-dev"))).as(request).isPresent();
        }
    }

    @Test
    void engineAndAuto_grantTheEnginesRightsToo() {
        for (String migrator : List.of("engine", "auto")) {
            assertThat(ChartRbac.of("migrator: " + migrator + "\n").grants()).flatExtracting(ChartRbac.Grant::rules)
                    .flatExtracting(PolicyRule::getResources).as(migrator)
                    .contains("shoots", "shoots/status", "events", "infrastructures", "clusters", "machinedeployments");
        }
    }

    private static RequestAttributes request(String template, String namespace) {
        String[] methodAndPath = String.format(template, namespace).split(" ", 2);
        return RequestAttributes.of(methodAndPath[0], methodAndPath[1]).orElseThrow();
    }
}
