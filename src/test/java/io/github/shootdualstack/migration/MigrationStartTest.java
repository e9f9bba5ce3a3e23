package io.github.shootdualstack.migration;

import io.github.shootdualstack.migration.Action.SyncCluster;
import io.github.shootdualstack.migration.Action.Trigger;
import io.github.shootdualstack.migration.Decision.Event;
import io.github.shootdualstack.shoot.Condition;
import io.github.shootdualstack.shoot.MigrationRecord;
import io.github.shootdualstack.shoot.MigrationRecord.StepRecord;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static io.github.shootdualstack.migration.Conditions.NODES_TYPE;
import static io.github.shootdualstack.migration.MigrationAssertions.assertThat;
import static io.github.shootdualstack.migration.MigrationAssertions.tuple;
import static io.github.shootdualstack.migration.World.DUAL;
import static io.github.shootdualstack.migration.World.IPV4;

/** Step 1: a valid spec edit starts the migration; everything else leaves the Shoot alone. */
class MigrationStartTest {

    static final String INFRA_WAITING =
            "Step 2/7 Infrastructure: waiting for Infrastructure shoot--dev--prod/prod to allocate IPv6 ranges";
    static final String STARTED =
            "migration of spec.networking.ipFamilies from [IPv4] to [IPv4, IPv6] started; Step 2/7 Infrastructure started";

    @Test
    void ipv4ToDualStack_startsMigration_syncsStaleClusterThenTriggersInfrastructure() {
        World world = World.ipv4Shoot().requestDualStack();

        Decision decision = world.decide();

        assertThat(decision).isAt(Step.INFRASTRUCTURE)
                .hasActions(new SyncCluster("shoot--dev--prod", World.DUAL), new Trigger(Extension.INFRASTRUCTURE))
                .hasConstraint(NODES_TYPE, Condition.PROGRESSING, "NodesNotMigrated",
                        "the infrastructure and the control plane are being prepared for IPv4 and IPv6")
                .hasNoConstraint(Conditions.DNS_TYPE)
                .isProcessing(10, INFRA_WAITING)
                .hasEvents(Event.normal("DualStackMigrationStarted", STARTED))
                .rechecksAfter(Duration.ofSeconds(30));
        MigrationRecord record = decision.status().getDualStackMigration();
        assertThat(record.getFromIPFamilies()).isEqualTo(IPV4);
        assertThat(record.getToIPFamilies()).isEqualTo(DUAL);
        assertThat(record.getStartedAt()).isEqualTo("2024-05-06T10:00:00Z");
        assertThat(record.getStep()).isEqualTo("Infrastructure");
        assertThat(record.getCompletedAt()).isNull();
        assertThat(record.getWindowLiftedAt()).isNull();
        assertThat(record.getSteps()).extracting(StepRecord::getName, StepRecord::getStartedAt, StepRecord::getTriggeredAt,
                StepRecord::getCompletedAt).containsExactly(tuple("Infrastructure", "2024-05-06T10:00:00Z", "2024-05-06T10:00:00Z", null));
        assertThat(decision.status().getLastOperation().getLastUpdateTime()).isEqualTo("2024-05-06T10:00:00Z");
    }

    @Test
    void migrationStart_keepsEveryStatusFieldItDoesNotOwn() {
        World world = World.ipv4Shoot().requestDualStack();

        Decision decision = world.decide();

        assertThat(World.json(decision.status().getConditions())).isEqualTo(World.json(world.status().getConditions()));
        assertThat(decision.status().getObservedGeneration()).isEqualTo(3L);
        assertThat(decision.status().getTechnicalID()).isEqualTo("shoot--dev--prod");
        assertThat(decision.status().additionalProperties()).containsEntry("hibernated", false);
    }

    @Test
    void clusterCopyAlreadyDualStack_triggersInfrastructureOnly() {
        World world = World.ipv4Shoot().requestDualStack();
        world.clusterFamilies = DUAL;

        assertThat(world.decide()).hasActions(new Trigger(Extension.INFRASTRUCTURE));
    }

    @Test
    void noClusterResource_triggersInfrastructureOnly() {
        World world = World.ipv4Shoot().requestDualStack();
        world.clusterName = null;
        world.clusterFamilies = null;

        assertThat(world.decide()).hasActions(new Trigger(Extension.INFRASTRUCTURE));
    }

    @Test
    void validIdleIpv4Shoot_changesNothing() {
        World world = World.ipv4Shoot();

        Decision decision = world.decide();

        assertThat(decision).changesNothingOn(world.shoot).isAt(null).rechecksAfter(null);
        assertThat(decision.needsShoot()).isFalse();
    }

    @Test
    void shootCreatedDualStack_isIdle_andChangesNothing() {
        World world = World.ipv4Shoot().requestDualStack();
        world.networkSpecFamilies = DUAL;
        world.networkStatusFamilies = DUAL;

        assertThat(world.decide()).changesNothingOn(world.shoot).isAt(null);
    }

    @Test
    void migrationStarted_nextReconcileBeforeTheInfrastructureMoved_writesNothing() {
        World world = World.ipv4Shoot().requestDualStack();
        world.reconcile();
        world.later(5);

        assertThat(world.decide()).changesNothingOn(world.shoot).isAt(Step.INFRASTRUCTURE);
    }

    @Test
    void moreThan50NodesAtStart_warnsAboutTheRouteQuota() {
        World world = World.ipv4Shoot().requestDualStack().pool("pool-a", 30).pool("pool-b", 21);
        String warning = "the Shoot has 51 nodes: native routing adds one route per node, so the infrastructure's"
                + " route quota may need raising";

        Decision decision = world.decide();

        assertThat(decision)
                .hasEvents(Event.normal("DualStackMigrationStarted", STARTED), Event.warning("NativeRoutingRouteQuota", warning))
                .isProcessing(10, INFRA_WAITING + " (note: " + warning + ")");
    }

    @Test
    void exactly50NodesAtStart_noWarning() {
        World world = World.ipv4Shoot().requestDualStack().pool("pool-a", 25).pool("pool-b", 25);

        assertThat(world.decide()).hasEvents(Event.normal("DualStackMigrationStarted", STARTED)).isProcessing(10, INFRA_WAITING);
    }

    @Test
    void hibernatedShoot_migrationPausesAndSaysSo() {
        World world = World.ipv4Shoot().requestDualStack().hibernated(true);

        Decision decision = world.decide();

        assertThat(decision).hasNoActions().hasNoEvents().rechecksAfter(null)
                .isProcessing(0, "dual-stack migration paused: the Shoot is hibernated");
        assertThat(decision.status().getDualStackMigration()).isNull();
        assertThat(decision.status().getConstraints()).isNull();
    }

    @Test
    void hibernatedMidMigration_pauses_thenWakingUpMovesOn() {
        World world = World.ipv4Shoot().walkTo(Step.CONTROL_PLANE);
        world.later(60).hibernated(true).controlPlane.succeeds();

        Decision paused = world.reconcile();

        assertThat(paused).isAt(Step.CONTROL_PLANE).hasNoActions().hasNoEvents()
                .hasConstraint(NODES_TYPE, Condition.PROGRESSING, "NodesNotMigrated")
                .isProcessing(25, "dual-stack migration paused: the Shoot is hibernated");

        world.later(60).hibernated(false);

        assertThat(world.reconcile()).isAt(Step.NODES).hasEvents(Event.normal("DualStackMigrationStep", "Step 4/7 Nodes started"));
    }

    @Test
    void shootBeingDeleted_nothingHappens() {
        World world = World.ipv4Shoot().requestDualStack().deleted();

        assertThat(world.decide()).changesNothingOn(world.shoot).isAt(null).rechecksAfter(null);
    }

    @Test
    void shootBeingDeletedMidMigration_nothingHappens() {
        World world = World.ipv4Shoot().walkTo(Step.INFRASTRUCTURE);
        world.later(60).infrastructureAllocatesIpv6().deleted();

        assertThat(world.decide()).changesNothingOn(world.shoot).isAt(null);
        assertThat(world.record().getStep()).isEqualTo("Infrastructure");
    }
}
