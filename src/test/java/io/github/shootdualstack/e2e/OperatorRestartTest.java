package io.github.shootdualstack.e2e;

import io.github.shootdualstack.garden.ExtensionKind;
import io.github.shootdualstack.local.ExtensionsConfig;
import io.github.shootdualstack.local.LocalLandscape;
import io.github.shootdualstack.local.ShootClusterSimulator;
import io.github.shootdualstack.shoot.MigrationRecord;
import io.github.shootdualstack.testing.RequestLog;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A new operator at every step boundary carries on where the world stands, and CoreDNS restarts once. */
class OperatorRestartTest {

    static final List<String> STEPS = List.of("Infrastructure", "ControlPlane", "Nodes", "Network", "CoreDNS", "KubeDNS", "Completed");

    // slow enough that each step waits on the outside world, so every boundary can be caught
    MigrationHarness world = new MigrationHarness(
            LocalLandscape.builder().project("dev").shoot("prod").pool("pool-a", 2).pool("pool-b", 1).build(),
            ExtensionsConfig.succeedingAfter(Duration.ofMillis(400)),
            new ShootClusterSimulator.Config(Duration.ofMillis(300), Duration.ofMillis(400)));

    @AfterEach
    void stop() {
        world.close();
    }

    @Test
    void operatorRestartedAtEveryStepBoundary_finishes_withOneCoreDnsRestart() {
        int shootMark = world.shootRequests.mark();
        world.startOperator();
        world.requestDualStack();

        List<String> seen = new ArrayList<>();
        String step = null;
        while (!"Completed".equals(step)) {
            String previous = step;
            await().atMost(MigrationHarness.TIMEOUT).pollInterval(Duration.ofMillis(20))
                    .until(() -> currentStep() != null && !Objects.equals(currentStep(), previous));
            step = currentStep();
            seen.add(step);
            world.stopOperator();
            if ("Nodes".equals(step)) {
                world.annotate(ExtensionKind.OPERATION_ANNOTATION, "rollout-workers=*");
            }
            world.startOperator();
        }

        assertThat(seen).as("a restart at each boundary").isEqualTo(STEPS);
        assertThat(world.local.simulator(world.landscape).coreDnsRollouts()).isEqualTo(1);
        assertThat(world.shootRequests.writesSince(shootMark, RequestLog.byOperator()))
                .filteredOn(w -> w.path().contains("/deployments/coredns")).hasSize(1);
        assertThat(world.constraintStates()).containsExactly(
                "none",
                "DualStackNodesMigrationReady=Progressing/NodesNotMigrated",
                "DualStackNodesMigrationReady=True/NodesMigrated",
                "DNSServiceMigrationReady=Progressing/DNSServiceMigration",
                "DNSServiceMigrationReady=True/DNSServiceMigration",
                "none");
    }

    @Test
    void operatorRestartedRightAfterTheCoreDnsRestart_doesNotRestartItAgain() {
        int shootMark = world.shootRequests.mark();
        world.startOperator();
        world.requestDualStack();
        world.awaitStep("Nodes");
        world.annotate(ExtensionKind.OPERATION_ANNOTATION, "rollout-workers=*");

        await().atMost(MigrationHarness.TIMEOUT).pollInterval(Duration.ofMillis(10)).until(() -> restartedAt() != null);
        world.stopOperator();
        String value = restartedAt();
        world.startOperator();
        world.awaitCompleted();

        assertThat(restartedAt()).isEqualTo(value).isEqualTo(record().getStartedAt());
        assertThat(world.local.simulator(world.landscape).coreDnsRollouts()).isEqualTo(1);
        assertThat(world.shootRequests.writesSince(shootMark, RequestLog.byOperator()))
                .filteredOn(w -> w.path().contains("/deployments/coredns")).hasSize(1);
    }

    private String currentStep() {
        MigrationRecord record = record();
        return record == null ? null : record.getStep();
    }

    private MigrationRecord record() {
        return world.record();
    }

    private String restartedAt() {
        var template = world.shootClient().apps().deployments().inNamespace("kube-system").withName("coredns").get()
                .getSpec().getTemplate().getMetadata();
        return template.getAnnotations() == null ? null : template.getAnnotations().get("gardener.cloud/restarted-at");
    }
}
