package io.github.shootdualstack.local;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.github.shootdualstack.garden.ExtensionKind;
import io.github.shootdualstack.garden.Patches;
import io.github.shootdualstack.migration.Conditions;
import io.github.shootdualstack.shoot.Condition;
import io.github.shootdualstack.shoot.IpFamily;
import io.github.shootdualstack.shoot.LastOperation;
import io.github.shootdualstack.shoot.Shoot;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * One reconcile of one Shoot the way gardenlet v1.138.0 runs it, cut down to what the migration sees,
 * in the order of {@code reconciler_reconcile.go}: the Cluster gets the Shoot; the dual-stack constraint
 * is set up before the flow ({@code UpdateDualStackMigrationConditionIfNeeded}); the Infrastructure is
 * deployed (triggered only for the Shoot's {@code deployInfrastructure} task, removed once it is
 * reconciled, or when it did not succeed last) and waited for, its networking copied into the Shoot and the Cluster; the ControlPlane
 * triggered and waited for; CoreDNS deployed ({@code coredns.go}: its restart annotation, kube-dns
 * to one family or all); the Network given the Shoot's families, triggered and waited for; the DNS
 * constraint checked ({@code CheckDNSServiceMigration}); the workers waited for; the nodes constraint
 * checked ({@code CheckPodCIDRsInNodes}).
 */
final class GardenletReconcile {

    static final String RESTARTED_AT = "gardener.cloud/restarted-at";
    private static final Map<String, String> KUBE_DNS_POD = ShootSeed.KUBE_DNS_LABELS;

    private final KubernetesClient garden;
    private final KubernetesClient shootCluster;
    private final GardenletStandIn.Config config;
    private final Resource<Shoot> resource;
    private Shoot shoot;
    private final String namespace;

    GardenletReconcile(KubernetesClient garden, KubernetesClient shootCluster, GardenletStandIn.Config config, Shoot shoot) {
        this.garden = garden;
        this.shootCluster = shootCluster;
        this.config = config;
        this.shoot = shoot;
        this.resource = garden.resources(Shoot.class).inNamespace(shoot.getMetadata().getNamespace()).withName(shoot.getMetadata().getName());
        this.namespace = shoot.getStatus().getTechnicalID();
    }

    /** Runs the flow after {@link GardenletOperation#start}; throws {@link IllegalStateException} with the failure's description. */
    void run() {
        Long generation = shoot.getMetadata().getGeneration();
        syncCluster();
        if (shoot.getSpec().getNetworking().getNodes() != null && shoot.getStatus().getNetworking() != null) {
            updateDualStackMigrationConditionIfNeeded();
        }
        boolean task = GardenletOperation.hasTask(shoot, GardenletOperation.DEPLOY_INFRASTRUCTURE);
        deploy(ExtensionKind.INFRASTRUCTURE, task || !succeeded(extension(ExtensionKind.INFRASTRUCTURE)), null);
        if (task) {
            GardenletOperation.setTask(resource, GardenletOperation.DEPLOY_INFRASTRUCTURE, false, generation);
        }
        copyInfrastructureNetworking();
        syncCluster();
        deploy(ExtensionKind.CONTROL_PLANE, true, null);
        boolean hibernated = shoot.getSpec().getHibernation() != null && Boolean.TRUE.equals(shoot.getSpec().getHibernation().getEnabled());
        if (!hibernated) { // the shoot cluster's steps are skipped while it sleeps
            deployCoreDns();
        }
        deploy(ExtensionKind.NETWORK, true, families());
        if (!hibernated) {
            checkDnsServiceMigration();
            await("the worker pools to be rolled out", this::workersRolledOut);
            checkPodCidrsInNodes();
        }
    }

    Shoot shoot() {
        return shoot;
    }

    /** Reports the reconcile {@code Succeeded} and gives the Cluster the Shoot as it is then. */
    void succeed() {
        shoot = GardenletOperation.succeed(resource, shoot, config);
        syncCluster();
    }

    private void updateDualStackMigrationConditionIfNeeded() {
        if (Conditions.find(constraints(), Conditions.NODES_TYPE) != null) {
            return;
        }
        GenericKubernetesResource network = extension(ExtensionKind.NETWORK);
        List<String> networkFamilies = network == null ? null : strings(network.get("status", "ipFamilies"));
        if (networkFamilies == null) {
            return;
        }
        setConstraints(GardenletConstraints.nodes(constraints(), families().size(), networkFamilies.size() == families().size(),
                GardenletConstraints.nodesMigrated(podCidrsPerNode(), families().size()), now()));
    }

    private void checkPodCidrsInNodes() {
        if (Conditions.find(constraints(), Conditions.NODES_TYPE) == null
                || sizeOf(strings(extension(ExtensionKind.INFRASTRUCTURE).get("status", "networking", "nodes"))) != 2) {
            return;
        }
        List<String> networkFamilies = strings(extension(ExtensionKind.NETWORK).get("status", "ipFamilies"));
        setConstraints(GardenletConstraints.nodes(constraints(), families().size(), sizeOf(networkFamilies) == families().size(),
                GardenletConstraints.nodesMigrated(podCidrsPerNode(), families().size()), now()));
    }

    private void checkDnsServiceMigration() {
        if (Conditions.find(constraints(), Conditions.DNS_TYPE) == null) {
            return;
        }
        Service kubeDns = shootCluster.services().inNamespace(ShootSeed.KUBE_SYSTEM).withName("kube-dns").require();
        boolean serviceReady = sizeOf(kubeDns.getSpec().getClusterIPs()) == families().size();
        List<Pod> pods = coreDnsPods();
        if (pods.isEmpty()) {
            return;
        }
        boolean podsReady = pods.stream().allMatch(pod -> podIps(pod) == families().size());
        setConstraints(GardenletConstraints.dns(constraints(), serviceReady, podsReady, now()));
    }

    /** CoreDNS's pod template annotation and kube-dns, as gardener-resource-manager applies what gardenlet deploys. */
    private void deployCoreDns() {
        Resource<Deployment> coredns = shootCluster.apps().deployments().inNamespace(ShootSeed.KUBE_SYSTEM).withName(ShootSeed.COREDNS);
        int minPodIps = coreDnsPods().stream().mapToInt(GardenletReconcile::podIps).min().orElse(0);
        Map<String, String> template = coredns.require().getSpec().getTemplate().getMetadata().getAnnotations();
        String restartedAt = GardenletConstraints.coreDnsRestartDue(constraints(), minPodIps, families().size())
                ? Conditions.timestamp(now()) : template == null ? null : template.get(RESTARTED_AT);
        if (restartedAt != null && !restartedAt.equals(template == null ? null : template.get(RESTARTED_AT))) {
            coredns.edit(deployment -> {
                var metadata = deployment.getSpec().getTemplate().getMetadata();
                Map<String, String> annotations = metadata.getAnnotations() == null ? new LinkedHashMap<>() : metadata.getAnnotations();
                annotations.put(RESTARTED_AT, restartedAt);
                metadata.setAnnotations(annotations);
                return deployment;
            });
        }
        List<String> clusterIps = new ArrayList<>();
        for (String family : GardenletConstraints.coreDnsPrimaryOnly(constraints()) ? families().subList(0, 1) : families()) {
            serviceRanges().stream().map(Cidr::parse).filter(range -> range.family().equals(family)).findFirst()
                    .ifPresent(range -> clusterIps.add(range.address(10)));
        }
        Resource<Service> kubeDns = shootCluster.services().inNamespace(ShootSeed.KUBE_SYSTEM).withName("kube-dns");
        if (!clusterIps.equals(kubeDns.require().getSpec().getClusterIPs())) {
            kubeDns.edit(service -> {
                service.getSpec().setClusterIP(clusterIps.get(0));
                service.getSpec().setClusterIPs(clusterIps);
                service.getSpec().setIpFamilies(clusterIps.stream().map(ip -> ip.contains(":") ? IpFamily.IPV6 : IpFamily.IPV4).toList());
                service.getSpec().setIpFamilyPolicy(clusterIps.size() == 2 ? "PreferDualStack" : "SingleStack");
                return service;
            });
        }
    }

    /** The Shoot's service ranges: the spec's and the status's ({@code ToNetworks}). */
    private List<String> serviceRanges() {
        List<String> status = shoot.getStatus().getNetworking() == null ? null : shoot.getStatus().getNetworking().getServices();
        return Stream.concat(Stream.of(shoot.getSpec().getNetworking().getServices()), status == null ? Stream.empty() : status.stream())
                .filter(Objects::nonNull).distinct().toList();
    }

    /**
     * Writes the resource's spec (the Network's families) with {@code gardener.cloud/operation: reconcile}
     * when {@code trigger}, and waits until its extension reports it reconciled.
     */
    private void deploy(ExtensionKind kind, boolean trigger, List<String> ipFamilies) {
        Resource<GenericKubernetesResource> extension = kind.in(garden).inNamespace(namespace).withName(shoot.getMetadata().getName());
        if (ipFamilies != null) {
            // a merge patch would not replace the list on the local garden; this one is refused (409) if the extension wrote meanwhile
            await(kind.kind() + " " + namespace + "/" + shoot.getMetadata().getName() + " to take its families", () -> {
                try {
                    Patches.addWithAnnotation(extension, extension.require(), "/spec/ipFamilies", ipFamilies,
                            ExtensionKind.OPERATION_ANNOTATION, ExtensionKind.OPERATION_RECONCILE);
                    return true;
                } catch (KubernetesClientException e) {
                    if (e.getCode() == 409) {
                        return false;
                    }
                    throw e;
                }
            });
        } else if (trigger) {
            extension.patch(Patches.MERGE, Patches.body(Map.of("metadata",
                    Map.of("annotations", Map.of(ExtensionKind.OPERATION_ANNOTATION, ExtensionKind.OPERATION_RECONCILE)))));
        }
        await(kind.kind() + " " + namespace + "/" + shoot.getMetadata().getName() + " to be reconciled",
                () -> ready(extension.get()));
    }

    private static boolean ready(GenericKubernetesResource extension) {
        return extension != null && !ExtensionStatus.hasReconcileAnnotation(extension) && succeeded(extension)
                && ExtensionStatus.observedGeneration(extension) == ExtensionStatus.generation(extension);
    }

    private static boolean succeeded(GenericKubernetesResource extension) {
        return extension != null && LastOperation.STATE_SUCCEEDED.equals(ExtensionStatus.state(extension));
    }

    private void copyInfrastructureNetworking() {
        Object networking = extension(ExtensionKind.INFRASTRUCTURE).get("status", "networking");
        if (networking instanceof Map<?, ?> map && !map.isEmpty()) {
            writeStatus(Map.of("networking", networking));
        }
    }

    /** Every pool has as many nodes as it wants, all of its MachineDeployment's current template (the Worker is ready). */
    private boolean workersRolledOut() {
        for (GenericKubernetesResource md : ExtensionKind.MACHINE_DEPLOYMENT.in(garden).inNamespace(namespace).list().getItems()) {
            String pool = md.getMetadata().getLabels() == null ? null : md.getMetadata().getLabels().get(ExtensionKind.POOL_LABEL);
            String hash = TemplateHash.of(md.get("spec", "template"));
            List<Node> nodes = shootCluster.nodes().withLabel(ExtensionKind.POOL_LABEL, pool).list().getItems();
            Object replicas = md.get("spec", "replicas");
            if (replicas instanceof Number number && nodes.size() != number.intValue()
                    || nodes.stream().anyMatch(node -> !hash.equals(ShootNodes.templateHash(node)))) {
                return false;
            }
        }
        return true;
    }

    private void syncCluster() {
        ExtensionKind.CLUSTER.in(garden).withName(namespace).patch(Patches.JSON, Patches.body(List.of(
                Map.of("op", "replace", "path", "/spec/shoot", "value", Patches.asMap(shoot)))));
    }

    private void setConstraints(List<Condition> constraints) {
        if (!Serialization.asJson(constraints).equals(Serialization.asJson(constraints()))) {
            writeStatus(Collections.singletonMap("constraints", constraints.isEmpty() ? null : constraints));
        }
    }

    private void writeStatus(Map<String, Object> fields) {
        shoot = Patches.setStatusFields(resource, fields);
    }

    private void await(String what, BooleanSupplier done) {
        long deadline = System.nanoTime() + config.waitTimeout().toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Timed out waiting for " + what);
            }
            try {
                Thread.sleep(config.pollInterval().toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for " + what);
            }
        }
    }

    private GenericKubernetesResource extension(ExtensionKind kind) {
        return kind.in(garden).inNamespace(namespace).withName(shoot.getMetadata().getName()).get();
    }

    private List<Integer> podCidrsPerNode() {
        return shootCluster.nodes().list().getItems().stream().map(node -> sizeOf(node.getSpec().getPodCIDRs())).toList();
    }

    private List<Pod> coreDnsPods() {
        return shootCluster.pods().inNamespace(ShootSeed.KUBE_SYSTEM).withLabels(KUBE_DNS_POD).list().getItems();
    }

    private static int podIps(Pod pod) {
        return pod.getStatus() == null ? 0 : sizeOf(pod.getStatus().getPodIPs());
    }

    private List<String> families() {
        return IpFamily.effective(shoot.getSpec().getNetworking().getIpFamilies());
    }

    private List<Condition> constraints() {
        List<Condition> constraints = shoot.getStatus().getConstraints();
        return constraints == null ? List.of() : constraints;
    }

    private Instant now() {
        return Instant.now(config.clock());
    }

    private static int sizeOf(List<?> list) {
        return list == null ? 0 : list.size();
    }

    private static List<String> strings(Object value) {
        return value instanceof List<?> list ? list.stream().map(String::valueOf).toList() : null;
    }
}
