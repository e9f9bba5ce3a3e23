package io.github.shootdualstack.e2e;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watch;
import io.github.shootdualstack.garden.ExtensionKind;
import io.github.shootdualstack.local.ExtensionsConfig;
import io.github.shootdualstack.testing.AuditLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Level-triggered on real API servers: the kept record deleted after every write of the operator,
 * and extensions whose clock is minutes off the operator's, change nothing of what the migration does.
 */
class RealLevelTriggeredIT {

    /** What one migration did, from the servers' audit logs and the simulated shoot. */
    record Effects(int coreDnsRollouts, int nodeReplacements, long coreDnsWrites, Map<String, Long> extensionWrites) {
    }

    @Test
    void recordDeletedAfterEveryOperatorWrite_theMigrationCompletes_withNothingDoneTwice() {
        Effects kept = migrate("record-kept", ExtensionsConfig.succeedingAfter(Duration.ZERO), false);
        Effects deleted = migrate("record-deleted", ExtensionsConfig.succeedingAfter(Duration.ZERO), true);

        System.out.println("With the record kept: " + kept + "; deleted after every write: " + deleted);
        assertThat(deleted.coreDnsRollouts()).as("CoreDNS restarted once").isEqualTo(1);
        assertThat(deleted.coreDnsWrites()).as("the coredns pod template written once").isEqualTo(1);
        assertThat(deleted.nodeReplacements()).as("every node of both pools replaced once").isEqualTo(5);
        assertThat(deleted.extensionWrites().keySet()).containsExactlyInAnyOrderElementsOf(kept.extensionWrites().keySet());
        deleted.extensionWrites().forEach((extension, writes) -> assertThat(writes)
                .as("writes to %s, no more than with the record kept", extension)
                .isLessThanOrEqualTo(kept.extensionWrites().get(extension)));
    }

    @ParameterizedTest(name = "extensions'' clock {0} minutes off")
    @ValueSource(ints = {-5, 5})
    void extensionsClockMinutesOff_theMigrationCompletes(int minutes) {
        Clock extensionsClock = Clock.offset(Clock.systemUTC(), Duration.ofMinutes(minutes));
        Effects effects = migrate("clock" + (minutes < 0 ? "-behind" : "-ahead"),
                ExtensionsConfig.succeedingAfter(Duration.ZERO).withClock(extensionsClock), false);

        assertThat(effects.coreDnsRollouts()).isEqualTo(1);
        assertThat(effects.nodeReplacements()).isEqualTo(5);
    }

    /** One whole migration on real servers, the record removed each time the Shoot is seen with one if asked. */
    private static Effects migrate(String project, ExtensionsConfig extensions, boolean deleteTheRecord) {
        try (RealMigrationHarness world = new RealMigrationHarness(project, extensions)) {
            RealMigrationHarness.Marks start = world.marks();
            world.startOperator(world.garden.config(), world.settings(false));
            try (Watch remover = deleteTheRecord ? RecordRemover.watch(world.shoots().withName(world.landscape.shootName())) : null) {
                world.requestDualStack();
                // at the Nodes step: the nodes constraint counts migrated nodes (the record may be gone)
                await().atMost(RealMigrationHarness.TIMEOUT).ignoreExceptions().until(() -> world.shoot().getStatus()
                        .getConstraints().stream().anyMatch(c -> c.getMessage().endsWith("nodes have IPv4 and IPv6 pod CIDRs")));
                // the record's removal writes the Shoot too: the user's edit is made again on a conflict
                await().atMost(RealMigrationHarness.TIMEOUT).ignoreException(KubernetesClientException.class)
                        .untilAsserted(() -> world.annotate(ExtensionKind.OPERATION_ANNOTATION, "rollout-workers=*"));
                await().atMost(RealMigrationHarness.TIMEOUT)
                        .until(() -> world.constraintStates().equals(MigrationHarness.CONSTRAINTS_OF_A_MIGRATION));
            }
            List<AuditLog.Entry> writes = world.operatorWrites(start).stream().filter(w -> w.code() < 300).toList();
            Map<String, Long> extensionWrites = new TreeMap<>();
            for (AuditLog.Entry write : writes) {
                if (List.of("infrastructures", "controlplanes", "networks").contains(write.resource())) {
                    extensionWrites.merge(write.resource(), 1L, Long::sum);
                }
            }
            long coreDnsWrites = writes.stream().filter(w -> w.resource().equals("deployments") && w.name().equals("coredns")).count();
            var simulator = world.local.simulator(world.landscape);
            return new Effects(simulator.coreDnsRollouts(), simulator.nodeReplacements(), coreDnsWrites, extensionWrites);
        }
    }
}
