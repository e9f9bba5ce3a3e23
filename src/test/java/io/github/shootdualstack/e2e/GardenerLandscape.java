package io.github.shootdualstack.e2e;

import io.fabric8.kubernetes.client.dsl.Resource;
import io.github.shootdualstack.local.ExtensionsConfig;
import io.github.shootdualstack.local.GardenletStandIn;
import io.github.shootdualstack.local.LocalLandscape;
import io.github.shootdualstack.local.LocalProvider;
import io.github.shootdualstack.local.ShootClusterSimulator;
import io.github.shootdualstack.migration.Migrator;
import io.github.shootdualstack.operator.RolloutPolicy;
import io.github.shootdualstack.operator.ShootOperator;
import io.github.shootdualstack.shoot.Shoot;
import io.github.shootdualstack.testing.GardenerGarden;

import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;

import static org.awaitility.Awaitility.await;

/**
 * A landscape of small Shoots on Gardener's own gardener-apiserver ({@code garden-local/<world>-0}, {@code -1}, …,
 * each of Gardener's example with pools of one node, as {@link GardenerMigrationHarness} makes its one), beside
 * the gardenlet v1.138.0 stand-in, which reconciles them on the operator's triggers alone; their shoot clusters
 * embedded API servers (beside gardenlet the operator reaches no shoot cluster). One watch on all of them keeps
 * the most rolling nodes at once ({@link RollingShoots}); the operator, in process, sees this world's Shoots alone.
 */
final class GardenerLandscape implements AutoCloseable {

    private static final String MAINTENANCE_BEGIN = "220000+0000";
    private static final String MAINTENANCE_END = "230000+0000";

    final GardenerGarden garden = GardenerGarden.shared();
    final List<LocalLandscape> landscapes;
    final LocalProvider local;
    final GardenletStandIn gardenlet;
    private final String world;
    private final RollingShoots rolling;
    private ShootOperator operator;

    GardenerLandscape(String world, int shoots, List<String> pools) {
        this.world = world;
        garden.installSeedCrds();
        landscapes = IntStream.range(0, shoots).mapToObj(i -> {
            LocalLandscape.Builder builder = LocalLandscape.builder().project("local").shoot(world + "-" + i);
            pools.forEach(pool -> builder.pool(pool, 1));
            return builder.build();
        }).toList();
        // gardener-apiserver gives each Shoot a maintenance window of its own: one for all, for the operator's one clock
        List<Shoot> created = landscapes.stream().map(landscape -> GardenerMigrationHarness.createdAsGardenletLeavesIt(
                garden, landscape, world, pools, GardenerLandscape::oneMaintenanceWindow)).toList();
        local = LocalProvider.adopt(garden.client(), ExtensionsConfig.succeedingAfter(Duration.ZERO),
                ShootClusterSimulator.Config.immediate(), landscapes, created, LocalProvider.ShootApi::embedded);
        gardenlet = local.startGardenlet(GardenletStandIn.Config.triggeredOnly());
        rolling = new RollingShoots(garden.client().resources(Shoot.class).inNamespace(GardenerGarden.PROJECT_NAMESPACE)
                .withLabel(GardenerMigrationHarness.WORLD_LABEL, world));
    }

    private static Shoot oneMaintenanceWindow(Shoot shoot) {
        shoot.getSpec().getMaintenance().getTimeWindow().setBegin(MAINTENANCE_BEGIN);
        shoot.getSpec().getMaintenance().getTimeWindow().setEnd(MAINTENANCE_END);
        return shoot;
    }

    /** The operator with {@code --migrator=gardenlet} and this rollout policy, its clock inside the Shoots' maintenance window. */
    ShootOperator startOperator(RolloutPolicy policy) {
        operator = new ShootOperator(garden.client().getConfiguration(), GardenerMigrationHarness.settings(world)
                .withMigrator(Migrator.GARDENLET).withRollout(policy)
                .withClock(GardenletTriggers.insideTheWindowOf(shoot(landscapes.get(0)).require().getSpec().getMaintenance()))).start();
        return operator;
    }

    Resource<Shoot> shoot(LocalLandscape landscape) {
        return garden.client().resources(Shoot.class).inNamespace(landscape.projectNamespace()).withName(landscape.shootName());
    }

    List<Shoot> shoots() {
        return landscapes.stream().map(landscape -> shoot(landscape).require()).toList();
    }

    /** The most Shoots seen rolling nodes at once so far. */
    int maxRolling() {
        return rolling.most();
    }

    /** The user's edit of each Shoot, {@code ipFamilies} [IPv4, IPv6], one after the other. */
    void requestDualStack() {
        landscapes.forEach(landscape -> new UserShoot(shoot(landscape)).requestDualStack());
    }

    void awaitMigrated(Duration atMost) {
        try {
            await().atMost(atMost).pollInterval(Duration.ofMillis(200))
                    .until(() -> shoots().stream().allMatch(LandscapeWorld::migrated));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("waited " + atMost.toSeconds() + " s in vain for the Shoots' migration; they are:\n"
                    + String.join("\n", shoots().stream().map(GardenerLandscape::describe).toList()), e);
        }
    }

    /** What a Shoot shows of its migration, for a failure's message. */
    private static String describe(Shoot shoot) {
        var status = shoot.getStatus();
        return shoot.getMetadata().getName() + ": generation " + shoot.getMetadata().getGeneration()
                + ", annotations " + MigrationHarness.annotationsOf(shoot) + ", status "
                + (status == null ? "none" : "observedGeneration " + status.getObservedGeneration() + ", lastOperation "
                + io.fabric8.kubernetes.client.utils.Serialization.asJson(status.getLastOperation()) + ", constraints "
                + ConstraintRecorder.stateOf(shoot) + ", networking " + io.fabric8.kubernetes.client.utils.Serialization.asJson(status.getNetworking())
                + ", manualWorkerPoolRollout " + status.additionalProperties().get("manualWorkerPoolRollout"));
    }

    @Override
    public void close() {
        rolling.close();
        if (operator != null) {
            operator.close();
        }
        local.close();
    }
}
