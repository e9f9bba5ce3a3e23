package io.github.shootdualstack.e2e;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Service;
import io.github.shootdualstack.garden.ExtensionKind;
import io.github.shootdualstack.local.LocalNetworks;
import io.github.shootdualstack.migration.Addresses;
import io.github.shootdualstack.operator.OperatorHttpServer;
import io.github.shootdualstack.shoot.Shoot;
import io.github.shootdualstack.testing.Reconciles;
import io.github.shootdualstack.testing.RequestLog;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The whole migration, end to end: the real operator against an embedded garden and shoot API
 * server, with the local provider playing the extensions and the shoot's machines. One walk; the
 * tests look at it from different sides, in order.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FullMigrationTest {

    MigrationHarness world;
    Service kubeDnsBefore;
    int gardenStart;
    int shootStart;

    @BeforeAll
    void migrate() {
        world = MigrationHarness.twoPools();
        kubeDnsBefore = dns();
        gardenStart = world.gardenRequests.mark();
        shootStart = world.shootRequests.mark();
        world.startOperator();

        world.requestDualStack();
        world.awaitStep("Nodes");
        world.annotate(ExtensionKind.OPERATION_ANNOTATION, "rollout-workers=*");
        world.awaitCompleted();
    }

    @AfterAll
    void stop() {
        world.close();
    }

    @Test
    @Order(1)
    void constraintsWalkTheExactSequence() {
        assertThat(world.constraintStates()).containsExactlyElementsOf(MigrationHarness.CONSTRAINTS_OF_A_MIGRATION);
    }

    @Test
    @Order(2)
    void kubeDnsIsDualStackInPlace_keepingItsIpv4ClusterIP() {
        Service after = dns();
        String ipv6ServiceRange = LocalNetworks.ipv6For(world.landscape.technicalNamespace()).services().toString();
        assertThat(after.getMetadata().getUid()).as("never recreated").isEqualTo(kubeDnsBefore.getMetadata().getUid());
        assertThat(after.getSpec().getIpFamilyPolicy()).isEqualTo("PreferDualStack");
        assertThat(after.getSpec().getClusterIP()).isEqualTo(kubeDnsBefore.getSpec().getClusterIP()).isEqualTo("100.64.0.10");
        assertThat(after.getSpec().getClusterIPs()).containsExactly("100.64.0.10", Addresses.offset(ipv6ServiceRange, 10));
        assertThat(after.getSpec().getIpFamilies()).containsExactly("IPv4", "IPv6");
    }

    @Test
    @Order(3)
    void shootStatusCarriesTheInfrastructuresNetworking_andTheNetworkRunsDualStack() {
        GenericKubernetesResource infrastructure = extension(ExtensionKind.INFRASTRUCTURE);
        var networking = world.shoot().getStatus().getNetworking();
        assertThat(networking.getNodes()).isEqualTo(infrastructure.get("status", "networking", "nodes")).hasSize(2);
        assertThat(networking.getPods()).isEqualTo(infrastructure.get("status", "networking", "pods"));
        assertThat(networking.getServices()).isEqualTo(infrastructure.get("status", "networking", "services"));
        assertThat(Addresses.dualStack(networking.getNodes())).isTrue();
        GenericKubernetesResource network = extension(ExtensionKind.NETWORK);
        assertThat((Object) network.get("spec", "ipFamilies")).isEqualTo(List.of("IPv4", "IPv6"));
        assertThat((Object) network.get("status", "ipFamilies")).isEqualTo(List.of("IPv4", "IPv6"));
    }

    @Test
    @Order(4)
    void theRecordKeepsEveryStep_andTheRolloutAnnotationIsGone() {
        Shoot shoot = world.shoot();
        var record = shoot.getStatus().getDualStackMigration();
        assertThat(record.getStep()).isEqualTo("Completed");
        assertThat(record.getFromIPFamilies()).containsExactly("IPv4");
        assertThat(record.getToIPFamilies()).containsExactly("IPv4", "IPv6");
        assertThat(record.getSteps()).extracting(s -> s.getName())
                .containsExactly("Infrastructure", "ControlPlane", "Nodes", "Network", "CoreDNS", "KubeDNS");
        assertThat(record.getSteps()).allSatisfy(step -> assertThat(step.getCompletedAt()).isNotNull());
        assertThat(record.getSingleStackServices()).contains("app/web", "app/api");
        assertThat(shoot.getStatus().getLastOperation().getState()).isEqualTo("Succeeded");
        assertThat(shoot.getStatus().getLastOperation().getProgress()).isEqualTo(100);
        assertThat(MigrationHarness.annotationsOf(shoot)).doesNotContainKey(ExtensionKind.OPERATION_ANNOTATION);
    }

    @Test
    @Order(5)
    void promisesHold_countedOnTheWire() {
        List<RequestLog.Request> writes = world.operatorWrites(gardenStart, shootStart);
        System.out.printf("Writes by the operator for one migration of %d nodes in %d pools: %d%n",
                world.landscape.nodeCount(), world.landscape.pools().size(), writes.size());
        writes.forEach(w -> System.out.println("  " + w));

        assertThat(writes).as("no delete, anywhere").noneMatch(w -> w.method().equals("DELETE"));
        assertThat(writes).as("no write of a Shoot's spec: only status, and metadata patches to drop the annotation")
                .filteredOn(w -> w.path().contains("/shoots/"))
                .allMatch(w -> w.path().contains("/status") || w.method().equals("PATCH"));
        assertThat(writes.stream().filter(w -> w.path().contains("/shoots/") && !w.path().contains("/status")))
                .as("exactly one metadata patch: removing rollout-workers").hasSize(1);
        assertThat(writes).as("the coredns pod template changed exactly once")
                .filteredOn(w -> w.path().contains("/deployments/coredns")).hasSize(1);
        assertThat(world.local.simulator(world.landscape).coreDnsRollouts()).isEqualTo(1);
        assertThat(writes).filteredOn(w -> w.path().contains("/services/kube-dns")).hasSize(1);
        int bound = WriteBound.forMigration(world.landscape.nodeCount(), world.landscape.pools().size(), 2);
        assertThat(writes).as("writes per migration stay within the bound of docs/migration.md").hasSizeLessThanOrEqualTo(bound);
    }

    @Test
    @Order(6)
    void afterCompletion_furtherReconcilesWriteNothing() {
        int gardenMark = world.gardenRequests.mark();
        int shootMark = world.shootRequests.mark();
        Reconciles.awaitAfter(world.operator(), () -> world.edit(shoot -> {
            shoot.getMetadata().getLabels().put("touched", "after-completion");
            return shoot;
        }));
        assertThat(world.operatorWrites(gardenMark, shootMark)).isEmpty();
    }

    @Test
    @Order(7)
    void metricsShowTheMigration() throws Exception {
        String metrics;
        try (OperatorHttpServer http = new OperatorHttpServer(0, world.operator())) {
            metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + http.port() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
        }
        assertThat(metrics).contains("shoot_dualstack_coredns_restarts_total 1.0");
        assertThat(metrics).contains("shoot_dualstack_migrations_completed_total 1.0");
        assertThat(metrics).contains("shoot_dualstack_shoots{step=\"Completed\"} 1.0");
        assertThat(metrics).containsPattern("shoot_dualstack_step_duration_seconds_count\\{step=\"Nodes\"} 1");
        assertThat(metrics).containsPattern("shoot_dualstack_api_requests_total\\{cluster=\"shoot\",code=\"20[02]\",resource=\"deployments\",verb=\"PATCH\"} 1")
                .containsPattern("shoot_dualstack_api_requests_total\\{cluster=\"shoot\",code=\"20[02]\",resource=\"services\",verb=\"PATCH\"} 1");
        assertThat(metrics).contains("operator_sdk_");
    }

    private Service dns() {
        return world.shootClient().services().inNamespace("kube-system").withName("kube-dns").get();
    }

    private GenericKubernetesResource extension(ExtensionKind kind) {
        return kind.in(world.gardenClient()).inNamespace(world.landscape.technicalNamespace())
                .withName(world.landscape.shootName()).get();
    }

    static Map<String, String> labels(Shoot shoot) {
        return shoot.getMetadata().getLabels();
    }
}
