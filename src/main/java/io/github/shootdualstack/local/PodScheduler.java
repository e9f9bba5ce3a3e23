package io.github.shootdualstack.local;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAddress;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodIP;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Plays scheduler, kubelet and CNI for new pods of a local shoot: a pod goes to the node with the
 * fewest pods and gets the lowest free address of each pod CIDR of that node, from offset 2 on.
 * IPv6 is added only when the CNI runs IPv6 ({@code Network.status.ipFamilies}) and the node has
 * an IPv6 pod CIDR, as on a real cluster: a pod on a node that was never migrated stays IPv4.
 * Without any node a pod stays {@code Pending} without addresses.
 */
public final class PodScheduler {

    public static final String TEMPLATE_HASH_LABEL = "pod-template-hash";
    private static final int FIRST_POD_OFFSET = 2;

    private final List<Node> nodes;
    private final Map<String, Integer> podsPerNode = new HashMap<>();
    private final Set<String> usedAddresses = new HashSet<>();

    /** @param pods every pod of the cluster, so that no address is handed out twice */
    public PodScheduler(List<Node> nodes, List<Pod> pods) {
        this.nodes = nodes.stream().sorted(Comparator.comparing(node -> node.getMetadata().getName())).toList();
        for (Pod pod : pods) {
            if (pod.getSpec() != null && pod.getSpec().getNodeName() != null) {
                podsPerNode.merge(pod.getSpec().getNodeName(), 1, Integer::sum);
            }
            if (pod.getStatus() != null && pod.getStatus().getPodIPs() != null) {
                pod.getStatus().getPodIPs().forEach(ip -> usedAddresses.add(ip.getIp()));
            }
        }
    }

    /** A new, not yet scheduled pod of a Deployment-like owner, named {@code <owner>-<templateHash>-<suffix>}. */
    public static Pod newPod(String namespace, String owner, PodTemplateSpec template, String templateHash) {
        Map<String, String> labels = new LinkedHashMap<>();
        if (template.getMetadata() != null && template.getMetadata().getLabels() != null) {
            labels.putAll(template.getMetadata().getLabels());
        }
        labels.put(TEMPLATE_HASH_LABEL, templateHash);
        return new PodBuilder()
                .withNewMetadata()
                    .withNamespace(namespace)
                    .withName(owner + "-" + templateHash + "-" + ShootNodes.randomSuffix())
                    .withLabels(labels)
                    .withAnnotations(template.getMetadata() == null ? null : template.getMetadata().getAnnotations())
                .endMetadata()
                .withSpec(template.getSpec())
                .build();
    }

    /** The same pod again under a new name, unscheduled: what its controller creates after an eviction. */
    public static Pod replacementOf(Pod pod) {
        String name = pod.getMetadata().getName();
        int cut = name.lastIndexOf('-');
        String base = cut > 0 ? name.substring(0, cut) : name;
        return new PodBuilder(pod)
                .editMetadata()
                    .withName(base + "-" + ShootNodes.randomSuffix())
                    .withResourceVersion(null).withUid(null).withCreationTimestamp(null).withGeneration(null)
                .endMetadata()
                .editSpec().withNodeName(null).endSpec()
                .withStatus(null)
                .build();
    }

    /** The pod placed on a node and running, with its addresses; {@code Pending} if there is no node. */
    public Pod run(Pod pod, boolean cniRunsIpv6) {
        if (nodes.isEmpty()) {
            return new PodBuilder(pod).withNewStatus().withPhase("Pending").endStatus().build();
        }
        Node node = nodes.stream()
                .min(Comparator.comparing(candidate -> podsPerNode.getOrDefault(candidate.getMetadata().getName(), 0)))
                .orElseThrow();
        String nodeName = node.getMetadata().getName();
        podsPerNode.merge(nodeName, 1, Integer::sum);
        List<PodIP> podIps = new ArrayList<>();
        for (String podCidr : podCidrs(node)) {
            Cidr range = Cidr.parse(podCidr);
            if (!range.isIpv6() || cniRunsIpv6) {
                podIps.add(new PodIP(freeAddress(range)));
            }
        }
        String hostIp = node.getStatus().getAddresses().stream()
                .filter(address -> "InternalIP".equals(address.getType()))
                .map(NodeAddress::getAddress).findFirst().orElse(null);
        return new PodBuilder(pod)
                .editSpec().withNodeName(nodeName).endSpec()
                .withNewStatus()
                    .withPhase("Running")
                    .withHostIP(hostIp)
                    .withPodIP(podIps.isEmpty() ? null : podIps.get(0).getIp())
                    .withPodIPs(podIps)
                    .addNewCondition().withType("Ready").withStatus("True").endCondition()
                .endStatus()
                .build();
    }

    private static List<String> podCidrs(Node node) {
        List<String> podCidrs = node.getSpec().getPodCIDRs();
        if (podCidrs != null && !podCidrs.isEmpty()) {
            return podCidrs;
        }
        return node.getSpec().getPodCIDR() == null ? List.of() : List.of(node.getSpec().getPodCIDR());
    }

    private String freeAddress(Cidr range) {
        for (long offset = FIRST_POD_OFFSET; ; offset++) {
            String address = range.address(offset);
            if (usedAddresses.add(address)) {
                return address;
            }
        }
    }
}
