package io.github.shootdualstack.migration;


import java.util.List;

/** A write the reconciler carries out for the decision; each one is idempotent. */
public sealed interface Action {

    /** Copy the Shoot into {@code Cluster.spec.shoot}. */
    record SyncCluster(String clusterName) implements Action {
    }

    /** Annotate an extension resource with {@code gardener.cloud/operation: reconcile}. */
    record Trigger(Extension extension) implements Action {
    }

    /** Set {@code Network.spec.ipFamilies} to the target families and trigger the Network. */
    record EnableDualStackNetwork(List<String> ipFamilies) implements Action {
    }

    /** Change the pod template of these pools' MachineDeployments, then drop the Shoot's annotation. */
    record RollWorkers(List<String> pools, String value) implements Action {
    }

    /** Set the coredns pod template's {@code gardener.cloud/restarted-at} to this value. */
    record RestartCoreDns(String value) implements Action {
    }

    /** Patch kube-dns in place to {@code PreferDualStack} with these cluster IPs. */
    record PatchKubeDns(String ipv4ClusterIP, String ipv6ClusterIP) implements Action {
    }

    /** Remove the Shoot's {@code gardener.cloud/operation} annotation, whose value was acted on. */
    record RemoveShootOperation(String value) implements Action {
    }
}
