package io.github.shootdualstack.local;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAddress;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.github.shootdualstack.garden.ExtensionKind;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;

/**
 * The Nodes of a local shoot, as the machine controller and the kubelet would register them.
 *
 * <p>Every node carries its number {@code n} ({@value #INDEX_ANNOTATION}); its addresses and pod
 * CIDRs follow from it (see {@link LocalNetworks}). A new node takes the lowest number no current
 * node holds, as node IPAM reuses the CIDRs of deleted nodes. The label {@value #TEMPLATE_HASH_LABEL}
 * names the machine template the node was created from, so the simulator can tell old nodes from
 * new ones by looking at the world alone.
 */
public final class ShootNodes {

    public static final String INDEX_ANNOTATION = "local.shootdualstack.io/node-index";
    public static final String TEMPLATE_HASH_LABEL = "local.shootdualstack.io/template-hash";
    private static final String SUFFIX_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";

    private ShootNodes() {
    }

    /**
     * Creates a node and reports its status (addresses, readiness) as its kubelet would: an API
     * server ignores the status a node is created with (the embedded one keeps it).
     */
    static Node create(KubernetesClient shoot, Node node) {
        Node created = shoot.nodes().resource(node).create();
        if (node.getStatus() == null) {
            return created;
        }
        created.setStatus(node.getStatus());
        return shoot.nodes().resource(created).subresource("status").update();
    }

    /** A Ready node of the pool, dual-stack when the networks have IPv6 ranges. */
    public static Node build(String technicalNamespace, String pool, String templateHash, int index, NodeNetworks networks) {
        String name = technicalNamespace + "-" + pool + "-z1-" + templateHash.substring(0, 5) + "-" + randomSuffix();
        List<String> podCidrs = new ArrayList<>();
        List<NodeAddress> addresses = new ArrayList<>();
        podCidrs.add(networks.podsV4().subnet(LocalNetworks.NODE_POD_PREFIX_V4, index).toString());
        addresses.add(new NodeAddress(networks.nodesV4().address(LocalNetworks.NODE_OFFSET + index), "InternalIP"));
        if (networks.dualStack()) {
            podCidrs.add(networks.podsV6().subnet(LocalNetworks.NODE_POD_PREFIX_V6, index).toString());
            addresses.add(new NodeAddress(networks.nodesV6().address(LocalNetworks.NODE_OFFSET + index), "InternalIP"));
        }
        addresses.add(new NodeAddress(name, "Hostname"));
        return new NodeBuilder()
                .withNewMetadata()
                    .withName(name)
                    .withLabels(Map.of(
                            ExtensionKind.POOL_LABEL, pool,
                            TEMPLATE_HASH_LABEL, templateHash,
                            "kubernetes.io/hostname", name,
                            "kubernetes.io/os", "linux",
                            "topology.kubernetes.io/zone", "local-z1"))
                    .withAnnotations(Map.of(INDEX_ANNOTATION, Integer.toString(index)))
                .endMetadata()
                .withNewSpec()
                    .withPodCIDR(podCidrs.get(0))
                    .withPodCIDRs(podCidrs)
                    .withProviderID("local:///" + technicalNamespace + "/" + name)
                .endSpec()
                .withNewStatus()
                    .withAddresses(addresses)
                    .addNewCondition().withType("Ready").withStatus("True").withReason("KubeletReady")
                        .withMessage("kubelet is posting ready status").endCondition()
                .endStatus()
                .build();
    }

    /** The lowest node number that none of the nodes holds. */
    public static int freeIndex(Collection<Node> nodes) {
        Set<Integer> used = nodes.stream().map(ShootNodes::index).flatMap(Optional::stream).collect(Collectors.toSet());
        int index = 0;
        while (used.contains(index)) {
            index++;
        }
        return index;
    }

    public static Optional<Integer> index(Node node) {
        Map<String, String> annotations = node.getMetadata().getAnnotations();
        String value = annotations == null ? null : annotations.get(INDEX_ANNOTATION);
        try {
            return Optional.ofNullable(value).map(Integer::valueOf);
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    public static String pool(Node node) {
        Map<String, String> labels = node.getMetadata().getLabels();
        return labels == null ? null : labels.get(ExtensionKind.POOL_LABEL);
    }

    public static String templateHash(Node node) {
        Map<String, String> labels = node.getMetadata().getLabels();
        return labels == null ? null : labels.get(TEMPLATE_HASH_LABEL);
    }

    /** Five characters as Kubernetes uses for generated names (no vowels, no look-alikes). */
    static String randomSuffix() {
        StringBuilder suffix = new StringBuilder(5);
        for (int i = 0; i < 5; i++) {
            suffix.append(SUFFIX_ALPHABET.charAt(ThreadLocalRandom.current().nextInt(SUFFIX_ALPHABET.length())));
        }
        return suffix.toString();
    }
}
