package io.github.shootdualstack.e2e;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.github.shootdualstack.garden.ExtensionKind;
import io.github.shootdualstack.shoot.MigrationRecord;
import io.github.shootdualstack.testing.RequestLog;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The kept record {@code status.dualStackMigration} is a report: deleted after every write of the
 * operator (as a typed Shoot API that does not know the field drops it), or replaced by a stale copy,
 * the migration carries on from where the world stands, with no action repeated.
 */
class RecordLossTest {

    /** What one migration does, counted on the wire and in the simulated shoot. */
    record Effects(int coreDnsRollouts, int nodeReplacements, Map<String, Long> extensionWrites) {
    }

    @Test
    void recordDeletedAfterEveryOperatorWrite_theMigrationCompletes_withNothingDoneTwice() {
        Effects kept = migrate(world -> () -> { });
        Effects deleted = migrate(world -> RecordRemover.watch(world.shoots().withName(world.landscape.shootName())));

        System.out.println("With the record kept: " + kept + "; deleted after every write: " + deleted);
        assertThat(deleted.coreDnsRollouts()).isEqualTo(1);
        assertThat(deleted.nodeReplacements()).as("every pool rolled once").isEqualTo(5);
        deleted.extensionWrites().forEach((extension, writes) -> assertThat(writes)
                .as("writes to %s, no more than with the record kept", extension)
                .isLessThanOrEqualTo(kept.extensionWrites().getOrDefault(extension, 0L)));
    }

    @Test
    void recordReplacedByAStaleCopyFromAnEarlierStep_theMigrationCompletes_withNothingDoneTwice() {
        Effects stale = migrate(world -> {
            await().atMost(MigrationHarness.TIMEOUT).until(() -> world.record() != null);
            MigrationRecord early = Serialization.clone(world.record());
            early.setStep("Infrastructure");
            early.getSteps().removeIf(step -> !step.getName().equals("Infrastructure"));
            early.getSteps().forEach(step -> step.setCompletedAt(null));
            world.shoots().withName(world.landscape.shootName()).subresource("status").patch(PatchContext.of(PatchType.JSON_MERGE),
                    Serialization.asJson(Map.of("status", Map.of("dualStackMigration", early))));
            return () -> { };
        });

        assertThat(stale.coreDnsRollouts()).isEqualTo(1);
        assertThat(stale.nodeReplacements()).isEqualTo(5);
    }

    /** One whole migration; {@code atNodes} runs while it waits for the nodes to be rolled. */
    private static Effects migrate(Function<MigrationHarness, AutoCloseable> atNodes) {
        try (MigrationHarness world = MigrationHarness.twoPools()) {
            int gardenStart = world.gardenRequests.mark();
            world.startOperator();
            world.requestDualStack();
            world.awaitStep("Nodes");
            try (AutoCloseable meanwhile = atNodes.apply(world)) {
                // the record's removal writes the Shoot too: the user's edit is made again on a conflict
                await().atMost(MigrationHarness.TIMEOUT).ignoreException(KubernetesClientException.class)
                        .untilAsserted(() -> world.annotate(ExtensionKind.OPERATION_ANNOTATION, "rollout-workers=*"));
                await().atMost(MigrationHarness.TIMEOUT)
                        .until(() -> world.constraintStates().equals(MigrationHarness.CONSTRAINTS_OF_A_MIGRATION));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }

            Map<String, Long> extensionWrites = new TreeMap<>();
            for (RequestLog.Request write : world.gardenRequests.writesSince(gardenStart, RequestLog.byOperator())) {
                // the extension triggers; that every pool rolled once is told by the node replacements
                for (String kind : List.of("infrastructures", "controlplanes", "networks")) {
                    if (write.path().contains("/" + kind + "/")) {
                        extensionWrites.merge(kind, 1L, Long::sum);
                    }
                }
            }
            return new Effects(world.simulator().coreDnsRollouts(), world.simulator().nodeReplacements(), extensionWrites);
        }
    }
}
