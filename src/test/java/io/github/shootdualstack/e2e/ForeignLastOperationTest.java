package io.github.shootdualstack.e2e;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.github.shootdualstack.garden.ExtensionKind;
import io.github.shootdualstack.local.ExtensionBehaviour;
import io.github.shootdualstack.testing.RequestLog;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code status.lastOperation} is a report another controller may own and rewrite: rewritten
 * between reconciles while a step is blocked, the problem is announced once, the back-off still
 * grows, and once the world is fixed the migration completes with no step lost.
 */
class ForeignLastOperationTest {

    private static final int REWRITES = 15;

    @Test
    void anotherWriterRewritesTheLastOperation_whileAStepIsBlocked_theProblemIsAnnouncedOnce_andTheMigrationCompletes()
            throws InterruptedException {
        try (MigrationHarness world = MigrationHarness.twoPools()) {
            world.local.extensions().setBehaviour(ExtensionKind.INFRASTRUCTURE,
                    ExtensionBehaviour.failing(Duration.ZERO, "quota exceeded"));
            world.startOperator();
            world.requestDualStack();
            await().atMost(MigrationHarness.TIMEOUT).until(() -> blockedEvents(world) > 0);
            int start = world.gardenRequests.mark();

            for (int i = 0; i < REWRITES; i++) {
                Thread.sleep(200);
                rewriteLastOperation(world, i);
            }
            long infrastructureRetries = world.gardenRequests.writesSince(start, RequestLog.byOperator()).stream()
                    .filter(write -> write.path().contains("/infrastructures/")).count();

            assertThat(blockedEvents(world)).as("the blocked problem, announced once (counted on one event): %s",
                    world.events("DualStackMigrationBlocked").stream().map(e -> e.getCount() + "x " + e.getMessage()).toList())
                    .isEqualTo(1);
            // 3 s of a growing back-off (0.1 s to 0.8 s): far fewer retries than rewrites
            assertThat(infrastructureRetries).as("retries of the Infrastructure while it was rewritten %d times", REWRITES)
                    .isPositive().isLessThan(REWRITES / 2);

            world.local.extensions().setBehaviour(ExtensionKind.INFRASTRUCTURE, ExtensionBehaviour.succeeding(Duration.ZERO));
            world.awaitStep("Nodes");
            world.annotate(ExtensionKind.OPERATION_ANNOTATION, "rollout-workers=*");
            await().atMost(MigrationHarness.TIMEOUT)
                    .until(() -> world.constraintStates().equals(MigrationHarness.CONSTRAINTS_OF_A_MIGRATION));
            assertThat(world.simulator().coreDnsRollouts()).isEqualTo(1);
        }
    }

    /** The number of DualStackMigrationBlocked warnings about the failed Infrastructure, repeats counted. */
    private static long blockedEvents(MigrationHarness world) {
        return world.events("DualStackMigrationBlocked").stream()
                .filter(event -> event.getMessage().contains("quota exceeded"))
                .mapToLong(event -> event.getCount() == null ? 1 : event.getCount()).sum();
    }

    private static void rewriteLastOperation(MigrationHarness world, int i) {
        String lastOperation = "{\"status\": {\"lastOperation\": {\"type\": \"Reconcile\", \"state\": \"Succeeded\", \"progress\": 100,"
                + " \"description\": \"Shoot cluster has been successfully reconciled (" + i + ")\", \"lastUpdateTime\": \""
                + Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS) + "\"}}}";
        try {
            world.shoots().withName(world.landscape.shootName()).subresource("status")
                    .patch(PatchContext.of(PatchType.JSON_MERGE), lastOperation);
        } catch (KubernetesClientException conflict) {
            // the operator wrote meanwhile; the next rewrite follows
        }
    }

}
