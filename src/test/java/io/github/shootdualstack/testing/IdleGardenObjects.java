package io.github.shootdualstack.testing;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.utils.Serialization;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What gardenlet and the provider-local and calico extensions write for a Shoot they have reconciled
 * (Gardener v1.138.0's types: {@code ShootStatus}, the extension resources' specs and statuses, the
 * Seed a Cluster holds), for {@link GardenerShoots}. The Shoot's status is the one of the project's
 * production Shoot ({@code local/production-shoot.yaml}: conditions, constraints, credentials
 * rotation, last maintenance…) given this Shoot's identity, seed, addresses and networks.
 */
final class IdleGardenObjects {

    private static final String RECONCILED = "2026-12-01T10:15:00Z";
    private static final String GARDENLET = "v1.138.0";

    private IdleGardenObjects() {
    }

    /** The production Shoot's status. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> shootStatusTemplate() {
        try (InputStream in = IdleGardenObjects.class.getResourceAsStream("/io/github/shootdualstack/local/production-shoot.yaml")) {
            Map<String, Object> shoot = Serialization.unmarshal(in, Map.class);
            return (Map<String, Object>) shoot.get("status");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The status gardenlet writes after a successful reconcile of this Shoot in seed {@code seed}. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> shootStatus(Map<String, Object> template, GenericKubernetesResource shoot, String technical, String seed) {
        Map<String, Object> status = Serialization.jsonMapper().convertValue(template, Map.class);
        String name = shoot.getMetadata().getName();
        String uid = shoot.getMetadata().getUid();
        GardenerShoots.Networks networks = GardenerShoots.Networks.of(shoot);
        status.put("uid", uid);
        status.put("technicalID", technical);
        status.put("seedName", seed);
        status.put("observedGeneration", shoot.getMetadata().getGeneration());
        status.put("clusterIdentity", technical + "-" + uid + "-garden");
        status.put("gardener", Map.of("id", Integer.toHexString(name.hashCode()) + "5c04f1d9b3a7e2c6f5d8b1a0e9c4f7d2a6b3e8c1f0d5a9b2",
                "name", "gardenlet-6d9c7b5f48-" + name.substring(name.length() - 5), "version", GARDENLET));
        status.put("advertisedAddresses", List.of(
                Map.of("name", "external", "url", "https://api." + name + ".local.external.local.gardener.cloud"),
                Map.of("name", "internal", "url", "https://api." + name + ".local.internal.local.gardener.cloud"),
                Map.of("name", "service-account-issuer", "url", "https://discovery.local.gardener.cloud/projects/local/shoots/"
                        + uid + "/issuer")));
        status.put("networking", Map.of("nodes", List.of(networks.nodes()), "pods", List.of(networks.pods()),
                "services", List.of(networks.services())));
        return status;
    }

    static Map<String, Object> spec(String kind, String technical, GardenerShoots.Networks networks) {
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("type", kind.equals("Network") ? "calico" : "local");
        if (!kind.equals("Network")) {
            spec.put("region", "local");
            spec.put("secretRef", Map.of("name", "cloudprovider", "namespace", technical));
        }
        switch (kind) {
            case "Infrastructure" -> spec.put("providerConfig", Map.of(
                    "apiVersion", "local.provider.extensions.gardener.cloud/v1alpha1", "kind", "InfrastructureConfig"));
            case "ControlPlane" -> spec.put("infrastructureProviderStatus", Map.of(
                    "apiVersion", "local.provider.extensions.gardener.cloud/v1alpha1", "kind", "InfrastructureStatus"));
            case "Network" -> {
                spec.put("podCIDR", networks.pods());
                spec.put("serviceCIDR", networks.services());
                spec.put("ipFamilies", List.of("IPv4"));
                spec.put("providerConfig", Map.of("apiVersion", "calico.networking.extensions.gardener.cloud/v1alpha1",
                        "kind", "NetworkConfig", "backend", "bird", "ipam", Map.of("type", "host-local", "cidr", "usePodCIDR"),
                        "typha", Map.of("enabled", true)));
            }
            case "Worker" -> spec.put("pools", List.of(pool(technical)));
            default -> throw new IllegalArgumentException(kind);
        }
        return spec;
    }

    private static Map<String, Object> pool(String technical) {
        Map<String, Object> pool = new LinkedHashMap<>();
        pool.put("name", "local");
        pool.put("machineType", "local");
        pool.put("machineImage", Map.of("name", "local", "version", "1.0.0"));
        pool.put("architecture", "amd64");
        pool.put("minimum", 1);
        pool.put("maximum", 2);
        pool.put("maxSurge", 1);
        pool.put("maxUnavailable", 0);
        pool.put("kubernetesVersion", "1.34.4");
        pool.put("userDataSecretRef", Map.of("name", "worker-original-local-" + Integer.toHexString(technical.hashCode()), "key", "cloud_config"));
        pool.put("nodeAgentSecretName", "gardener-node-agent-local-" + Integer.toHexString(technical.hashCode()));
        pool.put("labels", Map.of("node.kubernetes.io/role", "node", "worker.gardener.cloud/pool", "local",
                "worker.gardener.cloud/cri-name", "containerd", "networking.gardener.cloud/node-local-dns-enabled", "false"));
        pool.put("updateStrategy", "AutoRollingUpdate");
        return pool;
    }

    /** The status the extension writes when its reconcile succeeded; its observed generation is set on writing. */
    static Map<String, Object> status(String kind, GardenerShoots.Networks networks) {
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("lastOperation", Map.of("type", "Reconcile", "state", "Succeeded", "progress", 100,
                "lastUpdateTime", RECONCILED, "description", "Successfully reconciled " + kind));
        switch (kind) {
            case "Infrastructure" -> {
                status.put("providerStatus", Map.of("apiVersion", "local.provider.extensions.gardener.cloud/v1alpha1",
                        "kind", "InfrastructureStatus"));
                status.put("nodesCIDR", networks.nodes());
                status.put("networking", Map.of("nodes", List.of(networks.nodes()), "pods", List.of(networks.pods()),
                        "services", List.of(networks.services())));
            }
            case "ControlPlane" -> status.put("providerStatus", Map.of("apiVersion", "local.provider.extensions.gardener.cloud/v1alpha1",
                    "kind", "ControlPlaneStatus"));
            case "Network" -> {
                status.put("ipFamilies", List.of("IPv4"));
                status.put("providerStatus", Map.of("apiVersion", "calico.networking.extensions.gardener.cloud/v1alpha1",
                        "kind", "NetworkStatus"));
            }
            case "Worker" -> {
                status.put("machineDeployments", List.of(Map.of("name", "local-z1", "minimum", 1, "maximum", 2)));
                status.put("machineDeploymentsLastUpdateTime", RECONCILED);
            }
            default -> throw new IllegalArgumentException(kind);
        }
        return status;
    }

    /** The Seed as gardenlet copies it into a Cluster. */
    static Map<String, Object> seed(String name) {
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("provider", Map.of("type", "local", "region", "local", "zones", List.of("0")));
        spec.put("networks", Map.of("nodes", "172.18.0.0/16", "pods", "10.1.0.0/16", "services", "10.2.0.0/16",
                "ipFamilies", List.of("IPv4"), "shootDefaults", Map.of("pods", "10.3.0.0/16", "services", "10.4.0.0/16")));
        spec.put("ingress", Map.of("domain", "ingress.local.seed.local.gardener.cloud", "controller", Map.of("kind", "nginx")));
        spec.put("dns", Map.of("provider", Map.of("type", "local", "secretRef", Map.of("name", "internal-domain-internal-local-gardener-cloud",
                "namespace", "garden"))));
        spec.put("settings", Map.of("excessCapacityReservation", Map.of("enabled", false), "scheduling", Map.of("visible", true),
                "verticalPodAutoscaler", Map.of("enabled", true), "dependencyWatchdog", Map.of("weeder", Map.of("enabled", true),
                        "prober", Map.of("enabled", true)), "topologyAwareRouting", Map.of("enabled", true)));
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("gardener", Map.of("id", "a1c3e5f7b9d0", "name", "gardenlet-6d9c7b5f48-x2x7q", "version", GARDENLET));
        status.put("kubernetesVersion", "v1.34.4");
        status.put("observedGeneration", 1);
        status.put("clusterIdentity", "seed-local");
        return Map.of("apiVersion", "core.gardener.cloud/v1beta1", "kind", "Seed",
                "metadata", Map.of("name", name, "labels", Map.of("base", "kind", "seed.gardener.cloud/provider", "local")),
                "spec", spec, "status", status);
    }
}
