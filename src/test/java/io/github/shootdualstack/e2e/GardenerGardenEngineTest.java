package io.github.shootdualstack.e2e;

import io.github.shootdualstack.garden.ExtensionKind;
import io.github.shootdualstack.migration.Migration;
import io.github.shootdualstack.migration.Migrator;
import io.github.shootdualstack.migration.Orchestration;
import io.github.shootdualstack.operator.OperatorSettings;
import io.github.shootdualstack.shoot.Condition;
import io.github.shootdualstack.shoot.GardenerInfo;
import io.github.shootdualstack.shoot.IpFamily;
import io.github.shootdualstack.shoot.LastOperation;
import io.github.shootdualstack.shoot.Shoot;
import io.github.shootdualstack.shoot.ShootStatus;
import io.github.shootdualstack.testing.GardenerShootAccess;
import io.github.shootdualstack.testing.RequestLog;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The engine on a garden whose Shoots gardener-apiserver serves (the mock answering discovery as it
 * does): it acts only on a Shoot no gardenlet reconciles; a Shoot of gardenlet v1.117.0 or newer is
 * gardenlet's to migrate and gets only its triggers (the operation annotation) and their events; one of an older gardenlet gets one event saying so
 * and nothing else; a change Gardener accepts and the operator does not migrate is said once, by an
 * event, and the Shoot is not put in Error; the last operation is gardenlet's and never written.
 */
class GardenerGardenEngineTest {

    private final MigrationHarness world = MigrationHarness.twoPools();
    private final String namespace = world.landscape.projectNamespace();
    private final String name = world.landscape.shootName();

    @BeforeEach
    void gardenerApiServer() {
        GardenerShootAccess.discovery(world.garden.server(), true);
        GardenerShootAccess.adminKubeconfig(world.garden.server(), namespace, name, world.local.shootUrl(world.landscape),
                Clock.systemUTC(), Duration.ofHours(24));
    }

    @AfterEach
    void stop() {
        world.close();
    }

    @Test
    void aShootOfGardenlet_1_138_migratingByItself_getsTheNodeRollRequested_andNothingElse() {
        status(status -> {
            status.setGardener(gardener("v1.138.0"));
            return status;
        });
        int mark = world.gardenRequests.mark();
        world.startOperator(OperatorSettings.defaults().withMigration(MigrationHarness.FAST));
        world.annotate(Migration.REQUEST_ANNOTATION, Migration.REQUEST_MIGRATE_NOW);
        world.requestDualStack();
        settle();
        assertThat(world.operatorWrites(mark, world.shootRequests.mark())).as("before gardenlet's reconcile").isEmpty();
        status(status -> {
            // as gardenlet leaves it after the reconcile of the edit
            status.setConstraints(List.of(constraint(Condition.PROGRESSING)));
            status.setObservedGeneration(world.shoot().getMetadata().getGeneration());
            status.setLastOperation(succeeded("Reconcile", "2026-12-06T20:00:00Z"));
            return status;
        });

        await().atMost(MigrationHarness.TIMEOUT).until(() -> !world.events(Orchestration.ROLLOUT_REQUESTED).isEmpty());
        settle();

        assertThat(MigrationHarness.annotationsOf(world.shoot())).as("the request taken, the roll asked of gardenlet")
                .containsEntry(ExtensionKind.OPERATION_ANNOTATION, "rollout-workers=pool-a,pool-b")
                .doesNotContainKey(Migration.REQUEST_ANNOTATION);
        assertThat(world.operatorWrites(mark, world.shootRequests.mark())).as("the operator's writes: one trigger, its event")
                .extracting(request -> request.method() + " " + request.path().replaceAll(".*/", ""))
                .containsExactlyInAnyOrder("PATCH " + name, "POST events");
        assertThat(world.events(Migrator.NOT_MIGRATED_REASON)).isEmpty();
        assertThat(world.shoot().getStatus().getConstraints()).as("gardenlet's constraint as it wrote it")
                .usingRecursiveFieldByFieldElementComparator().containsExactly(constraint(Condition.PROGRESSING));
    }

    @Test
    void aShootOfGardenlet_1_110_askingForDualStack_getsOneEventSayingSo_andNothingElse() {
        status(status -> {
            status.setGardener(gardener("v1.110.0"));
            return status;
        });
        LastOperation before = world.lastOperation();
        int mark = world.gardenRequests.mark();
        world.startOperator(OperatorSettings.defaults().withMigration(MigrationHarness.FAST));
        world.requestDualStack();

        await().atMost(MigrationHarness.TIMEOUT).until(() -> !world.events(Migrator.NOT_MIGRATED_REASON).isEmpty());
        world.annotate("example.com/touched", "again"); // another update: nothing new to say
        settle();

        assertThat(world.events(Migrator.NOT_MIGRATED_REASON)).singleElement().satisfies(event -> {
            assertThat(event.getType()).isEqualTo("Warning");
            assertThat(event.getMessage()).contains("Shoot " + namespace + "/" + name, "gardenlet v1.110.0", "v1.117.0 or newer");
        });
        assertThat(world.operatorWrites(mark, world.shootRequests.mark())).as("the operator's writes but its event")
                .allMatch(request -> request.path().contains("/events"));
        assertThat(world.shoot().getStatus().getConstraints()).isNull();
        assertThat(world.lastOperation()).usingRecursiveComparison().isEqualTo(before);
    }

    @Test
    void aShootNoGardenletReconciles_isMigrated_gardenletsLastOperationUntouched_noRecordWritten() {
        LastOperation created = succeeded("Create", "2026-01-01T00:00:00Z");
        status(status -> {
            status.setLastOperation(created);
            return status;
        });
        world.startOperator(OperatorSettings.defaults().withMigration(MigrationHarness.FAST));
        migrateToCompletion();

        assertThat(world.constraintStates()).as("the constraints, as the CRD lane shows them")
                .containsExactlyElementsOf(MigrationHarness.CONSTRAINTS_OF_A_MIGRATION);
        assertThat(world.simulator().coreDnsRollouts()).isEqualTo(1);
        Shoot migrated = world.shoot();
        assertThat(migrated.getStatus().getLastOperation()).as("gardenlet's, as it wrote it").usingRecursiveComparison().isEqualTo(created);
        assertThat(migrated.getStatus().getDualStackMigration()).as("no record on a typed API").isNull();
        assertThat(migrated.getStatus().getConstraints()).isNullOrEmpty();
    }

    @Test
    void theReverseChange_saidOnceByAnEvent_theShootNotPutInError() {
        world.startOperator(OperatorSettings.defaults().withMigration(MigrationHarness.FAST));
        migrateToCompletion();
        int mark = world.gardenRequests.mark();
        LastOperation before = world.lastOperation();

        world.edit(shoot -> {
            shoot.getSpec().getNetworking().setIpFamilies(IpFamily.SINGLE_STACK_IPV4);
            return shoot;
        });
        await().atMost(MigrationHarness.TIMEOUT).until(() -> !world.events("UnsupportedIPFamilyUpdate").isEmpty());
        world.annotate("example.com/touched", "again");
        settle();

        assertThat(world.events("UnsupportedIPFamilyUpdate")).singleElement()
                .satisfies(event -> assertThat(event.getMessage()).contains("Shoot " + namespace + "/" + name));
        assertThat(world.lastOperation()).as("not put in Error: no last operation written").usingRecursiveComparison().isEqualTo(before);
        assertThat(world.gardenRequests.writesSince(mark, RequestLog.byOperator())).as("the operator's writes but its event")
                .allMatch(request -> request.path().contains("/events"));
    }

    /** Asks for dual-stack and walks the migration to its end (the steps told by events: no record there). */
    private void migrateToCompletion() {
        world.requestDualStack();
        await().atMost(MigrationHarness.TIMEOUT).until(() -> world.events("DualStackMigrationStep").stream()
                .anyMatch(event -> event.getMessage().startsWith(io.github.shootdualstack.migration.Step.NODES.label())));
        world.annotate(io.github.shootdualstack.garden.ExtensionKind.OPERATION_ANNOTATION, "rollout-workers=*");
        await().atMost(MigrationHarness.TIMEOUT).until(() -> !world.events("DualStackMigrationCompleted").isEmpty());
    }

    /** Long enough for several re-checks at {@link MigrationHarness#FAST}. */
    private static void settle() {
        try {
            Thread.sleep(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void status(UnaryOperator<ShootStatus> change) {
        world.gardenClient().resources(Shoot.class).inNamespace(namespace).withName(name).editStatus(shoot -> {
            shoot.setStatus(change.apply(shoot.getStatus() == null ? new ShootStatus() : shoot.getStatus()));
            return shoot;
        });
    }

    private static LastOperation succeeded(String type, String at) {
        LastOperation last = new LastOperation();
        last.setType(type);
        last.setState(LastOperation.STATE_SUCCEEDED);
        last.setProgress(100);
        last.setDescription("Shoot cluster has been successfully reconciled.");
        last.setLastUpdateTime(at);
        return last;
    }

    private static GardenerInfo gardener(String version) {
        GardenerInfo gardener = new GardenerInfo();
        gardener.setId("gardenlet-abc");
        gardener.setName("gardenlet-7d9f");
        gardener.setVersion(version);
        return gardener;
    }

    private static Condition constraint(String status) {
        Condition condition = new Condition();
        condition.setType(io.github.shootdualstack.migration.Conditions.NODES_TYPE);
        condition.setStatus(status);
        condition.setReason("NodesNotMigrated");
        condition.setMessage("Migrating node pod CIDRs to match target network stack.");
        condition.setLastTransitionTime("2026-12-06T20:00:00Z");
        condition.setLastUpdateTime("2026-12-06T20:00:00Z");
        return condition;
    }
}
