package io.github.shootdualstack.migration;

import java.util.List;
import java.util.Map;

/**
 * The garden side of one Shoot as observed in one reconcile.
 *
 * @param technicalNamespace       where the Shoot's extension resources, Cluster and MachineDeployments live,
 *                                 checked to be the Shoot's own
 * @param infrastructureNetworking the Infrastructure's {@code status.networking} ({@code nodes},
 *                                 {@code pods}, {@code services}, {@code egressCIDRs}); empty lists when absent
 * @param networkSpecFamilies      {@code Network.spec.ipFamilies}; {@code null} when absent
 * @param networkStatusFamilies    {@code Network.status.ipFamilies}; {@code null} when absent
 * @param clusterName              the {@code Cluster}'s name; {@code null} when there is none
 * @param clusterFamilies          {@code Cluster.spec.shoot.spec.networking.ipFamilies}, effective
 * @param poolReplicas             replicas of each worker pool's MachineDeployment, by pool
 */
public record GardenFacts(String technicalNamespace, ExtensionFacts infrastructure, Map<String, List<String>> infrastructureNetworking,
                          ExtensionFacts controlPlane, ExtensionFacts network, List<String> networkSpecFamilies,
                          List<String> networkStatusFamilies, String clusterName, List<String> clusterFamilies,
                          Map<String, Integer> poolReplicas) {

    public List<String> infrastructureCidrs(String field) {
        return infrastructureNetworking.getOrDefault(field, List.of());
    }

    public int nodeCountFromPools() {
        return poolReplicas.values().stream().mapToInt(Integer::intValue).sum();
    }
}
