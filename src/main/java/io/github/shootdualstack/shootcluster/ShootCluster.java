package io.github.shootdualstack.shootcluster;

import io.github.shootdualstack.migration.ShootClusterFacts;

/** What the operator reads and writes in a shoot cluster; nothing else. */
public interface ShootCluster {

    /**
     * @param withReport also count pods with one address and list single-stack Services (a full
     *                   listing, so only asked for when the migration is about to complete)
     * @throws ShootAccessException when the shoot API server cannot be reached or answers with an error
     */
    ShootClusterFacts observe(boolean withReport);

    /**
     * Calls {@code changed} whenever the Nodes, CoreDNS pods or kube-dns Service this cluster's latest
     * observation read change from what it read, until the cluster's client is released; never where
     * nothing was observed. Only wakes: what changed is read by the next observation.
     */
    default void follow(Runnable changed) {
    }

    /** Sets the coredns pod template's {@code gardener.cloud/restarted-at}, which rolls its pods. */
    void restartCoreDns(String value);

    /** Makes Service kube-system/kube-dns dual-stack in place (never recreated). */
    void patchKubeDns(String ipv4ClusterIP, String ipv6ClusterIP);
}
