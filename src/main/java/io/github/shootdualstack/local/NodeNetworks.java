package io.github.shootdualstack.local;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;

import java.util.List;
import java.util.Optional;

/**
 * The ranges a new node draws its addresses and pod CIDRs from, as the Infrastructure's
 * {@code status.networking} lists them: always IPv4, IPv6 too once the infrastructure allocated it.
 *
 * @param nodesV6 {@code null} while the infrastructure has no IPv6 node range
 * @param podsV6  {@code null} while the infrastructure has no IPv6 pod range
 */
public record NodeNetworks(Cidr nodesV4, Cidr podsV4, Cidr nodesV6, Cidr podsV6) {

    /** The local defaults, IPv4 only: what a shoot has before any migration. */
    public static NodeNetworks ipv4Defaults() {
        return new NodeNetworks(Cidr.parse(LocalNetworks.NODES_V4), Cidr.parse(LocalNetworks.PODS_V4), null, null);
    }

    /** Reads the Infrastructure's {@code status.networking}; the IPv4 defaults fill what it lacks. */
    public static NodeNetworks of(GenericKubernetesResource infrastructure) {
        NodeNetworks defaults = ipv4Defaults();
        if (infrastructure == null) {
            return defaults;
        }
        List<Cidr> nodes = ranges(infrastructure.get("status", "networking", "nodes"));
        List<Cidr> pods = ranges(infrastructure.get("status", "networking", "pods"));
        return new NodeNetworks(
                family(nodes, false).orElse(defaults.nodesV4()),
                family(pods, false).orElse(defaults.podsV4()),
                family(nodes, true).orElse(null),
                family(pods, true).orElse(null));
    }

    /** Both IPv6 ranges are known, so new nodes get both families. */
    public boolean dualStack() {
        return nodesV6 != null && podsV6 != null;
    }

    private static List<Cidr> ranges(Object value) {
        if (!(value instanceof List<?> list)) {
            return List.of();
        }
        return list.stream().map(String::valueOf).map(Cidr::parse).toList();
    }

    private static Optional<Cidr> family(List<Cidr> ranges, boolean ipv6) {
        return ranges.stream().filter(range -> range.isIpv6() == ipv6).findFirst();
    }
}
