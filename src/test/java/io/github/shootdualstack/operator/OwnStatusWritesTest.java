package io.github.shootdualstack.operator;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.github.shootdualstack.migration.Migration;
import io.github.shootdualstack.shoot.Shoot;
import io.github.shootdualstack.testing.Crds;
import io.github.shootdualstack.testing.Reconciles;
import io.github.shootdualstack.testing.TestShoots;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The update that is only the operator's own status write wakes no reconcile; every other update does. */
@EnableKubernetesMockClient(crud = true)
class OwnStatusWritesTest {

    KubernetesClient client;
    KubernetesMockServer server;
    ShootOperator operator;

    @BeforeEach
    void startOperator() {
        Crds.installAll(client);
        operator = new ShootOperator(client.getConfiguration(), OperatorSettings.defaults()
                .withMigration(new Migration.Settings(Duration.ofMillis(200), Duration.ofSeconds(1), 50)));
    }

    @AfterEach
    void stopOperator() {
        operator.close();
    }

    @Test
    void refusedChange_isReconciledOnce_notAgainForTheStatusItWrote_butAgainForALaterEdit() throws InterruptedException {
        Shoot prod = TestShoots.create(client, TestShoots.ipv4("garden-dev", "prod"));
        operator.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> Reconciles.started(operator) >= 1);
        Thread.sleep(500); // the first reconcile, of an idle Shoot, finishes without a write
        double before = Reconciles.started(operator);

        // refused: one reconcile, which writes the error into the status (and records an event)
        TestShoots.editIpFamilies(client, prod, List.of("IPv6"));
        await().atMost(Duration.ofSeconds(10)).until(() -> TestShoots.get(client, prod).getStatus() != null
                && TestShoots.get(client, prod).getStatus().getLastOperation() != null);
        Thread.sleep(1_000); // room for the reconcile the status write would wake

        assertThat(Reconciles.started(operator) - before).as("reconciles of the edit and of the status write it caused").isEqualTo(1);
        Reconciles.awaitAfter(operator, () -> client.resources(Shoot.class).inNamespace("garden-dev").withName("prod")
                .edit(s -> {
                    s.getMetadata().setLabels(Map.of("touched", "yes"));
                    return s;
                }));
        assertThat(Reconciles.started(operator) - before).as("another writer's update is reconciled").isEqualTo(2);
    }

    @Test
    void onlyTheUpdateFromTheVersionTheWriteStartedFrom_toTheVersionItMade_isLeftOut() {
        OwnStatusWrites writes = new OwnStatusWrites();
        writes.answered(writes.starting(shoot("5"), "5"), shoot("7"));

        assertThat(writes.accept(shoot("7"), shoot("6"))).as("from another version: someone wrote in between").isTrue();
        assertThat(writes.accept(shoot("8"), shoot("5"))).as("to another version").isTrue();
        assertThat(writes.accept(shoot("7"), shoot("5"))).as("exactly the write").isFalse();
        assertThat(writes.accept(shoot("7"), shoot("5"))).as("once only").isTrue();
    }

    @Test
    void theUpdateFromTheVersionAFailedWriteStartedFrom_isSomeoneElses_andLetThrough() {
        OwnStatusWrites writes = new OwnStatusWrites();
        OwnStatusWrites.Write write = writes.starting(shoot("5"), "5");
        writes.answered(write, null); // refused: someone else's update came first

        assertThat(writes.accept(shoot("6"), shoot("5"))).isTrue();
    }

    private static Shoot shoot(String resourceVersion) {
        Shoot shoot = new Shoot();
        shoot.setMetadata(new ObjectMetaBuilder().withNamespace("garden-dev").withName("prod").withResourceVersion(resourceVersion).build());
        return shoot;
    }
}
