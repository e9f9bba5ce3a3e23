package io.github.shootdualstack.shootcluster;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodIP;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.github.shootdualstack.garden.Patches;
import io.github.shootdualstack.migration.ShootClusterFacts;
import io.github.shootdualstack.migration.ShootClusterFacts.NodeFacts;
import io.github.shootdualstack.migration.ShootClusterFacts.PodFacts;
import io.github.shootdualstack.migration.ShootClusterFacts.ServiceFacts;
import io.github.shootdualstack.shoot.IpFamily;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/** The shoot cluster through a fabric8 client built from the Shoot's kubeconfig. */
public final class Fabric8ShootCluster implements ShootCluster {

    public static final String KUBE_SYSTEM = "kube-system";
    public static final String COREDNS = "coredns";
    public static final String KUBE_DNS = "kube-dns";
    public static final String DNS_LABEL = "k8s-app";
    public static final String RESTARTED_AT = "gardener.cloud/restarted-at";
    /** A namespace or Service name as Kubernetes allows it (a DNS-1035/1123 label). */
    private static final java.util.regex.Pattern DNS_LABEL_NAME = java.util.regex.Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

    private final KubernetesClient client;
    private final String shootRef;
    private final String origin;
    private final ShootWatches watches;
    private final Listing listing;
    private volatile ShootWatches.Observed observed;

    /**
     * @param origin where the client's kubeconfig came from (its Secret, {@code shoots/adminkubeconfig}), named when
     *               the server's certificate is refused
     */
    public Fabric8ShootCluster(KubernetesClient client, String shootRef, String origin) {
        this(client, shootRef, origin, null, Listing.DEFAULT);
    }

    /** @param watches the watches of this client, which {@link #follow} opens; none to follow nothing */
    Fabric8ShootCluster(KubernetesClient client, String shootRef, String origin, ShootWatches watches, Listing listing) {
        this.client = client;
        this.listing = listing;
        this.shootRef = shootRef;
        this.origin = origin;
        this.watches = watches;
    }

    @Override
    public ShootClusterFacts observe(boolean withReport) {
        return call("read", () -> {
            List<NodeFacts> nodes = new ArrayList<>();
            String nodesVersion = listing.fold("Nodes", options -> client.nodes().list(options), node -> nodes.add(node(node)));
            Deployment coreDns = client.apps().deployments().inNamespace(KUBE_SYSTEM).withName(COREDNS).get();
            List<PodFacts> dnsPods = new ArrayList<>();
            String dnsPodsVersion = listing.fold("CoreDNS pods", options -> client.pods().inNamespace(KUBE_SYSTEM)
                    .withLabel(DNS_LABEL, KUBE_DNS).list(options), pod -> Optional.ofNullable(dnsPod(pod)).ifPresent(dnsPods::add));
            // a list of the one Service, for a version to watch from that is the server's now, not the Service's last change
            List<Service> kubeDnsList = new ArrayList<>();
            String kubeDnsVersion = listing.fold("kube-dns Services", options -> client.services().inNamespace(KUBE_SYSTEM)
                    .withField("metadata.name", KUBE_DNS).list(options), kubeDnsList::add);
            ServiceFacts kubeDnsFacts = kubeDnsList.isEmpty() ? null : service(kubeDnsList.get(0));
            observed = new ShootWatches.Observed(nodesVersion, List.copyOf(nodes), dnsPodsVersion, List.copyOf(dnsPods),
                    kubeDnsVersion, kubeDnsFacts);
            return new ShootClusterFacts(List.copyOf(nodes), coreDns != null, restartedAt(coreDns), List.copyOf(dnsPods),
                    kubeDnsFacts, withReport ? report() : null);
        });
    }

    /** Pods with one address and single-stack Services, counted page by page: no listing is held whole. */
    private ShootClusterFacts.Report report() {
        int[] singleAddressPods = {0};
        listing.fold("pods", options -> client.pods().inAnyNamespace().list(options), pod -> {
            if ((pod.getSpec() == null || !Boolean.TRUE.equals(pod.getSpec().getHostNetwork())) && ips(pod).size() == 1) {
                singleAddressPods[0]++;
            }
        });
        int[] singleStackServices = {0};
        List<String> named = new ArrayList<>();
        listing.fold("Services", options -> client.services().inAnyNamespace().list(options), service -> {
            if (singleStack(service) && singleStackServices[0]++ < ShootClusterFacts.Report.NAMED_SERVICES
                    && DNS_LABEL_NAME.matcher(String.valueOf(service.getMetadata().getNamespace())).matches()
                    && DNS_LABEL_NAME.matcher(String.valueOf(service.getMetadata().getName())).matches()) {
                // only what Kubernetes accepts as names goes into the record and the message; anything else is counted
                named.add(service.getMetadata().getNamespace() + "/" + service.getMetadata().getName());
            }
        });
        return new ShootClusterFacts.Report(singleAddressPods[0], singleStackServices[0], List.copyOf(named));
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

    /**
     * Runs a request; a failure is named by its kind (an HTTP status, a refused connection, a limit),
     * never by what the shoot's server sent, and without the client's exception as its cause, whose
     * message may quote the server's answer.
     */
    private <T> T call(String what, Supplier<T> request) {
        try {
            return request.get();
        } catch (NullPointerException | IllegalArgumentException | ClassCastException e) {
            // an object without the fields every Kubernetes object of its kind has: said so, not how it failed
            throw new ShootAccessException("could not " + what + " the shoot cluster of " + shootRef + " at "
                    + client.getConfiguration().getMasterUrl() + ": it sent an object that is not a valid Kubernetes object of its kind");
        } catch (KubernetesClientException | ResponseBounds.Exceeded e) {
            throw new ShootAccessException("could not " + what + " the shoot cluster of " + shootRef + " at "
                    + client.getConfiguration().getMasterUrl() + ": " + Failures.kind(e) + (Failures.tlsRefused(e)
                    ? " (the server's certificate is not signed by the CA in certificate-authority-data of " + origin + ")" : ""));
        }
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
