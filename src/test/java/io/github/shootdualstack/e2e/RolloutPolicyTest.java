package io.github.shootdualstack.e2e;

import io.github.shootdualstack.garden.ExtensionKind;
import io.github.shootdualstack.local.LocalLandscape;
import io.github.shootdualstack.migration.LabelSelector;
import io.github.shootdualstack.migration.Migration;
import io.github.shootdualstack.migration.Orchestration;
import io.github.shootdualstack.operator.RolloutPolicy;
import io.github.shootdualstack.operator.ShootOperator;
import io.github.shootdualstack.shoot.Shoot;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A landscape beside the gardenlet stand-in (the mock lane): the installation's limit on Shoots rolling
 * nodes holds, a pause stops new triggers at once, and a wave drives its Shoots alone.
 */
class RolloutPolicyTest {

    @AutoClose
    private LandscapeWorld world;

    @Test
    void aPause_stopsNewTriggers_fromTheShootsNextReconcile_andLiftingItFinishesTheMigrations() {
        world = new LandscapeWorld(4);
        ShootOperator operator = world.startOperator(RolloutPolicy.NONE);
        world.requestDualStack(world.all());
        // every Shoot is on its way: its roll asked for
        await().atMost(MigrationHarness.TIMEOUT).until(() -> world.landscapes.stream().map(world::shoot)
                .allMatch(shoot -> Orchestration.rollingNodes(shoot) || !Orchestration.migrating(shoot) && world.migrated(landscapeOf(shoot))));

        world.landscapes.forEach(landscape -> annotate(landscape, Orchestration.PAUSE_ANNOTATION, "true"));
        long migrating = world.landscapes.stream().filter(landscape -> !world.migrated(landscape)).count();
        await().atMost(MigrationHarness.TIMEOUT).until(() -> operator.metrics().scrape()
                .contains("shoot_dualstack_gardenlet_held_shoots{hold=\"PAUSED\"} " + migrating + ".0"));
        // gardenlet finishes the reconciles asked for before the pause; then nothing moves while it lasts
        await().atMost(MigrationHarness.TIMEOUT).until(() -> world.landscapes.stream().map(world::shoot)
                .allMatch(shoot -> io.github.shootdualstack.local.GardenletStandIn.upToDate(shoot) && operation(shoot) == null));
        int reconciles = world.gardenlet.reconciles();
        Map<String, String> operationsWhilePaused = GardenletTriggers.operationsOver(20, MigrationHarness.FAST.recheckInterval(),
                () -> world.landscapes.stream().map(world::shoot).toList());

        assertThat(operationsWhilePaused).as("triggers written while paused, 20 re-check intervals").isEmpty();
        assertThat(world.gardenlet.reconciles()).as("gardenlet's reconciles while paused").isEqualTo(reconciles);

        world.landscapes.forEach(landscape -> annotate(landscape, Orchestration.PAUSE_ANNOTATION, null));
        world.awaitMigrated(world.all(), Duration.ofMinutes(1));
        for (LocalLandscape landscape : world.landscapes) {
            assertThat(world.local.simulator(landscape).nodeReplacements()).as(landscape.projectNamespace() + ": each node replaced once")
                    .isEqualTo(landscape.nodeCount());
        }
    }

    @Test
    void theInstallationsPause_writesNoTriggerAtAll() {
        world = new LandscapeWorld(2);
        ShootOperator operator = world.startOperator(new RolloutPolicy(0, 0, true, null));
        world.requestDualStack(world.all());
        await().atMost(MigrationHarness.TIMEOUT).until(() -> operator.metrics().scrape()
                .contains("shoot_dualstack_gardenlet_held_shoots{hold=\"PAUSED\"} 2.0"));

        assertThat(GardenletTriggers.operationsOver(20, MigrationHarness.FAST.recheckInterval(),
                () -> world.landscapes.stream().map(world::shoot).toList())).as("triggers written, 20 re-check intervals").isEmpty();
        assertThat(operator.metrics().scrape()).contains("shoot_dualstack_gardenlet_triggers_total{phase=\"ROLL_NODES\"} 0.0");
    }

    @Test
    void aWave_drivesItsShootsAlone_othersOnlyOnTheirOwnersRequest() {
        world = new LandscapeWorld(2);
        LocalLandscape inWave = world.landscapes.get(0);
        LocalLandscape outside = world.landscapes.get(1);
        world.client().resources(Shoot.class).inNamespace(inWave.projectNamespace()).withName(inWave.shootName())
                .edit(shoot -> {
                    shoot.getMetadata().setLabels(Map.of("rollout-wave", "1"));
                    return shoot;
                });
        ShootOperator operator = world.startOperator(new RolloutPolicy(0, 0, false, LabelSelector.parse("rollout-wave=1")));
        world.requestDualStack(world.all());

        world.awaitMigrated(List.of(inWave), MigrationHarness.TIMEOUT);
        await().atMost(MigrationHarness.TIMEOUT).until(() -> operator.metrics().scrape()
                .contains("shoot_dualstack_gardenlet_held_shoots{hold=\"OUTSIDE_WAVE\"} 1.0"));
        assertThat(operation(world.shoot(outside))).as("no trigger outside the wave").isNull();
        assertThat(world.local.simulator(outside).nodeReplacements()).isZero();

        annotate(outside, Migration.REQUEST_ANNOTATION, Migration.REQUEST_MIGRATE_NOW);
        world.awaitMigrated(List.of(outside), MigrationHarness.TIMEOUT);
        await().atMost(MigrationHarness.TIMEOUT).until(() -> world.shoot(outside).getMetadata().getAnnotations() == null
                || !world.shoot(outside).getMetadata().getAnnotations().containsKey(Migration.REQUEST_ANNOTATION));
        assertThat(world.local.simulator(outside).nodeReplacements()).as("its pools rolled once").isEqualTo(outside.nodeCount());
    }

    @Test
    void status_showsTheLandscape_rollingAndWaitingForASlot(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        // no gardenlet: the roll asked for is never taken up, so the others keep waiting for the one slot
        world = new LandscapeWorld(3, false);
        world.requestDualStack(world.all());
        world.landscapes.forEach(world::nodesProgressing);
        ShootOperator operator = world.startOperator(new RolloutPolicy(1, 0, false, null));
        await().atMost(MigrationHarness.TIMEOUT).until(() -> operator.metrics().scrape().contains("shoot_dualstack_rollouts_waiting 2.0"));
        java.nio.file.Path kubeconfig = dir.resolve("garden.kubeconfig");
        java.nio.file.Files.writeString(kubeconfig, io.github.shootdualstack.local.Kubeconfigs.forServer("garden",
                world.client().getConfiguration().getMasterUrl()));

        java.io.StringWriter out = new java.io.StringWriter();
        int exit = io.github.shootdualstack.cli.Main.commandLine().setOut(new java.io.PrintWriter(out))
                .execute("status", "--kubeconfig", kubeconfig.toString());

        assertThat(exit).isZero();
        System.out.println(out);
        assertThat(out.toString()).containsPattern("migrating +3\n").containsPattern("rolling nodes +1\n")
                .containsPattern("waiting for a roll slot +2\n")
                .containsPattern("gardenlet +nodes rolling +").containsPattern("gardenlet +nodes to roll or check +");
        assertThat(operator.metrics().scrape()).contains("shoot_dualstack_rollouts_running 1.0")
                .contains("shoot_dualstack_gardenlet_held_shoots{hold=\"LIMIT\"} 2.0");
    }

    private LocalLandscape landscapeOf(Shoot shoot) {
        return world.landscapes.stream().filter(l -> l.projectNamespace().equals(shoot.getMetadata().getNamespace())).findFirst().orElseThrow();
    }

    private void annotate(LocalLandscape landscape, String key, String value) {
        new UserShoot(world.client().resources(Shoot.class).inNamespace(landscape.projectNamespace()).withName(landscape.shootName()))
                .annotateByMergePatch(key, value);
    }

    private static String operation(Shoot shoot) {
        return shoot.getMetadata().getAnnotations() == null ? null : shoot.getMetadata().getAnnotations().get(ExtensionKind.OPERATION_ANNOTATION);
    }
}
