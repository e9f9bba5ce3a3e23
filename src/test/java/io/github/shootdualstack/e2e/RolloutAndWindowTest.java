package io.github.shootdualstack.e2e;

import io.fabric8.kubernetes.api.model.Node;
import io.github.shootdualstack.garden.ExtensionKind;
import io.github.shootdualstack.garden.GardenActions;
import io.github.shootdualstack.local.ShootNodes;
import io.github.shootdualstack.migration.Addresses;
import io.github.shootdualstack.operator.OperatorSettings;
import io.github.shootdualstack.shoot.Hibernation;
import io.github.shootdualstack.shoot.LastOperation;
import io.github.shootdualstack.testing.Reconciles;
import io.github.shootdualstack.testing.RequestLog;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.github.shootdualstack.shoot.Shoot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static io.github.shootdualstack.e2e.MigrationHarness.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * End to end, what the decision tests of rolling the workers, the maintenance window and
 * hibernation show reconcile by reconcile: the operator rolls exactly the pools asked for, moves
 * only inside the window or when asked to, and pauses a hibernated Shoot.
 */
class RolloutAndWindowTest {

    static final String OPERATION = ExtensionKind.OPERATION_ANNOTATION;
    /** The local Shoot's window, 220000+0100 to 230000+0100. */
    static final String WAITING_FOR_THE_WINDOW = "waiting for the maintenance window 22:00-23:00 +01:00";

    MigrationHarness world;

    @BeforeEach
    void startWorld() {
        world = MigrationHarness.twoPools();
    }

    @AfterEach
    void closeWorld() {
        world.close();
    }

    // --- rolling the workers ----------------------------------------------------------------

    @Test
    void rolloutWorkersForOnePool_rollsOnlyThatPool_andTheAnnotationIsRemoved() {
        world.startOperator();
        world.requestDualStack();
        world.awaitStep("Nodes");
        Map<String, List<String>> before = nodeNamesByPool();

        world.rollWorkers("pool-a");

        await().atMost(TIMEOUT).until(() -> world.lastOperation().getDescription(),
                description -> description.contains("3 of 5 nodes have IPv4 and IPv6 pod CIDRs"));
        Map<String, List<String>> after = nodeNamesByPool();
        assertThat(after.get("pool-a")).hasSize(3).doesNotContainAnyElementsOf(before.get("pool-a"));
        assertThat(after.get("pool-b")).as("the other pool's nodes, by name").isEqualTo(before.get("pool-b"));
        assertThat(world.simulator().nodeReplacements()).isEqualTo(3);
        assertThat(rolloutRequest("pool-b")).isNull();
        assertThat(MigrationHarness.annotationsOf(world.shoot())).doesNotContainKey(OPERATION);
        assertThat(world.record().getStep()).isEqualTo("Nodes");

        world.rollWorkers("pool-b");

        world.awaitCompleted();
        assertThat(nodeNamesByPool().get("pool-b")).hasSize(2).doesNotContainAnyElementsOf(before.get("pool-b"));
        assertThat(world.simulator().nodeReplacements()).isEqualTo(5);
    }

    @Test
    void rolloutWorkersForAll_rollsEveryPool_andTheMigrationCompletes() {
        world.startOperator();
        world.requestDualStack();
        world.awaitStep("Nodes");
        List<String> before = world.shootClient().nodes().list().getItems().stream().map(n -> n.getMetadata().getName()).toList();

        world.rollWorkers("*");

        world.awaitCompleted();
        List<Node> nodes = world.shootClient().nodes().list().getItems();
        assertThat(nodes).hasSize(5).allSatisfy(node -> {
            assertThat(before).doesNotContain(node.getMetadata().getName());
            assertThat(Addresses.dualStack(node.getSpec().getPodCIDRs())).isTrue();
        });
        assertThat(world.simulator().nodeReplacements()).isEqualTo(5);
        assertThat(rolloutRequest("pool-a")).isNotNull().isEqualTo(rolloutRequest("pool-b"));
        assertThat(MigrationHarness.annotationsOf(world.shoot())).doesNotContainKey(OPERATION);
    }

    @Test
    void removalOfTheRolloutAnnotationRefusedForAWhile_eachPoolRollsOnce() {
        world.startOperator();
        world.requestDualStack();
        world.awaitStep("Nodes");
        // the operator's patch removing the annotation is refused four times, as by a conflict
        world.garden.server().expect().patch()
                .withPath("/apis/core.gardener.cloud/v1beta1/namespaces/garden-dev/shoots/prod")
                .andReturn(409, new StatusBuilder().withStatus("Failure").withReason("Conflict").withCode(409)
                        .withMessage("the object has been modified").build())
                .times(4);
        Shoot annotated = world.shoot();
        annotated.getMetadata().getAnnotations().put(OPERATION, "rollout-workers=*");
        world.shoots().resource(annotated).update(); // a PUT: the refusals are for the operator's patch only

        world.awaitCompleted();
        assertThat(world.simulator().nodeReplacements()).as("every node replaced once").isEqualTo(5);
        assertThat(MigrationHarness.annotationsOf(world.shoot())).doesNotContainKey(OPERATION);
    }

    // --- the maintenance window -------------------------------------------------------------

    @Test
    void outsideTheMaintenanceWindow_nothingMoves_untilTheReconcileOperationLiftsIt() {
        confineRolloutsToTheWindow();
        world.startOperator(at("2024-05-06T10:00:00Z"));
        int gardenMark = world.gardenRequests.mark();

        world.requestDualStack();

        await().atMost(TIMEOUT).until(world::lastOperation, last -> last != null && WAITING_FOR_THE_WINDOW.equals(last.getDescription()));
        Reconciles.awaitAfter(world.operator(), () -> world.edit(shoot -> {
            shoot.getMetadata().getLabels().put("looked-at", "again");
            return shoot;
        }));
        assertThat(world.lastOperation().getState()).isEqualTo(LastOperation.STATE_PROCESSING);
        assertThat(world.record()).as("no migration started").isNull();
        assertThat(world.gardenRequests.writesSince(gardenMark, RequestLog.byOperator()))
                .as("no extension trigger, no Cluster sync: only the status saying what it waits for").isNotEmpty()
                .allMatch(write -> write.path().endsWith("/shoots/prod/status"));

        world.annotate(OPERATION, "reconcile");

        await().atMost(TIMEOUT).until(() -> world.record() != null
                && !MigrationHarness.annotationsOf(world.shoot()).containsKey(OPERATION));
        assertThat(world.record().getWindowLiftedAt()).isEqualTo("2024-05-06T10:00:00Z");
        world.rollWorkers("*");
        world.awaitCompleted();
        assertThat(world.simulator().coreDnsRollouts()).isEqualTo(1);
    }

    @Test
    void reconcileOperationWhoseTriggerIsRefused_isNotConsumed_andStillLiftsTheWindow() {
        confineRolloutsToTheWindow();
        world.startOperator(at("2024-05-06T10:00:00Z"));
        world.requestDualStack();
        await().atMost(TIMEOUT).until(world::lastOperation, last -> last != null && WAITING_FOR_THE_WINDOW.equals(last.getDescription()));
        // the Infrastructure trigger the operation lets through is refused once, as by a conflict
        world.garden.server().expect().patch()
                .withPath("/apis/extensions.gardener.cloud/v1alpha1/namespaces/shoot--dev--prod/infrastructures/prod")
                .andReturn(409, new StatusBuilder().withStatus("Failure").withReason("Conflict").withCode(409)
                        .withMessage("the object has been modified").build())
                .once();

        world.annotate(OPERATION, "reconcile");

        world.rollWorkers("*");
        world.awaitCompleted();
        assertThat(world.record().getWindowLiftedAt()).isEqualTo("2024-05-06T10:00:00Z");
        assertThat(MigrationHarness.annotationsOf(world.shoot())).doesNotContainKey(OPERATION);
        assertThat(world.simulator().coreDnsRollouts()).isEqualTo(1);
    }

    @Test
    void insideTheMaintenanceWindow_theMigrationRunsUnasked() {
        confineRolloutsToTheWindow();
        world.startOperator(at("2024-05-06T21:30:00Z"));

        world.requestDualStack();
        world.rollWorkers("*");

        world.awaitCompleted();
        assertThat(world.record().getWindowLiftedAt()).isNull();
    }

    // --- hibernation ------------------------------------------------------------------------

    @Test
    void hibernated_pausesSayingSo_evenWhenAskedToRoll_andResumesWhenWoken() {
        world.startOperator();
        world.requestDualStack();
        world.awaitStep("Nodes");

        hibernate(true);

        await().atMost(TIMEOUT).until(world::lastOperation,
                last -> "dual-stack migration paused: the Shoot is hibernated".equals(last.getDescription()));
        assertThat(world.lastOperation().getState()).isEqualTo(LastOperation.STATE_PROCESSING);
        int gardenMark = world.gardenRequests.mark();
        int shootMark = world.shootRequests.mark();
        Reconciles.awaitAfter(world.operator(), () -> world.annotate(OPERATION, "rollout-workers=*"));
        assertThat(world.operatorWrites(gardenMark, shootMark)).as("nothing rolled, nothing written").isEmpty();
        assertThat(world.simulator().nodeReplacements()).isZero();
        assertThat(world.record().getStep()).isEqualTo("Nodes");

        hibernate(false);

        world.awaitCompleted();
        assertThat(world.simulator().nodeReplacements()).isEqualTo(5);
        assertThat(MigrationHarness.annotationsOf(world.shoot())).doesNotContainKey(OPERATION);
    }

    // --- helpers ----------------------------------------------------------------------------

    private static OperatorSettings at(String instant) {
        return OperatorSettings.defaults().withMigration(MigrationHarness.FAST)
                .withClock(Clock.fixed(Instant.parse(instant), ZoneOffset.UTC));
    }

    private void confineRolloutsToTheWindow() {
        world.edit(shoot -> {
            shoot.getSpec().getMaintenance().setConfineSpecUpdateRollout(true);
            return shoot;
        });
    }

    private void hibernate(boolean enabled) {
        world.edit(shoot -> {
            Hibernation hibernation = new Hibernation();
            hibernation.setEnabled(enabled);
            shoot.getSpec().setHibernation(hibernation);
            return shoot;
        });
    }

    private Map<String, List<String>> nodeNamesByPool() {
        return world.shootClient().nodes().list().getItems().stream().collect(Collectors.groupingBy(ShootNodes::pool, TreeMap::new,
                Collectors.mapping(node -> node.getMetadata().getName(), Collectors.collectingAndThen(Collectors.toList(),
                        names -> names.stream().sorted().toList()))));
    }

    /** The rollout request on the pod template of the pool's MachineDeployment; {@code null} when never rolled. */
    private Object rolloutRequest(String pool) {
        var deployment = ExtensionKind.MACHINE_DEPLOYMENT.in(world.gardenClient()).inNamespace(world.landscape.technicalNamespace())
                .withName(world.landscape.machineDeploymentName(pool)).get();
        Object annotations = deployment.get("spec", "template", "metadata", "annotations");
        return annotations instanceof Map<?, ?> map ? map.get(GardenActions.ROLLOUT_ANNOTATION) : null;
    }
}
