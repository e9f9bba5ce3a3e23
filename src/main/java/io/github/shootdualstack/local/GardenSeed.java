package io.github.shootdualstack.local;

import io.github.shootdualstack.garden.Patches;
import io.github.shootdualstack.garden.Projects;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.github.shootdualstack.garden.ExtensionKind;
import io.github.shootdualstack.shoot.IpFamily;
import io.github.shootdualstack.shoot.Shoot;
import io.github.shootdualstack.shoot.ShootStatus;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/** The garden half of a {@link LocalLandscape}. */
final class GardenSeed {

    /** The Shoot as stored, and per pool the hash of its MachineDeployment's template, for the first nodes. */
    record Result(Shoot shoot, Map<String, String> poolTemplateHashes) {
    }

    private final LocalLandscape landscape;
    private final KubernetesClient garden;
    private final Clock clock = Clock.systemUTC();

    GardenSeed(LocalLandscape landscape, KubernetesClient garden) {
        this.landscape = landscape;
        this.garden = garden;
    }

    Result create(String kubeconfig) {
        // labelled with its project, as Gardener labels a project namespace: the operator reads the project there
        ensureNamespace(landscape.projectNamespace(), Map.of(Projects.LABEL, landscape.project()));
        ensureNamespace(landscape.technicalNamespace(), Map.of());
        Shoot shoot = createShoot();
        createKubeconfigSecret(kubeconfig);
        return new Result(shoot, seed(shoot));
    }

    /**
     * The seed's half alone, for a Shoot that exists already (made through Gardener's own API, which keeps
     * its project namespace and its access): the technical namespace, the Cluster holding the Shoot as
     * stored, the extension resources and the MachineDeployments.
     */
    Result adopt(Shoot shoot) {
        ensureNamespace(landscape.technicalNamespace(), Map.of());
        return new Result(shoot, seed(shoot));
    }

    /** @return per pool the hash of its MachineDeployment's template */
    private Map<String, String> seed(Shoot shoot) {
        createCluster(shoot);
        // the fields Gardener's CRDs have (example/seed-crds/): type, region and secretRef are required of both
        Map<String, Object> secretRef = Map.of("name", "cloudprovider", "namespace", landscape.technicalNamespace());
        createExtension(ExtensionKind.INFRASTRUCTURE, Map.of("type", "local", "region", "local", "secretRef", secretRef),
                infrastructure -> Map.of("networking", new InfrastructureNetworking(garden).allocate(infrastructure, true)));
        createExtension(ExtensionKind.CONTROL_PLANE, Map.of("type", "local", "region", "local", "secretRef", secretRef),
                controlPlane -> Map.of());
        createExtension(ExtensionKind.NETWORK, networkSpec(),
                network -> Map.of("ipFamilies", IpFamily.SINGLE_STACK_IPV4));
        Map<String, String> hashes = new LinkedHashMap<>();
        landscape.pools().forEach((pool, nodes) -> hashes.put(pool, createMachineDeployment(pool, nodes)));
        return hashes;
    }

    private void ensureNamespace(String name, Map<String, String> labels) {
        if (garden.namespaces().withName(name).get() == null) {
            garden.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).withLabels(labels)
                    .endMetadata().build()).create();
        }
    }

    private Shoot createShoot() {
        Shoot shoot = Serialization.unmarshal(Serialization.asJson(ShootManifest.spec(landscape)), Shoot.class);
        shoot.setMetadata(new ObjectMetaBuilder()
                .withName(landscape.shootName()).withNamespace(landscape.projectNamespace()).build());
        Shoot created = garden.resources(Shoot.class).resource(shoot).create();
        ShootStatus status = ShootManifest.status(landscape, created.getMetadata().getGeneration(), now());
        return Patches.setStatusFields(garden.resources(Shoot.class).inNamespace(landscape.projectNamespace())
                .withName(landscape.shootName()), Patches.asMap(status));
    }

    private void createKubeconfigSecret(String kubeconfig) {
        garden.secrets().resource(new SecretBuilder()
                .withNewMetadata()
                    .withNamespace(landscape.projectNamespace())
                    .withName(landscape.kubeconfigSecretName())
                    .withLabels(Map.of("gardener.cloud/role", "kubeconfig"))
                .endMetadata()
                .withType("Opaque")
                .withData(Map.of("kubeconfig",
                        Base64.getEncoder().encodeToString(kubeconfig.getBytes(StandardCharsets.UTF_8))))
                .build()).create();
    }

    private void createCluster(Shoot shoot) {
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("cloudProfile", Map.of("apiVersion", Shoot.GROUP + "/" + Shoot.VERSION, "kind", "CloudProfile",
                "metadata", Map.of("name", "local")));
        spec.put("seed", Map.of("apiVersion", Shoot.GROUP + "/" + Shoot.VERSION, "kind", "Seed",
                "metadata", Map.of("name", "local")));
        // the Shoot as stored, with its UID, as gardenlet copies it: the operator writes only a Cluster that holds its Shoot
        spec.put("shoot", Serialization.jsonMapper().convertValue(shoot, Map.class));
        ExtensionKind.CLUSTER.in(garden).resource(new GenericKubernetesResourceBuilder()
                .withApiVersion(ExtensionKind.CLUSTER.apiVersion())
                .withKind(ExtensionKind.CLUSTER.kind())
                .withNewMetadata().withName(landscape.technicalNamespace()).endMetadata()
                .addToAdditionalProperties("spec", spec)
                .build()).create();
    }

    private Map<String, Object> networkSpec() {
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("type", "calico");
        spec.put("podCIDR", LocalNetworks.PODS_V4);
        spec.put("serviceCIDR", LocalNetworks.SERVICES_V4);
        spec.put("ipFamilies", IpFamily.SINGLE_STACK_IPV4);
        spec.put("providerConfig", Map.of("apiVersion", "calico.networking.extensions.gardener.cloud/v1alpha1",
                "kind", "NetworkConfig", "overlay", Map.of("enabled", false)));
        return spec;
    }

    /** Creates an extension resource and reports it reconciled, as after the shoot's creation. */
    private void createExtension(ExtensionKind kind, Map<String, Object> spec,
                                 Function<GenericKubernetesResource, Map<String, Object>> kindStatus) {
        GenericKubernetesResource created = kind.in(garden).resource(new GenericKubernetesResourceBuilder()
                .withApiVersion(kind.apiVersion())
                .withKind(kind.kind())
                .withNewMetadata().withNamespace(landscape.technicalNamespace()).withName(landscape.shootName()).endMetadata()
                .addToAdditionalProperties("spec", spec)
                .build()).create();
        Map<String, Object> status = ExtensionStatus.succeeded(kind.kind(), created.getMetadata().getGeneration(), clock);
        status.putAll(kindStatus.apply(created));
        Patches.setStatusFields(kind.in(garden).inNamespace(landscape.technicalNamespace()).withName(landscape.shootName()), status);
    }

    /** @return the hash of the template the MachineDeployment was created with */
    private String createMachineDeployment(String pool, int nodes) {
        String name = landscape.machineDeploymentName(pool);
        Map<String, String> labels = Map.of("name", name, ExtensionKind.POOL_LABEL, pool);
        Map<String, Object> template = new LinkedHashMap<>();
        template.put("metadata", Map.of("labels", labels,
                "annotations", Map.of("checksum/machine-class", TemplateHash.of(Map.of("pool", pool)))));
        template.put("spec", Map.of(
                "class", Map.of("kind", "MachineClass", "name", name + "-local"),
                "nodeTemplate", Map.of("metadata", Map.of("labels", Map.of(ExtensionKind.POOL_LABEL, pool)))));
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("replicas", nodes);
        spec.put("selector", Map.of("matchLabels", Map.of("name", name)));
        spec.put("template", template);
        ExtensionKind kind = ExtensionKind.MACHINE_DEPLOYMENT;
        GenericKubernetesResource created = kind.in(garden).resource(new GenericKubernetesResourceBuilder()
                .withApiVersion(kind.apiVersion())
                .withKind(kind.kind())
                .withNewMetadata().withNamespace(landscape.technicalNamespace()).withName(name).withLabels(labels).endMetadata()
                .addToAdditionalProperties("spec", spec)
                .build()).create();
        Patches.setStatusFields(kind.in(garden).inNamespace(landscape.technicalNamespace()).withName(name),
                MachineController.poolStatus(nodes, nodes, created.getMetadata().getGeneration()));
        return TemplateHash.of(created.get("spec", "template"));
    }

    private String now() {
        return Instant.now(clock).truncatedTo(ChronoUnit.SECONDS).toString();
    }
}
