package io.github.shootdualstack.local;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.github.shootdualstack.garden.ExtensionKind;
import io.github.shootdualstack.shoot.Shoot;
import io.github.shootdualstack.testing.RequestLog;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@EnableKubernetesMockClient(crud = true)
class LocalExtensionsTest {

    private static final String NAMESPACE = "shoot--dev--demo";
    private static final String STATUS = "/apis/extensions.gardener.cloud/v1alpha1/namespaces/" + NAMESPACE + "/infrastructures/demo/status";
    /** Far from the landscape's own timestamps, so a status the extensions wrote is recognisable. */
    private static final Instant EXTENSION_TIME = Instant.parse("2030-01-01T00:00:00Z");

    KubernetesClient client;
    KubernetesMockServer server;

    private LocalApiServer shootCluster;
    private LocalExtensions extensions;

    @BeforeEach
    void startExtensions() {
        LocalCrds.install(client);
        shootCluster = LocalApiServer.start();
        LocalLandscape.builder().project("dev").shoot("demo").build().create(client, shootCluster.client());
        extensions = new LocalExtensions(client, ExtensionsConfig.succeedingAfter(Duration.ZERO),
                Clock.fixed(EXTENSION_TIME, ZoneOffset.UTC)).start();
    }

    @AfterEach
    void stop() {
        extensions.close();
        shootCluster.close();
    }

    @Test
    void reconcileAnnotation_onIpv4Shoot_succeedsWithIpv4RangesOnly() {
        triggerReconcile(ExtensionKind.INFRASTRUCTURE);

        GenericKubernetesResource infrastructure = awaitReconciled(ExtensionKind.INFRASTRUCTURE, "Succeeded");
        assertThat(infrastructure.getMetadata().getAnnotations()).doesNotContainKey(ExtensionKind.OPERATION_ANNOTATION);
        assertThat(ExtensionStatus.observedGeneration(infrastructure)).isEqualTo(infrastructure.getMetadata().getGeneration());
        assertThat(Fields.strings(infrastructure, "status", "networking", "nodes")).containsExactly("10.250.0.0/16");
        assertThat(Fields.strings(infrastructure, "status", "networking", "pods")).containsExactly("100.96.0.0/11");
        assertThat(Fields.strings(infrastructure, "status", "networking", "services")).containsExactly("100.64.0.0/13");
    }

    @Test
    void clusterAsksForDualStack_infrastructureAddsIpv6RangesAfterIpv4() {
        ExtensionKind.CLUSTER.in(client).withName(NAMESPACE).edit(cluster -> {
            networking(cluster.get("spec", "shoot", "spec", "networking")).put("ipFamilies", List.of("IPv4", "IPv6"));
            return cluster;
        });

        triggerReconcile(ExtensionKind.INFRASTRUCTURE);

        GenericKubernetesResource infrastructure = awaitReconciled(ExtensionKind.INFRASTRUCTURE, "Succeeded");
        LocalNetworks.Ipv6Ranges ipv6 = LocalNetworks.ipv6For(NAMESPACE);
        assertThat(Fields.strings(infrastructure, "status", "networking", "nodes"))
                .containsExactly("10.250.0.0/16", ipv6.nodes().toString());
        assertThat(Fields.strings(infrastructure, "status", "networking", "pods"))
                .containsExactly("100.96.0.0/11", ipv6.pods().toString());
        assertThat(Fields.strings(infrastructure, "status", "networking", "services"))
                .containsExactly("100.64.0.0/13", ipv6.services().toString());
    }

    @Test
    void withoutCluster_theInfrastructureReadsTheShoot() {
        ExtensionKind.CLUSTER.in(client).withName(NAMESPACE).delete();
        client.resources(Shoot.class).inNamespace("garden-dev").withName("demo").edit(shoot -> {
            shoot.getSpec().getNetworking().setIpFamilies(List.of("IPv4", "IPv6"));
            return shoot;
        });

        triggerReconcile(ExtensionKind.INFRASTRUCTURE);

        GenericKubernetesResource infrastructure = awaitReconciled(ExtensionKind.INFRASTRUCTURE, "Succeeded");
        assertThat(Fields.strings(infrastructure, "status", "networking", "pods")).hasSize(2);
    }

    @Test
    void ipv6AllocationSwitchedOff_dualStackShootGetsIpv4RangesOnly() {
        extensions.setIpv6Allocation(false);
        ExtensionKind.CLUSTER.in(client).withName(NAMESPACE).edit(cluster -> {
            networking(cluster.get("spec", "shoot", "spec", "networking")).put("ipFamilies", List.of("IPv4", "IPv6"));
            return cluster;
        });

        triggerReconcile(ExtensionKind.INFRASTRUCTURE);

        GenericKubernetesResource infrastructure = awaitReconciled(ExtensionKind.INFRASTRUCTURE, "Succeeded");
        assertThat(Fields.strings(infrastructure, "status", "networking", "nodes")).containsExactly("10.250.0.0/16");
    }

    @Test
    void failingInfrastructure_reportsErrorWithReason_andSucceedsOnceFixed() {
        extensions.setBehaviour(ExtensionKind.INFRASTRUCTURE,
                ExtensionBehaviour.failing(Duration.ZERO, "route quota of the VPC exceeded"));

        triggerReconcile(ExtensionKind.INFRASTRUCTURE);

        GenericKubernetesResource failed = awaitReconciled(ExtensionKind.INFRASTRUCTURE, "Error");
        assertThat(Fields.text(failed, "status", "lastError", "description")).isEqualTo("route quota of the VPC exceeded");
        assertThat(failed.getMetadata().getAnnotations()).doesNotContainKey(ExtensionKind.OPERATION_ANNOTATION);

        extensions.setBehaviour(ExtensionKind.INFRASTRUCTURE, ExtensionBehaviour.succeeding(Duration.ZERO));

        GenericKubernetesResource fixed = awaitReconciled(ExtensionKind.INFRASTRUCTURE, "Succeeded");
        assertThat((Object) fixed.get("status", "lastError")).isNull();
    }

    @Test
    void restartedExtensions_reconcileWhatDidNotSucceed() {
        extensions.setBehaviour(ExtensionKind.INFRASTRUCTURE, ExtensionBehaviour.failing(Duration.ZERO));
        triggerReconcile(ExtensionKind.INFRASTRUCTURE);
        assertThat(Fields.text(awaitReconciled(ExtensionKind.INFRASTRUCTURE, "Error"), "status", "lastError", "description"))
                .contains("simulated");
        extensions.close();

        extensions = new LocalExtensions(client, ExtensionsConfig.succeedingAfter(Duration.ZERO),
                Clock.fixed(EXTENSION_TIME, ZoneOffset.UTC)).start();

        awaitReconciled(ExtensionKind.INFRASTRUCTURE, "Succeeded");
    }

    @Test
    void stuckControlPlane_staysProcessingWhileOthersFinish_andFinishesWhenUnstuck() {
        extensions.setBehaviour(ExtensionKind.CONTROL_PLANE, ExtensionBehaviour.stuck());

        triggerReconcile(ExtensionKind.CONTROL_PLANE);
        awaitReconciled(ExtensionKind.CONTROL_PLANE, "Processing");
        triggerReconcile(ExtensionKind.NETWORK);
        awaitReconciled(ExtensionKind.NETWORK, "Succeeded");

        GenericKubernetesResource controlPlane = get(ExtensionKind.CONTROL_PLANE);
        assertThat(ExtensionStatus.state(controlPlane)).isEqualTo("Processing");
        assertThat(controlPlane.getMetadata().getAnnotations()).doesNotContainKey(ExtensionKind.OPERATION_ANNOTATION);

        extensions.setBehaviour(ExtensionKind.CONTROL_PLANE, ExtensionBehaviour.succeeding(Duration.ZERO));

        awaitReconciled(ExtensionKind.CONTROL_PLANE, "Succeeded");
    }

    @Test
    void slowExtension_reportsProcessingUntilItsDelayIsOver() {
        extensions.setBehaviour(ExtensionKind.CONTROL_PLANE, ExtensionBehaviour.succeeding(Duration.ofHours(1)));

        triggerReconcile(ExtensionKind.CONTROL_PLANE);

        assertThat(Fields.text(awaitReconciled(ExtensionKind.CONTROL_PLANE, "Processing"), "status", "lastOperation", "type"))
                .isEqualTo("Reconcile");
        extensions.setBehaviour(ExtensionKind.CONTROL_PLANE, ExtensionBehaviour.succeeding(Duration.ZERO));
        awaitReconciled(ExtensionKind.CONTROL_PLANE, "Succeeded");
    }

    @Test
    void networkSpecChangeWithoutTheAnnotation_isNotReconciled_asByGardenersExtensions() {
        GenericKubernetesResource edited = ExtensionKind.NETWORK.in(client).inNamespace(NAMESPACE).withName("demo")
                .edit(network -> {
                    networking(network.get("spec")).put("ipFamilies", List.of("IPv4", "IPv6"));
                    return network;
                });
        assertThat(edited.getMetadata().getGeneration()).isEqualTo(2);

        // the controllers answer a trigger within milliseconds: for a second, nothing answers this change
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(2)).until(() -> get(ExtensionKind.NETWORK),
                network -> ExtensionStatus.observedGeneration(network) == 1
                        && Fields.strings(network, "status", "ipFamilies").equals(List.of("IPv4")));
    }

    @Test
    void networkSpecChangeWithTheAnnotationInTheSameWrite_isReconciledAndStatusFollowsSpec() {
        ExtensionKind.NETWORK.in(client).inNamespace(NAMESPACE).withName("demo").edit(network -> {
            networking(network.get("spec")).put("ipFamilies", List.of("IPv4", "IPv6"));
            network.getMetadata().setAnnotations(Map.of(ExtensionKind.OPERATION_ANNOTATION, ExtensionKind.OPERATION_RECONCILE));
            return network;
        });

        GenericKubernetesResource network = awaitReconciled(ExtensionKind.NETWORK, "Succeeded");
        assertThat(Fields.strings(network, "status", "ipFamilies")).containsExactly("IPv4", "IPv6");
        assertThat(ExtensionStatus.observedGeneration(network)).isEqualTo(2);
    }

    @Test
    void reconcileWhoseStartIsRefusedOnce_isBegunAgain_andSucceeds() {
        // the trigger is removed, then writing Processing is refused: nothing else will ever ask for this reconcile
        server.expect().patch().withPath(STATUS).andReturn(422, "").once();

        triggerReconcile(ExtensionKind.INFRASTRUCTURE);

        assertThat(awaitReconciled(ExtensionKind.INFRASTRUCTURE, "Succeeded").getMetadata().getAnnotations())
                .doesNotContainKey(ExtensionKind.OPERATION_ANNOTATION);
    }

    @Test
    void reconcileWhoseReportIsRefused_reportsAgain_andSucceeds() throws InterruptedException {
        extensions.setBehaviour(ExtensionKind.INFRASTRUCTURE, ExtensionBehaviour.succeeding(Duration.ofSeconds(2)));
        triggerReconcile(ExtensionKind.INFRASTRUCTURE);
        await().atMost(Duration.ofSeconds(10)).until(() -> "Processing".equals(ExtensionStatus.state(get(ExtensionKind.INFRASTRUCTURE))));
        RequestLog.patchesOf(server, STATUS); // from here on
        // the next status write is the report: refused twice, and no event will come to ask for it again
        server.expect().patch().withPath(STATUS).andReturn(422, "").times(2);

        awaitReconciled(ExtensionKind.INFRASTRUCTURE, "Succeeded");
        assertThat(RequestLog.patchesOf(server, STATUS)).as("the report, refused twice, then made").isEqualTo(3);
    }

    private void triggerReconcile(ExtensionKind kind) {
        kind.in(client).inNamespace(NAMESPACE).withName("demo").edit(resource -> {
            Map<String, String> annotations = resource.getMetadata().getAnnotations() == null
                    ? new HashMap<>() : resource.getMetadata().getAnnotations();
            annotations.put(ExtensionKind.OPERATION_ANNOTATION, ExtensionKind.OPERATION_RECONCILE);
            resource.getMetadata().setAnnotations(annotations);
            return resource;
        });
    }

    /** Waits until the extension itself reported {@code state} and has nothing left to do. */
    private GenericKubernetesResource awaitReconciled(ExtensionKind kind, String state) {
        return await().atMost(Duration.ofSeconds(10)).until(() -> get(kind), resource ->
                state.equals(ExtensionStatus.state(resource))
                        && EXTENSION_TIME.toString().equals(Fields.text(resource, "status", "lastOperation", "lastUpdateTime"))
                        && !ExtensionStatus.hasReconcileAnnotation(resource)
                        && ("Processing".equals(state)
                                || ExtensionStatus.observedGeneration(resource) == ExtensionStatus.generation(resource)));
    }

    private GenericKubernetesResource get(ExtensionKind kind) {
        return kind.in(client).inNamespace(NAMESPACE).withName("demo").get();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> networking(Object map) {
        return (Map<String, Object>) map;
    }
}
