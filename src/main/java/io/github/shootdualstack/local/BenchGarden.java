package io.github.shootdualstack.local;

import io.fabric8.kubernetes.api.model.FieldsV1;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.github.shootdualstack.garden.ExtensionKind;
import io.github.shootdualstack.garden.Projects;
import io.github.shootdualstack.shoot.Shoot;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
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
 * A garden of idle production Shoots for the benchmark: copies of a production Shoot (about 15 KB of
 * JSON with the managedFields a real API server adds), each with its Infrastructure, ControlPlane and
 * Network as a provider reconciled them, already running IPv4 as their spec asks. Each is created, then
 * its status written through the status subresource, as its controller writes it: a create keeps none.
 */
public final class BenchGarden {

    /** Projects the Shoots are spread over. */
    static final int PROJECTS = 20;
    /** Seeds the Shoots beside gardenlet are spread over. */
    static final int SEEDS = 40;
    /** The gardenlet of the Shoots beside gardenlet: one that migrates by itself. */
    public static final String GARDENLET_VERSION = "v1.138.0";

    private BenchGarden() {
    }

    /** Creates {@code count} idle Shoots, numbered from {@code first}, with their extension resources; {@code progress} hears every 1,000th. */
    public static void populate(KubernetesClient garden, int first, int count, IntConsumer progress) {
        populate(garden, first, count, progress, false);
    }

    /**
     * As {@link #populate(KubernetesClient, int, int, IntConsumer)}; with {@code besideGardenlet}, Shoots
     * a gardenlet {@value #GARDENLET_VERSION} reconciles, spread over {@value #SEEDS} seeds, and no extension
     * resource: Gardener keeps those in the seeds, and beside gardenlet the operator reads none.
     */
    public static void populate(KubernetesClient garden, int first, int count, IntConsumer progress, boolean besideGardenlet) {
        for (int project = 0; project < PROJECTS; project++) {
            createProjectNamespace(garden, "bench" + project);
        }
        Shoot template = Serialization.unmarshal(manifest(), Shoot.class);
        if (besideGardenlet) {
            template.getStatus().getGardener().setVersion(GARDENLET_VERSION);
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        AtomicInteger done = new AtomicInteger();
        List<Future<?>> creations = new ArrayList<>();
        for (int i = first; i < first + count; i++) {
            int index = i;
            creations.add(pool.submit(() -> {
                create(garden, template, index, besideGardenlet);
                int created = first + done.incrementAndGet();
                if (created % 1000 == 0) {
                    progress.accept(created);
                }
            }));
        }
        try {
            for (Future<?> creation : creations) {
                creation.get();
            }
        } catch (Exception e) {
            throw new IllegalStateException("could not fill the garden", e);
        } finally {
            pool.shutdown();
            try {
                pool.awaitTermination(1, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** {@code garden-<project>}, labelled with its project as Gardener labels a project namespace. */
    private static void createProjectNamespace(KubernetesClient garden, String project) {
        String name = "garden-" + project;
        if (garden.namespaces().withName(name).get() == null) {
            garden.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name)
                    .withLabels(Map.of(Projects.LABEL, project)).endMetadata().build()).create();
        }
    }

    private static void create(KubernetesClient garden, Shoot template, int index, boolean besideGardenlet) {
        String project = "bench" + (index % PROJECTS);
        String namespace = "garden-" + project;
        String name = "shoot-" + index;
        String technical = "shoot--" + project + "--" + name;
        Shoot shoot = Serialization.clone(template);
        shoot.getMetadata().setNamespace(namespace);
        shoot.getMetadata().setName(name);
        shoot.getMetadata().setUid(null);
        shoot.getMetadata().setResourceVersion(null);
        if (besideGardenlet) {
            onSeed(shoot, "aws-eu" + (index % SEEDS + 1));
        }
        shoot.getMetadata().setManagedFields(managedFields(shoot));
        shoot.getStatus().setTechnicalID(technical);
        // a create keeps no status (the status subresource): gardenlet writes it afterwards, and so does the bench
        Shoot created = garden.resources(Shoot.class).inNamespace(namespace).resource(shoot).create();
        created.setStatus(shoot.getStatus());
        if (besideGardenlet) {
            reconciledBy(created, project);
        }
        garden.resources(Shoot.class).inNamespace(namespace).resource(created).updateStatus();
        if (besideGardenlet) {
            return;
        }
        for (ExtensionKind kind : List.of(ExtensionKind.INFRASTRUCTURE, ExtensionKind.CONTROL_PLANE, ExtensionKind.NETWORK)) {
            GenericKubernetesResource extension = extension(kind, technical, name);
            GenericKubernetesResource stored = kind.in(garden).inNamespace(technical).resource(extension).create();
            stored.setAdditionalProperty("status", extension.getAdditionalProperties().get("status"));
            kind.in(garden).inNamespace(technical).resource(stored).updateStatus();
        }
    }

    /** Scheduled to {@code seed}: its spec and status name it, and so does the label Gardener sets. */
    private static void onSeed(Shoot shoot, String seed) {
        Map<String, String> labels = new LinkedHashMap<>(shoot.getMetadata().getLabels());
        labels.keySet().removeIf(key -> key.startsWith("name.seed.gardener.cloud/"));
        labels.put("name.seed.gardener.cloud/" + seed, "true");
        shoot.getMetadata().setLabels(labels);
        shoot.getSpec().setSeedName(seed);
        shoot.getStatus().setAdditionalProperty("seedName", seed);
    }

    /**
     * The status its gardenlet wrote after the last reconcile of this Shoot: its own UID, cluster identity,
     * addresses and observed generation; the rest (conditions, constraints, networking, last operation) as
     * the production Shoot's.
     */
    private static void reconciledBy(Shoot created, String project) {
        String uid = created.getMetadata().getUid();
        String name = created.getMetadata().getName();
        var status = created.getStatus();
        status.setObservedGeneration(created.getMetadata().getGeneration());
        status.setAdditionalProperty("uid", uid);
        status.setAdditionalProperty("clusterIdentity", status.getTechnicalID() + "-" + uid + "-landscape-live");
        String seed = String.valueOf(status.additionalProperties().get("seedName"));
        status.setAdditionalProperty("advertisedAddresses", List.of(
                Map.of("name", "external", "url", "https://api." + name + "." + project + ".shoot.example.com"),
                Map.of("name", "internal", "url", "https://api." + name + "." + project + ".internal." + seed + ".seed.example.com"),
                Map.of("name", "service-account-issuer", "url", "https://discovery.example.com/projects/" + project
                        + "/shoots/" + uid + "/issuer")));
    }

    /** As a provider leaves it: succeeded, with its provider status and, for the Network, IPv4. */
    private static GenericKubernetesResource extension(ExtensionKind kind, String namespace, String name) {
        Map<String, Object> spec = new LinkedHashMap<>();
        Map<String, Object> status = new LinkedHashMap<>();
        spec.put("type", kind == ExtensionKind.NETWORK ? "calico" : "aws");
        spec.put("region", "eu-west-1");
        status.put("observedGeneration", 1);
        status.put("lastOperation", Map.of("type", "Reconcile", "state", "Succeeded", "progress", 100,
                "lastUpdateTime", "2025-06-03T21:05:00Z", "description", kind.kind() + " reconciled successfully"));
        status.put("providerStatus", Map.of("apiVersion", "aws.provider.extensions.gardener.cloud/v1alpha1",
                "kind", kind.kind() + "Status", "vpc", Map.of("id", "vpc-0a1b2c3d4e5f60718",
                        "subnets", List.of(Map.of("id", "subnet-0123456789abcdef0", "purpose", "nodes", "zone", "eu-west-1a"),
                                Map.of("id", "subnet-0fedcba9876543210", "purpose", "public", "zone", "eu-west-1a")),
                        "securityGroups", List.of(Map.of("id", "sg-0a1b2c3d4e5f60718", "purpose", "nodes")))));
        if (kind == ExtensionKind.INFRASTRUCTURE) {
            status.put("networking", Map.of("nodes", List.of("10.250.0.0/16"), "pods", List.of("100.96.0.0/11"),
                    "services", List.of("100.64.0.0/13")));
        }
        if (kind == ExtensionKind.NETWORK) {
            spec.put("ipFamilies", List.of("IPv4"));
            spec.put("podCIDR", "100.96.0.0/11");
            spec.put("serviceCIDR", "100.64.0.0/13");
            status.put("ipFamilies", List.of("IPv4"));
        }
        GenericKubernetesResource resource = new GenericKubernetesResource();
        resource.setApiVersion(kind.apiVersion());
        resource.setKind(kind.kind());
        resource.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName(name).withNamespace(namespace)
                .withGeneration(1L).withManagedFields(new ManagedFieldsEntryBuilder().withManager("gardenlet").withOperation("Update")
                        .withApiVersion(kind.apiVersion()).withFieldsType("FieldsV1")
                        .withFieldsV1(fields(spec)).build()).build());
        resource.setAdditionalProperty("spec", spec);
        resource.setAdditionalProperty("status", status);
        return resource;
    }

    /** The managedFields a real API server keeps: one entry per writer, naming every field it set. */
    private static List<ManagedFieldsEntry> managedFields(Shoot shoot) {
        Map<String, Object> spec = Serialization.jsonMapper().convertValue(shoot.getSpec(), Map.class);
        Map<String, Object> status = Serialization.jsonMapper().convertValue(shoot.getStatus(), Map.class);
        return List.of(
                new ManagedFieldsEntryBuilder().withManager("gardener-dashboard").withOperation("Update")
                        .withApiVersion(Shoot.GROUP + "/" + Shoot.VERSION).withFieldsType("FieldsV1")
                        .withFieldsV1(fields(Map.of("spec", spec))).withTime("2025-06-03T21:04:52Z").build(),
                new ManagedFieldsEntryBuilder().withManager("gardenlet").withOperation("Update").withSubresource("status")
                        .withApiVersion(Shoot.GROUP + "/" + Shoot.VERSION).withFieldsType("FieldsV1")
                        .withFieldsV1(fields(Map.of("status", status))).withTime("2025-06-03T21:05:00Z").build());
    }

    /** The field set of an object, as the API server writes it: {@code f:<name>} for every field, lists as a whole. */
    private static FieldsV1 fields(Map<String, Object> object) {
        FieldsV1 fields = new FieldsV1();
        fieldSet(object).forEach(fields::setAdditionalProperty);
        return fields;
    }

    private static Map<String, Object> fieldSet(Map<?, ?> object) {
        Map<String, Object> set = new LinkedHashMap<>();
        object.forEach((key, value) -> set.put("f:" + key, value instanceof Map<?, ?> nested ? fieldSet(nested) : Map.of()));
        return set;
    }

    static String manifest() {
        try (InputStream in = BenchGarden.class.getResourceAsStream("production-shoot.yaml")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
