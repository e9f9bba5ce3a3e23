package io.github.shootdualstack.operator;

import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.github.shootdualstack.shoot.LastOperation;
import io.github.shootdualstack.shoot.Shoot;
import io.github.shootdualstack.shoot.ShootStatus;
import io.github.shootdualstack.testing.Crds;
import io.github.shootdualstack.testing.RequestLog;
import io.github.shootdualstack.testing.TestShoots;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A status write refused for a change meanwhile is made again on the latest Shoot; one refused for what it holds is not. */
@EnableKubernetesMockClient(crud = true)
class StatusWriterTest {

    private static final String STATUS = "/apis/core.gardener.cloud/v1beta1/namespaces/garden-dev/shoots/prod/status";

    KubernetesClient client;
    KubernetesMockServer server;

    @Test
    void aWriteRefusedForAConflict_isMadeAgain() throws InterruptedException {
        Shoot prod = created();
        server.expect().patch().withPath(STATUS).andReturn(409, refusal(409, "Conflict")).once();

        Shoot written = StatusWriter.patched(client, prod, processing(), new OwnStatusWrites(), false);

        assertThat(written.getStatus().getLastOperation().getDescription()).isEqualTo("step 2/7");
        assertThat(RequestLog.patchesOf(server, STATUS)).as("the refused write and the one made again").isEqualTo(2);
    }

    @Test
    void aWriteRefused422_onAShootThatHasNotChanged_failsAtOnce_withTheServersAnswer() throws InterruptedException {
        Shoot prod = created();
        server.expect().patch().withPath(STATUS).andReturn(422, refusal(422, "Invalid")).always();

        assertThatThrownBy(() -> StatusWriter.patched(client, prod, processing(), new OwnStatusWrites(), false))
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(422))
                .hasMessageContaining("refused");
        assertThat(RequestLog.patchesOf(server, STATUS)).as("no second attempt: the same write on the same Shoot is refused again")
                .isEqualTo(1);
    }

    @Test
    void typed_writesNeitherTheLastOperationNorTheRecord_andNothingAtAllWhenOnlyThoseDiffer() throws InterruptedException {
        Shoot prod = created();
        ShootStatus desired = processing();
        desired.setDualStackMigration(new io.github.shootdualstack.shoot.MigrationRecord());
        desired.setNetworking(prod.getStatus().getNetworking());

        assertThat(StatusWriter.patched(client, prod, desired, new OwnStatusWrites(), true)).as("nothing to write").isNull();
        assertThat(RequestLog.patchesOf(server, STATUS)).isZero();

        io.github.shootdualstack.shoot.Condition nodes = new io.github.shootdualstack.shoot.Condition();
        nodes.setType(io.github.shootdualstack.migration.Conditions.NODES_TYPE);
        nodes.setStatus(io.github.shootdualstack.shoot.Condition.PROGRESSING);
        nodes.setReason("NodesNotMigrated");
        desired.setConstraints(java.util.List.of(nodes));
        Shoot written = StatusWriter.patched(client, prod, desired, new OwnStatusWrites(), true);

        assertThat(written.getStatus().getConstraints()).extracting(io.github.shootdualstack.shoot.Condition::getType)
                .containsExactly(io.github.shootdualstack.migration.Conditions.NODES_TYPE);
        assertThat(written.getStatus().getLastOperation()).as("gardenlet's").isNull();
        assertThat(written.getStatus().getDualStackMigration()).isNull();
    }

    private Shoot created() throws InterruptedException {
        Crds.installAll(client);
        Shoot prod = TestShoots.create(client, TestShoots.ipv4("garden-dev", "prod"));
        while (server.takeRequest(10, TimeUnit.MILLISECONDS) != null) {
            // only the writer's requests are counted
        }
        return prod;
    }

    private static ShootStatus processing() {
        LastOperation operation = new LastOperation();
        operation.setType(LastOperation.TYPE_RECONCILE);
        operation.setState(LastOperation.STATE_PROCESSING);
        operation.setProgress(20);
        operation.setDescription("step 2/7");
        ShootStatus status = new ShootStatus();
        status.setLastOperation(operation);
        return status;
    }

    private static io.fabric8.kubernetes.api.model.Status refusal(int code, String reason) {
        return new StatusBuilder().withStatus("Failure").withCode(code).withReason(reason).withMessage("refused").build();
    }
}
