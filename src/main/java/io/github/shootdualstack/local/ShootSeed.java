package io.github.shootdualstack.local;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.github.shootdualstack.shoot.IpFamily;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The shoot-cluster half of a {@link LocalLandscape}: the pools' nodes, CoreDNS and kube-dns,
 * and single-stack workloads in namespace {@value #APP_NAMESPACE} (Deployments {@code web} and
 * {@code api} with their pods and Services), so that a report after a migration has pods with
 * one address and Services with one family to list.
 */
final class ShootSeed {

    static final String KUBE_SYSTEM = "kube-system";
    static final String COREDNS = "coredns";
    static final String APP_NAMESPACE = "app";
    static final Map<String, String> KUBE_DNS_LABELS = Map.of("k8s-app", "kube-dns");
    static final String COREDNS_IMAGE = "registry.k8s.io/coredns/coredns:v1.11.3";

    private final LocalLandscape landscape;
    private final KubernetesClient shoot;

    ShootSeed(LocalLandscape landscape, KubernetesClient shoot) {
        this.landscape = landscape;
        this.shoot = shoot;
    }

    void create(Map<String, String> poolTemplateHashes) {
        for (String namespace : List.of(KUBE_SYSTEM, "default", APP_NAMESPACE)) {
            if (shoot.namespaces().withName(namespace).get() == null) {
                shoot.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build())
                        .create();
            }
        }
        List<Node> nodes = createNodes(poolTemplateHashes);
        List<Pod> pods = new ArrayList<>();
        PodScheduler scheduler = new PodScheduler(nodes, pods);

        createDeployment(Workloads.deployment(KUBE_SYSTEM,
                COREDNS, 2, KUBE_DNS_LABELS, COREDNS_IMAGE, 53), scheduler);
        createService(KUBE_SYSTEM, "kube-dns", LocalNetworks.DNS_CLUSTER_IP, KUBE_DNS_LABELS,
                List.of(port("dns", 53, "UDP"), port("dns-tcp", 53, "TCP")));
        if (shoot.services().inNamespace("default").withName("kubernetes").get() == null) {
            // a real API server makes its own
            createService("default", "kubernetes", Cidr.parse(LocalNetworks.SERVICES_V4).address(1), null,
                    List.of(port("https", 443, "TCP")));
        }

        createDeployment(Workloads.deployment(APP_NAMESPACE, "web", 2, Map.of("app", "web"), "nginx:1.27", 8080), scheduler);
        createService(APP_NAMESPACE, "web", Cidr.parse(LocalNetworks.SERVICES_V4).address(20), Map.of("app", "web"),
                List.of(port("http", 80, "TCP")));
        createDeployment(Workloads.deployment(APP_NAMESPACE, "api", 1, Map.of("app", "api"), "busybox:1.36", 9090), scheduler);
        createService(APP_NAMESPACE, "api", Cidr.parse(LocalNetworks.SERVICES_V4).address(21), Map.of("app", "api"),
                List.of(port("http", 9090, "TCP")));
    }

    private List<Node> createNodes(Map<String, String> poolTemplateHashes) {
        List<Node> nodes = new ArrayList<>();
        NodeNetworks networks = NodeNetworks.ipv4Defaults();
        landscape.pools().forEach((pool, count) -> {
            for (int i = 0; i < count; i++) {
                Node node = ShootNodes.build(landscape.technicalNamespace(), pool, poolTemplateHashes.get(pool),
                        ShootNodes.freeIndex(nodes), networks);
                nodes.add(ShootNodes.create(shoot, node));
            }
        });
        return nodes;
    }

    /** Creates the Deployment and its running pods, and reports them in its status. */
    private void createDeployment(Deployment deployment, PodScheduler scheduler) {
        Deployment created = shoot.apps().deployments().resource(deployment).create();
        int replicas = created.getSpec().getReplicas();
        Workloads.runPods(shoot, created, replicas, scheduler, false);
        Workloads.reportStatus(shoot, created, Workloads.status(created, replicas, replicas, replicas));
    }

    private void createService(String namespace, String name, String clusterIp, Map<String, String> selector,
                               List<ServicePort> ports) {
        Service service = new ServiceBuilder()
                .withNewMetadata().withNamespace(namespace).withName(name).withLabels(selector).endMetadata()
                .withNewSpec()
                    .withType("ClusterIP")
                    .withClusterIP(clusterIp)
                    .withClusterIPs(clusterIp)
                    .withIpFamilies(IpFamily.IPV4)
                    .withIpFamilyPolicy("SingleStack")
                    .withSelector(selector)
                    .withPorts(ports)
                .endSpec()
                .build();
        shoot.services().resource(service).create();
    }

    private static ServicePort port(String name, int port, String protocol) {
        return new ServicePortBuilder().withName(name).withPort(port).withProtocol(protocol).build();
    }
}
