package io.github.shootdualstack.testing;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.github.shootdualstack.garden.ExtensionKind;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * Idle Shoots in Gardener's garden as gardenlet and the extensions leave them after a successful
 * reconcile: Gardener's provider-local example Shoot ({@code [IPv4]}), created through
 * gardener-apiserver's admission, then its status written through {@code shoots/status} as gardenlet
 * writes it; in its technical namespace its Infrastructure, ControlPlane, Network ({@code [IPv4]}) and
 * Worker, each created and then given the status its extension writes; and its Cluster, holding the
 * Shoot, the CloudProfile and a Seed as gardenlet copies them (without managedFields). The garden must
 * be prepared for Shoots and hold the seed CRDs ({@link GardenerGarden#installSeedCrds()}).
 */
public final class GardenerShoots {

    private static final String SHOOT_API = "core.gardener.cloud/v1beta1";
    private static final String EXTENSIONS_API = "extensions.gardener.cloud/v1alpha1";
    private static final String PROJECT = "local";
    private static final String SEED = "local";

    private final KubernetesClient client;
    private final GenericKubernetesResource example;
    private final Map<String, Object> cloudProfile;
    private final Map<String, Object> shootStatus;

    public GardenerShoots(GardenerGarden garden) {
        this.client = garden.client();
        try (InputStream in = Files.newInputStream(garden.module().file("example/provider-local/shoot.yaml"))) {
            example = client.getKubernetesSerialization().unmarshal(in, GenericKubernetesResource.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        example.getMetadata().getAnnotations().remove(GardenerGarden.ISSUER_ANNOTATION);
        GenericKubernetesResource profile = client.genericKubernetesResources(SHOOT_API, "CloudProfile").withName("local").require();
        profile.getMetadata().setManagedFields(null);
        cloudProfile = asMap(profile);
        shootStatus = IdleGardenObjects.shootStatusTemplate();
    }

    /** The name of the Shoot numbered {@code index}. */
    public static String name(int index) {
        return String.format("s-%05d", index);
    }

    /** Creates the Shoots numbered {@code first} to {@code first + count - 1} on {@code threads} threads; {@code progress} hears every 500th. */
    public void create(int first, int count, int threads, IntConsumer progress) {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        AtomicInteger done = new AtomicInteger(first);
        List<Future<?>> creations = new ArrayList<>();
        for (int i = first; i < first + count; i++) {
            int index = i;
            creations.add(pool.submit(() -> {
                createOne(index);
                int created = done.incrementAndGet();
                if (created % 500 == 0) {
                    progress.accept(created);
                }
                return null;
            }));
        }
        try {
            for (Future<?> creation : creations) {
                creation.get();
            }
        } catch (Exception e) {
            creations.forEach(creation -> creation.cancel(true));
            throw new IllegalStateException("could not create the Shoots in Gardener's garden: " + e.getMessage(), e);
        } finally {
            pool.shutdown();
            try {
                pool.awaitTermination(1, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void createOne(int index) {
        String name = name(index);
        String technical = "shoot--" + PROJECT + "--" + name;
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(technical)
                .withLabels(Map.of("gardener.cloud/role", "shoot", "shoot.gardener.cloud/provider", "local",
                        "networking.shoot.gardener.cloud/provider", "calico", "extensions.gardener.cloud/local", "true",
                        "extensions.gardener.cloud/calico", "true"))
                .endMetadata().build()).create();
        GenericKubernetesResource shoot = client.getKubernetesSerialization().clone(example);
        shoot.getMetadata().setName(name);
        var shoots = client.genericKubernetesResources(SHOOT_API, "Shoot").inNamespace(GardenerGarden.PROJECT_NAMESPACE);
        GenericKubernetesResource created = shoots.resource(shoot).create();
        Map<String, Object> status = IdleGardenObjects.shootStatus(shootStatus, created, technical, SEED);
        created.setAdditionalProperty("status", status);
        GenericKubernetesResource reconciled = shoots.resource(created).updateStatus();
        Networks networks = Networks.of(reconciled);
        for (ExtensionKind kind : List.of(ExtensionKind.INFRASTRUCTURE, ExtensionKind.CONTROL_PLANE, ExtensionKind.NETWORK)) {
            extension(kind.in(client).inNamespace(technical), kind.apiVersion(), kind.kind(), technical, name,
                    IdleGardenObjects.spec(kind.kind(), technical, networks), IdleGardenObjects.status(kind.kind(), networks));
        }
        extension(client.genericKubernetesResources(EXTENSIONS_API, "Worker").inNamespace(technical), EXTENSIONS_API, "Worker", technical, name,
                IdleGardenObjects.spec("Worker", technical, networks), IdleGardenObjects.status("Worker", networks));
        reconciled.getMetadata().setManagedFields(null);
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("cloudProfile", cloudProfile);
        spec.put("seed", IdleGardenObjects.seed(SEED));
        spec.put("shoot", asMap(reconciled));
        GenericKubernetesResource cluster = resource(ExtensionKind.CLUSTER.apiVersion(), "Cluster", null, technical);
        cluster.setAdditionalProperty("spec", spec);
        ExtensionKind.CLUSTER.in(client).resource(cluster).create();
    }

    /** Creates the resource, then writes its status through the status subresource, as its extension does. */
    private void extension(NonNamespaceOperation<GenericKubernetesResource, GenericKubernetesResourceList, Resource<GenericKubernetesResource>> kind,
                           String apiVersion, String kindName, String namespace, String name,
                           Map<String, Object> spec, Map<String, Object> status) {
        GenericKubernetesResource resource = resource(apiVersion, kindName, namespace, name);
        resource.setAdditionalProperty("spec", spec);
        GenericKubernetesResource created = kind.resource(resource).create();
        status.put("observedGeneration", created.getMetadata().getGeneration());
        created.setAdditionalProperty("status", status);
        kind.resource(created).updateStatus();
    }

    private static GenericKubernetesResource resource(String apiVersion, String kind, String namespace, String name) {
        GenericKubernetesResource resource = new GenericKubernetesResource();
        resource.setApiVersion(apiVersion);
        resource.setKind(kind);
        resource.setMetadata(new ObjectMetaBuilder().withNamespace(namespace).withName(name).build());
        return resource;
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> asMap(GenericKubernetesResource resource) {
        return client.getKubernetesSerialization().convertValue(resource, Map.class);
    }

    /** The Shoot's networks, as its spec and defaulting give them. */
    record Networks(String nodes, String pods, String services) {

        static Networks of(GenericKubernetesResource shoot) {
            Object nodes = shoot.get("spec", "networking", "nodes");
            Object pods = shoot.get("spec", "networking", "pods");
            Object services = shoot.get("spec", "networking", "services");
            // provider-local's ranges where the Shoot leaves them to the provider
            return new Networks(nodes == null ? "10.0.0.0/16" : nodes.toString(), pods == null ? "10.3.0.0/16" : pods.toString(),
                    services == null ? "10.4.0.0/16" : services.toString());
        }
    }
}
