package io.github.shootdualstack.operator;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.github.shootdualstack.migration.Migration;
import io.github.shootdualstack.shoot.LastOperation;
import io.github.shootdualstack.shoot.Shoot;
import io.github.shootdualstack.testing.Crds;
import io.github.shootdualstack.testing.Reconciles;
import io.github.shootdualstack.testing.RequestLog;
import io.github.shootdualstack.testing.TestShoots;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static io.github.shootdualstack.testing.RequestLog.pathContains;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The real operator on a mock API server: refused IP family changes are reported and recover on revert. */
@EnableKubernetesMockClient(crud = true)
class RefusedChangeTest {

    static final String REFUSAL = "unsupported IP family update: oldIPFamilies=[IPv4], newIPFamilies=[IPv6]";

    KubernetesClient client;
    KubernetesMockServer server;
    ShootOperator operator;
    RequestLog requests;

    @BeforeEach
    void startOperator() {
        Crds.installAll(client);
        requests = new RequestLog(server);
        OperatorSettings settings = OperatorSettings.defaults()
                .withMigration(new Migration.Settings(Duration.ofMillis(200), Duration.ofSeconds(1), 50));
        operator = new ShootOperator(client.getConfiguration(), settings);
    }

    @AfterEach
    void stopOperator() {
        operator.close();
    }

    @Test
    void refusedTransition_isReported_andClearsWhenReverted_whileAValidShootIsNeverWritten() {
        Shoot steady = TestShoots.create(client, TestShoots.ipv4("garden-dev", "steady"));
        Shoot prod = TestShoots.create(client, TestShoots.ipv4("garden-dev", "prod"));
        int start = requests.mark();
        operator.start();

        TestShoots.editIpFamilies(client, prod, List.of("IPv6"));

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            LastOperation last = TestShoots.get(client, prod).getStatus().getLastOperation();
            assertThat(last).isNotNull();
            assertThat(last.getState()).isEqualTo("Error");
            assertThat(last.getDescription()).isEqualTo(REFUSAL);
        });
        await().atMost(Duration.ofSeconds(5)).until(() -> warnings("prod").stream()
                .anyMatch(e -> e.getReason().equals("UnsupportedIPFamilyUpdate") && e.getMessage().contains(REFUSAL)));
        assertThat(TestShoots.get(client, prod).getSpec().getNetworking().getIpFamilies())
                .as("the operator never writes the spec").containsExactly("IPv6");
        TestShoots.editIpFamilies(client, prod, List.of("IPv4"));

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            LastOperation last = TestShoots.get(client, prod).getStatus().getLastOperation();
            assertThat(last.getState()).isEqualTo("Succeeded");
            assertThat(last.getDescription()).isEqualTo("spec.networking.ipFamilies [IPv4] accepted");
        });
        assertThat(requests.writesSince(start, pathContains("/shoots/prod")).stream().filter(r -> !r.path().contains("/status")))
                .as("besides status patches, only the test's two edits wrote the Shoot: the operator never writes spec or metadata")
                .hasSize(2);
        assertThat(TestShoots.get(client, steady).getStatus().getLastOperation()).isNull();
        assertThat(requests.writesSince(start, pathContains("/shoots/steady")))
                .as("a valid, unchanged Shoot gets no write").isEmpty();
        assertThat(warnings("steady")).isEmpty();
        assertThat(requests.writesSince(start, r -> !r.path().contains("/shoots/") && !r.path().contains("/events")))
                .as("a refused change touches nothing else").isEmpty();
    }

    @Test
    void reconcileWithNothingToDo_writesNothing() {
        Shoot steady = TestShoots.create(client, TestShoots.ipv4("garden-dev", "steady"));
        operator.start();
        int mark = requests.mark();
        // a metadata change wakes the reconciler; it reads the Infrastructure, finds nothing to do, writes nothing
        Reconciles.awaitAfter(operator, () -> client.resources(Shoot.class).inNamespace("garden-dev").withName("steady")
                .edit(s -> {
                    s.getMetadata().setLabels(java.util.Map.of("touched", "yes"));
                    return s;
                }));
        assertThat(requests.writesSince(mark, r -> true))
                .as("only the test's own label edit").hasSize(1)
                .allMatch(r -> r.path().contains("/shoots/steady") && !r.path().contains("/status"));
        assertThat(TestShoots.get(client, steady).getStatus().getLastOperation()).isNull();
    }

    private List<Event> warnings(String shoot) {
        return client.v1().events().inNamespace("garden-dev").list().getItems().stream()
                .filter(e -> e.getInvolvedObject().getName().equals(shoot) && "Warning".equals(e.getType())).toList();
    }
}
