package io.github.shootdualstack.e2e;

import io.github.shootdualstack.garden.ExtensionKind;
import io.github.shootdualstack.local.ExtensionsConfig;
import io.github.shootdualstack.local.ShootClusterSimulator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Clock;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The extensions' clock minutes off the operator's changes nothing: "reconciled after" is judged on
 * the extensions' own timestamps.
 */
class ExtensionClockTest {

    @ParameterizedTest(name = "extensions'' clock {0} minutes off")
    @ValueSource(ints = {-5, 5})
    void extensionsClockMinutesOff_theMigrationCompletes(int minutes) {
        Clock extensionsClock = Clock.offset(Clock.systemUTC(), Duration.ofMinutes(minutes));
        try (MigrationHarness world = MigrationHarness.twoPools(
                ExtensionsConfig.succeedingAfter(Duration.ZERO).withClock(extensionsClock), ShootClusterSimulator.Config.immediate())) {
            world.startOperator();
            world.requestDualStack();
            world.awaitStep("Nodes");
            world.annotate(ExtensionKind.OPERATION_ANNOTATION, "rollout-workers=*");
            world.awaitCompleted();

            assertThat(world.record().getSteps()).extracting(step -> step.getName())
                    .containsExactly("Infrastructure", "ControlPlane", "Nodes", "Network", "CoreDNS", "KubeDNS");
            assertThat(world.simulator().coreDnsRollouts()).isEqualTo(1);
        }
    }
}
