package io.github.shootdualstack.e2e;

import io.github.shootdualstack.local.LocalLandscape;
import io.github.shootdualstack.operator.RolloutPolicy;
import io.github.shootdualstack.operator.ShootOperator;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A hundred Shoots beside the gardenlet stand-in (the mock lane, each with a shoot API server of its own, so run
 * with the integration tests): the installation's limit on Shoots rolling nodes holds all the way through.
 */
class RolloutLimitIT {

    @AutoClose
    private LandscapeWorld world;

    @Test
    void hundredShoots_withALimitOfTen_neverMoreThanTenRoll_andEachIsMigrated_eachPoolRolledOnce() {
        world = new LandscapeWorld(100);
        ShootOperator operator = world.startOperator(new RolloutPolicy(10, 0, false, null));

        world.requestDualStack(world.all());
        world.awaitMigrated(world.all(), Duration.ofMinutes(4));

        System.out.printf("most Shoots rolling nodes at once: %d%n", world.maxRolling());
        assertThat(world.maxRolling()).as("most Shoots rolling nodes at once").isLessThanOrEqualTo(10)
                .as("the limit is used, not one at a time").isGreaterThan(1);
        for (LocalLandscape landscape : world.landscapes) {
            assertThat(world.local.simulator(landscape).nodeReplacements()).as(landscape.projectNamespace() + ": each node replaced once")
                    .isEqualTo(landscape.nodeCount());
        }
        assertThat(operator.metrics().scrape()).contains("shoot_dualstack_gardenlet_triggers_total{phase=\"ROLL_NODES\"} 100.0")
                .contains("shoot_dualstack_rollouts_running 0.0").contains("shoot_dualstack_rollouts_waiting 0.0");
    }
}
