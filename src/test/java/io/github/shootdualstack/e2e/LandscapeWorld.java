package io.github.shootdualstack.e2e;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.github.shootdualstack.local.ExtensionsConfig;
import io.github.shootdualstack.local.GardenletStandIn;
import io.github.shootdualstack.local.LocalApiServer;
import io.github.shootdualstack.local.LocalLandscape;
import io.github.shootdualstack.local.LocalProvider;
import io.github.shootdualstack.local.ShootClusterSimulator;
import io.github.shootdualstack.migration.Migrator;
import io.github.shootdualstack.migration.Orchestration;
import io.github.shootdualstack.operator.OperatorSettings;
import io.github.shootdualstack.operator.RolloutPolicy;
import io.github.shootdualstack.operator.ShootOperator;
import io.github.shootdualstack.shoot.Shoot;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import static org.awaitility.Awaitility.await;

/**
 * A local garden of many small Shoots (two pools of one node each, projects {@code w0}, {@code w1}, …)
 * beside the gardenlet v1.138.0 stand-in, and a watch on all of them that keeps the most Shoots ever seen
 * rolling nodes at once. One watch sees every change in order, so the count at each change is exact.
 */
final class LandscapeWorld implements AutoCloseable {

    final LocalApiServer garden = LocalApiServer.start();
    final List<LocalLandscape> landscapes;
    final LocalProvider local;
    final GardenletStandIn gardenlet;
    private final RollingShoots watch;
    private ShootOperator operator;

    LandscapeWorld(int shoots) {
        this(shoots, true);
    }

    /** @param gardenlet whether the gardenlet stand-in runs; without it nothing takes a trigger up */
    LandscapeWorld(int shoots, boolean gardenlet) {
        landscapes = IntStream.range(0, shoots).mapToObj(i -> LocalLandscape.builder().project("w" + i).shoot("prod")
                .pool("pool-a", 1).pool("pool-b", 1).build()).toList();
        local = LocalProvider.start(garden.client(), ExtensionsConfig.succeedingAfter(Duration.ZERO),
                ShootClusterSimulator.Config.immediate(), landscapes);
        this.gardenlet = gardenlet ? local.startGardenlet(GardenletStandIn.Config.triggeredOnly()) : null;
        watch = new RollingShoots(garden.client().resources(Shoot.class).inAnyNamespace());
    }

    int maxRolling() {
        return watch.most();
    }

    KubernetesClient client() {
        return garden.client();
    }

    ShootOperator startOperator(RolloutPolicy policy) {
        LocalLandscape first = landscapes.get(0);
        Shoot shoot = shoot(first);
        operator = new ShootOperator(garden.client().getConfiguration(), OperatorSettings.defaults()
                .withMigration(MigrationHarness.FAST).withMigrator(Migrator.GARDENLET)
                .withClock(GardenletTriggers.insideTheWindowOf(shoot.getSpec().getMaintenance()))
                .withRollout(policy)).start();
        return operator;
    }

    /** The Shoot as a v1.138.0 gardenlet leaves it after the reconcile of the user's edit: nodes constraint Progressing. */
    void nodesProgressing(LocalLandscape landscape) {
        garden.client().resources(Shoot.class).inNamespace(landscape.projectNamespace()).withName(landscape.shootName()).editStatus(shoot -> {
            io.github.shootdualstack.shoot.ShootStatus status = shoot.getStatus();
            status.setObservedGeneration(shoot.getMetadata().getGeneration());
            io.github.shootdualstack.shoot.LastOperation last = new io.github.shootdualstack.shoot.LastOperation();
            last.setType(io.github.shootdualstack.shoot.LastOperation.TYPE_RECONCILE);
            last.setState(io.github.shootdualstack.shoot.LastOperation.STATE_SUCCEEDED);
            status.setLastOperation(last);
            io.github.shootdualstack.shoot.GardenerInfo gardener = new io.github.shootdualstack.shoot.GardenerInfo();
            gardener.setVersion(GardenletStandIn.VERSION);
            status.setGardener(gardener);
            io.github.shootdualstack.shoot.Condition nodes = new io.github.shootdualstack.shoot.Condition(
                    io.github.shootdualstack.migration.Conditions.NODES_TYPE, io.github.shootdualstack.shoot.Condition.PROGRESSING,
                    io.github.shootdualstack.migration.Conditions.NODES_NOT_MIGRATED, "Migrating node pod CIDRs to match target network stack.");
            status.setConstraints(List.of(nodes));
            return shoot;
        });
    }

    Shoot shoot(LocalLandscape landscape) {
        return garden.client().resources(Shoot.class).inNamespace(landscape.projectNamespace()).withName(landscape.shootName()).get();
    }

    /** The user's edit on each Shoot: {@code ipFamilies} [IPv4, IPv6]. */
    void requestDualStack(List<LocalLandscape> which) {
        which.forEach(landscape -> new UserShoot(garden.client().resources(Shoot.class).inNamespace(landscape.projectNamespace())
                .withName(landscape.shootName())).requestDualStack());
    }

    /** Whether gardenlet has taken the Shoot to the end: its dual-stack reconcile done and no constraint left. */
    boolean migrated(LocalLandscape landscape) {
        return migrated(shoot(landscape));
    }

    /** Whether gardenlet has taken this Shoot to the end: its dual-stack reconcile done and no constraint left. */
    static boolean migrated(Shoot shoot) {
        return shoot.getStatus() != null && !Orchestration.migrating(shoot) && GardenletStandIn.upToDate(shoot)
                && shoot.getStatus().getNetworking() != null && shoot.getStatus().getNetworking().getPods() != null
                && shoot.getStatus().getNetworking().getPods().size() == 2;
    }

    void awaitMigrated(List<LocalLandscape> which, Duration atMost) {
        await().atMost(atMost).pollInterval(Duration.ofMillis(200)).until(() -> which.stream().allMatch(this::migrated));
    }

    List<LocalLandscape> all() {
        return new ArrayList<>(landscapes);
    }

    @Override
    public void close() {
        watch.close();
        if (operator != null) {
            operator.close();
        }
        local.close();
        garden.close();
    }
}
