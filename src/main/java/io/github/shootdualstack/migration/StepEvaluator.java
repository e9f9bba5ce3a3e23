package io.github.shootdualstack.migration;

import io.github.shootdualstack.migration.Action.EnableDualStackNetwork;
import io.github.shootdualstack.migration.Action.PatchKubeDns;
import io.github.shootdualstack.migration.Action.RestartCoreDns;
import io.github.shootdualstack.migration.Action.RollWorkers;
import io.github.shootdualstack.migration.Action.SyncCluster;
import io.github.shootdualstack.migration.Action.Trigger;
import io.github.shootdualstack.migration.ShootClusterFacts.NodeFacts;
import io.github.shootdualstack.migration.ShootClusterFacts.PodFacts;
import io.github.shootdualstack.shoot.Condition;
import io.github.shootdualstack.shoot.IpFamily;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Looks at the world for one step and says whether it is done, what it waits for, or what is wrong. */
final class StepEvaluator {

    static final String ROLLOUT_WORKERS = "rollout-workers=";
    static final String KUBE_DNS = "Service kube-system/kube-dns";

    private final Migration.Input in;
    private final List<String> target;
    private final Map<Step, Instant> controlPlaneMarks;

    /**
     * @param controlPlaneMarks per step, the last update time (by the extensions' clocks) of what the
     *                          ControlPlane must reconcile after, remembered when the operator triggered
     *                          it; a trigger made here adds to it
     */
    StepEvaluator(Migration.Input in, List<String> target, Map<Step, Instant> controlPlaneMarks) {
        this.in = in;
        this.target = target;
        this.controlPlaneMarks = controlPlaneMarks;
    }

    /**
     * @param triggeredAt when the operator last triggered this step's extensions; {@code null} if never
     * @param restartValue the migration's stable CoreDNS restart value
     * @param backoff      how long a failed extension is left before it is triggered again
     */
    Outcome evaluate(Step step, Instant triggeredAt, String restartValue, Duration backoff) {
        try {
            return switch (step) {
                case INFRASTRUCTURE -> infrastructure(triggeredAt, backoff);
                case CONTROL_PLANE -> controlPlane(triggeredAt, backoff);
                case NODES -> in.shootCluster() == null ? withoutShoot() : nodes();
                case NETWORK -> network(triggeredAt, backoff);
                case CORE_DNS -> in.shootCluster() == null ? withoutShoot() : coreDns(restartValue);
                case KUBE_DNS -> in.shootCluster() == null ? withoutShoot() : kubeDns();
                case COMPLETED -> new Outcome.Done();
            };
        } catch (IllegalArgumentException malformed) {
            return Outcome.blocked(malformed.getMessage());
        }
    }

    private Outcome withoutShoot() {
        return in.shootProblem() != null ? Outcome.blocked(in.shootProblem()) : new Outcome.NeedsShoot();
    }

    private Outcome infrastructure(Instant triggeredAt, Duration backoff) {
        ExtensionFacts infra = in.garden().infrastructure();
        if (!infra.exists()) {
            return Outcome.blocked(infra.ref() + " not found");
        }
        for (String field : List.of("nodes", "pods", "services")) {
            for (String cidr : in.garden().infrastructureCidrs(field)) {
                checked(cidr, infra.ref() + " status.networking." + field);
            }
        }
        List<Action> sync = new ArrayList<>();
        String cluster = in.garden().clusterName();
        if (cluster != null && !target.equals(in.garden().clusterFamilies())) {
            sync.add(new SyncCluster(cluster));
        }
        if (infra.ready() && Addresses.has(in.garden().infrastructureCidrs("nodes"), IpFamily.IPV6)) {
            // provider extensions read the Cluster's copy of the Shoot: it must be current before the control plane
            return sync.isEmpty() ? new Outcome.Done() : new Outcome.Waiting("syncing Cluster " + cluster, sync);
        }
        List<Action> trigger = new ArrayList<>(sync);
        trigger.add(new Trigger(Extension.INFRASTRUCTURE));
        String waiting = "waiting for " + infra.ref() + " to allocate IPv6 ranges";
        if (triggeredAt == null) {
            return Outcome.triggered(waiting, trigger);
        }
        if (infra.failed()) {
            return retry(infra.failure(), infra, triggeredAt, backoff, trigger);
        }
        if (retrying(Step.INFRASTRUCTURE, infra, triggeredAt)) {
            return new Outcome.Retrying();
        }
        if (infra.readySince(triggeredAt)) {
            return retry(infra.ref() + " succeeded but reports no IPv6 range in status.networking.nodes",
                    infra, triggeredAt, backoff, trigger);
        }
        return Outcome.waiting(waiting);
    }

    private Outcome controlPlane(Instant triggeredAt, Duration backoff) {
        ExtensionFacts controlPlane = in.garden().controlPlane();
        if (!controlPlane.exists()) {
            return Outcome.blocked(controlPlane.ref() + " not found");
        }
        List<Action> trigger = List.of(new Trigger(Extension.CONTROL_PLANE));
        if (controlPlane.failed()) {
            return retry(controlPlane.failure(), controlPlane, triggeredAt, backoff, trigger);
        }
        if (retrying(Step.CONTROL_PLANE, controlPlane, triggeredAt)) {
            return new Outcome.Retrying();
        }
        return reconciledAfter(Step.CONTROL_PLANE, controlPlane, in.garden().infrastructure(), triggeredAt,
                "waiting for " + controlPlane.ref() + " to finish its reconcile");
    }

    /**
     * Done when the control plane reconciled after {@code before} finished, by the extensions' own
     * clocks alone. When the operator triggers it, it remembers {@code before}'s last update time, and
     * the step is done once the control plane's last operation ended not before that, however often
     * {@code before} reconciles meanwhile. An operator that remembers triggering anything of this
     * migration triggers the control plane itself (a reconcile in {@code before}'s second may have run
     * before it); one that remembers nothing (restarted) takes a control plane that ended not before
     * {@code before} as done. Any other that is idle is triggered.
     */
    private Outcome reconciledAfter(Step step, ExtensionFacts controlPlane, ExtensionFacts before, Instant triggeredAt,
                                    String waiting) {
        Instant mark = controlPlaneMarks.get(step);
        boolean done = mark != null
                ? controlPlane.ready() && controlPlane.lastUpdateTime() != null && !controlPlane.lastUpdateTime().isBefore(mark)
                : in.memory().triggeredAt().isEmpty() && controlPlane.readyNotBefore(before);
        if (done) {
            return new Outcome.Done();
        }
        // once triggered, it is waited for: an extension that has just taken the trigger away may not
        // report Processing yet; only a trigger that went unanswered for the longest back-off is repeated
        boolean unanswered = mark == null || triggeredAt == null
                || !in.now().isBefore(triggeredAt.plus(in.settings().maxBackoff()));
        if (!controlPlane.ready() || before.lastUpdateTime() == null || !unanswered) {
            return Outcome.waiting(waiting);
        }
        controlPlaneMarks.put(step, before.lastUpdateTime());
        return Outcome.triggered(waiting, List.of(new Trigger(Extension.CONTROL_PLANE)));
    }

    private Outcome nodes() {
        List<NodeFacts> nodes = in.shootCluster().nodes();
        if (nodes.isEmpty()) {
            return Outcome.blocked("the shoot cluster has no Nodes");
        }
        long migrated = nodes.stream().filter(node -> Addresses.dualStack(checked(node.podCidrs(), "Node " + node.name() + " spec.podCIDRs"))).count();
        if (migrated == nodes.size()) {
            return new Outcome.Done();
        }
        String waiting = "waiting for the nodes to be rolled: " + Migration.nodeCount(migrated, nodes.size())
                + "; roll them, or annotate the Shoot with gardener.cloud/operation=rollout-workers=<pool>[,<pool>] or =*";
        String operation = in.shoot().getMetadata().getAnnotations() == null ? null
                : in.shoot().getMetadata().getAnnotations().get(Extension.OPERATION_ANNOTATION);
        if (operation == null || !operation.startsWith(ROLLOUT_WORKERS)) {
            return Outcome.waiting(waiting);
        }
        List<String> known = new ArrayList<>(in.garden().poolReplicas().keySet());
        String requested = operation.substring(ROLLOUT_WORKERS.length()).trim();
        List<String> pools = requested.equals("*") ? known
                : Arrays.stream(requested.split(",")).map(String::trim).filter(p -> !p.isEmpty()).toList();
        List<String> unknown = pools.stream().filter(p -> !known.contains(p)).toList();
        if (pools.isEmpty() || !unknown.isEmpty()) {
            return Outcome.blocked("annotation " + Extension.OPERATION_ANNOTATION + "=" + operation
                    + " names no known worker pool" + (unknown.isEmpty() ? "" : " (unknown: " + String.join(", ", unknown) + ")")
                    + "; pools with a MachineDeployment: " + String.join(", ", known));
        }
        return new Outcome.Waiting(waiting, List.of(new RollWorkers(pools, rolloutValue())));
    }

    /**
     * The value a roll writes into the pools' pod templates: when this migration's nodes constraint
     * became Progressing, the same on every reconcile of the Nodes step. A repeated reconcile of the
     * request (say, after the annotation's removal failed) writes the same template again, which
     * rolls nothing: a pool rolls at most once per migration through the annotation.
     */
    private String rolloutValue() {
        Condition nodes = in.shoot().getStatus() == null ? null
                : Conditions.find(in.shoot().getStatus().getConstraints(), Conditions.NODES_TYPE);
        return nodes != null && nodes.getLastTransitionTime() != null ? nodes.getLastTransitionTime()
                : Conditions.timestamp(in.now());
    }

    /**
     * The Network is set to the target families; once it runs them, the control plane is
     * reconciled after it (triggered then, so that it reconciles after the Network by the
     * extensions' own clocks).
     */
    private Outcome network(Instant triggeredAt, Duration backoff) {
        GardenFacts garden = in.garden();
        ExtensionFacts network = garden.network();
        ExtensionFacts controlPlane = garden.controlPlane();
        for (ExtensionFacts needed : List.of(network, controlPlane)) {
            if (!needed.exists()) {
                return Outcome.blocked(needed.ref() + " not found");
            }
        }
        String waitingNetwork = "waiting for " + network.ref() + " to run " + IpFamily.format(target);
        if (!target.equals(garden.networkSpecFamilies())) {
            return Outcome.triggered(waitingNetwork, List.of(new EnableDualStackNetwork(target)));
        }
        if (network.failed()) {
            return retry(network.failure(), network, triggeredAt, backoff, List.of(new Trigger(Extension.NETWORK)));
        }
        if (controlPlane.failed()) {
            return retry(controlPlane.failure(), controlPlane, triggeredAt, backoff, List.of(new Trigger(Extension.CONTROL_PLANE)));
        }
        if (retrying(Step.NETWORK, network, triggeredAt) || retrying(Step.NETWORK, controlPlane, triggeredAt)) {
            return new Outcome.Retrying();
        }
        if (!(network.ready() && target.equals(garden.networkStatusFamilies()))) {
            return Outcome.waiting(waitingNetwork);
        }
        return reconciledAfter(Step.NETWORK, controlPlane, network, triggeredAt,
                "waiting for " + controlPlane.ref() + " to finish its reconcile");
    }

    private Outcome coreDns(String restartValue) {
        ShootClusterFacts shoot = in.shootCluster();
        if (!shoot.coreDnsDeploymentExists()) {
            return Outcome.blocked("Deployment kube-system/coredns not found in the shoot cluster");
        }
        List<PodFacts> pods = shoot.coreDnsPods();
        if (pods.isEmpty()) {
            return Outcome.blocked("no CoreDNS pods (kube-system, k8s-app=kube-dns) in the shoot cluster");
        }
        long ready = pods.stream().filter(pod -> Addresses.dualStack(checked(pod.ips(), "Pod kube-system/" + pod.name() + " status.podIPs"))).count();
        if (ready == pods.size()) {
            return new Outcome.Done();
        }
        String waiting = "waiting for CoreDNS to restart: " + Migration.podCount(ready, pods.size());
        return restartValue.equals(shoot.coreDnsRestartedAt()) ? Outcome.waiting(waiting)
                : new Outcome.Waiting(waiting, List.of(new RestartCoreDns(restartValue)));
    }

    private Outcome kubeDns() {
        ShootClusterFacts.ServiceFacts service = in.shootCluster().kubeDns();
        if (service == null) {
            return Outcome.blocked(KUBE_DNS + " not found in the shoot cluster");
        }
        List<String> clusterIPs = checked(service.clusterIPs(), KUBE_DNS + " spec.clusterIPs");
        if (Addresses.dualStack(clusterIPs)) {
            return new Outcome.Done();
        }
        String ipv4 = Addresses.first(clusterIPs, IpFamily.IPV4).orElse(null);
        if (ipv4 == null) {
            return Outcome.blocked(KUBE_DNS + " has no IPv4 cluster IP");
        }
        ExtensionFacts infra = in.garden().infrastructure();
        String range = Addresses.first(checked(in.garden().infrastructureCidrs("services"), infra.ref() + " status.networking.services"), IpFamily.IPV6).orElse(null);
        if (range == null) {
            return Outcome.blocked(infra.ref() + " reports no IPv6 range in status.networking.services");
        }
        return new Outcome.Waiting("waiting for " + KUBE_DNS + " to get an IPv6 cluster IP",
                List.of(new PatchKubeDns(ipv4, Addresses.offset(range, 10))));
    }

    /** A failed extension is triggered again, but not before the back-off has passed. */
    private Outcome retry(String problem, ExtensionFacts extension, Instant triggeredAt, Duration backoff, List<Action> trigger) {
        // nothing remembered (a restarted operator): due at once
        boolean due = (triggeredAt == null || !in.now().isBefore(triggeredAt.plus(backoff))) && !extension.triggerPending();
        return new Outcome.Blocked(problem, due ? trigger : List.of());
    }

    /**
     * Whether the extension has a retry to answer: the problem the operator remembers as standing
     * names it, and it is at work on the trigger that retried it. That problem then stands as it is:
     * were it replaced by a wait, each retry would report it anew (another event, two status writes),
     * and the back-off, which grows with the problem's age, would never grow. Judged on the operator's
     * memory and the extension, never on the Shoot's last operation, which another controller may rewrite.
     */
    private boolean retrying(Step step, ExtensionFacts extension, Instant triggeredAt) {
        String standing = in.memory().problem();
        return triggeredAt != null && standing != null
                && standing.startsWith(step.label() + ": " + extension.ref() + " ") && extension.busy();
    }

    private static List<String> checked(List<String> addresses, String where) {
        addresses.forEach(address -> checked(address, where));
        return addresses;
    }

    private static void checked(String address, String where) {
        try {
            Addresses.family(address);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + " has a malformed entry \"" + address + "\"");
        }
    }
}
