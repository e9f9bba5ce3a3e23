package io.github.shootdualstack.migration;

import io.github.shootdualstack.migration.Action.Trigger;
import io.github.shootdualstack.migration.Decision.Event;
import io.github.shootdualstack.shoot.Condition;
import io.github.shootdualstack.shoot.MigrationRecord.StepRecord;
import io.github.shootdualstack.shoot.StatusNetworking;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static io.github.shootdualstack.migration.Conditions.NODES_TYPE;
import static io.github.shootdualstack.migration.MigrationAssertions.assertThat;
import static io.github.shootdualstack.migration.MigrationAssertions.tuple;

/** Step 2: the Infrastructure is reconciled until it reports an IPv6 node range. */
class InfrastructureStepTest {

    static final String WAITING = "Step 2/7 Infrastructure: waiting for Infrastructure shoot--dev--prod/prod to allocate IPv6 ranges";
    static final Trigger TRIGGER = new Trigger(Extension.INFRASTRUCTURE);

    @Test
    void infrastructureProcessing_keepsWaiting_withoutAnotherTrigger() {
        World world = World.ipv4Shoot().walkTo(Step.INFRASTRUCTURE);
        world.later(30).infrastructure.processes();

        assertThat(world.decide()).isAt(Step.INFRASTRUCTURE).changesNothingOn(world.shoot)
                .isProcessing(10, WAITING).rechecksAfter(Duration.ofSeconds(30));
    }

    @Test
    void restartedWhileTheInfrastructureIsAtWork_waitsForIt_withoutAnotherTrigger_thenTriggersTheControlPlane() {
        World world = World.ipv4Shoot().walkTo(Step.INFRASTRUCTURE);
        world.later(5).infrastructure.processes();
        world.memory = Migration.Memory.NONE;

        assertThat(world.reconcile()).isAt(Step.INFRASTRUCTURE).hasNoActions().isProcessing(10, WAITING);
        assertThat(world.later(10).reconcile()).as("still at work: still no trigger").isAt(Step.INFRASTRUCTURE).hasNoActions();

        // the control plane reconciled in the very second the Infrastructure ended: it may have run before it
        world.later(30).infrastructureAllocatesIpv6();
        world.controlPlane.succeededAt(world.now);
        assertThat(world.decide()).isAt(Step.CONTROL_PLANE).hasActions(new Action.Trigger(Extension.CONTROL_PLANE));
    }

    @Test
    void restartedWithTheInfrastructureIdleWithoutIpv6_triggersItOnce() {
        World world = World.ipv4Shoot().walkTo(Step.INFRASTRUCTURE);
        world.later(30).infrastructure.succeeds(); // a reconcile that ended without IPv6 ranges
        world.memory = Migration.Memory.NONE;

        assertThat(world.decide()).isAt(Step.INFRASTRUCTURE).hasActions(TRIGGER);
    }

    @Test
    void restartedWithTheInfrastructureMerelyBehindItsGeneration_triggersIt_forExtensionsReconcileOnTheTrigger() {
        World world = World.ipv4Shoot().walkTo(Step.INFRASTRUCTURE);
        world.later(30).infrastructure.succeeds().specChanged(); // a new generation, no trigger: nothing would reconcile it
        world.memory = Migration.Memory.NONE;

        assertThat(world.decide()).isAt(Step.INFRASTRUCTURE).hasActions(TRIGGER);
    }

    @Test
    void behindItsGenerationAfterItsTrigger_isTriggeredAgainAfterTheLongestBackoff_andDoneOnceItAllocatesIpv6() {
        World world = World.ipv4Shoot().walkTo(Step.INFRASTRUCTURE);
        world.later(10).infrastructure.succeeds().specChanged(); // a new generation, no trigger: nothing would reconcile it

        assertThat(world.reconcile()).as("10s after the trigger").isAt(Step.INFRASTRUCTURE).hasNoActions().isProcessing(10, WAITING);
        world.later(20);
        assertThat(world.reconcile()).as("30s after the trigger: still within the longest back-off").hasNoActions();
        world.later(270);
        assertThat(world.reconcile()).as("5 min after the trigger").hasActions(TRIGGER).isProcessing(10, WAITING);
        assertThat(world.later(600).reconcile()).as("the trigger pending").hasNoActions();
        world.later(5).infrastructureAllocatesIpv6();
        assertThat(world.reconcile()).isAt(Step.CONTROL_PLANE);
    }

    @Test
    void retryEndsBehindANewGeneration_isTriggeredAgainAfterTheBackoff_itsProblemStanding() {
        World world = World.ipv4Shoot().walkTo(Step.INFRASTRUCTURE);
        world.later(10).infrastructure.fails("quota exceeded for routes");
        String blocked = "Step 2/7 Infrastructure: Infrastructure shoot--dev--prod/prod failed: quota exceeded for routes";
        world.reconcile();
        world.later(20).reconcile();
        world.later(5).infrastructure.processes();
        world.reconcile();
        // the retry ended, and meanwhile its spec changed without a trigger
        world.later(5).infrastructure.succeeds().specChanged();

        assertThat(world.reconcile()).as("within the back-off").hasNoActions().hasNoEvents().isBlocked(10, blocked);
        world.later(300);
        assertThat(world.reconcile()).as("after the longest back-off").hasActions(TRIGGER).hasNoEvents().isBlocked(10, blocked);
    }

    @Test
    void restartedWhileTheInfrastructureIsAtWork_aReconcileThatEndsWithoutIpv6_isTriggeredThen() {
        World world = World.ipv4Shoot().walkTo(Step.INFRASTRUCTURE);
        world.later(5).infrastructure.processes();
        world.memory = Migration.Memory.NONE;
        assertThat(world.reconcile()).isAt(Step.INFRASTRUCTURE).hasNoActions();

        world.later(30).infrastructure.succeeds();
        assertThat(world.decide()).isAt(Step.INFRASTRUCTURE).hasActions(TRIGGER);
    }

    @Test
    void ipv6NodeRangeAllocated_infrastructureDone_copiesNetworking_andTriggersControlPlane() {
        World world = World.ipv4Shoot().walkTo(Step.INFRASTRUCTURE);
        world.later(60).infrastructureAllocatesIpv6();

        Decision decision = world.decide();

        assertThat(decision).isAt(Step.CONTROL_PLANE)
                .hasActions(new Trigger(Extension.CONTROL_PLANE))
                .hasEvents(Event.normal("DualStackMigrationStep", "Step 3/7 ControlPlane started"))
                .hasConstraint(NODES_TYPE, Condition.PROGRESSING, "NodesNotMigrated")
                .isProcessing(25, "Step 3/7 ControlPlane: waiting for ControlPlane shoot--dev--prod/prod to finish its reconcile");
        StatusNetworking networking = decision.status().getNetworking();
        assertThat(networking.getNodes()).containsExactly("10.250.0.0/16", "fd00:250::/64");
        assertThat(networking.getPods()).containsExactly("100.96.0.0/11", "fd00:96::/56");
        assertThat(networking.getServices()).containsExactly("100.64.0.0/13", "fd00:10:96::/112");
        assertThat(decision.status().getDualStackMigration().getSteps())
                .extracting(StepRecord::getName, StepRecord::getStartedAt, StepRecord::getTriggeredAt, StepRecord::getCompletedAt)
                .containsExactly(
                        tuple("Infrastructure", "2024-05-06T10:00:00Z", "2024-05-06T10:00:00Z", "2024-05-06T10:01:00Z"),
                        tuple("ControlPlane", "2024-05-06T10:01:00Z", "2024-05-06T10:01:00Z", null));
        assertThat(decision.status().getDualStackMigration().getStep()).isEqualTo("ControlPlane");
    }

    @Test
    void infrastructureAlreadyDualStackButClusterCopyStale_syncsTheClusterBeforeMovingOn() {
        World world = World.ipv4Shoot().walkTo(Step.INFRASTRUCTURE);
        world.later(60).infrastructureAllocatesIpv6();
        world.clusterFamilies = World.IPV4;

        assertThat(world.decide()).isAt(Step.INFRASTRUCTURE)
                .hasActions(new io.github.shootdualstack.migration.Action.SyncCluster(World.TECHNICAL_NAMESPACE, World.DUAL))
                .isProcessing(10, "Step 2/7 Infrastructure: syncing Cluster " + World.TECHNICAL_NAMESPACE);
    }

    @Test
    void ipv6RangeReportedButTriggerStillPending_notDoneYet() {
        World world = World.ipv4Shoot().walkTo(Step.INFRASTRUCTURE);
        world.later(60).infrastructureAllocatesIpv6().infrastructure.triggered();

        assertThat(world.decide()).isAt(Step.INFRASTRUCTURE).hasNoActions().isProcessing(10, WAITING);
    }

    @Test
    void succeededAfterTheTriggerWithoutIpv6Range_isBlocked_andRetriggeredAfterBackoff() {
        World world = World.ipv4Shoot().walkTo(Step.INFRASTRUCTURE);
        world.later(20).infrastructure.succeeds();
        String blocked = "Step 2/7 Infrastructure: Infrastructure shoot--dev--prod/prod succeeded but reports no IPv6 range"
                + " in status.networking.nodes";

        Decision first = world.reconcile();

        assertThat(first).isAt(Step.INFRASTRUCTURE).hasNoActions().isBlocked(10, blocked)
                .hasEvents(Event.warning("DualStackMigrationBlocked", blocked)).rechecksAfter(Duration.ofSeconds(30));

        world.later(10);
        assertThat(world.reconcile()).hasActions(TRIGGER).hasNoEvents().isBlocked(10, blocked);
        assertThat(world.record().getSteps().get(0).getTriggeredAt()).isEqualTo("2024-05-06T10:00:30Z");
    }

    @Test
    void succeededWithoutIpv6RangeByAClockMinutesBehindTheOperators_isBlocked() {
        World world = World.ipv4Shoot().walkTo(Step.INFRASTRUCTURE);
        world.later(20);
        // the extension's clock says 5 minutes before the operator triggered it: it reconciled after the trigger all the same
        world.infrastructure.succeededAt(world.now.minus(Duration.ofMinutes(5)));

        assertThat(world.reconcile()).isAt(Step.INFRASTRUCTURE).isBlocked(10, "Step 2/7 Infrastructure: Infrastructure"
                + " shoot--dev--prod/prod succeeded but reports no IPv6 range in status.networking.nodes");
    }

    @Test
    void infrastructureInError_isBlockedWithItsLastError_retriggeredOnlyAfterBackoffAndOnlyWithoutPendingTrigger() {
        World world = World.ipv4Shoot().walkTo(Step.INFRASTRUCTURE);
        world.later(10).infrastructure.fails("quota exceeded for routes");
        String blocked = "Step 2/7 Infrastructure: Infrastructure shoot--dev--prod/prod failed: quota exceeded for routes";

        assertThat(world.reconcile()).hasNoActions().isBlocked(10, blocked)
                .hasEvents(Event.warning("DualStackMigrationBlocked", blocked))
                .hasConstraint(NODES_TYPE, Condition.PROGRESSING, "NodesNotMigrated");

        world.later(19);
        assertThat(world.reconcile()).as("29s after the trigger").hasNoActions().hasNoEvents();

        world.later(1);
        assertThat(world.reconcile()).as("30s after the trigger").hasActions(TRIGGER).hasNoEvents().isBlocked(10, blocked);

        world.later(400);
        assertThat(world.reconcile()).as("the new trigger is still pending, long after the back-off").hasNoActions();
    }

    @Test
    void infrastructureKeepsFailing_nextTriggerWaitsForTheMaximumBackoff() {
        World world = World.ipv4Shoot().walkTo(Step.INFRASTRUCTURE);
        world.later(10).infrastructure.fails("quota exceeded for routes");
        world.reconcile();
        world.later(20).reconcile();
        world.later(10).infrastructure.fails("quota exceeded for routes");

        assertThat(world.reconcile()).as("right after the second failure").hasNoActions().rechecksAfter(Duration.ofSeconds(30));
        world.later(289);
        assertThat(world.reconcile()).as("299s after the retrigger").hasNoActions().rechecksAfter(Duration.ofMinutes(5));
        world.later(1);
        assertThat(world.reconcile()).as("300s after the retrigger").hasActions(TRIGGER);
    }

    @Test
    void infrastructureAtWorkOnItsRetry_staysBlockedWithTheSameError_soTheBackoffGrowsWithItsAge() {
        World world = World.ipv4Shoot().walkTo(Step.INFRASTRUCTURE);
        world.later(10).infrastructure.fails("quota exceeded for routes");
        String blocked = "Step 2/7 Infrastructure: Infrastructure shoot--dev--prod/prod failed: quota exceeded for routes";
        world.reconcile();
        world.later(20).reconcile();
        world.later(5).infrastructure.processes();

        assertThat(world.reconcile()).as("the retry at work").isAt(Step.INFRASTRUCTURE).changesNothingOn(world.shoot)
                .isBlocked(10, blocked).rechecksAfter(Duration.ofSeconds(30));

        world.later(10).infrastructure.fails("quota exceeded for routes");
        assertThat(world.reconcile()).as("failed again, 35s after the error began").hasNoActions().hasNoEvents()
                .isBlocked(10, blocked).rechecksAfter(Duration.ofSeconds(35));
    }

    @Test
    void infrastructureWithoutIpv6AtWorkOnItsRetry_staysBlockedWithTheSameError() {
        World world = World.ipv4Shoot().walkTo(Step.INFRASTRUCTURE);
        world.later(20).infrastructure.succeeds();
        String blocked = "Step 2/7 Infrastructure: Infrastructure shoot--dev--prod/prod succeeded but reports no IPv6 range"
                + " in status.networking.nodes";
        world.reconcile();
        world.later(10).reconcile();
        world.later(5).infrastructure.processes();

        assertThat(world.reconcile()).as("the retry at work").changesNothingOn(world.shoot).isBlocked(10, blocked);
        world.later(5).infrastructure.succeeds();
        assertThat(world.reconcile()).as("again without IPv6").hasNoActions().hasNoEvents().isBlocked(10, blocked);
        world.later(5).infrastructureAllocatesIpv6();
        assertThat(world.reconcile()).isAt(Step.CONTROL_PLANE);
    }

    @Test
    void infrastructureMissing_isBlockedNamingIt_withoutAction() {
        World world = World.ipv4Shoot().requestDualStack();
        world.infrastructure.removed();
        String blocked = "Step 2/7 Infrastructure: Infrastructure shoot--dev--prod/prod not found";

        Decision decision = world.reconcile();

        assertThat(decision).isAt(Step.INFRASTRUCTURE).hasNoActions().isBlocked(10, blocked)
                .hasConstraint(NODES_TYPE, Condition.PROGRESSING, "NodesNotMigrated")
                .rechecksAfter(Duration.ofSeconds(30));
        assertThat(decision.events()).extracting(Event::reason).containsExactly("DualStackMigrationStarted", "DualStackMigrationBlocked");
        assertThat(world.record().getSteps().get(0).getTriggeredAt()).isNull();
    }

    @Test
    void stillBlockedOnTheSameProblem_noNewEvent_noNewLastOperation_recheckBacksOff() {
        World world = World.ipv4Shoot().requestDualStack();
        world.infrastructure.removed();
        world.reconcile();

        world.later(45);
        assertThat(world.decide()).changesNothingOn(world.shoot).rechecksAfter(Duration.ofSeconds(45));
        world.later(400);
        assertThat(world.decide()).changesNothingOn(world.shoot).rechecksAfter(Duration.ofMinutes(5));
    }

    @Test
    void malformedCidrInInfrastructureNetworking_isBlockedNamingObjectAndValue() {
        World world = World.ipv4Shoot().walkTo(Step.INFRASTRUCTURE);
        world.later(60).infrastructureAllocatesIpv6();
        world.infrastructureNetworking.put("services", List.of("100.64.0.0/13", "fd00:10:96::/129"));

        assertThat(world.decide()).isAt(Step.INFRASTRUCTURE).hasNoActions().isBlocked(10,
                "Step 2/7 Infrastructure: Infrastructure shoot--dev--prod/prod status.networking.services"
                        + " has a malformed entry \"fd00:10:96::/129\"");
    }
}
