package io.github.shootdualstack.migration;

import io.github.shootdualstack.migration.ShootClusterFacts.PodFacts;
import io.github.shootdualstack.shoot.Condition;

import java.util.List;

/** Step 6: CoreDNS is restarted once; done when every CoreDNS pod has an IPv4 and an IPv6 address. */
final class CoreDnsStep implements StepUnit {

    @Override
    public Observation needs() {
        return Observation.SHOOT_CLUSTER;
    }

    @Override
    public Outcome look(Look look) {
        ShootClusterFacts shoot = look.shootCluster();
        if (!shoot.coreDnsDeploymentExists()) {
            return Outcome.blocked("Deployment kube-system/coredns not found in the shoot cluster");
        }
        List<PodFacts> pods = shoot.coreDnsPods();
        if (pods.isEmpty()) {
            return Outcome.blocked("no CoreDNS pods (kube-system, k8s-app=kube-dns) in the shoot cluster");
        }
        long ready = pods.stream().filter(pod -> Addresses.dualStack(
                ExtensionSteps.checked(pod.ips(), "Pod kube-system/" + pod.name() + " status.podIPs"))).count();
        if (ready == pods.size()) {
            return Outcome.done();
        }
        String waiting = "waiting for CoreDNS to restart: " + ready + " of " + pods.size()
                + " CoreDNS pods have IPv4 and IPv6 addresses";
        String value = restartValue(look);
        return value.equals(shoot.coreDnsRestartedAt()) ? Outcome.waiting(waiting)
                : new Outcome.Waiting(waiting, List.of(new Action.RestartCoreDns(value)), null);
    }

    /**
     * The CoreDNS {@code gardener.cloud/restarted-at} value, derived from the Shoot alone: a Shoot
     * migrates from IPv4 to dual-stack once in its life, so its UID names the migration. The same on
     * every reconcile, across restarts, leader changes, the record's loss and a status write that was
     * lost after the restart, so writing it again restarts nothing.
     */
    static String restartValue(Look look) {
        var metadata = look.shoot().getMetadata();
        return "dual-stack-migration-" + (metadata.getUid() != null ? metadata.getUid()
                : metadata.getNamespace() + "-" + metadata.getName());
    }

    @Override
    public Preview preview(Look look) {
        ShootClusterFacts shoot = look.shootCluster();
        String plan = "restarts Deployment kube-system/coredns once; waits for every CoreDNS pod to have an IPv4 and an IPv6 address";
        if (shoot == null) {
            return Preview.clear(plan);
        }
        if (!shoot.coreDnsDeploymentExists()) {
            return new Preview(plan, "Deployment kube-system/coredns not found in the shoot cluster", null);
        }
        if (shoot.coreDnsPods().isEmpty()) {
            return new Preview(plan, "no CoreDNS pods (kube-system, k8s-app=kube-dns) in the shoot cluster", null);
        }
        return Preview.clear(plan.replace("once;", "once (" + shoot.coreDnsPods().size() + " pods);"));
    }

    @Override
    public Constraints constraints(Look look) {
        return new Constraints(null, new Condition(Conditions.DNS_TYPE, Condition.PROGRESSING, Conditions.DNS_REASON,
                "CoreDNS is restarted to get IPv4 and IPv6 addresses"));
    }
}
