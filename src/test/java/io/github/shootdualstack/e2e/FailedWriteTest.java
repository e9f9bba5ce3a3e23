package io.github.shootdualstack.e2e;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.github.shootdualstack.garden.ExtensionKind;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A write the shoot's API server refuses is shown on the Shoot and retried until it goes through. */
class FailedWriteTest {

    MigrationHarness world = MigrationHarness.twoPools();

    @AfterEach
    void stop() {
        world.close();
    }

    @Test
    void kubeDnsPatchRefusedOnce_isReportedOnTheShoot_thenRetriedToCompletion() {
        world.local.shootServer(world.landscape).expect().patch()
                .withPath("/api/v1/namespaces/kube-system/services/kube-dns")
                .andReturn(422, new StatusBuilder().withStatus("Failure").withReason("Invalid").withCode(422)
                        .withMessage("spec.clusterIPs[1]: Invalid value: the IP is already allocated").build())
                .once();
        world.startOperator();
        world.requestDualStack();
        world.awaitStep("Nodes");
        world.annotate(ExtensionKind.OPERATION_ANNOTATION, "rollout-workers=*");

        world.awaitCompleted();
        // the refusal was on the Shoot (it is retried at once, so the event is what lasts), named by its code and
        // Kubernetes reason: the message of a shoot's server is never quoted
        assertThat(warnings()).anyMatch(e -> e.getReason().equals("DualStackMigrationBlocked")
                && e.getMessage().startsWith("could not patch kube-dns in the shoot cluster of Shoot garden-dev/prod at ")
                && e.getMessage().endsWith(": HTTP 422 Unprocessable Entity (Invalid)"));
        assertThat(warnings()).noneMatch(e -> e.getMessage().contains("the IP is already allocated"));
        assertThat(world.shoot().getStatus().getLastOperation().getState()).isEqualTo("Succeeded");
        assertThat(world.shootClient().services().inNamespace("kube-system").withName("kube-dns").get()
                .getSpec().getClusterIPs()).hasSize(2);
        assertThat(world.local.simulator(world.landscape).coreDnsRollouts()).isEqualTo(1);
    }

    private List<Event> warnings() {
        return world.gardenClient().v1().events().inNamespace(world.landscape.projectNamespace()).list().getItems().stream()
                .filter(e -> "Warning".equals(e.getType())).toList();
    }
}
