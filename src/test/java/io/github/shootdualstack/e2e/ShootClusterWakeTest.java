package io.github.shootdualstack.e2e;

import io.github.shootdualstack.garden.ExtensionKind;
import io.github.shootdualstack.local.ExtensionsConfig;
import io.github.shootdualstack.local.ShootClusterSimulator;
import io.github.shootdualstack.migration.Migration;
import io.github.shootdualstack.operator.OperatorSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The steps that wait on the shoot cluster (the nodes rolled, CoreDNS restarted) go on when the
 * shoot cluster changes, not when the re-check timer next fires: with a re-check of an hour, the
 * whole migration still completes within the harness's minute. Without the shoot cluster's watches
 * it waits at the Nodes step for the hour.
 */
class ShootClusterWakeTest {

    MigrationHarness world = MigrationHarness.twoPools(ExtensionsConfig.succeedingAfter(Duration.ZERO),
            new ShootClusterSimulator.Config(Duration.ofMillis(100), Duration.ofMillis(100)));

    @AfterEach
    void stop() {
        world.close();
    }

    @Test
    void withAnHourlyRecheck_theShootClustersChanges_carryTheMigrationToItsEnd() {
        Migration.Settings hourly = new Migration.Settings(Duration.ofHours(1), MigrationHarness.FAST.maxBackoff(), 50);
        world.startOperator(OperatorSettings.defaults().withMigration(hourly));

        world.requestDualStack();
        world.rollWorkers("*");
        world.awaitCompleted();

        assertThat(world.simulator().coreDnsRollouts()).isEqualTo(1);
        assertThat(world.shoot().getMetadata().getAnnotations()).doesNotContainKey(ExtensionKind.OPERATION_ANNOTATION);
    }
}
