package io.github.shootdualstack.migration;

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
    void controlPlaneReportsAnOlderReconcileAfterTheTrigger_isWaitedFor_andTriggeredAgainOnlyAfterTheLongestBackoff() {
        World world = World.ipv4Shoot().walkTo(Step.CONTROL_PLANE);
        world.later(30).controlPlane.succeededAt(TRIGGERED.minusSeconds(1));

        assertThat(world.decide()).as("the extension may have taken the trigger and not yet said Processing")
                .isAt(Step.CONTROL_PLANE).hasNoActions().isProcessing(25, WAITING);
        world.later(world.settings.maxBackoff().toSeconds());
        assertThat(world.decide()).isAt(Step.CONTROL_PLANE).hasActions(new Trigger(Extension.CONTROL_PLANE));
    }

    @Test
    void theControlPlanesTimeIsComparedWithTheInfrastructures_notWithTheOperatorsClock() {
        World world = World.ipv4Shoot().walkTo(Step.CONTROL_PLANE);
        // ten minutes later by the operator's clock, the ControlPlane reports the Infrastructure's second
        world.later(600).controlPlane.succeededAt(TRIGGERED);

        assertThat(world.decide()).isAt(Step.NODES);
    }

    @Test
    void infrastructureReconciledAgainMeanwhile_theControlPlaneNeedNotFollowIt() {
        World world = World.ipv4Shoot().walkTo(Step.CONTROL_PLANE);
        world.later(30).infrastructure.succeeds();
        world.controlPlane.succeededAt(TRIGGERED.plusSeconds(10));

        assertThat(world.decide()).isAt(Step.NODES);
    }

    @Test
    void restartedOperator_aControlPlaneNotBeforeTheInfrastructure_isDone_andOneBefore_isTriggered() {
        World world = World.ipv4Shoot().walkTo(Step.CONTROL_PLANE);
        world.later(30).controlPlane.succeededAt(TRIGGERED);
        world.memory = Migration.Memory.NONE;
        assertThat(world.decide()).isAt(Step.NODES);

        world.controlPlane.succeededAt(TRIGGERED.minusSeconds(1));
        assertThat(world.decide()).isAt(Step.CONTROL_PLANE).hasActions(new Trigger(Extension.CONTROL_PLANE));
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
    void controlPlaneBehindItsGeneration_isTriggeredAfterTheLongestBackoff_thenWaitedFor_andDoneOnceItCaughtUp() {
        World world = World.ipv4Shoot().walkTo(Step.CONTROL_PLANE);
        // a new generation written without a trigger: nothing would reconcile it
        world.later(10).controlPlane.succeeds().specChanged();

        assertThat(world.reconcile()).as("10s after the trigger").isAt(Step.CONTROL_PLANE).hasNoActions().isProcessing(25, WAITING);
        world.later(20);
        assertThat(world.reconcile()).as("30s after the trigger: still within the longest back-off").hasNoActions();
        world.later(270);
        assertThat(world.reconcile()).as("5 min after the trigger").hasActions(new Trigger(Extension.CONTROL_PLANE));
        assertThat(world.later(600).reconcile()).as("the trigger pending").hasNoActions();
        world.later(5).controlPlane.succeeds();
        assertThat(world.reconcile()).isAt(Step.NODES).hasNoActions();
    }

    @Test
    void restartedOperator_aControlPlaneBehindItsGeneration_isTriggeredAtOnce() {
        World world = World.ipv4Shoot().walkTo(Step.CONTROL_PLANE);
        world.later(10).controlPlane.succeeds().specChanged();
        world.memory = Migration.Memory.NONE;

        assertThat(world.decide()).isAt(Step.CONTROL_PLANE).hasActions(new Trigger(Extension.CONTROL_PLANE));
    }

    @Test
    void controlPlaneFailed_isBlockedWithItsError_andRetriggeredAfterBackoff() {
        World world = World.ipv4Shoot().walkTo(Step.CONTROL_PLANE);
        world.later(10).controlPlane.fails("etcd is unavailable");
        String blocked = "Step 3/7 ControlPlane: ControlPlane shoot--dev--prod/prod failed: etcd is unavailable";

        assertThat(world.reconcile()).hasNoActions().isBlocked(25, blocked)
                .hasEvents(Event.warning("DualStackMigrationBlocked", blocked));

        world.later(20);
        assertThat(world.reconcile()).hasActions(new Trigger(Extension.CONTROL_PLANE)).hasNoEvents();
        assertThat(world.record().getSteps().get(1).getTriggeredAt()).isEqualTo("2024-05-06T10:01:30Z");

        world.later(30).controlPlane.succeeds();
        assertThat(world.decide()).as("reconciled after the Infrastructure, by the extensions' clocks").isAt(Step.NODES);
    }

    @Test
    void controlPlaneFailed_itsRetrySucceeds_isDone_withoutATriggerMore() {
        World world = World.ipv4Shoot().walkTo(Step.CONTROL_PLANE);
        world.later(10).controlPlane.fails("etcd is unavailable");
        world.memory = Migration.Memory.NONE; // restarted: the retry is due at once

        assertThat(world.reconcile()).isAt(Step.CONTROL_PLANE).hasActions(new Trigger(Extension.CONTROL_PLANE));
        world.later(10).controlPlane.succeeds();

        assertThat(world.reconcile()).as("the retry was the reconcile after the Infrastructure").isAt(Step.NODES).hasNoActions();
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
