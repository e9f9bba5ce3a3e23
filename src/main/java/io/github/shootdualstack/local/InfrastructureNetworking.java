package io.github.shootdualstack.local;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.github.shootdualstack.garden.ExtensionKind;
import io.github.shootdualstack.shoot.IpFamily;
import io.github.shootdualstack.shoot.Shoot;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the local infrastructure allocates for a shoot: {@code status.networking} of its
 * Infrastructure. Like a provider extension it reads the shoot from the {@code Cluster} named after
 * the technical namespace, and falls back to the Shoot itself when there is no Cluster. The IPv4
 * ranges are the shoot's own ({@code spec.networking}); an IPv6 range per list is added when the
 * shoot's {@code ipFamilies} ask for IPv6, in the order of {@code ipFamilies}.
 */
final class InfrastructureNetworking {

    private final KubernetesClient garden;

    InfrastructureNetworking(KubernetesClient garden) {
        this.garden = garden;
    }

    /**
     * @throws IllegalStateException with a message for {@code status.lastError} when neither the
     *                               Cluster nor the Shoot can be found
     */
    Map<String, Object> allocate(GenericKubernetesResource infrastructure, boolean allocateIpv6) {
        String technicalNamespace = infrastructure.getMetadata().getNamespace();
        Map<String, Object> networking = shootNetworking(technicalNamespace, infrastructure.getMetadata().getName());
        List<String> families = ipFamilies(networking.get("ipFamilies"));
        LocalNetworks.Ipv6Ranges ipv6 = LocalNetworks.ipv6For(technicalNamespace);
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("nodes", ranges(families, allocateIpv6, text(networking, "nodes", LocalNetworks.NODES_V4), ipv6.nodes()));
        status.put("pods", ranges(families, allocateIpv6, text(networking, "pods", LocalNetworks.PODS_V4), ipv6.pods()));
        status.put("services", ranges(families, allocateIpv6, text(networking, "services", LocalNetworks.SERVICES_V4), ipv6.services()));
        return status;
    }

    private Map<String, Object> shootNetworking(String technicalNamespace, String shootName) {
        GenericKubernetesResource cluster = ExtensionKind.CLUSTER.in(garden).withName(technicalNamespace).get();
        Object networking;
        if (cluster != null) {
            networking = cluster.get("spec", "shoot", "spec", "networking");
        } else {
            String projectNamespace = projectNamespace(technicalNamespace, shootName);
            Shoot shoot = garden.resources(Shoot.class).inNamespace(projectNamespace).withName(shootName).get();
            if (shoot == null) {
                throw new IllegalStateException("neither Cluster " + technicalNamespace + " nor Shoot "
                        + projectNamespace + "/" + shootName + " exists, so the shoot's networking is unknown");
            }
            networking = shoot.getSpec() == null || shoot.getSpec().getNetworking() == null ? null
                    : Serialization.jsonMapper().convertValue(shoot.getSpec().getNetworking(), Map.class);
        }
        return networking instanceof Map<?, ?> map ? castMap(map) : Map.of();
    }

    /** {@code shoot--<project>--<shoot>} lives in {@code garden-<project>}, or in {@code garden} for project garden. */
    static String projectNamespace(String technicalNamespace, String shootName) {
        String project = technicalNamespace;
        if (project.startsWith("shoot--")) {
            project = project.substring("shoot--".length());
        }
        if (project.endsWith("--" + shootName)) {
            project = project.substring(0, project.length() - shootName.length() - 2);
        }
        return "garden".equals(project) ? "garden" : "garden-" + project;
    }

    private static List<String> ranges(List<String> families, boolean allocateIpv6, String ipv4, Cidr ipv6) {
        List<String> ranges = new ArrayList<>();
        for (String family : families) {
            if (IpFamily.IPV4.equals(family)) {
                ranges.add(ipv4);
            } else if (IpFamily.IPV6.equals(family) && allocateIpv6) {
                ranges.add(ipv6.toString());
            }
        }
        return ranges;
    }

    private static List<String> ipFamilies(Object value) {
        List<String> written = value instanceof List<?> list ? list.stream().map(String::valueOf).toList() : null;
        return IpFamily.effective(written);
    }

    private static String text(Map<String, Object> networking, String key, String fallback) {
        Object value = networking.get(key);
        return value == null ? fallback : value.toString();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> castMap(Map<?, ?> map) {
        return (Map<String, Object>) map;
    }
}
