package io.github.shootdualstack.e2e;

import io.fabric8.kubernetes.api.model.Node;
import io.github.shootdualstack.garden.ExtensionKind;
import io.github.shootdualstack.migration.Addresses;
import io.github.shootdualstack.operator.OperatorSettings;
import io.github.shootdualstack.shoot.Hibernation;
import io.github.shootdualstack.shoot.Maintenance;
import io.github.shootdualstack.shoot.TimeWindow;
import io.github.shootdualstack.testing.RequestLog;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Rolling chosen pools, the maintenance window and hibernation, end to end. */
class RolloutAndWindowTest {

    MigrationHarness world = MigrationHarness.twoPools();

    @AfterEach
    void stop() {
        world.close();
    }

    @Test
    void rolloutWorkersForOnePool_rollsOnlyThatPool_andDropsTheAnnotation() {
        world.startOperator();
        world.requestDualStack();
        world.awaitStep("Nodes");
        List<String> poolBBefore = nodesOf("pool-b").stream().map(n -> n.getMetadata().getName()).sorted().toList();

        world.annotate(ExtensionKind.OPERATION_ANNOTATION, "rollout-workers=pool-a");

        await().atMost(MigrationHarness.TIMEOUT).until(() -> nodesOf("pool-a").size() == 3
                && nodesOf("pool-a").stream().allMatch(n -> Addresses.dualStack(n.getSpec().getPodCIDRs())));
        await().atMost(MigrationHarness.TIMEOUT).until(() -> world.shoot().getStatus().getConstraints().stream()
                .anyMatch(c -> "3 of 5 nodes have IPv4 and IPv6 pod CIDRs".equals(c.getMessage())));
        assertThat(nodesOf("pool-b").stream().map(n -> n.getMetadata().getName()).sorted().toList()).isEqualTo(poolBBefore);
        assertThat(MigrationHarness.annotationsOf(world.shoot())).doesNotContainKey(ExtensionKind.OPERATION_ANNOTATION);
        assertThat(world.record().getStep()).isEqualTo("Nodes");

        world.annotate(ExtensionKind.OPERATION_ANNOTATION, "rollout-workers=pool-b");
        world.awaitCompleted();
    }

    @Test
    void outsideTheMaintenanceWindow_nothingMoves_untilTheReconcileAnnotationLiftsIt() {
        confineTo("220000+0100", "230000+0100");
        world.startOperator(OperatorSettings.defaults().withMigration(MigrationHarness.FAST)
                .withClock(Clock.fixed(Instant.parse("2026-11-27T10:00:00Z"), ZoneOffset.UTC)));
        int gardenMark = world.gardenRequests.mark();

        world.requestDualStack();

        await().atMost(MigrationHarness.TIMEOUT).until(() -> world.shoot().getStatus().getLastOperation() != null
                && "waiting for the maintenance window 22:00-23:00 +01:00".equals(world.shoot().getStatus().getLastOperation().getDescription()));
        assertThat(world.record()).isNull();
        assertThat(world.gardenRequests.writesSince(gardenMark, RequestLog.byOperator()))
                .as("no extension is triggered outside the window").noneMatch(w -> w.path().contains("extensions.gardener.cloud"));

        world.annotate(ExtensionKind.OPERATION_ANNOTATION, "reconcile");

        world.awaitStep("Nodes");
        assertThat(world.record().getWindowLiftedAt()).isEqualTo("2026-11-27T10:00:00Z");
        assertThat(MigrationHarness.annotationsOf(world.shoot())).doesNotContainKey(ExtensionKind.OPERATION_ANNOTATION);
    }

    @Test
    void hibernatedShoot_pauses_andResumesWhenWoken() {
        world.edit(shoot -> {
            Hibernation hibernation = new Hibernation();
            hibernation.setEnabled(true);
            shoot.getSpec().setHibernation(hibernation);
            return shoot;
        });
        world.startOperator();
        world.requestDualStack();

        await().atMost(MigrationHarness.TIMEOUT).until(() -> world.shoot().getStatus().getLastOperation() != null
                && "dual-stack migration paused: the Shoot is hibernated".equals(world.shoot().getStatus().getLastOperation().getDescription()));
        assertThat(world.record()).isNull();

        world.edit(shoot -> {
            shoot.getSpec().getHibernation().setEnabled(false);
            return shoot;
        });
        world.awaitStep("Nodes");
    }

    private void confineTo(String begin, String end) {
        world.edit(shoot -> {
            Maintenance maintenance = shoot.getSpec().getMaintenance() == null ? new Maintenance() : shoot.getSpec().getMaintenance();
            TimeWindow window = new TimeWindow();
            window.setBegin(begin);
            window.setEnd(end);
            maintenance.setTimeWindow(window);
            maintenance.setConfineSpecUpdateRollout(true);
            shoot.getSpec().setMaintenance(maintenance);
            return shoot;
        });
    }

    private List<Node> nodesOf(String pool) {
        Map<String, List<Node>> byPool = world.shootClient().nodes().list().getItems().stream()
                .collect(Collectors.groupingBy(n -> n.getMetadata().getLabels().getOrDefault("worker.gardener.cloud/pool", "")));
        return byPool.getOrDefault(pool, List.of());
    }
}
