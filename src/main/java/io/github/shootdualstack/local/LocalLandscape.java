package io.github.shootdualstack.local;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.github.shootdualstack.shoot.Shoot;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One IPv4-only shoot as Gardener would have set it up, written into a garden and a shoot API
 * server: what the operator finds before a migration.
 *
 * <p>Garden: the project namespace, the technical namespace, the {@code Shoot} (native routing,
 * so it may migrate), its kubeconfig Secret, the {@code Cluster}, Infrastructure, ControlPlane and
 * Network (all reconciled), one MachineDeployment per worker pool. Shoot cluster: the pools'
 * Nodes, CoreDNS with its pods and the kube-dns Service, and a few single-stack workloads.
 *
 * <p>The garden needs the CRDs first ({@link LocalCrds#install}). Objects are created, not
 * updated: build a landscape once per shoot, on servers that do not hold that shoot yet. Several
 * shoots may share a garden (and a project), each with its own shoot cluster.
 */
public final class LocalLandscape {

    private final String project;
    private final String shootName;
    private final Map<String, Integer> pools;

    private LocalLandscape(Builder builder) {
        this.project = builder.project;
        this.shootName = builder.shootName;
        this.pools = Collections.unmodifiableMap(
                builder.pools.isEmpty() ? new LinkedHashMap<>(Map.of("worker", 2)) : new LinkedHashMap<>(builder.pools));
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Creates the shoot in both clusters. The kubeconfig Secret points at the URL the shoot client
     * talks to, so a fresh client built from it reaches the same shoot cluster.
     *
     * @return the Shoot as the garden stores it
     */
    public Shoot create(KubernetesClient garden, KubernetesClient shoot) {
        return create(garden, shoot, Kubeconfigs.forServer(technicalNamespace(), shoot.getConfiguration().getMasterUrl()));
    }

    /**
     * Creates the shoot in both clusters, with {@code kubeconfig} (which must reach the same shoot
     * cluster as {@code shoot}) in the kubeconfig Secret: for a shoot API server that checks credentials.
     *
     * @return the Shoot as the garden stores it
     */
    public Shoot create(KubernetesClient garden, KubernetesClient shoot, String kubeconfig) {
        GardenSeed.Result seeded = new GardenSeed(this, garden).create(kubeconfig);
        new ShootSeed(this, shoot).create(seeded.poolTemplateHashes());
        return seeded.shoot();
    }

    /**
     * Seeds the seed's half and the shoot cluster of a Shoot that exists already, made through
     * Gardener's own API (gardener-apiserver), with its {@code status.technicalID} this landscape's
     * technical namespace: the garden holds Gardener's seed CRDs, and the Shoot's project namespace
     * and access are Gardener's, so neither they nor a kubeconfig Secret are written.
     *
     * @return the Shoot as given
     */
    public Shoot adopt(KubernetesClient garden, KubernetesClient shoot, Shoot existing) {
        String technicalId = existing.getStatus() == null ? null : existing.getStatus().getTechnicalID();
        if (!shootName.equals(existing.getMetadata().getName()) || !projectNamespace().equals(existing.getMetadata().getNamespace())
                || !technicalNamespace().equals(technicalId)) {
            throw new IllegalArgumentException("Shoot " + existing.getMetadata().getNamespace() + "/" + existing.getMetadata().getName()
                    + " with status.technicalID " + technicalId + " is not " + projectNamespace() + "/" + shootName + " with "
                    + technicalNamespace());
        }
        GardenSeed.Result seeded = new GardenSeed(this, garden).adopt(existing);
        new ShootSeed(this, shoot).create(seeded.poolTemplateHashes());
        return seeded.shoot();
    }

    public String project() {
        return project;
    }

    public String shootName() {
        return shootName;
    }

    /** Worker pools and their node counts, in the order they were given. */
    public Map<String, Integer> pools() {
        return pools;
    }

    /** {@code garden-<project>}; the project {@code garden} lives in namespace {@code garden}. */
    public String projectNamespace() {
        return "garden".equals(project) ? "garden" : "garden-" + project;
    }

    /** {@code shoot--<project>--<shoot>}: where the shoot's extension resources live. */
    public String technicalNamespace() {
        return "shoot--" + project + "--" + shootName;
    }

    public String kubeconfigSecretName() {
        return shootName + ".kubeconfig";
    }

    /** Gardener's name for the pool's MachineDeployment (one zone, {@code z1}). */
    public String machineDeploymentName(String pool) {
        return technicalNamespace() + "-" + pool + "-z1";
    }

    public int nodeCount() {
        return pools.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** Defaults: project {@code local}, shoot {@code local}, one pool {@code worker} of two nodes. */
    public static final class Builder {
        private String project = "local";
        private String shootName = "local";
        private final Map<String, Integer> pools = new LinkedHashMap<>();

        private Builder() {
        }

        public Builder project(String project) {
            this.project = requireName(project, "project");
            return this;
        }

        public Builder shoot(String shootName) {
            this.shootName = requireName(shootName, "shoot");
            return this;
        }

        /** Adds a worker pool; the first call replaces the default pool. */
        public Builder pool(String name, int nodes) {
            requireName(name, "pool");
            if (nodes < 0) {
                throw new IllegalArgumentException("pool " + name + " cannot have " + nodes + " nodes");
            }
            pools.put(name, nodes);
            return this;
        }

        public LocalLandscape build() {
            return new LocalLandscape(this);
        }

        private static String requireName(String value, String what) {
            Objects.requireNonNull(value, what);
            if (!value.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?") || value.contains("--")) {
                throw new IllegalArgumentException(what + " name \"" + value
                        + "\" must be lower case letters, digits and single dashes");
            }
            return value;
        }
    }
}
