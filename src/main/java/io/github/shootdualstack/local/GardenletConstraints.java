package io.github.shootdualstack.local;

import io.github.shootdualstack.migration.Conditions;
import io.github.shootdualstack.shoot.Condition;

import java.time.Instant;
import java.util.List;

/**
 * gardenlet's decisions on the two migration constraints (v1.138.0,
 * {@code pkg/gardenlet/operation/botanist/dualstackmigration.go}), as pure functions of the constraints
 * and what was counted: the same statuses, reasons and messages, nodes judged by how many pod CIDRs
 * they have, CoreDNS pods by how many addresses, kube-dns by how many cluster IPs.
 */
final class GardenletConstraints {

    static final String NODES_NOT_MIGRATED_MESSAGE = "Migrating node pod CIDRs to match target network stack.";
    static final String NODES_MIGRATED_MESSAGE = "All node pod CIDRs migrated to target network stack.";
    static final String NODES_MIGRATING_MESSAGE = "Node pod CIDRs are currently migrated to target network stack.";
    static final String DNS_PROGRESSING_MESSAGE = "The shoot is migrating the kube-dns service.";
    static final String DNS_READY_MESSAGE = "The coreDNS pods are ready for DNS service migration.";

    private GardenletConstraints() {
    }

    /** Every node has as many pod CIDRs as the Shoot has families; no node at all is not migrated. */
    static boolean nodesMigrated(List<Integer> podCidrsPerNode, int families) {
        return !podCidrsPerNode.isEmpty() && podCidrsPerNode.stream().allMatch(count -> count == families);
    }

    /**
     * The nodes constraint after a look at the Network and the nodes: removed (and the DNS constraint
     * added) once the Network runs the Shoot's families, else {@code Progressing}/{@code NodesNotMigrated}
     * or {@code True}/{@code NodesMigrated} by the nodes.
     */
    static List<Condition> nodes(List<Condition> constraints, int families, boolean networkReady, boolean allNodesMigrated,
                                 Instant now) {
        boolean singleStack = families == 1;
        if (networkReady) {
            if (singleStack && !allNodesMigrated || Conditions.find(constraints, Conditions.NODES_TYPE) == null) {
                return constraints;
            }
            List<Condition> removed = Conditions.set(constraints, Conditions.NODES_TYPE, null, now);
            return singleStack || Conditions.find(removed, Conditions.DNS_TYPE) != null ? removed : dnsProgressing(removed, now);
        }
        Condition wanted;
        if (allNodesMigrated) {
            wanted = new Condition(Conditions.NODES_TYPE, Condition.TRUE, Conditions.NODES_MIGRATED, NODES_MIGRATED_MESSAGE);
        } else if (singleStack) {
            wanted = new Condition(Conditions.NODES_TYPE, Condition.TRUE, "NodesMigrating", NODES_MIGRATING_MESSAGE);
        } else {
            wanted = new Condition(Conditions.NODES_TYPE, Condition.PROGRESSING, Conditions.NODES_NOT_MIGRATED, NODES_NOT_MIGRATED_MESSAGE);
        }
        return Conditions.set(constraints, Conditions.NODES_TYPE, wanted, now);
    }

    /**
     * The DNS constraint after a look at kube-dns and the CoreDNS pods: removed once kube-dns has a
     * cluster IP per family, {@code True} once every pod has an address per family, else kept
     * ({@code Progressing} when it was missing).
     */
    static List<Condition> dns(List<Condition> constraints, boolean serviceReady, boolean podsReady, Instant now) {
        if (serviceReady) {
            return Conditions.set(constraints, Conditions.DNS_TYPE, null, now);
        }
        if (podsReady) {
            return Conditions.set(constraints, Conditions.DNS_TYPE,
                    new Condition(Conditions.DNS_TYPE, Condition.TRUE, Conditions.DNS_REASON, DNS_READY_MESSAGE), now);
        }
        return Conditions.find(constraints, Conditions.DNS_TYPE) == null ? dnsProgressing(constraints, now) : constraints;
    }

    private static List<Condition> dnsProgressing(List<Condition> constraints, Instant now) {
        return Conditions.set(constraints, Conditions.DNS_TYPE,
                new Condition(Conditions.DNS_TYPE, Condition.PROGRESSING, Conditions.DNS_REASON, DNS_PROGRESSING_MESSAGE), now);
    }

    /**
     * Whether CoreDNS and kube-dns keep to the first family: while the DNS constraint is there and not
     * {@code True}, or the nodes constraint is there at all ({@code coredns.go}).
     */
    static boolean coreDnsPrimaryOnly(List<Condition> constraints) {
        Condition dns = Conditions.find(constraints, Conditions.DNS_TYPE);
        return dns != null && !Condition.TRUE.equals(dns.getStatus()) || Conditions.find(constraints, Conditions.NODES_TYPE) != null;
    }

    /** CoreDNS is restarted while the DNS constraint is {@code Progressing} and a pod lacks an address per family. */
    static boolean coreDnsRestartDue(List<Condition> constraints, int minPodIps, int families) {
        Condition dns = Conditions.find(constraints, Conditions.DNS_TYPE);
        return dns != null && Condition.PROGRESSING.equals(dns.getStatus()) && minPodIps < families;
    }
}
