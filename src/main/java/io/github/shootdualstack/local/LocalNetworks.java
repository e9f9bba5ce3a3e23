package io.github.shootdualstack.local;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The address plan of the local provider.
 *
 * <p>IPv4: every local shoot uses Gardener's usual defaults, nodes {@value #NODES_V4}, pods
 * {@value #PODS_V4}, services {@value #SERVICES_V4}; the DNS service is {@value #DNS_CLUSTER_IP}.
 *
 * <p>IPv6, allocated by the local "infrastructure" once a shoot asks for it: unique local
 * addresses (RFC 4193, {@code fd00::/8}) whose first group says what the range is for and whose
 * second group {@code k} identifies the shoot. {@code k} is 16 bits of the SHA-256 of the
 * technical namespace, so a shoot gets the same ranges on every run and on every machine:
 * <ul>
 *   <li>nodes {@code fd00:k::/64};</li>
 *   <li>pods {@code fd01:k::/48}, of which node number {@code n} gets the n-th /64, {@code fd01:k:0:n::/64}
 *       (room for 65536 nodes);</li>
 *   <li>services {@code fd02:k::/112}, so "base + 10", the DNS service, is {@code fd02:k::a}.</li>
 * </ul>
 * Two shoots may draw the same {@code k}. That is harmless, as it is for their identical IPv4
 * ranges: each shoot is a network of its own.
 *
 * <p>Node number {@code n} (see {@link ShootNodes}) has the InternalIP "nodes base + 10 + n" in
 * each family and the pod CIDRs "n-th /24 of the IPv4 pods range" and "n-th /64 of the IPv6 pods range".
 */
public final class LocalNetworks {

    public static final String NODES_V4 = "10.250.0.0/16";
    public static final String PODS_V4 = "100.96.0.0/11";
    public static final String SERVICES_V4 = "100.64.0.0/13";
    public static final String DNS_CLUSTER_IP = "100.64.0.10";
    /** The offset of the DNS service in its range, and of the first node in the node range. */
    public static final int DNS_OFFSET = 10;
    public static final int NODE_OFFSET = 10;
    public static final int NODE_POD_PREFIX_V4 = 24;
    public static final int NODE_POD_PREFIX_V6 = 64;

    private LocalNetworks() {
    }

    /** The IPv6 ranges of the shoot whose technical namespace is given. */
    public static Ipv6Ranges ipv6For(String technicalNamespace) {
        String k = Integer.toHexString(shootNumber(technicalNamespace));
        return new Ipv6Ranges(
                Cidr.parse("fd00:" + k + "::/64"),
                Cidr.parse("fd01:" + k + "::/48"),
                Cidr.parse("fd02:" + k + "::/112"));
    }

    /** The IPv6 ranges of one shoot: node addresses, pod CIDRs of its nodes, cluster IPs. */
    public record Ipv6Ranges(Cidr nodes, Cidr pods, Cidr services) {
    }

    private static int shootNumber(String technicalNamespace) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(technicalNamespace.getBytes(StandardCharsets.UTF_8));
            return (digest[0] & 0xff) << 8 | digest[1] & 0xff;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
