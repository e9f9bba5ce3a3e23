package io.github.shootdualstack.garden;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.github.shootdualstack.migration.Conditions;
import io.github.shootdualstack.migration.Migration;
import io.github.shootdualstack.shoot.Condition;
import io.github.shootdualstack.shoot.GardenerInfo;
import io.github.shootdualstack.shoot.Hibernation;
import io.github.shootdualstack.shoot.LastOperation;
import io.github.shootdualstack.shoot.Maintenance;
import io.github.shootdualstack.shoot.Networking;
import io.github.shootdualstack.shoot.NetworkingProviderConfig;
import io.github.shootdualstack.shoot.Overlay;
import io.github.shootdualstack.shoot.Provider;
import io.github.shootdualstack.shoot.Worker;
import io.github.shootdualstack.shoot.Shoot;
import io.github.shootdualstack.shoot.ShootSpec;
import io.github.shootdualstack.shoot.ShootStatus;
import io.github.shootdualstack.shoot.TimeWindow;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the informers keep of each object: only the fields the operator reads, so that an idle Shoot
 * costs little memory. No managedFields, no last-applied annotation, none of the Shoot's spec but its
 * networking, maintenance window and hibernation, none of its status but what the operator owns or
 * reads (its own two constraints, the last operation, the observed generation, the worker rollouts gardenlet
 * has pending, the networking, the technical ID, the record, the gardenlet's version), and of its workers their names;
 * of an extension resource, its identity and a Network's IP families. A write never starts from a
 * cached object: a status write patches the Shoot read afresh.
 */
public final class CachedObjects {

    /** The operator's annotations: its request, and what orchestration reads of a Shoot beside gardenlet. */
    static final String OWN_ANNOTATIONS = "shootdualstack.io/";

    private CachedObjects() {
    }

    /** The Shoot as the cache keeps it, without labels. */
    public static Shoot shoot(Shoot full) {
        return shoot(full, Set.of());
    }

    /** The Shoot as the cache keeps it, with the labels of these keys (a wave's selector's). */
    public static Shoot shoot(Shoot full, Set<String> labelKeys) {
        Shoot kept = new Shoot();
        kept.setMetadata(metadata(full.getMetadata(), labelKeys));
        if (full.getSpec() != null) {
            kept.setSpec(spec(full.getSpec()));
        }
        if (full.getStatus() != null) {
            ShootStatus status = full.getStatus();
            ShootStatus read = new ShootStatus();
            // of the constraints only the operator's own; a status write patches a Shoot read afresh
            read.setConstraints(ownConstraints(status));
            read.setLastOperation(status.getLastOperation());
            read.setObservedGeneration(status.getObservedGeneration());
            pendingRollout(status, read);
            read.setNetworking(status.getNetworking());
            read.setTechnicalID(status.getTechnicalID());
            read.setDualStackMigration(status.getDualStackMigration());
            gardener(status, read);
            kept.setStatus(read);
        }
        return kept;
    }

    /**
     * The Shoot as the cache keeps it beside gardenlet alone ({@code --migrator=gardenlet}): what the
     * orchestration of gardenlet's migration reads and nothing of the engine's. Its identity, the labels
     * of these keys (a wave's selector's) and the operation annotations (Gardener's and the operator's own,
     * {@code shootdualstack.io/...}); of the spec the IP families, the maintenance window, hibernation, the
     * worker pools' names and the seed; of the status the migration's two constraints, the last operation's
     * type and state, the observed generation, whether a worker rollout is pending and the gardenlet's
     * version. No networking ranges, no technical ID, no record: beside gardenlet the operator reads no
     * extension resource and writes no status.
     */
    public static Shoot shootBesideGardenlet(Shoot full, Set<String> labelKeys) {
        Shoot kept = new Shoot();
        kept.setMetadata(metadata(full.getMetadata(), labelKeys));
        if (full.getSpec() != null) {
            ShootSpec spec = spec(full.getSpec());
            if (full.getSpec().getNetworking() != null) {
                // whether the migration asked for has ended: the families alone
                Networking families = new Networking();
                families.setIpFamilies(spec.getNetworking().getIpFamilies());
                spec.setNetworking(families);
            }
            kept.setSpec(spec);
        }
        ShootStatus status = full.getStatus();
        if (status != null) {
            ShootStatus read = new ShootStatus();
            read.setConstraints(ownConstraints(status));
            if (status.getLastOperation() != null) {
                LastOperation last = new LastOperation();
                last.setType(intern(status.getLastOperation().getType()));
                last.setState(intern(status.getLastOperation().getState()));
                read.setLastOperation(last);
            }
            read.setObservedGeneration(status.getObservedGeneration());
            pendingRollout(status, read);
            gardener(status, read);
            kept.setStatus(read);
        }
        return kept;
    }

    /** Of the constraints only the migration's two, which gardenlet or the engine set; {@code null} for none. */
    private static List<Condition> ownConstraints(ShootStatus status) {
        List<Condition> own = status.getConstraints() == null ? List.of() : status.getConstraints().stream()
                .filter(c -> Conditions.NODES_TYPE.equals(c.getType()) || Conditions.DNS_TYPE.equals(c.getType())).toList();
        return own.isEmpty() ? null : own;
    }

    /** Whether a roll gardenlet was asked for is still pending: not what is pending. */
    private static void pendingRollout(ShootStatus status, ShootStatus read) {
        if (status.additionalProperties().get("manualWorkerPoolRollout") instanceof Map<?, ?> rollout
                && rollout.get("pendingWorkersRollouts") instanceof List<?> pending && !pending.isEmpty()) {
            read.setAdditionalProperty("manualWorkerPoolRollout", Map.of("pendingWorkersRollouts", List.of(Map.of())));
        }
    }

    /** Which gardenlet reconciles it: whether that one migrates by itself. */
    private static void gardener(ShootStatus status, ShootStatus read) {
        if (status.getGardener() != null && status.getGardener().getVersion() != null) {
            GardenerInfo gardener = new GardenerInfo();
            gardener.setVersion(intern(status.getGardener().getVersion()));
            read.setGardener(gardener);
        }
    }

    private static ShootSpec spec(ShootSpec full) {
        ShootSpec spec = new ShootSpec();
        Networking networking = full.getNetworking();
        if (networking != null) {
            Networking read = new Networking();
            read.setType(intern(networking.getType()));
            read.setPods(intern(networking.getPods()));
            read.setNodes(intern(networking.getNodes()));
            read.setServices(intern(networking.getServices()));
            read.setIpFamilies(networking.getIpFamilies() == null ? null
                    : networking.getIpFamilies().stream().map(CachedObjects::intern).toList());
            if (networking.getProviderConfig() != null && networking.getProviderConfig().getOverlay() != null) {
                Overlay overlay = new Overlay();
                overlay.setEnabled(networking.getProviderConfig().getOverlay().getEnabled());
                NetworkingProviderConfig providerConfig = new NetworkingProviderConfig();
                providerConfig.setOverlay(overlay);
                read.setProviderConfig(providerConfig);
            } else if (networking.getProviderConfig() != null) {
                read.setProviderConfig(new NetworkingProviderConfig());
            }
            spec.setNetworking(read);
        }
        Maintenance maintenance = full.getMaintenance();
        if (maintenance != null) {
            Maintenance read = new Maintenance();
            read.setConfineSpecUpdateRollout(maintenance.getConfineSpecUpdateRollout());
            if (maintenance.getTimeWindow() != null) {
                TimeWindow window = new TimeWindow();
                window.setBegin(intern(maintenance.getTimeWindow().getBegin()));
                window.setEnd(intern(maintenance.getTimeWindow().getEnd()));
                read.setTimeWindow(window);
            }
            spec.setMaintenance(read);
        }
        if (full.getProvider() != null && full.getProvider().getWorkers() != null) {
            // the pools gardenlet is asked to roll, by name
            Provider provider = new Provider();
            provider.setWorkers(full.getProvider().getWorkers().stream().map(worker -> {
                Worker named = new Worker();
                named.setName(intern(worker.getName()));
                return named;
            }).toList());
            spec.setProvider(provider);
        }
        // where its nodes roll: what a limit per seed counts
        spec.setSeedName(intern(full.getSeedName()));
        if (full.getHibernation() != null) {
            Hibernation hibernation = new Hibernation();
            hibernation.setEnabled(full.getHibernation().getEnabled());
            spec.setHibernation(hibernation);
        }
        return spec;
    }

    /**
     * An extension resource as the cache keeps it: its identity, which wakes its Shoot on a change, and
     * a Network's {@code spec.ipFamilies}, which tells whether an idle Shoot runs what its spec asks. The
     * steps read extension resources afresh, from the API server.
     */
    public static GenericKubernetesResource extension(GenericKubernetesResource full) {
        GenericKubernetesResource kept = new GenericKubernetesResource();
        kept.setApiVersion(intern(full.getApiVersion()));
        kept.setKind(intern(full.getKind()));
        kept.setMetadata(metadata(full.getMetadata(), Set.of()));
        if (full.getAdditionalProperties().get("spec") instanceof Map<?, ?> spec && spec.get("ipFamilies") instanceof List<?> families) {
            kept.setAdditionalProperty("spec", Map.of("ipFamilies", families.stream().map(f -> intern(String.valueOf(f))).toList()));
        }
        return kept;
    }

    /** Values that thousands of cached objects share (kinds, families, default ranges, windows) are held once. */
    private static String intern(String value) {
        return value == null ? null : value.intern();
    }

    /**
     * Identity, versions, deletion, the operation annotation and the operator's own ({@code shootdualstack.io/...}:
     * the request, the pause), and the labels of these keys (a wave's selector's); no managedFields, no other
     * annotation or label, and no collections of its own (a model object starts with five): the cached object is
     * read-only.
     */
    private static ObjectMeta metadata(ObjectMeta full, Set<String> labelKeys) {
        ObjectMeta kept = new ObjectMeta();
        kept.setName(full.getName());
        kept.setNamespace(intern(full.getNamespace()));
        kept.setUid(full.getUid());
        kept.setResourceVersion(full.getResourceVersion());
        kept.setGeneration(full.getGeneration());
        kept.setDeletionTimestamp(full.getDeletionTimestamp());
        // shared empty collections: read as a model object's are, and free
        kept.setAnnotations(interned(full.getAnnotations(), key -> key.equals(ExtensionKind.OPERATION_ANNOTATION)
                || key.startsWith(OWN_ANNOTATIONS)));
        kept.setLabels(labelKeys.isEmpty() ? Map.of() : interned(full.getLabels(), labelKeys::contains));
        kept.setFinalizers(List.of());
        kept.setManagedFields(List.of());
        kept.setOwnerReferences(List.of());
        kept.setAdditionalProperties(Map.of());
        return kept;
    }

    /** The entries whose key passes, keys and values held once, in an immutable map; the shared empty one for none. */
    private static Map<String, String> interned(Map<String, String> full, java.util.function.Predicate<String> keep) {
        if (full == null || full.isEmpty()) {
            return Map.of();
        }
        Map<String, String> kept = new java.util.HashMap<>();
        full.forEach((key, value) -> {
            if (keep.test(key) && value != null) {
                kept.put(intern(key), intern(value));
            }
        });
        return kept.isEmpty() ? Map.of() : Map.copyOf(kept);
    }
}
