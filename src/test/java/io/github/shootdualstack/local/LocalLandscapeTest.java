package io.github.shootdualstack.local;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodIP;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.github.shootdualstack.garden.ExtensionKind;
import io.github.shootdualstack.shoot.Shoot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@EnableKubernetesMockClient(crud = true)
class LocalLandscapeTest {

    KubernetesClient client;
    KubernetesMockServer server;

    private LocalApiServer shootCluster;
    private final LocalLandscape landscape = LocalLandscape.builder()
            .project("dev").shoot("demo").pool("worker-a", 2).pool("worker-b", 1).build();

    @BeforeEach
    void createLandscape() {
        LocalCrds.install(client);
        shootCluster = LocalApiServer.start();
        landscape.create(client, shootCluster.client());
    }

    @AfterEach
    void stopShootCluster() {
        shootCluster.close();
    }

    @Test
    void shoot_isIpv4WithNativeRoutingAndPointsAtItsTechnicalNamespace() {
        Shoot shoot = client.resources(Shoot.class).inNamespace("garden-dev").withName("demo").get();

        assertThat(shoot.getSpec().getNetworking().getIpFamilies()).containsExactly("IPv4");
        assertThat(shoot.getSpec().getNetworking().getProviderConfig().getOverlay().getEnabled()).isFalse();
        assertThat(shoot.getSpec().getProvider().getWorkers()).extracting("name").containsExactly("worker-a", "worker-b");
        assertThat(shoot.getSpec().additionalProperties()).containsKey("kubernetes");
        assertThat(shoot.getStatus().getTechnicalID()).isEqualTo("shoot--dev--demo");
        assertThat(shoot.getStatus().getNetworking().getNodes()).containsExactly("10.250.0.0/16");
        assertThat(shoot.getStatus().getObservedGeneration()).isEqualTo(shoot.getMetadata().getGeneration());
    }

    @Test
    void extensionResources_areReconciledAndSingleStack() {
        for (ExtensionKind kind : List.of(ExtensionKind.INFRASTRUCTURE, ExtensionKind.CONTROL_PLANE, ExtensionKind.NETWORK)) {
            GenericKubernetesResource resource = kind.in(client).inNamespace("shoot--dev--demo").withName("demo").get();
            assertThat(ExtensionStatus.state(resource)).as(kind.kind()).isEqualTo("Succeeded");
            assertThat(ExtensionStatus.hasReconcileAnnotation(resource)).as(kind.kind()).isFalse();
            assertThat(ExtensionStatus.observedGeneration(resource)).as(kind.kind()).isEqualTo(ExtensionStatus.generation(resource));
        }
        GenericKubernetesResource infrastructure = ExtensionKind.INFRASTRUCTURE.in(client)
                .inNamespace("shoot--dev--demo").withName("demo").get();
        assertThat(Fields.strings(infrastructure, "status", "networking", "pods")).containsExactly("100.96.0.0/11");
        GenericKubernetesResource network = ExtensionKind.NETWORK.in(client).inNamespace("shoot--dev--demo").withName("demo").get();
        assertThat(Fields.strings(network, "status", "ipFamilies")).containsExactly("IPv4");
        GenericKubernetesResource cluster = ExtensionKind.CLUSTER.in(client).withName("shoot--dev--demo").get();
        assertThat(Fields.text(cluster, "spec", "shoot", "status", "technicalID")).isEqualTo("shoot--dev--demo");
    }

    @Test
    void machineDeployments_onePerPoolLabelledWithThePool() {
        List<GenericKubernetesResource> machineDeployments = ExtensionKind.MACHINE_DEPLOYMENT.in(client)
                .inNamespace("shoot--dev--demo").withLabel(ExtensionKind.POOL_LABEL, "worker-a").list().getItems();

        assertThat(machineDeployments).hasSize(1);
        assertThat((Object) machineDeployments.get(0).get("spec", "replicas")).isEqualTo(2);
        assertThat((Object) machineDeployments.get(0).get("spec", "template", "metadata", "annotations")).isNotNull();
    }

    @Test
    void shootCluster_hasIpv4NodesCoreDnsAndSingleStackWorkloads() {
        KubernetesClient shoot = shootCluster.client();
        List<Node> nodes = shoot.nodes().list().getItems();
        assertThat(nodes).hasSize(3);
        assertThat(nodes).allSatisfy(node -> assertThat(node.getSpec().getPodCIDRs()).singleElement()
                .satisfies(cidr -> assertThat(Cidr.parse(cidr).isIpv6()).isFalse()));
        assertThat(nodes).extracting(ShootNodes::pool).containsOnly("worker-a", "worker-b");

        List<Pod> dnsPods = shoot.pods().inNamespace("kube-system").withLabel("k8s-app", "kube-dns").list().getItems();
        assertThat(dnsPods).hasSize(2).allSatisfy(pod -> {
            assertThat(pod.getStatus().getPhase()).isEqualTo("Running");
            assertThat(pod.getStatus().getPodIPs()).extracting(PodIP::getIp).singleElement()
                    .satisfies(ip -> assertThat(Cidr.parse(LocalNetworks.PODS_V4).contains(ip)).isTrue());
        });
        assertThat(shoot.apps().deployments().inNamespace("kube-system").withName("coredns").get().getStatus()
                .getReadyReplicas()).isEqualTo(2);

        Service kubeDns = shoot.services().inNamespace("kube-system").withName("kube-dns").get();
        assertThat(kubeDns.getSpec().getClusterIP()).isEqualTo("100.64.0.10");
        assertThat(kubeDns.getSpec().getIpFamilies()).containsExactly("IPv4");
        assertThat(kubeDns.getSpec().getIpFamilyPolicy()).isEqualTo("SingleStack");
        assertThat(shoot.pods().inNamespace("app").list().getItems()).hasSize(3);
        assertThat(shoot.services().inNamespace("app").list().getItems()).hasSize(2);
    }

    @Test
    void kubeconfigSecret_letsAFreshClientReachTheShootCluster() {
        Secret secret = client.secrets().inNamespace("garden-dev").withName("demo.kubeconfig").get();
        String kubeconfig = new String(Base64.getDecoder().decode(secret.getData().get("kubeconfig")), StandardCharsets.UTF_8);

        try (KubernetesClient fresh = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(kubeconfig)).build()) {
            assertThat(fresh.nodes().list().getItems()).hasSize(landscape.nodeCount());
        }
    }

    @Test
    void secondShootInTheSameProject_sharesTheProjectNamespace() {
        try (LocalApiServer second = LocalApiServer.start()) {
            LocalLandscape.builder().project("dev").shoot("other").build().create(client, second.client());

            assertThat(client.resources(Shoot.class).inNamespace("garden-dev").list().getItems()).hasSize(2);
            assertThat(second.client().nodes().list().getItems()).hasSize(2);
        }
    }

    @Test
    void controlPlaneAndInfrastructure_haveWhatGardenersCrdsRequire_typeRegionSecretRef_andNoFieldTheyLack() {
        for (ExtensionKind kind : List.of(ExtensionKind.INFRASTRUCTURE, ExtensionKind.CONTROL_PLANE)) {
            GenericKubernetesResource resource = kind.in(client).inNamespace("shoot--dev--demo").withName("demo").get();
            assertThat(resource.<java.util.Map<String, Object>>get("spec")).as(kind.kind())
                    .containsOnlyKeys("type", "region", "secretRef")
                    .containsEntry("secretRef", java.util.Map.of("name", "cloudprovider", "namespace", "shoot--dev--demo"));
        }
    }

    @Test
    void adopt_aShootOfAnotherTechnicalNamespace_refused() {
        LocalLandscape other = LocalLandscape.builder().project("dev").shoot("other").build();
        Shoot demo = client.resources(Shoot.class).inNamespace("garden-dev").withName("demo").get();

        org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
                .isThrownBy(() -> other.adopt(client, shootCluster.client(), demo))
                .withMessage("Shoot garden-dev/demo with status.technicalID shoot--dev--demo is not garden-dev/other with shoot--dev--other");
    }
}
