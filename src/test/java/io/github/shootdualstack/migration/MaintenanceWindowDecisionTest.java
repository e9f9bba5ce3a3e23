package io.github.shootdualstack.migration;

import io.github.shootdualstack.migration.Action.RemoveShootAnnotation;
import io.github.shootdualstack.migration.Action.SyncCluster;
import io.github.shootdualstack.migration.Action.Trigger;
import io.github.shootdualstack.migration.Decision.Event;
import io.github.shootdualstack.shoot.Condition;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static io.github.shootdualstack.migration.Conditions.NODES_TYPE;
import static io.github.shootdualstack.migration.MigrationAssertions.assertThat;

/**
 * With confineSpecUpdateRollout the migration starts and advances only inside the window
 * 22:00-23:00 +01:00 (21:00-22:00 UTC), or when {@code gardener.cloud/operation: reconcile} lifts it.
 * The world's clock starts at 10:00 UTC.
 */
class MaintenanceWindowDecisionTest {

    static final String WAITING = "waiting for the maintenance window 22:00-23:00 +01:00";

    static World confined() {
        return World.ipv4Shoot().confinedToWindow("220000+0100", "230000+0100").requestDualStack();
    }

    @Test
    void outsideTheWindow_nothingMoves_andTheRecheckIsWhenTheWindowBegins() {
        World world = confined();

        Decision decision = world.decide();

        assertThat(decision).hasNoActions().hasNoEvents().isProcessing(0, WAITING).rechecksAfter(Duration.ofHours(11));
        assertThat(decision.status().getDualStackMigration()).isNull();
        assertThat(decision.status().getConstraints()).isNull();
    }

    @Test
    void stillOutsideLater_writesNothing_andRechecksWhenTheWindowBegins() {
        World world = confined();
        world.reconcile();
        world.later(3 * 3600 + 1800);

        assertThat(world.decide()).changesNothingOn(world.shoot).rechecksAfter(Duration.ofMinutes(7 * 60 + 30));
    }

    @Test
    void insideTheWindow_migrationStarts() {
        World world = confined().at("2024-05-06T21:30:00Z");

        Decision decision = world.decide();

        assertThat(decision).isAt(Step.INFRASTRUCTURE)
                .hasActions(new SyncCluster("shoot--dev--prod", World.DUAL), new Trigger(Extension.INFRASTRUCTURE));
        assertThat(decision.status().getDualStackMigration().getWindowLiftedAt()).isNull();
    }

    @Test
    void windowBeginIsInside_windowEndIsOutside() {
        assertThat(confined().at("2024-05-06T21:00:00Z").decide()).isAt(Step.INFRASTRUCTURE).hasActions(
                new SyncCluster("shoot--dev--prod", World.DUAL), new Trigger(Extension.INFRASTRUCTURE));
        assertThat(confined().at("2024-05-06T22:00:00Z").decide()).hasNoActions().isProcessing(0, WAITING)
                .rechecksAfter(Duration.ofHours(23));
    }

    @Test
    void windowClosesMidMigration_pausesKeepingTheConstraint_andResumesInTheNextWindow() {
        World world = confined().at("2024-05-06T21:30:00Z");
        world.reconcile();
        world.at("2024-05-06T22:10:00Z").infrastructureAllocatesIpv6();

        Decision paused = world.reconcile();

        assertThat(paused).isAt(Step.INFRASTRUCTURE).hasNoActions().hasNoEvents()
                .isProcessing(10, WAITING).rechecksAfter(Duration.ofMinutes(22 * 60 + 50))
                .hasConstraint(NODES_TYPE, Condition.PROGRESSING, "NodesNotMigrated");

        world.at("2024-05-07T21:00:30Z");
        assertThat(world.reconcile()).isAt(Step.CONTROL_PLANE).hasActions(new Trigger(Extension.CONTROL_PLANE));
    }

    @Test
    void outsideTheWindowWithReconcileOperation_moves_removesTheAnnotation_andLiftsTheWindowForTheMigration() {
        World world = confined().operation("reconcile");

        Decision decision = world.reconcile();

        assertThat(decision).as("the operation removed last, once what it let through is written").isAt(Step.INFRASTRUCTURE)
                .hasActions(new SyncCluster("shoot--dev--prod", World.DUAL), new Trigger(Extension.INFRASTRUCTURE), RemoveShootAnnotation.operation("reconcile"));
        assertThat(decision.events()).extracting(Event::reason).containsExactly("DualStackMigrationStarted");
        assertThat(world.record().getWindowLiftedAt()).isEqualTo("2024-05-06T10:00:00Z");
        assertThat(world.operation()).isNull();

        world.later(60).infrastructureAllocatesIpv6();
        assertThat(world.reconcile()).as("a later reconcile outside the window").isAt(Step.CONTROL_PLANE)
                .hasActions(new Trigger(Extension.CONTROL_PLANE));
        world.later(60).controlPlane.succeeds();
        assertThat(world.reconcile()).isAt(Step.NODES);
        assertThat(world.record().getWindowLiftedAt()).isEqualTo("2024-05-06T10:00:00Z");
    }

    @Test
    void outsideTheWindowWithTheOperatorsRequest_moves_andRemovesThatAnnotation() {
        World world = confined();
        world.shoot.getMetadata().getAnnotations().put(Migration.REQUEST_ANNOTATION, Migration.REQUEST_MIGRATE_NOW);

        Decision decision = world.reconcile();

        assertThat(decision).isAt(Step.INFRASTRUCTURE).hasActions(new SyncCluster("shoot--dev--prod", World.DUAL),
                new Trigger(Extension.INFRASTRUCTURE), new RemoveShootAnnotation(Migration.REQUEST_ANNOTATION, Migration.REQUEST_MIGRATE_NOW));
        assertThat(world.shoot.getMetadata().getAnnotations()).doesNotContainKey(Migration.REQUEST_ANNOTATION);
        world.later(60).infrastructureAllocatesIpv6();
        assertThat(world.reconcile()).as("lifted for the migration").isAt(Step.CONTROL_PLANE);
    }

    @Test
    void onGardenerApiServer_aGenerationRaisedWhileWaiting_liftsTheWindow_asTheReconcileTheServerRemovedWould() {
        World world = confined();
        world.settings = world.settings.onGardenerApiServer(true);
        world.shoot.getMetadata().setGeneration(4L);
        Decision waiting = world.reconcile();
        assertThat(waiting).isProcessing(0, WAITING);
        assertThat(waiting.events()).as("where the last operation is gardenlet's, an event says it waits, once")
                .extracting(Event::reason, Event::message)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("DualStackMigrationPaused", "Shoot garden-dev/prod: " + WAITING));
        world.later(60);
        assertThat(world.reconcile()).as("the same generation").isProcessing(0, WAITING).hasNoEvents();

        world.later(60).shoot.getMetadata().setGeneration(5L);
        Decision decision = world.reconcile();

        assertThat(decision).as("nothing to remove: the API server removed the annotation itself").isAt(Step.INFRASTRUCTURE)
                .hasActions(new SyncCluster("shoot--dev--prod", World.DUAL), new Trigger(Extension.INFRASTRUCTURE));
        world.later(60).infrastructureAllocatesIpv6();
        assertThat(world.reconcile()).as("lifted for the migration").isAt(Step.CONTROL_PLANE);
    }

    @Test
    void onACrdGarden_aRaisedGeneration_liftsNothing() {
        World world = confined();
        world.shoot.getMetadata().setGeneration(4L);
        world.reconcile();

        world.later(60).shoot.getMetadata().setGeneration(5L);

        assertThat(world.reconcile()).hasNoActions().isProcessing(0, WAITING);
    }

    @Test
    void onGardenerApiServer_aGenerationSeenFirstAfterARestart_isNoRequest() {
        World world = confined();
        world.settings = world.settings.onGardenerApiServer(true);
        world.shoot.getMetadata().setGeneration(7L);

        assertThat(world.reconcile()).as("the first look: nothing to compare with").hasNoActions().isProcessing(0, WAITING);
    }

    @Test
    void windowLiftedByTheReconcileOperation_staysLiftedWhenTheRecordIsLost() {
        World world = confined().operation("reconcile");
        world.reconcile();
        world.shoot.getStatus().setDualStackMigration(null);

        world.later(60).infrastructureAllocatesIpv6();
        assertThat(world.reconcile()).as("outside the window, the record gone").isAt(Step.CONTROL_PLANE)
                .hasActions(new Trigger(Extension.CONTROL_PLANE));
    }

    @Test
    void windowLiftedAtInARecordTheOperatorDidNotWrite_liftsNothing() {
        World world = confined().at("2024-05-06T21:30:00Z");
        world.reconcile();
        world.at("2024-05-07T10:00:00Z").infrastructureAllocatesIpv6();
        world.record().setWindowLiftedAt("2024-05-06T21:40:00Z");

        assertThat(world.reconcile()).as("the record is a report, never read to decide").hasNoActions()
                .isProcessing(10, WAITING);
    }

    @Test
    void pausedByTheWindowMidMigration_reconcileOperationLiftsIt() {
        World world = confined().at("2024-05-06T21:30:00Z");
        world.reconcile();
        world.at("2024-05-06T22:10:00Z").infrastructureAllocatesIpv6().operation("reconcile");

        Decision decision = world.reconcile();

        assertThat(decision).isAt(Step.CONTROL_PLANE)
                .hasActions(new Trigger(Extension.CONTROL_PLANE), RemoveShootAnnotation.operation("reconcile"));
        assertThat(world.record().getWindowLiftedAt()).isEqualTo("2024-05-06T22:10:00Z");
    }

    @Test
    void windowWrappingMidnight_insideAfterMidnight_outsideAfterItsEnd() {
        World world = World.ipv4Shoot().confinedToWindow("230000+0000", "010000+0000").requestDualStack();

        assertThat(world.at("2024-05-07T00:30:00Z").decide()).isAt(Step.INFRASTRUCTURE).hasActions(
                new SyncCluster("shoot--dev--prod", World.DUAL), new Trigger(Extension.INFRASTRUCTURE));
        assertThat(world.at("2024-05-06T23:30:00Z").decide()).isAt(Step.INFRASTRUCTURE);
        assertThat(world.at("2024-05-07T01:30:00Z").decide()).hasNoActions()
                .isProcessing(0, "waiting for the maintenance window 23:00-01:00 +00:00").rechecksAfter(Duration.ofMinutes(21 * 60 + 30));
        assertThat(world.at("2024-05-07T22:59:59Z").decide()).hasNoActions().rechecksAfter(Duration.ofSeconds(1));
    }

    @Test
    void windowWithNegativeOffset_isShownInItsOwnOffset() {
        World world = World.ipv4Shoot().confinedToWindow("220000-0500", "230000-0500").requestDualStack();

        assertThat(world.decide()).hasNoActions()
                .isProcessing(0, "waiting for the maintenance window 22:00-23:00 -05:00").rechecksAfter(Duration.ofHours(17));
    }

    @Test
    void rolloutNotConfined_windowIsIgnored() {
        World world = confined();
        world.shoot.getSpec().getMaintenance().setConfineSpecUpdateRollout(false);

        assertThat(world.decide()).isAt(Step.INFRASTRUCTURE)
                .hasActions(new SyncCluster("shoot--dev--prod", World.DUAL), new Trigger(Extension.INFRASTRUCTURE));
    }

    @Test
    void malformedWindow_isBlockedNamingTheShootAndTheValue() {
        World world = World.ipv4Shoot().confinedToWindow("2200", "230000+0100").requestDualStack();
        String blocked = "Step 2/7 Infrastructure: Shoot garden-dev/prod: spec.maintenance.timeWindow \"2200\" is not HHMMSS+ZZZZ";

        assertThat(world.decide()).hasNoActions().isBlocked(10, blocked)
                .hasEvents(Event.warning("DualStackMigrationBlocked", blocked));
    }
}
