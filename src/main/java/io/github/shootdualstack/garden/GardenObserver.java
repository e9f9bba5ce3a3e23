package io.github.shootdualstack.garden;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.github.shootdualstack.migration.ExtensionFacts;
import io.github.shootdualstack.migration.GardenFacts;
import io.github.shootdualstack.shoot.IpFamily;
import io.github.shootdualstack.shoot.Shoot;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads the garden side of a Shoot straight from the API server (no cache), so that a trigger the
 * operator wrote a moment ago is never mistaken for an extension that already finished.
 */
public final class GardenObserver {

    private final KubernetesClient garden;
    private final Projects projects;

    public GardenObserver(KubernetesClient garden) {
        this.garden = garden;
        this.projects = new Projects(garden);
    }

    /**
     * The garden side of the Shoot, read in its technical namespace once that is shown to be its own
     * (nothing of another project's is read into the facts the decision and the Shoot's status are made of).
     *
     * @throws TechnicalNamespaceException when it cannot be shown: the reconcile then writes nothing
     */
    public GardenFacts observe(Shoot shoot) {
        TechnicalNamespace technical = TechnicalNamespace.of(shoot, projects.of(shoot));
        String namespace = technical.name();
        GenericKubernetesResource cluster = ExtensionKind.CLUSTER.in(garden).withName(namespace).get();
        technical.requireOwnCluster(cluster, shoot);
        String name = shoot.getMetadata().getName();
        GenericKubernetesResource infrastructure = get(ExtensionKind.INFRASTRUCTURE, namespace, name);
        GenericKubernetesResource network = get(ExtensionKind.NETWORK, namespace, name);
        Map<String, Integer> pools = new TreeMap<>();
        for (GenericKubernetesResource deployment : ExtensionKind.MACHINE_DEPLOYMENT.in(garden).inNamespace(namespace).list().getItems()) {
            Map<String, String> labels = deployment.getMetadata().getLabels();
            String pool = labels == null ? null : labels.get(ExtensionKind.POOL_LABEL);
            if (pool != null) {
                Object replicas = deployment.get("spec", "replicas");
                pools.merge(pool, replicas instanceof Number n ? n.intValue() : 0, Integer::sum);
            }
        }
        Map<String, List<String>> networking = new LinkedHashMap<>();
        for (String field : List.of("nodes", "pods", "services", "egressCIDRs")) {
            networking.put(field, strings(infrastructure == null ? null : infrastructure.get("status", "networking", field)));
        }
        return new GardenFacts(namespace,
                facts(ExtensionKind.INFRASTRUCTURE, namespace, name, infrastructure), networking,
                facts(ExtensionKind.CONTROL_PLANE, namespace, name, get(ExtensionKind.CONTROL_PLANE, namespace, name)),
                facts(ExtensionKind.NETWORK, namespace, name, network),
                network == null ? null : nullableStrings(network.get("spec", "ipFamilies")),
                network == null ? null : nullableStrings(network.get("status", "ipFamilies")),
                cluster == null ? null : namespace,
                cluster == null ? null : IpFamily.effective(nullableStrings(cluster.get("spec", "shoot", "spec", "networking", "ipFamilies"))),
                pools);
    }

    private GenericKubernetesResource get(ExtensionKind kind, String namespace, String name) {
        return kind.in(garden).inNamespace(namespace).withName(name).get();
    }

    static ExtensionFacts facts(ExtensionKind kind, String namespace, String name, GenericKubernetesResource resource) {
        if (resource == null) {
            return ExtensionFacts.missing(kind.kind(), namespace, name);
        }
        Map<String, String> annotations = resource.getMetadata().getAnnotations();
        boolean pending = annotations != null && ExtensionKind.OPERATION_RECONCILE.equals(annotations.get(ExtensionKind.OPERATION_ANNOTATION));
        Long generation = resource.getMetadata().getGeneration();
        Object observed = resource.get("status", "observedGeneration");
        Object error = resource.get("status", "lastError", "description");
        return new ExtensionFacts(kind.kind(), namespace, name, true, pending,
                text(resource.get("status", "lastOperation", "state")),
                time(text(resource.get("status", "lastOperation", "lastUpdateTime"))),
                generation == null ? 0 : generation,
                observed instanceof Number n ? n.longValue() : 0,
                text(error));
    }

    private static String text(Object value) {
        return value == null ? null : value.toString();
    }

    private static Instant time(String value) {
        try {
            return value == null ? null : Instant.parse(value);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static List<String> strings(Object value) {
        List<String> list = nullableStrings(value);
        return list == null ? List.of() : list;
    }

    private static List<String> nullableStrings(Object value) {
        if (!(value instanceof List<?> list)) {
            return null;
        }
        return list.stream().map(String::valueOf).toList();
    }
}
