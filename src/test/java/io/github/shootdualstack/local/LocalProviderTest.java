package io.github.shootdualstack.local;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodIP;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.github.shootdualstack.garden.ExtensionKind;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Walks a migration by hand through the extension contract, the way the operator drives it. */
@EnableKubernetesMockClient(crud = true)
class LocalProviderTest {

    KubernetesClient client;
    KubernetesMockServer server;

    private final LocalLandscape migrated = LocalLandscape.builder().project("dev").shoot("demo").pool("worker-a", 2).build();
    private final LocalLandscape bystander = LocalLandscape.builder().project("garden").shoot("other").build();
    private LocalProvider local;

    @BeforeEach
    void start() {
        local = LocalProvider.start(client, ExtensionsConfig.succeedingAfter(Duration.ofMillis(5)),
                new ShootClusterSimulator.Config(Duration.ofMillis(5), Duration.ofMillis(5)), List.of(migrated, bystander));
    }

    @AfterEach
    void stop() {
        local.close();
    }

    @Test
    void migrationThroughTheContract_endsWithDualStackNodesAndCoreDns_andLeavesOtherShootsAlone() {
        String namespace = migrated.technicalNamespace();
        // step 2: the shoot asks for IPv6, the infrastructure allocates it
        ExtensionKind.CLUSTER.in(client).withName(namespace).edit(cluster -> {
            asMap(cluster.get("spec", "shoot", "spec", "networking")).put("ipFamilies", List.of("IPv4", "IPv6"));
            return cluster;
        });
        trigger(ExtensionKind.INFRASTRUCTURE, namespace, "demo");
        await().atMost(Duration.ofSeconds(10)).until(() -> Fields.strings(extension(ExtensionKind.INFRASTRUCTURE, namespace),
                "status", "networking", "nodes").size() == 2);
        // step 4: the nodes are rolled
        ExtensionKind.MACHINE_DEPLOYMENT.in(client).inNamespace(namespace).withName(migrated.machineDeploymentName("worker-a"))
                .edit(md -> {
                    asMap(md.get("spec", "template", "metadata", "annotations")).put("rolled", "dual-stack");
                    return md;
                });
        KubernetesClient shoot = local.shootClient(migrated);
        await().atMost(Duration.ofSeconds(10)).until(() -> shoot.nodes().list().getItems().stream()
                .allMatch(node -> node.getSpec().getPodCIDRs().size() == 2));
        // step 5: the CNI runs IPv6 (the spec and its trigger in one write)
        ExtensionKind.NETWORK.in(client).inNamespace(namespace).withName("demo").edit(network -> {
            asMap(network.get("spec")).put("ipFamilies", List.of("IPv4", "IPv6"));
            network.getMetadata().setAnnotations(Map.of(ExtensionKind.OPERATION_ANNOTATION, ExtensionKind.OPERATION_RECONCILE));
            return network;
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> Fields.strings(extension(ExtensionKind.NETWORK, namespace),
                "status", "ipFamilies"), List.of("IPv4", "IPv6")::equals);
        // step 6: CoreDNS is restarted
        shoot.apps().deployments().inNamespace("kube-system").withName("coredns").edit(coredns -> {
            Map<String, String> annotations = new HashMap<>();
            annotations.put("gardener.cloud/restarted-at", "migration-1");
            coredns.getSpec().getTemplate().getMetadata().setAnnotations(annotations);
            return coredns;
        });

        await().atMost(Duration.ofSeconds(10)).until(() -> dnsPods(shoot), pods -> pods.size() == 2
                && pods.stream().allMatch(pod -> pod.getStatus().getPodIPs().size() == 2));
        assertThat(local.simulator(migrated).coreDnsRollouts()).isEqualTo(1);
        assertThat(shoot.pods().inNamespace("app").list().getItems()).extracting(pod -> pod.getStatus().getPodIPs().size())
                .as("workloads evicted before the CNI ran IPv6 keep one address").containsOnly(1);

        KubernetesClient other = local.shootClient(bystander);
        assertThat(other.nodes().list().getItems()).allSatisfy(node -> assertThat(node.getSpec().getPodCIDRs()).hasSize(1));
        assertThat(dnsPods(other)).allSatisfy(pod -> assertThat(pod.getStatus().getPodIPs()).extracting(PodIP::getIp).hasSize(1));
        assertThat(local.simulator(bystander).coreDnsRollouts()).isZero();
        assertThat(Fields.strings(extension(ExtensionKind.INFRASTRUCTURE, bystander.technicalNamespace()),
                "status", "networking", "nodes")).hasSize(1);
    }

    private void trigger(ExtensionKind kind, String namespace, String name) {
        kind.in(client).inNamespace(namespace).withName(name).edit(resource -> {
            resource.getMetadata().setAnnotations(Map.of(ExtensionKind.OPERATION_ANNOTATION, ExtensionKind.OPERATION_RECONCILE));
            return resource;
        });
    }

    private GenericKubernetesResource extension(ExtensionKind kind, String namespace) {
        return kind.in(client).inNamespace(namespace).list().getItems().get(0);
    }

    private static List<Pod> dnsPods(KubernetesClient shoot) {
        return shoot.pods().inNamespace("kube-system").withLabel("k8s-app", "kube-dns").list().getItems();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object value) {
        return (Map<String, Object>) value;
    }
}
