package io.github.shootdualstack.local;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAddress;
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
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@EnableKubernetesMockClient(crud = true)
class ShootClusterSimulatorTest {

    private static final String NAMESPACE = "shoot--dev--demo";

    KubernetesClient client;
    KubernetesMockServer server;

    private final LocalLandscape landscape = LocalLandscape.builder()
            .project("dev").shoot("demo").pool("worker-a", 2).pool("worker-b", 1).build();
    private final LocalNetworks.Ipv6Ranges ipv6 = LocalNetworks.ipv6For(NAMESPACE);
    private LocalApiServer shootCluster;
    private KubernetesClient shoot;
    private LocalExtensions extensions;
    private ShootClusterSimulator simulator;

    @BeforeEach
    void start() {
        LocalCrds.install(client);
        shootCluster = LocalApiServer.start();
        shoot = shootCluster.client();
        landscape.create(client, shoot);
        extensions = new LocalExtensions(client, ExtensionsConfig.succeedingAfter(Duration.ZERO)).start();
        simulator = new ShootClusterSimulator(client, shoot, NAMESPACE,
                new ShootClusterSimulator.Config(Duration.ofMillis(5), Duration.ZERO)).start();
    }

    @AfterEach
    void stop() {
        simulator.close();
        extensions.close();
        shootCluster.close();
    }

    @Test
    void nodeReplacementRefused_isDoneAgain_untilThePoolIsRolled() {
        allocateIpv6();
        Set<String> poolANodes = nodeNames("worker-a");
        // the first deletion of each node is refused: no event will ask for the roll again
        poolANodes.forEach(name -> shootCluster.server().expect().delete().withPath("/api/v1/nodes/" + name).andReturn(422, "").once());

        changeMachineTemplate("worker-a");

        await().atMost(Duration.ofSeconds(10)).until(() -> nodeNames("worker-a"),
                names -> names.size() == 2 && names.stream().noneMatch(poolANodes::contains));
        assertThat(simulator.nodeReplacements()).isEqualTo(2);
    }

    @Test
    void machineTemplateChange_afterIpv6Allocation_replacesThatPoolsNodesWithDualStackNodes() {
        allocateIpv6();
        Set<String> poolANodes = nodeNames("worker-a");
        Set<String> poolBNodes = nodeNames("worker-b");

        changeMachineTemplate("worker-a");

        await().atMost(Duration.ofSeconds(10)).until(() -> nodeNames("worker-a"),
                names -> names.size() == 2 && names.stream().noneMatch(poolANodes::contains));
        assertThat(nodes("worker-a")).allSatisfy(node -> {
            assertThat(node.getSpec().getPodCIDRs()).hasSize(2);
            assertThat(Cidr.parse(node.getSpec().getPodCIDRs().get(0)).contains(node.getSpec().getPodCIDR().split("/")[0]))
                    .isTrue();
            assertThat(ipv6.pods().contains(node.getSpec().getPodCIDRs().get(1).split("/")[0])).isTrue();
            assertThat(node.getStatus().getAddresses()).filteredOn(address -> "InternalIP".equals(address.getType()))
                    .extracting(NodeAddress::getAddress)
                    .satisfiesExactly(v4 -> assertThat(v4).doesNotContain(":"), v6 -> assertThat(ipv6.nodes().contains(v6)).isTrue());
        });
        assertThat(nodeNames("worker-b")).isEqualTo(poolBNodes);
        assertThat(nodes("worker-b")).allSatisfy(node -> assertThat(node.getSpec().getPodCIDRs()).hasSize(1));
        assertThat(simulator.nodeReplacements()).isEqualTo(2);
        await().atMost(Duration.ofSeconds(10)).until(() -> Fields.text(machineDeployment("worker-a"), "status", "updatedReplicas"),
                "2"::equals);
    }

    @Test
    void machineTemplateChange_beforeIpv6Allocation_givesNewIpv4OnlyNodes() {
        Set<String> before = nodeNames("worker-b");

        changeMachineTemplate("worker-b");

        await().atMost(Duration.ofSeconds(10)).until(() -> nodeNames("worker-b"),
                names -> names.size() == 1 && !names.equals(before));
        assertThat(nodes("worker-b")).singleElement()
                .satisfies(node -> assertThat(node.getSpec().getPodCIDRs()).singleElement().asString().doesNotContain(":"));
    }

    @Test
    void nodeReplacement_evictsItsPods_whichRunAgainOnCurrentNodes() {
        Set<String> appPodsBefore = podNames("app");

        changeMachineTemplate("worker-a");
        changeMachineTemplate("worker-b");

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(simulator.nodeReplacements()).isEqualTo(3);
            Set<String> nodeNames = shoot.nodes().list().getItems().stream()
                    .map(node -> node.getMetadata().getName()).collect(Collectors.toSet());
            assertThat(shoot.pods().inNamespace("app").list().getItems()).hasSize(3).allSatisfy(pod -> {
                assertThat(pod.getMetadata().getName()).isNotIn(appPodsBefore);
                assertThat(pod.getSpec().getNodeName()).isIn(nodeNames);
                assertThat(pod.getStatus().getPhase()).isEqualTo("Running");
            });
        });
    }

    @Test
    void coreDnsTemplateChange_onceTheNetworkRunsIpv6_replacesItsPodsWithDualStackPods_inOneRollout() {
        migrateNodesAndNetwork();
        Set<String> before = coreDnsPodNames();

        restartCoreDns("2030-01-01T00:00:00Z");

        await().atMost(Duration.ofSeconds(10)).until(this::coreDnsPodNames,
                names -> names.size() == 2 && names.stream().noneMatch(before::contains));
        assertThat(coreDnsPods()).allSatisfy(pod -> assertThat(pod.getStatus().getPodIPs()).extracting(PodIP::getIp)
                .satisfiesExactly(v4 -> assertThat(v4).doesNotContain(":"), v6 -> assertThat(ipv6.pods().contains(v6)).isTrue()));
        assertThat(simulator.coreDnsRollouts()).isEqualTo(1);

        Set<String> rolledOut = coreDnsPodNames();
        scaleCoreDns(3);

        await().atMost(Duration.ofSeconds(10)).until(() -> coreDnsPods().size() == 3);
        assertThat(coreDnsPodNames()).containsAll(rolledOut);
        assertThat(simulator.coreDnsRollouts()).isEqualTo(1);
    }

    @Test
    void coreDnsRolloutWhosePodDeletionIsRefused_isDoneAgain_andCountedOnce() {
        Set<String> before = coreDnsPodNames();
        before.forEach(name -> shootCluster.server().expect().delete().withPath("/api/v1/namespaces/kube-system/pods/" + name)
                .andReturn(422, "").once());

        restartCoreDns("2030-01-01T00:00:00Z");

        await().atMost(Duration.ofSeconds(10)).until(this::coreDnsPodNames,
                names -> names.size() == 2 && names.stream().noneMatch(before::contains));
        assertThat(simulator.coreDnsRollouts()).isEqualTo(1);
    }

    @Test
    void coreDnsTemplateChange_whileTheNetworkRunsIpv4_givesIpv4OnlyPods() {
        Set<String> before = coreDnsPodNames();

        restartCoreDns("2030-01-01T00:00:00Z");

        await().atMost(Duration.ofSeconds(10)).until(this::coreDnsPodNames,
                names -> names.size() == 2 && names.stream().noneMatch(before::contains));
        assertThat(coreDnsPods()).allSatisfy(pod -> assertThat(pod.getStatus().getPodIPs()).hasSize(1));
        assertThat(simulator.coreDnsRollouts()).isEqualTo(1);
    }

    private void allocateIpv6() {
        ExtensionKind.CLUSTER.in(client).withName(NAMESPACE).edit(cluster -> {
            asMap(cluster.get("spec", "shoot", "spec", "networking")).put("ipFamilies", List.of("IPv4", "IPv6"));
            return cluster;
        });
        ExtensionKind.INFRASTRUCTURE.in(client).inNamespace(NAMESPACE).withName("demo").edit(infrastructure -> {
            infrastructure.getMetadata().setAnnotations(
                    Map.of(ExtensionKind.OPERATION_ANNOTATION, ExtensionKind.OPERATION_RECONCILE));
            return infrastructure;
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> Fields.strings(
                ExtensionKind.INFRASTRUCTURE.in(client).inNamespace(NAMESPACE).withName("demo").get(),
                "status", "networking", "pods").size() == 2);
    }

    private void migrateNodesAndNetwork() {
        allocateIpv6();
        changeMachineTemplate("worker-a");
        changeMachineTemplate("worker-b");
        await().atMost(Duration.ofSeconds(10)).until(() -> shoot.nodes().list().getItems().stream()
                .allMatch(node -> node.getSpec().getPodCIDRs().size() == 2));
        // the families and their trigger in one write, as the operator writes them
        ExtensionKind.NETWORK.in(client).inNamespace(NAMESPACE).withName("demo").edit(network -> {
            asMap(network.get("spec")).put("ipFamilies", List.of("IPv4", "IPv6"));
            network.getMetadata().setAnnotations(Map.of(ExtensionKind.OPERATION_ANNOTATION, ExtensionKind.OPERATION_RECONCILE));
            return network;
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> Fields.strings(
                ExtensionKind.NETWORK.in(client).inNamespace(NAMESPACE).withName("demo").get(), "status", "ipFamilies"),
                List.of("IPv4", "IPv6")::equals);
    }

    private void changeMachineTemplate(String pool) {
        ExtensionKind.MACHINE_DEPLOYMENT.in(client).inNamespace(NAMESPACE).withName(landscape.machineDeploymentName(pool))
                .edit(md -> {
                    asMap(md.get("spec", "template", "metadata", "annotations")).put("rollout", "dual-stack");
                    return md;
                });
    }

    private void restartCoreDns(String at) {
        shoot.apps().deployments().inNamespace("kube-system").withName("coredns").edit(deployment -> {
            Map<String, String> annotations = new HashMap<>();
            annotations.put("gardener.cloud/restarted-at", at);
            deployment.getSpec().getTemplate().getMetadata().setAnnotations(annotations);
            return deployment;
        });
    }

    private void scaleCoreDns(int replicas) {
        shoot.apps().deployments().inNamespace("kube-system").withName("coredns").edit(deployment -> {
            deployment.getSpec().setReplicas(replicas);
            return deployment;
        });
    }

    private GenericKubernetesResource machineDeployment(String pool) {
        return ExtensionKind.MACHINE_DEPLOYMENT.in(client).inNamespace(NAMESPACE)
                .withName(landscape.machineDeploymentName(pool)).get();
    }

    private List<Node> nodes(String pool) {
        return shoot.nodes().withLabel(ExtensionKind.POOL_LABEL, pool).list().getItems();
    }

    private Set<String> nodeNames(String pool) {
        return nodes(pool).stream().map(node -> node.getMetadata().getName()).collect(Collectors.toSet());
    }

    private List<Pod> coreDnsPods() {
        return shoot.pods().inNamespace("kube-system").withLabel("k8s-app", "kube-dns").list().getItems();
    }

    private Set<String> podNames(String namespace) {
        return shoot.pods().inNamespace(namespace).list().getItems().stream()
                .map(pod -> pod.getMetadata().getName()).collect(Collectors.toSet());
    }

    private Set<String> coreDnsPodNames() {
        return coreDnsPods().stream().map(pod -> pod.getMetadata().getName()).collect(Collectors.toSet());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object value) {
        return (Map<String, Object>) value;
    }
}
