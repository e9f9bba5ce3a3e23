package io.github.shootdualstack.migration;

import java.util.List;

/**
 * The shoot cluster as observed in one reconcile.
 *
 * @param coreDnsRestartedAt the coredns pod template's {@code gardener.cloud/restarted-at}; {@code null} when unset
 * @param kubeDns            {@code null} when the Service is missing
 * @param report             what stays single-stack, for the report at completion; {@code null} when not observed
 *                           (it lists every pod and Service, so it is observed once, when the migration completes)
 */
public record ShootClusterFacts(List<NodeFacts> nodes, boolean coreDnsDeploymentExists, String coreDnsRestartedAt,
                                List<PodFacts> coreDnsPods, ServiceFacts kubeDns, Report report) {

    public record NodeFacts(String name, List<String> podCidrs) {
    }

    public record PodFacts(String name, List<String> ips) {
    }

    public record ServiceFacts(List<String> clusterIPs, String ipFamilyPolicy) {
    }

    /**
     * @param singleAddressPods       pods (not host-network) that have one IP address only
     * @param singleStackServiceCount ClusterIP Services with one cluster IP
     * @param singleStackServices     {@code namespace/name} of the first {@link #NAMED_SERVICES} of them: the
     *                                record and the message stay small in a cluster of thousands
     */
    public record Report(int singleAddressPods, int singleStackServiceCount, List<String> singleStackServices) {

        public static final int NAMED_SERVICES = 50;

        /** A report that names every single-stack Service. */
        public Report(int singleAddressPods, List<String> singleStackServices) {
            this(singleAddressPods, singleStackServices.size(), singleStackServices);
        }
    }
}
