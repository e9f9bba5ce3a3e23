package io.github.shootdualstack.migration;

import io.github.shootdualstack.migration.Action.RestartCoreDns;
import io.github.shootdualstack.migration.Action.Trigger;
import io.github.shootdualstack.migration.Decision.Event;
import io.github.shootdualstack.shoot.Condition;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static io.github.shootdualstack.migration.Conditions.DNS_TYPE;
import static io.github.shootdualstack.migration.Conditions.NODES_TYPE;
import static io.github.shootdualstack.migration.MigrationAssertions.assertThat;
import static io.github.shootdualstack.migration.World.DUAL;

/**
 * Step 5: Network.spec is set to [IPv4, IPv6] and the ControlPlane triggered (at 10:03:00); done when
 * the Network runs both families and the control plane succeeded after that trigger.
 */
class NetworkStepTest {

    static final String WAITING_NETWORK = "Step 5/7 Network: waiting for Network shoot--dev--prod/prod to run [IPv4, IPv6]";
    static final String WAITING_CONTROL_PLANE = "Step 5/7 Network: waiting for ControlPlane shoot--dev--prod/prod to finish its reconcile";
    static final Instant TRIGGERED = Instant.parse("2024-05-06T10:03:00Z");

    @Test
    void networkSpecSet_nextReconcile_writesNothingWhileTheCniWorks() {
        World world = World.ipv4Shoot().walkTo(Step.NETWORK);
        world.later(30).network.processes();

        assertThat(world.networkSpecFamilies).isEqualTo(DUAL);
        assertThat(world.decide()).isAt(Step.NETWORK).changesNothingOn(world.shoot).isProcessing(60, WAITING_NETWORK)
                .hasConstraint(NODES_TYPE, Condition.TRUE, "NodesMigrated");
    }

    @Test
    void controlPlaneDoneButNetworkStillRunsIpv4_waitsForTheNetwork() {
        World world = World.ipv4Shoot().walkTo(Step.NETWORK);
        world.later(30).network.succeeds();
        world.controlPlane.succeeds();

        assertThat(world.decide()).isAt(Step.NETWORK).hasNoActions().isProcessing(60, WAITING_NETWORK);
    }

    @Test
    void networkRunsDualStackButControlPlaneFinishedBeforeIt_isTriggeredOnceMore() {
        World world = World.ipv4Shoot().walkTo(Step.NETWORK);
        world.later(30).networkRunsDualStack().controlPlane.succeededAt(TRIGGERED.minusSeconds(1));

        assertThat(world.decide()).isAt(Step.NETWORK).hasActions(new Trigger(Extension.CONTROL_PLANE))
                .isProcessing(60, WAITING_CONTROL_PLANE);
    }

    @Test
    void networkRunsDualStackAndControlPlaneSucceededAfterTheTrigger_movesToCoreDnsRestart() {
        World world = World.ipv4Shoot().walkTo(Step.NETWORK);
        world.later(30).controlPlaneReconcilesAfterTheNetwork();

        Decision decision = world.decide();

        assertThat(decision).isAt(Step.CORE_DNS)
                .hasActions(new RestartCoreDns(DnsStepsTest.RESTART_VALUE))
                .hasNoConstraint(NODES_TYPE)
                .hasConstraint(DNS_TYPE, Condition.PROGRESSING, "DNSServiceMigration", "CoreDNS is restarted to get IPv4 and IPv6 addresses")
                .hasEvents(Event.normal("DualStackMigrationStep", "Step 6/7 CoreDNS started"))
                .isProcessing(75, "Step 6/7 CoreDNS: waiting for CoreDNS to restart: 0 of 2 CoreDNS pods have IPv4 and IPv6 addresses");
    }

    @Test
    void networkAlreadyRunsDualStack_onlyTheControlPlaneIsTriggered() {
        World world = World.ipv4Shoot().walkTo(Step.NODES);
        world.networkSpecFamilies = DUAL;
        world.later(30).allNodesMigrated().networkRunsDualStack();

        assertThat(world.decide()).isAt(Step.NETWORK).hasActions(new Trigger(Extension.CONTROL_PLANE));
    }

    @Test
    void familiesWrittenWithoutTheirTrigger_restartedOperator_triggersTheNetworkAtOnce_thenNotWhileItWorksNorOnceItSucceeded() {
        World world = World.ipv4Shoot().walkTo(Step.NODES);
        // what an operator stopped between the families and their trigger left: a generation nothing reconciles
        world.networkSpecFamilies = DUAL;
        world.network.specChanged();
        world.later(30).allNodesMigrated().memory = Migration.Memory.NONE;

        assertThat(world.reconcile()).isAt(Step.NETWORK).hasActions(new Trigger(Extension.NETWORK)).isProcessing(60, WAITING_NETWORK);
        assertThat(world.later(60).reconcile()).as("the trigger pending").hasNoActions();
        world.later(5).network.processes();
        assertThat(world.later(60).reconcile()).as("the CNI at work").hasNoActions();
        world.later(5).networkRunsDualStack();
        assertThat(world.reconcile()).as("succeeded for its generation: only the control plane follows")
                .hasActions(new Trigger(Extension.CONTROL_PLANE)).isProcessing(60, WAITING_CONTROL_PLANE);
    }

    @Test
    void triggerTakenAwayButNotAnswered_isGivenTheLongestBackoffToSayProcessing_thenTriggeredAgain_butNotOnceItSucceeded() {
        World world = World.ipv4Shoot().walkTo(Step.NETWORK);
        world.later(10).network.takesTheTrigger();

        assertThat(world.reconcile()).as("10s after the trigger: it may be about to say Processing").hasNoActions()
                .isProcessing(60, WAITING_NETWORK);
        world.later(20);
        assertThat(world.reconcile()).as("30s after the trigger: still within the longest back-off").hasNoActions();
        world.later(270);
        assertThat(world.reconcile()).as("5 min after the trigger").hasActions(new Trigger(Extension.NETWORK));
        assertThat(world.record().getSteps().get(3).getTriggeredAt()).isEqualTo("2024-05-06T10:08:00Z");

        world.later(30).network.succeeds();
        assertThat(world.later(3600).reconcile()).as("succeeded for its generation, though it still runs IPv4").hasNoActions()
                .isProcessing(60, WAITING_NETWORK);
    }

    @Test
    void networkFailed_isBlockedWithItsError_andRetriedAfterBackoff() {
        World world = World.ipv4Shoot().walkTo(Step.NETWORK);
        world.controlPlane.succeeds();
        world.later(10).network.fails("calico-node crashed");
        String blocked = "Step 5/7 Network: Network shoot--dev--prod/prod failed: calico-node crashed";

        assertThat(world.reconcile()).hasNoActions().isBlocked(60, blocked)
                .hasEvents(Event.warning("DualStackMigrationBlocked", blocked))
                .hasConstraint(NODES_TYPE, Condition.TRUE, "NodesMigrated");

        world.later(20);
        assertThat(world.reconcile()).hasActions(new Trigger(Extension.NETWORK)).hasNoEvents();
        assertThat(world.record().getSteps().get(3).getTriggeredAt()).isEqualTo("2024-05-06T10:03:30Z");
    }

    @Test
    void networkAtWorkOnItsRetry_staysBlockedWithItsError() {
        World world = World.ipv4Shoot().walkTo(Step.NETWORK);
        world.later(5).controlPlane.succeeds();
        world.later(5).network.fails("calico-node crashed");
        world.reconcile();
        world.later(20).reconcile();
        world.later(5).network.processes();

        assertThat(world.reconcile()).changesNothingOn(world.shoot)
                .isBlocked(60, "Step 5/7 Network: Network shoot--dev--prod/prod failed: calico-node crashed");
    }

    @Test
    void networkRecoversAfterItsRetry_stepIsDoneOnceTheControlPlaneReconciledAgain() {
        World world = World.ipv4Shoot().walkTo(Step.NETWORK);
        world.later(5).controlPlane.succeeds();
        world.later(5).network.fails("calico-node crashed");
        world.reconcile();
        world.later(20).reconcile();
        world.later(30).networkRunsDualStack();

        assertThat(world.reconcile()).isAt(Step.NETWORK).hasActions(new Trigger(Extension.CONTROL_PLANE))
                .isProcessing(60, WAITING_CONTROL_PLANE);
        assertThat(world.controlPlane.triggerPending()).as("the control plane reconcile the step waits for was asked for").isTrue();

        world.later(30).controlPlane.succeeds();
        assertThat(world.reconcile()).isAt(Step.CORE_DNS).hasActions(new RestartCoreDns(DnsStepsTest.RESTART_VALUE));
    }

    @Test
    void controlPlaneFailedInThisStep_isBlocked_andOnlyTheControlPlaneIsRetriggered() {
        World world = World.ipv4Shoot().walkTo(Step.NETWORK);
        world.later(10).networkRunsDualStack().controlPlane.fails("kube-apiserver rollout failed");

        assertThat(world.reconcile()).hasNoActions()
                .isBlocked(60, "Step 5/7 Network: ControlPlane shoot--dev--prod/prod failed: kube-apiserver rollout failed");
        world.later(30);
        assertThat(world.reconcile()).hasActions(new Trigger(Extension.CONTROL_PLANE));
    }

    @Test
    void networkMissing_isBlockedNamingIt_withoutAction() {
        World world = World.ipv4Shoot().walkTo(Step.NODES);
        world.later(30).allNodesMigrated().network.removed();

        assertThat(world.decide()).isAt(Step.NETWORK).hasNoActions()
                .isBlocked(60, "Step 5/7 Network: Network shoot--dev--prod/prod not found");
    }
}
