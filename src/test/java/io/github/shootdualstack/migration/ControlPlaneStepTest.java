package io.github.shootdualstack.migration;

import io.github.shootdualstack.garden.ExtensionKind;
import io.github.shootdualstack.migration.Action.Trigger;
import io.github.shootdualstack.migration.Decision.Event;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static io.github.shootdualstack.migration.MigrationAssertions.assertThat;

/**
 * Step 3: the ControlPlane is triggered (10:01:00, when the Infrastructure allocated IPv6) and must
 * then succeed not before the Infrastructure did, by the extensions' own clocks.
 */
class ControlPlaneStepTest {

    static final String WAITING = "Step 3/7 ControlPlane: waiting for ControlPlane shoot--dev--prod/prod to finish its reconcile";
    static final Instant TRIGGERED = Instant.parse("2024-05-06T10:01:00Z");

    @Test
    void controlPlaneFinishedBeforeTheInfrastructure_isTriggeredOnceMore() {
        World world = World.ipv4Shoot().walkTo(Step.CONTROL_PLANE);
        world.later(30).controlPlane.succeededAt(TRIGGERED.minusSeconds(1));

        assertThat(world.decide()).isAt(Step.CONTROL_PLANE).hasActions(new Trigger(ExtensionKind.CONTROL_PLANE))
                .isProcessing(25, WAITING);
    }

    @Test
    void extensionsClockMinutesBehindTheOperators_theControlPlaneAfterTheInfrastructureIsDone() {
        World world = World.ipv4Shoot().walkTo(Step.CONTROL_PLANE);
        Instant extensionsNow = TRIGGERED.minusSeconds(300);
        world.infrastructure.succeededAt(extensionsNow);
        world.later(30).controlPlane.succeededAt(extensionsNow.plusSeconds(20));

        assertThat(world.decide()).isAt(Step.NODES);
    }

    @Test
    void extensionsClockMinutesAheadOfTheOperators_aControlPlaneBeforeTheInfrastructureIsNotDone() {
        World world = World.ipv4Shoot().walkTo(Step.CONTROL_PLANE);
        Instant extensionsNow = TRIGGERED.plusSeconds(300);
        world.infrastructure.succeededAt(extensionsNow);
        world.later(30).controlPlane.succeededAt(extensionsNow.minusSeconds(20));

        assertThat(world.decide()).isAt(Step.CONTROL_PLANE).hasActions(new Trigger(ExtensionKind.CONTROL_PLANE));
    }

    @Test
    void controlPlaneSucceededAtTheTriggerSecond_isDone_andNodesAreLookedAt() {
        World world = World.ipv4Shoot().walkTo(Step.CONTROL_PLANE);
        world.later(30).controlPlane.succeededAt(TRIGGERED);

        Decision decision = world.decide();

        assertThat(decision).isAt(Step.NODES).hasNoActions()
                .hasEvents(Event.normal("DualStackMigrationStep", "Step 4/7 Nodes started"));
        assertThat(decision.status().getDualStackMigration().getSteps().get(1).getCompletedAt()).isEqualTo("2024-05-06T10:01:30Z");
    }

    @Test
    void controlPlaneSucceededButNotCaughtUpWithItsGeneration_keepsWaiting() {
        World world = World.ipv4Shoot().walkTo(Step.CONTROL_PLANE);
        world.later(30).controlPlane.succeeds().specChanged();

        assertThat(world.decide()).isAt(Step.CONTROL_PLANE).hasNoActions().isProcessing(25, WAITING);
    }

    @Test
    void controlPlaneFailed_isBlockedWithItsError_andRetriggeredAfterBackoff() {
        World world = World.ipv4Shoot().walkTo(Step.CONTROL_PLANE);
        world.later(10).controlPlane.fails("etcd is unavailable");
        String blocked = "Step 3/7 ControlPlane: ControlPlane shoot--dev--prod/prod failed: etcd is unavailable";

        assertThat(world.reconcile()).hasNoActions().isBlocked(25, blocked)
                .hasEvents(Event.warning("DualStackMigrationBlocked", blocked));

        world.later(20);
        assertThat(world.reconcile()).hasActions(new Trigger(ExtensionKind.CONTROL_PLANE)).hasNoEvents();
        assertThat(world.record().getSteps().get(1).getTriggeredAt()).isEqualTo("2024-05-06T10:01:30Z");

        world.later(30).controlPlane.succeededAt(TRIGGERED.plusSeconds(29));
        assertThat(world.decide()).as("succeeded before the retrigger").isAt(Step.CONTROL_PLANE).hasNoActions();
        world.controlPlane.succeeds();
        assertThat(world.decide()).isAt(Step.NODES);
    }

    @Test
    void controlPlaneFailedWithoutLastError_saysItFailed() {
        World world = World.ipv4Shoot().walkTo(Step.CONTROL_PLANE);
        world.later(10).controlPlane.fails(null);

        assertThat(world.decide()).isBlocked(25, "Step 3/7 ControlPlane: ControlPlane shoot--dev--prod/prod failed");
    }

    @Test
    void controlPlaneMissing_isBlockedNamingIt_withoutAction() {
        World world = World.ipv4Shoot().walkTo(Step.INFRASTRUCTURE);
        world.later(60).infrastructureAllocatesIpv6().controlPlane.removed();

        assertThat(world.decide()).isAt(Step.CONTROL_PLANE).hasNoActions()
                .isBlocked(25, "Step 3/7 ControlPlane: ControlPlane shoot--dev--prod/prod not found");
    }
}
