package io.github.shootdualstack.e2e;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.github.shootdualstack.local.ExtensionsConfig;
import io.github.shootdualstack.local.ShootClusterSimulator;
import io.github.shootdualstack.operator.OperatorMetrics;
import io.github.shootdualstack.operator.ShootOperator;
import io.github.shootdualstack.shoot.LastOperation;
import io.github.shootdualstack.shoot.MigrationRecord;
import io.github.shootdualstack.shoot.Shoot;
import io.github.shootdualstack.shootcluster.Fabric8ShootCluster;
import io.github.shootdualstack.testing.RequestLog;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static io.github.shootdualstack.e2e.MigrationHarness.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The operator derives where a migration stands from the world, so a restarted one carries on:
 * restarted at every step boundary, or right after it restarted CoreDNS, the migration still
 * completes with one CoreDNS restart and the constraints of an undisturbed migration. Two
 * operators never run at once here.
 */
class OperatorRestartTest {

    MigrationHarness world;
    int shootStart;

    @AfterEach
    void closeWorld() {
        world.close();
    }

    @Test
    void restartedAtEveryStepBoundary_completesWithOneCoreDnsRestart_andTheUsualConstraints() throws InterruptedException {
        // slow enough that when the step changes, the next one still waits on its extension, machines or pods
        world = MigrationHarness.twoPools(ExtensionsConfig.succeedingAfter(Duration.ofMillis(300)),
                new ShootClusterSimulator.Config(Duration.ofMillis(100), Duration.ofMillis(300)));
        shootStart = world.shootRequests.mark();
        BlockingQueue<String> stepChanges = new LinkedBlockingQueue<>();
        List<String> restartedAt = new ArrayList<>();
        try (Watch ignored = watchStepChanges(stepChanges)) {
            world.startOperator();

            world.requestDualStack();
            while (!restartedAt.contains("Completed")) {
                String step = stepChanges.poll(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                assertThat(step).as("a step after %s", restartedAt).isNotNull();
                world.stopOperator();
                world.startOperator();
                restartedAt.add(step);
                if (step.equals("Nodes")) {
                    world.rollWorkers("*");
                }
            }
        }

        assertThat(restartedAt).containsExactly("Infrastructure", "ControlPlane", "Nodes", "Network", "CoreDNS", "KubeDNS", "Completed");
        assertThat(world.lastOperation().getState()).isEqualTo(LastOperation.STATE_SUCCEEDED);
        assertThat(world.simulator().coreDnsRollouts()).isEqualTo(1);
        assertThat(coreDnsRestartWrites()).as("one PATCH of coredns, across all operators").hasSize(1);
        assertThat(world.constraintStates()).containsExactlyElementsOf(MigrationHarness.CONSTRAINTS_OF_A_MIGRATION);
    }

    @Test
    void restartedRightAfterItRestartedCoreDns_theFreshOperatorDoesNotRestartItAgain() throws Exception {
        // the CoreDNS pods take their time, so the fresh operator finds the restart written and the pods not yet replaced
        world = MigrationHarness.twoPools(ExtensionsConfig.succeedingAfter(Duration.ZERO),
                new ShootClusterSimulator.Config(Duration.ZERO, Duration.ofSeconds(2)));
        shootStart = world.shootRequests.mark();
        CompletableFuture<String> restartWritten = new CompletableFuture<>();
        try (Watch ignored = watchCoreDnsRestart(restartWritten)) {
            world.startOperator();
            world.requestDualStack();
            world.rollWorkers("*");

            String restartValue = restartWritten.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            ShootOperator first = world.operator();
            // the write is seen a moment before the operator counts it
            await().atMost(TIMEOUT).until(() -> coreDnsRestarts(first) == 1);
            world.stopOperator();
            world.startOperator();
            world.awaitCompleted();

            assertThat(restartValue).as("the migration's stable value, named by the Shoot")
                    .isEqualTo("dual-stack-migration-" + world.shoot().getMetadata().getUid());
            assertThat(coreDnsRestarts(first)).isEqualTo(1);
            assertThat(coreDnsRestarts(world.operator())).as("restarts by the fresh operator").isZero();
        }
        assertThat(world.simulator().coreDnsRollouts()).isEqualTo(1);
        assertThat(coreDnsRestartWrites()).as("one PATCH of coredns, across both operators").hasSize(1);
        assertThat(world.constraintStates()).containsExactlyElementsOf(MigrationHarness.CONSTRAINTS_OF_A_MIGRATION);
    }

    /** Each new value of the record's step, in order, as the garden stores them. */
    private Watch watchStepChanges(BlockingQueue<String> changes) {
        return world.shoots().withName(world.landscape.shootName()).watch(new Watcher<>() {
            private String last;

            @Override
            public void eventReceived(Action action, Shoot shoot) {
                MigrationRecord record = shoot.getStatus() == null ? null : shoot.getStatus().getDualStackMigration();
                String step = record == null ? null : record.getStep();
                if (step != null && !step.equals(last)) {
                    last = step;
                    changes.add(step);
                }
            }

            @Override
            public void onClose(WatcherException cause) {
            }
        });
    }

    /** Completes with the restart value once the coredns pod template carries one. */
    private Watch watchCoreDnsRestart(CompletableFuture<String> written) {
        return world.shootClient().apps().deployments().inNamespace("kube-system").withName("coredns").watch(new Watcher<>() {
            @Override
            public void eventReceived(Action action, Deployment coredns) {
                Map<String, String> annotations = coredns.getSpec().getTemplate().getMetadata().getAnnotations();
                String value = annotations == null ? null : annotations.get(Fabric8ShootCluster.RESTARTED_AT);
                if (value != null) {
                    written.complete(value);
                }
            }

            @Override
            public void onClose(WatcherException cause) {
            }
        });
    }

    private List<RequestLog.Request> coreDnsRestartWrites() {
        return world.shootRequests.writesSince(shootStart, RequestLog.byOperator()).stream()
                .filter(write -> write.path().contains("/deployments/coredns")).toList();
    }

    private static double coreDnsRestarts(ShootOperator operator) {
        return Objects.requireNonNull(operator.metrics().registry().find(OperatorMetrics.PREFIX + "coredns_restarts").counter()).count();
    }
}
