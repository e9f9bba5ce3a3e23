package io.github.shootdualstack.e2e;

import io.github.shootdualstack.garden.ExtensionKind;
import io.github.shootdualstack.local.GardenletStandIn;
import io.github.shootdualstack.local.LocalLandscape;
import io.github.shootdualstack.migration.Orchestration;
import io.github.shootdualstack.operator.RolloutPolicy;
import io.github.shootdualstack.operator.ShootOperator;
import io.github.shootdualstack.shoot.Shoot;
import io.github.shootdualstack.testing.GardenerGarden;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A landscape of Shoots on Gardener's own gardener-apiserver beside the gardenlet v1.138.0 stand-in, the operator
 * with {@code --migrator=gardenlet} and the installation's rollout policy: its limit on Shoots rolling nodes
 * holds while all of them are migrated at once, and a Shoot's pause stops its triggers until it is lifted.
 * On gardener-apiserver {@code rollout-workers=…} stays on the Shoot until gardenlet takes it (so one watch on
 * all Shoots counts the rolls asked for), and {@code reconcile} is stripped on arrival and raises the generation
 * (counted as {@link GardenletTriggers} counts it).
 */
class AlongsideGardenletLandscapeIT {

    private static final List<String> POOLS = List.of(GardenerMigrationHarness.POOL, "local-b");
    private static final Duration AT_MOST = Duration.ofSeconds(90);

    private GardenerLandscape world;
    private final List<GardenletTriggers> triggers = new java.util.ArrayList<>();

    @BeforeAll
    static void saysWhatItRunsOn() {
        GardenerGarden garden = GardenerGarden.shared();
        System.out.println("AlongsideGardenletLandscapeIT on Gardener's gardener-apiserver of Gardener " + garden.gardenerVersion()
                + " (start-envtest), kube-apiserver /version " + garden.version());
    }

    @AfterEach
    void close() {
        triggers.forEach(GardenletTriggers::close);
        if (world != null) {
            world.close();
        }
    }

    @Test
    void fiveShoots_withALimitOfTwo_neverMoreThanTwoRoll_andEachIsMigrated_eachPoolRolledOnce() {
        world = new GardenerLandscape("gland", 5, POOLS);
        watchTriggers();
        ShootOperator operator = world.startOperator(new RolloutPolicy(2, 0, false, null));

        world.requestDualStack();
        world.awaitMigrated(AT_MOST);

        System.out.printf("most Shoots rolling nodes at once: %d%n", world.maxRolling());
        assertThat(world.maxRolling()).as("most Shoots rolling nodes at once").isLessThanOrEqualTo(2)
                .as("the limit is used, not one at a time").isGreaterThan(1);
        eachPoolRolledOnce();
        String metrics = operator.metrics().scrape();
        assertThat(metrics).contains("shoot_dualstack_gardenlet_triggers_total{phase=\"ROLL_NODES\"} 5.0")
                .contains("shoot_dualstack_rollouts_running 0.0").contains("shoot_dualstack_rollouts_waiting 0.0");
        long queued = world.landscapes.stream().filter(landscape -> GardenletTriggers.told(events(landscape), Orchestration.ROLLOUT_QUEUED) > 0).count();
        System.out.printf("Shoots that waited for a roll slot (event %s): %d%n", Orchestration.ROLLOUT_QUEUED, queued);
        assertThat(queued).as("Shoots told they wait for a roll slot").isGreaterThan(0);
    }

    @Test
    void aPause_stopsTheShootsTriggers_overTwentyRechecks_andLiftingItFinishesTheMigrations() {
        world = new GardenerLandscape("gpause", 3, POOLS);
        watchTriggers();
        ShootOperator operator = world.startOperator(new RolloutPolicy(2, 0, false, null));
        world.requestDualStack();
        // the first Shoots' rolls are asked for
        await().atMost(AT_MOST).until(() -> world.shoots().stream().anyMatch(Orchestration::rollingNodes));

        world.landscapes.forEach(landscape -> annotate(landscape, Orchestration.PAUSE_ANNOTATION, "true"));
        // held PAUSED, every one still migrating; gardenlet has finished what was asked for before the pause
        await().atMost(AT_MOST).until(() -> {
            List<Shoot> shoots = world.shoots();
            long migrating = shoots.stream().filter(Orchestration::migrating).count();
            return operator.metrics().scrape().contains("shoot_dualstack_gardenlet_held_shoots{hold=\"PAUSED\"} " + migrating + ".0")
                    && shoots.stream().allMatch(shoot -> GardenletStandIn.upToDate(shoot) && operation(shoot) == null);
        });
        List<Shoot> paused = world.shoots().stream().filter(Orchestration::migrating).toList();
        System.out.printf("Shoots paused while migrating: %d of %d%n", paused.size(), world.landscapes.size());
        assertThat(paused).as("Shoots paused while migrating").isNotEmpty();
        int reconciles = world.gardenlet.reconciles();
        List<Integer> before = triggers.stream().map(watch -> watch.triggers().size()).toList();
        Map<String, String> operationsWhilePaused = GardenletTriggers.operationsOver(20, MigrationHarness.FAST.recheckInterval(), world::shoots);

        assertThat(operationsWhilePaused).as("operations on the Shoots while paused, 20 re-check intervals").isEmpty();
        assertThat(triggers.stream().map(watch -> watch.triggers().size()).toList()).as("triggers seen while paused (a stripped reconcile too)")
                .isEqualTo(before);
        assertThat(world.gardenlet.reconciles()).as("gardenlet's reconciles while paused").isEqualTo(reconciles);
        assertThat(operator.metrics().scrape()).as("still held by the pause")
                .contains("shoot_dualstack_gardenlet_held_shoots{hold=\"PAUSED\"} " + paused.size() + ".0");

        world.landscapes.forEach(landscape -> annotate(landscape, Orchestration.PAUSE_ANNOTATION, null));
        world.awaitMigrated(AT_MOST);
        eachPoolRolledOnce();
        assertThat(world.maxRolling()).as("most Shoots rolling nodes at once").isLessThanOrEqualTo(2);
    }

    /** Each Shoot's roll of both pools asked for once, each of its nodes replaced once. */
    private void eachPoolRolledOnce() {
        for (int i = 0; i < world.landscapes.size(); i++) {
            LocalLandscape landscape = world.landscapes.get(i);
            List<GardenletTriggers.Trigger> seen = triggers.get(i).triggers();
            seen.forEach(trigger -> System.out.println("  " + landscape.shootName() + " trigger: " + trigger));
            assertThat(seen).as(landscape.shootName() + ": one roll of both pools asked for")
                    .filteredOn(trigger -> trigger.operation().startsWith(Orchestration.ROLLOUT_WORKERS + "="))
                    .singleElement().satisfies(trigger -> assertThat(trigger.operation()).contains(POOLS.get(0)).contains(POOLS.get(1)));
            assertThat(world.local.simulator(landscape).nodeReplacements()).as(landscape.shootName() + ": each node replaced once")
                    .isEqualTo(landscape.nodeCount());
        }
    }

    /** One watch per Shoot on the triggers it gets, in the order of the world's Shoots. */
    private void watchTriggers() {
        world.landscapes.forEach(landscape -> triggers.add(new GardenletTriggers(world.shoot(landscape))));
    }

    private List<io.fabric8.kubernetes.api.model.Event> events(LocalLandscape landscape) {
        return world.garden.client().v1().events().inNamespace(landscape.projectNamespace()).list().getItems().stream()
                .filter(event -> landscape.shootName().equals(event.getInvolvedObject().getName())).toList();
    }

    private void annotate(LocalLandscape landscape, String key, String value) {
        new UserShoot(world.shoot(landscape)).annotateByMergePatch(key, value);
    }

    private static String operation(Shoot shoot) {
        return MigrationHarness.annotationsOf(shoot).get(ExtensionKind.OPERATION_ANNOTATION);
    }
}
