package io.github.shootdualstack.e2e;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.github.shootdualstack.garden.ExtensionKind;
import io.github.shootdualstack.garden.UserAgent;
import io.github.shootdualstack.local.LocalNetworks;
import io.github.shootdualstack.shoot.Maintenance;
import io.github.shootdualstack.shoot.Shoot;
import io.github.shootdualstack.shoot.TimeWindow;
import io.github.shootdualstack.testing.AuditLog;
import io.github.shootdualstack.testing.GardenerGarden;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * Shoots of Gardener's example on gardener-apiserver, set up as their user and gardenlet would leave them, one
 * name each, and what the garden's audit log says the operator did to them. A Shoot is seen by the operator of
 * {@link GardenerGardenBehaviourIT} only once it carries {@link #LABEL}; so its status is written before, as
 * gardenlet had written it before the operator came.
 */
final class GardenShoots {

    static final String LABEL = "e2e.shoot-dualstack-operator.io/behaviour";
    static final String NAMESPACE = GardenerGarden.PROJECT_NAMESPACE;
    private static final DateTimeFormatter GARDENER_TIME = DateTimeFormatter.ofPattern("HHmmss");

    private final GardenerGarden garden;

    GardenShoots(GardenerGarden garden) {
        this.garden = garden;
    }

    /** Gardener's technical namespace of a Shoot of project {@code local}. */
    static String technicalNamespace(String shoot) {
        return "shoot--local--" + shoot;
    }

    /**
     * Gardener's example Shoot, then the local ranges and native routing (which a dual-stack Shoot needs) in its
     * spec, and in its status, written through {@code shoots/status} as gardenlet writes it: {@code technicalID},
     * {@code observedGeneration}, IPv4 {@code networking}, {@code lastOperation Create/Succeeded} and {@code extra}.
     * Not yet selected for the operator.
     */
    Shoot create(String name, UnaryOperator<Shoot> spec, Map<String, Object> extra) {
        garden.createExampleShoot(name);
        Shoot edited = shoot(name).edit(shoot -> {
            GardenerMigrationHarness.localNetworking(shoot);
            return spec.apply(shoot);
        });
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("technicalID", technicalNamespace(name));
        status.put("observedGeneration", edited.getMetadata().getGeneration());
        status.put("networking", Map.of("nodes", List.of(LocalNetworks.NODES_V4), "pods", List.of(LocalNetworks.PODS_V4),
                "services", List.of(LocalNetworks.SERVICES_V4)));
        status.put("lastOperation", Map.of("type", "Create", "state", "Succeeded", "progress", 100,
                "description", "Shoot cluster has been successfully reconciled.", "lastUpdateTime", "2026-01-01T00:00:00Z"));
        status.putAll(extra);
        writeStatus(name, status);
        return shoot(name).require();
    }

    /**
     * A workerless Shoot of project {@code local} with these families: no workers, and so no networking type,
     * ranges or provider config, and no credentials (gardener-apiserver forbids them without workers).
     */
    void createWorkerless(String name, String... families) {
        GenericKubernetesResource shoot = new GenericKubernetesResource();
        shoot.setApiVersion(Shoot.GROUP + "/" + Shoot.VERSION);
        shoot.setKind("Shoot");
        shoot.setMetadata(new ObjectMetaBuilder().withNamespace(NAMESPACE).withName(name).build());
        shoot.setAdditionalProperty("spec", Map.of("cloudProfile", Map.of("name", "local"), "region", "local",
                "provider", Map.of("type", "local"), "kubernetes", Map.of(), "networking", Map.of("ipFamilies", List.of(families))));
        garden.client().resource(shoot).create();
    }

    /** Writes these fields of the Shoot's status through {@code shoots/status}, as gardenlet does. */
    void writeStatus(String name, Map<String, Object> fields) {
        garden.client().genericKubernetesResources(Shoot.GROUP + "/" + Shoot.VERSION, "Shoot").inNamespace(NAMESPACE).withName(name)
                .editStatus(stored -> {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> status = stored.getAdditionalProperties().get("status") instanceof Map<?, ?> map
                            ? new LinkedHashMap<>((Map<String, Object>) map) : new LinkedHashMap<>();
                    status.putAll(fields);
                    stored.setAdditionalProperty("status", status);
                    return stored;
                });
    }

    /** {@code status.gardener} as gardenlet of this version writes it. */
    static Map<String, Object> gardenlet(String version) {
        return Map.of("gardener", Map.of("id", "0123456789abcdef", "name", "gardenlet-local", "version", version));
    }

    /** A maintenance window that confines spec updates and begins six hours from {@code now} (UTC): not now. */
    static UnaryOperator<Shoot> confinedToAWindowLater(Instant now) {
        return shoot -> {
            var begin = now.atOffset(ZoneOffset.UTC).plusHours(6);
            TimeWindow window = new TimeWindow();
            window.setBegin(GARDENER_TIME.format(begin) + "+0000");
            window.setEnd(GARDENER_TIME.format(begin.plusHours(1)) + "+0000");
            Maintenance maintenance = shoot.getSpec().getMaintenance() == null ? new Maintenance() : shoot.getSpec().getMaintenance();
            maintenance.setTimeWindow(window);
            maintenance.setConfineSpecUpdateRollout(true);
            shoot.getSpec().setMaintenance(maintenance);
            return shoot;
        };
    }

    static Shoot families(Shoot shoot, String... families) {
        shoot.getSpec().getNetworking().setIpFamilies(List.of(families));
        return shoot;
    }

    /** Puts the Shoot in the operator's selection (with {@code change}, in the same write). */
    Shoot select(String name, UnaryOperator<Shoot> change) {
        return shoot(name).edit(shoot -> {
            Map<String, String> labels = new HashMap<>(shoot.getMetadata().getLabels() == null ? Map.of() : shoot.getMetadata().getLabels());
            labels.put(LABEL, "true");
            shoot.getMetadata().setLabels(labels);
            return change.apply(shoot);
        });
    }

    /** Takes the Shoot out of the operator's selection, so that it is not there for later tests. */
    void unselect(String name) {
        shoot(name).edit(shoot -> {
            if (shoot.getMetadata().getLabels() != null) {
                shoot.getMetadata().getLabels().remove(LABEL);
            }
            return shoot;
        });
    }

    /** A change of a label of the test's own, which wakes the operator (it is not generation-aware) and changes nothing it reads. */
    void poke(String name, int count) {
        shoot(name).edit(shoot -> {
            shoot.getMetadata().getLabels().put("e2e.shoot-dualstack-operator.io/poke", String.valueOf(count));
            return shoot;
        });
    }

    /** A Network in the Shoot's technical namespace that runs these families, as its extension reports them. */
    void network(String shoot, String... families) {
        String namespace = technicalNamespace(shoot);
        garden.client().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build())
                .serverSideApply();
        GenericKubernetesResource network = new GenericKubernetesResource();
        network.setApiVersion("extensions.gardener.cloud/v1alpha1");
        network.setKind("Network");
        network.setMetadata(new ObjectMetaBuilder().withNamespace(namespace).withName(shoot).build());
        network.setAdditionalProperty("spec", Map.of("type", "calico", "podCIDR", LocalNetworks.PODS_V4,
                "serviceCIDR", LocalNetworks.SERVICES_V4, "ipFamilies", List.of(families)));
        ExtensionKind.NETWORK.in(garden.client()).inNamespace(namespace).resource(network).create();
    }

    Resource<Shoot> shoot(String name) {
        return garden.client().resources(Shoot.class).inNamespace(NAMESPACE).withName(name);
    }

    /** The events filed under the Shoot, as the garden stores them. */
    List<Event> events(String shoot) {
        return garden.client().v1().events().inNamespace(NAMESPACE).list().getItems().stream()
                .filter(event -> shoot.equals(event.getInvolvedObject().getName())).toList();
    }

    List<Event> events(String shoot, String reason) {
        return events(shoot).stream().filter(event -> reason.equals(event.getReason())).toList();
    }

    /** Requests of the operator itself (not of its commands) since the mark. */
    List<AuditLog.Entry> operatorRequests(int mark, Predicate<AuditLog.Entry> filter) {
        return garden.audit().since(mark).matching(entry -> entry.userAgent().equals(UserAgent.VALUE) && filter.test(entry));
    }

    /**
     * Whether a request is about this Shoot: the Shoot or a subresource of it, an event filed under it (named
     * {@code <shoot>.<suffix>}), anything in its technical namespace or the Cluster named after it.
     */
    static Predicate<AuditLog.Entry> about(String shoot) {
        String technical = technicalNamespace(shoot);
        return entry -> entry.namespace().equals(NAMESPACE) && (entry.resource().equals("shoots") && entry.name().equals(shoot)
                || entry.resource().equals("events") && entry.name().startsWith(shoot + "."))
                || entry.namespace().equals(technical) || entry.name().equals(technical);
    }
}
