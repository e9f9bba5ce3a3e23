package io.github.shootdualstack.local;

import io.github.shootdualstack.garden.Patches;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.github.shootdualstack.garden.ExtensionKind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The machine controller of one local shoot, stepwise: each step brings one worker pool one node
 * closer to its MachineDeployment. A node is outdated when the template it was made from
 * ({@link ShootNodes#TEMPLATE_HASH_LABEL}) is not the MachineDeployment's current one.
 */
final class MachineController {

    private static final Logger LOG = LoggerFactory.getLogger(MachineController.class);

    private final KubernetesClient garden;
    private final KubernetesClient shoot;
    private final String technicalNamespace;
    private final AtomicInteger nodeReplacements = new AtomicInteger();

    MachineController(KubernetesClient garden, KubernetesClient shoot, String technicalNamespace) {
        this.garden = garden;
        this.shoot = shoot;
        this.technicalNamespace = technicalNamespace;
    }

    int nodeReplacements() {
        return nodeReplacements.get();
    }

    /**
     * One step towards the MachineDeployment's desired nodes: replaces one outdated node, or adds
     * or removes one node, and reports the pool in the MachineDeployment's status.
     *
     * @return whether something changed, so another step may be due
     */
    boolean step(String machineDeployment) {
        GenericKubernetesResource md = ExtensionKind.MACHINE_DEPLOYMENT.in(garden)
                .inNamespace(technicalNamespace).withName(machineDeployment).get();
        if (md == null) {
            return false;
        }
        String pool = md.getMetadata().getLabels() == null ? null : md.getMetadata().getLabels().get(ExtensionKind.POOL_LABEL);
        pool = pool == null ? machineDeployment : pool;
        String hash = TemplateHash.of(md.get("spec", "template"));
        Object wanted = md.get("spec", "replicas");
        List<Node> nodes = poolNodes(pool);
        int replicas = wanted instanceof Number number ? number.intValue() : nodes.size();
        List<Node> outdated = nodes.stream().filter(node -> !hash.equals(ShootNodes.templateHash(node))).toList();
        boolean changed = true;
        if (!outdated.isEmpty()) {
            // a pool above its replicas has its surge node already: a replacement whose deletion failed is finished
            replaceNode(outdated.get(0), pool, hash, nodes.size() <= replicas);
        } else if (nodes.size() < replicas) {
            addNode(pool, hash);
        } else if (nodes.size() > replicas) {
            reschedule(removeNode(nodes.get(nodes.size() - 1)));
        } else {
            changed = false;
        }
        reportPoolStatus(machineDeployment, poolNodes(pool), hash);
        return changed;
    }

    /**
     * As machine-controller-manager's rolling update (maxSurge 1): the new node joins, the old one is drained
     * (its pods run again on the other nodes) and only then deleted. So while any pod of the old node has not
     * run again, the old node is still there: who sees every node of the new template also sees those pods
     * placed, not placed later by a network that has moved on meanwhile.
     */
    private void replaceNode(Node old, String pool, String hash, boolean surge) {
        if (surge) {
            // Counted before the new node shows, so whoever sees it also sees the count.
            nodeReplacements.incrementAndGet();
            addNode(pool, hash);
        }
        String name = old.getMetadata().getName();
        reschedule(evict(name), name);
        shoot.nodes().withName(name).delete();
        LOG.info("Shoot {}: replaced node {} of pool {}", technicalNamespace, name, pool);
    }

    /** Deletes the node and the pods on it; returns those pods, for their controllers to run them again. */
    private List<Pod> removeNode(Node node) {
        String name = node.getMetadata().getName();
        shoot.nodes().withName(name).delete();
        return evict(name);
    }

    /** Deletes the pods on the node; returns them, for their controllers to run them again. */
    private List<Pod> evict(String name) {
        List<Pod> evicted = shoot.pods().inAnyNamespace().list().getItems().stream()
                .filter(pod -> pod.getSpec() != null && name.equals(pod.getSpec().getNodeName()))
                .toList();
        // at once, as a kubelet confirms it: a real API server keeps a pod on a node until then
        evicted.forEach(pod -> shoot.pods().resource(pod).withGracePeriod(0).delete());
        return evicted;
    }

    private void addNode(String pool, String hash) {
        NodeNetworks networks = NodeNetworks.of(ShootGardenReads.infrastructure(garden, technicalNamespace));
        int index = ShootNodes.freeIndex(shoot.nodes().list().getItems());
        ShootNodes.create(shoot, ShootNodes.build(technicalNamespace, pool, hash, index, networks));
    }

    private void reschedule(List<Pod> evicted) {
        reschedule(evicted, null);
    }

    /** Runs the evicted pods again, on any node but the one being drained (null: any node). */
    private void reschedule(List<Pod> evicted, String draining) {
        if (evicted.isEmpty()) {
            return;
        }
        PodScheduler scheduler = new PodScheduler(shoot.nodes().list().getItems().stream()
                .filter(node -> !node.getMetadata().getName().equals(draining)).toList(),
                shoot.pods().inAnyNamespace().list().getItems());
        boolean cniRunsIpv6 = ShootGardenReads.cniRunsIpv6(garden, technicalNamespace);
        evicted.forEach(pod -> Workloads.createPod(shoot, scheduler.run(PodScheduler.replacementOf(pod), cniRunsIpv6)));
    }

    private void reportPoolStatus(String machineDeployment, List<Node> nodes, String hash) {
        long updated = nodes.stream().filter(node -> hash.equals(ShootNodes.templateHash(node))).count();
        var md = ExtensionKind.MACHINE_DEPLOYMENT.in(garden).inNamespace(technicalNamespace).withName(machineDeployment);
        GenericKubernetesResource current = md.get();
        if (current == null || (Objects.equals(number(current.get("status", "replicas")), (long) nodes.size())
                && Objects.equals(number(current.get("status", "updatedReplicas")), updated)
                && Objects.equals(number(current.get("status", "observedGeneration")), current.getMetadata().getGeneration()))) {
            return;
        }
        Patches.setStatusFields(md, poolStatus(nodes.size(), updated, current.getMetadata().getGeneration()));
    }

    /** A MachineDeployment's status: all its nodes are ready, {@code updated} of them of the current template. */
    static Map<String, Object> poolStatus(long nodes, long updated, Long generation) {
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("replicas", nodes);
        status.put("updatedReplicas", updated);
        status.put("readyReplicas", nodes);
        status.put("availableReplicas", nodes);
        status.put("observedGeneration", generation);
        return status;
    }

    private List<Node> poolNodes(String pool) {
        return shoot.nodes().withLabel(ExtensionKind.POOL_LABEL, pool).list().getItems().stream()
                .sorted(Comparator.comparing(node -> node.getMetadata().getName()))
                .toList();
    }

    private static Long number(Object value) {
        return value instanceof Number number ? number.longValue() : null;
    }
}
