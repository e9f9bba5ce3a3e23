package io.github.shootdualstack.migration;

import java.util.List;

/**
 * The shoot cluster as observed in one reconcile.
 *
 * @param coreDnsRestartedAt  the coredns pod template's {@code gardener.cloud/restarted-at}; {@code null} when unset
 * @param kubeDns             {@code null} when the Service is missing
 * @param singleAddressPods   pods (not host-network) that have one IP address only
 * @param singleStackServices {@code namespace/name} of ClusterIP Services with one cluster IP
 */
public record ShootClusterFacts(List<NodeFacts> nodes, boolean coreDnsDeploymentExists, String coreDnsRestartedAt,
                                List<PodFacts> coreDnsPods, ServiceFacts kubeDns, int singleAddressPods,
                                List<String> singleStackServices) {

    public record NodeFacts(String name, List<String> podCidrs) {
    }

    public record PodFacts(String name, List<String> ips) {
    }

    public record ServiceFacts(List<String> clusterIPs, String ipFamilyPolicy) {
    }
}
