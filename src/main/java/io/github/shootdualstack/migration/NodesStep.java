package io.github.shootdualstack.migration;

import io.github.shootdualstack.migration.ShootClusterFacts.NodeFacts;
import io.github.shootdualstack.shoot.Condition;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Step 4: waits for the nodes to be rolled, by the user or through
 * {@code gardener.cloud/operation: rollout-workers=<pool>[,<pool>]} or {@code =*}; done when every
 * Node has IPv4 and IPv6 pod CIDRs.
 */
final class NodesStep implements StepUnit {

    static final String ROLLOUT_WORKERS = "rollout-workers=";

    @Override
    public Observation needs() {
        return Observation.SHOOT_CLUSTER;
    }

    @Override
    public Outcome look(Look look) {
        List<NodeFacts> nodes = look.shootCluster().nodes();
        if (nodes.isEmpty()) {
            return Outcome.blocked("the shoot cluster has no Nodes");
        }
        long migrated = nodes.stream().filter(node -> Addresses.dualStack(
                ExtensionSteps.checked(node.podCidrs(), "Node " + node.name() + " spec.podCIDRs"))).count();
        String operation = look.operation();
        boolean rolloutRequested = operation != null && operation.startsWith(ROLLOUT_WORKERS);
        if (migrated == nodes.size()) {
            // every node is rolled: a request is fulfilled, also when an earlier removal failed
            return new Outcome.Done(rolloutRequested ? List.of(Action.RemoveShootAnnotation.operation(operation)) : List.of());
        }
        String waiting = "waiting for the nodes to be rolled: " + count(migrated, nodes.size())
                + "; roll them, or annotate the Shoot with gardener.cloud/operation=rollout-workers=<pool>[,<pool>] or =*";
        if (!rolloutRequested) {
            return Outcome.waiting(waiting);
        }
        List<String> known = new ArrayList<>(look.garden().poolReplicas().keySet());
        String requested = operation.substring(ROLLOUT_WORKERS.length()).trim();
        List<String> pools = requested.equals("*") ? known
                : Arrays.stream(requested.split(",")).map(String::trim).filter(p -> !p.isEmpty()).toList();
        List<String> unknown = pools.stream().filter(p -> !known.contains(p)).distinct().toList();
        if (pools.isEmpty() || !unknown.isEmpty()) {
            return Outcome.blocked("annotation " + Extension.OPERATION_ANNOTATION + "=" + shortened(operation, 120)
                    + " names no known worker pool" + (unknown.isEmpty() ? "" : " (unknown: " + listed(unknown) + ")")
                    + "; pools with a MachineDeployment: " + listed(known));
        }
        return new Outcome.Waiting(waiting, List.of(new Action.RollWorkers(pools, rolloutValue(look))), null);
    }

    /**
     * The value a roll writes into the pools' pod templates: when this migration's nodes constraint
     * became Progressing, the same on every reconcile of the Nodes step. A repeated reconcile of the
     * request (say, after the annotation's removal failed) writes the same template again, which
     * rolls nothing: a pool rolls at most once per migration through the annotation.
     */
    private static String rolloutValue(Look look) {
        Condition nodes = look.shoot().getStatus() == null ? null
                : Conditions.find(look.shoot().getStatus().getConstraints(), Conditions.NODES_TYPE);
        return nodes != null && nodes.getLastTransitionTime() != null ? nodes.getLastTransitionTime()
                : Conditions.timestamp(look.now());
    }

    @Override
    public Preview preview(Look look) {
        Map<String, Integer> pools = look.garden().poolReplicas();
        String inPools = pools.isEmpty() ? "" : " (" + pools.entrySet().stream()
                .map(pool -> pool.getKey() + ": " + pool.getValue()).collect(java.util.stream.Collectors.joining(", ")) + ")";
        ShootClusterFacts shoot = look.shootCluster();
        if (shoot == null) {
            return Preview.clear("waits for the nodes" + inPools + " to be rolled to IPv4 and IPv6 pod CIDRs");
        }
        if (shoot.nodes().isEmpty()) {
            return new Preview("waits for the nodes" + inPools + " to be rolled", "the shoot cluster has no Nodes", null);
        }
        long toRoll = shoot.nodes().size() - migrated(shoot);
        return Preview.clear("waits for " + toRoll + " of " + shoot.nodes().size() + " nodes" + inPools
                + " to be rolled to IPv4 and IPv6 pod CIDRs: by the maintenance window's roll, or at once on "
                + Extension.OPERATION_ANNOTATION + "=" + ROLLOUT_WORKERS + (pools.isEmpty() ? "*" : String.join(",", pools.keySet())));
    }

    @Override
    public Constraints constraints(Look look) {
        ShootClusterFacts shoot = look.shootCluster();
        String message;
        if (shoot == null || shoot.nodes().isEmpty()) {
            Condition existing = look.shoot().getStatus() == null ? null
                    : Conditions.find(look.shoot().getStatus().getConstraints(), Conditions.NODES_TYPE);
            message = existing != null && existing.getMessage() != null ? existing.getMessage() : "the nodes are not migrated yet";
        } else {
            message = count(migrated(shoot), shoot.nodes().size());
        }
        return new Constraints(new Condition(Conditions.NODES_TYPE, Condition.PROGRESSING, Conditions.NODES_NOT_MIGRATED, message), null);
    }

    /** From the step's start to the next's, by the share of migrated nodes. */
    @Override
    public int progress(Look look) {
        ShootClusterFacts shoot = look.shootCluster();
        int start = Step.NODES.progress();
        if (shoot == null || shoot.nodes().isEmpty()) {
            return start;
        }
        return start + (int) ((Step.NETWORK.progress() - start) * migrated(shoot) / shoot.nodes().size());
    }

    private static long migrated(ShootClusterFacts shoot) {
        return shoot.nodes().stream().filter(node -> {
            try {
                return Addresses.dualStack(node.podCidrs());
            } catch (IllegalArgumentException malformed) {
                return false;
            }
        }).count();
    }

    /** An annotation value as a message quotes it: cut when long, so that the message stays readable. */
    private static String shortened(String value, int length) {
        return value.length() <= length ? value : value.substring(0, length) + "... (" + value.length() + " characters)";
    }

    private static String listed(List<String> names) {
        return names.size() <= 10 ? String.join(", ", names)
                : String.join(", ", names.subList(0, 10)) + " and " + (names.size() - 10) + " more";
    }

    static String count(long migrated, int total) {
        return migrated + " of " + total + " nodes have IPv4 and IPv6 pod CIDRs";
    }
}
