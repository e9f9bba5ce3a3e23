package io.github.shootdualstack.shootcluster;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeList;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodIP;
import io.fabric8.kubernetes.api.model.PodList;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceList;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.github.shootdualstack.garden.Patches;
import io.github.shootdualstack.migration.ShootClusterFacts;
import io.github.shootdualstack.migration.ShootClusterFacts.NodeFacts;
import io.github.shootdualstack.migration.ShootClusterFacts.PodFacts;
import io.github.shootdualstack.migration.ShootClusterFacts.ServiceFacts;
import io.github.shootdualstack.shoot.IpFamily;

import java.net.ConnectException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/** The shoot cluster through a fabric8 client built from the Shoot's kubeconfig Secret. */
public final class Fabric8ShootCluster implements ShootCluster {

    public static final String KUBE_SYSTEM = "kube-system";
    public static final String COREDNS = "coredns";
    public static final String KUBE_DNS = "kube-dns";
    public static final String DNS_LABEL = "k8s-app";
    public static final String RESTARTED_AT = "gardener.cloud/restarted-at";

    private final KubernetesClient client;
    private final String shootRef;
    private final String secretRef;
    private final ShootWatches watches;
    private volatile ShootWatches.Observed observed;

    /** @param secretRef the Secret the client's kubeconfig came from, named when the server's certificate is refused */
    public Fabric8ShootCluster(KubernetesClient client, String shootRef, String secretRef) {
        this(client, shootRef, secretRef, null);
    }

    /** @param watches the watches of this client, which {@link #follow} opens; none to follow nothing */
    Fabric8ShootCluster(KubernetesClient client, String shootRef, String secretRef, ShootWatches watches) {
        this.client = client;
        this.shootRef = shootRef;
        this.secretRef = secretRef;
        this.watches = watches;
    }

    @Override
    public ShootClusterFacts observe(boolean withReport) {
        return call("read", () -> {
            NodeList nodeList = client.nodes().list();
            List<NodeFacts> nodes = nodeList.getItems().stream().map(Fabric8ShootCluster::node).toList();
            Deployment coreDns = client.apps().deployments().inNamespace(KUBE_SYSTEM).withName(COREDNS).get();
            PodList podList = client.pods().inNamespace(KUBE_SYSTEM).withLabel(DNS_LABEL, KUBE_DNS).list();
            List<PodFacts> dnsPods = podList.getItems().stream().map(Fabric8ShootCluster::dnsPod).filter(Objects::nonNull).toList();
            // a list of the one Service, for a version to watch from that is the server's now, not the Service's last change
            ServiceList kubeDnsList = client.services().inNamespace(KUBE_SYSTEM).withField("metadata.name", KUBE_DNS).list();
            Service kubeDns = kubeDnsList.getItems().isEmpty() ? null : kubeDnsList.getItems().get(0);
            ServiceFacts kubeDnsFacts = kubeDns == null ? null : service(kubeDns);
            observed = new ShootWatches.Observed(nodeList.getMetadata().getResourceVersion(), nodes,
                    podList.getMetadata().getResourceVersion(), dnsPods,
                    kubeDnsList.getMetadata().getResourceVersion(), kubeDnsFacts);
            ShootClusterFacts.Report report = null;
            if (withReport) {
                int singleAddressPods = (int) client.pods().inAnyNamespace().list().getItems().stream()
                        .filter(pod -> pod.getSpec() == null || !Boolean.TRUE.equals(pod.getSpec().getHostNetwork()))
                        .filter(pod -> ips(pod).size() == 1).count();
                List<String> singleStackServices = new ArrayList<>();
                for (Service service : client.services().inAnyNamespace().list().getItems()) {
                    if (singleStack(service)) {
                        singleStackServices.add(service.getMetadata().getNamespace() + "/" + service.getMetadata().getName());
                    }
                }
                report = new ShootClusterFacts.Report(singleAddressPods, List.copyOf(singleStackServices));
            }
            return new ShootClusterFacts(nodes, coreDns != null, restartedAt(coreDns), dnsPods,
                    kubeDnsFacts, report);
        });
    }

    /** Follows the Nodes, CoreDNS pods and kube-dns Service from the versions this cluster's observation read them at. */
    @Override
    public void follow(Runnable changed) {
        ShootWatches.Observed last = observed;
        if (watches != null && last != null) {
            watches.follow(last, changed);
        }
    }

    @Override
    public void restartCoreDns(String value) {
        call("restart CoreDNS in", () -> client.apps().deployments().inNamespace(KUBE_SYSTEM).withName(COREDNS)
                .patch(Patches.MERGE, Patches.body(Map.of("spec", Map.of("template", Map.of("metadata",
                        Map.of("annotations", Map.of(RESTARTED_AT, value))))))));
    }

    @Override
    public void patchKubeDns(String ipv4ClusterIP, String ipv6ClusterIP) {
        // A JSON patch: lists are replaced as written, and the IPv4 cluster IP must still be the one observed.
        call("patch kube-dns in", () -> client.services().inNamespace(KUBE_SYSTEM).withName(KUBE_DNS)
                .patch(Patches.JSON, Patches.body(List.of(
                        Map.of("op", "test", "path", "/spec/clusterIP", "value", ipv4ClusterIP),
                        Map.of("op", "add", "path", "/spec/ipFamilyPolicy", "value", "PreferDualStack"),
                        Map.of("op", "add", "path", "/spec/ipFamilies", "value", List.of(IpFamily.IPV4, IpFamily.IPV6)),
                        Map.of("op", "add", "path", "/spec/clusterIPs", "value", List.of(ipv4ClusterIP, ipv6ClusterIP))))));
    }

    private <T> T call(String what, Supplier<T> request) {
        try {
            return request.get();
        } catch (KubernetesClientException e) {
            String cause = e.getCode() > 0 ? "HTTP " + e.getCode() + " " + Optional.ofNullable(e.getStatus())
                    .map(s -> s.getMessage()).orElse(e.getMessage()) : rootMessage(e);
            throw new ShootAccessException("could not " + what + " the shoot cluster of " + shootRef + " at "
                    + client.getConfiguration().getMasterUrl() + ": " + cause + (tlsRefused(e)
                    ? " (the server's certificate is not signed by the CA in certificate-authority-data of " + secretRef + ")" : ""), e);
        }
    }

    /** The TLS handshake failed on the server's certificate. */
    private static boolean tlsRefused(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof javax.net.ssl.SSLHandshakeException || cause instanceof java.security.cert.CertPathBuilderException
                    || cause instanceof java.security.cert.CertPathValidatorException) {
                return true;
            }
        }
        return false;
    }

    static String rootMessage(Throwable e) {
        Throwable root = e;
        // not past a ConnectException: below it the JDK client has only a ClosedChannelException, which hides the refusal
        while (root.getCause() != null && root.getCause() != root && !(root instanceof ConnectException)) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getClass().getSimpleName() + ": " + root.getMessage();
    }

    static NodeFacts node(Node node) {
        List<String> cidrs = node.getSpec() == null ? List.of()
                : node.getSpec().getPodCIDRs() != null && !node.getSpec().getPodCIDRs().isEmpty() ? node.getSpec().getPodCIDRs()
                : node.getSpec().getPodCIDR() == null ? List.of() : List.of(node.getSpec().getPodCIDR());
        return new NodeFacts(node.getMetadata().getName(), cidrs);
    }

    static ServiceFacts service(Service service) {
        return new ServiceFacts(clusterIPs(service), service.getSpec().getIpFamilyPolicy());
    }

    /** A CoreDNS pod as the steps see it; none for a pod being deleted. */
    static PodFacts dnsPod(Pod pod) {
        return pod.getMetadata().getDeletionTimestamp() != null ? null : new PodFacts(pod.getMetadata().getName(), ips(pod));
    }

    private static List<String> ips(Pod pod) {
        if (pod.getStatus() == null) {
            return List.of();
        }
        if (pod.getStatus().getPodIPs() != null && !pod.getStatus().getPodIPs().isEmpty()) {
            return pod.getStatus().getPodIPs().stream().map(PodIP::getIp).toList();
        }
        return pod.getStatus().getPodIP() == null ? List.of() : List.of(pod.getStatus().getPodIP());
    }

    private static String restartedAt(Deployment deployment) {
        if (deployment == null || deployment.getSpec().getTemplate().getMetadata() == null
                || deployment.getSpec().getTemplate().getMetadata().getAnnotations() == null) {
            return null;
        }
        return deployment.getSpec().getTemplate().getMetadata().getAnnotations().get(RESTARTED_AT);
    }

    private static List<String> clusterIPs(Service service) {
        if (service.getSpec().getClusterIPs() != null && !service.getSpec().getClusterIPs().isEmpty()) {
            return service.getSpec().getClusterIPs();
        }
        return service.getSpec().getClusterIP() == null ? List.of() : List.of(service.getSpec().getClusterIP());
    }

    private static boolean singleStack(Service service) {
        String clusterIP = service.getSpec().getClusterIP();
        boolean hasClusterIP = clusterIP != null && !clusterIP.isBlank() && !"None".equals(clusterIP);
        return hasClusterIP && !"ExternalName".equals(service.getSpec().getType()) && clusterIPs(service).size() == 1;
    }
}
