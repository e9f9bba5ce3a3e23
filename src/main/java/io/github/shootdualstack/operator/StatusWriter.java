package io.github.shootdualstack.operator;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.github.shootdualstack.migration.Conditions;
import io.github.shootdualstack.shoot.Condition;
import io.github.shootdualstack.shoot.LastOperation;
import io.github.shootdualstack.shoot.Shoot;
import io.github.shootdualstack.shoot.ShootStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.PrimaryUpdateAndCacheUtils;
import io.javaoperatorsdk.operator.processing.event.ResourceID;

import java.util.ArrayList;
import java.util.List;

/**
 * Writes the status fields the operator owns ({@code lastOperation}, {@code networking},
 * {@code dualStackMigration} and its two constraints), only when they changed. Where gardener-apiserver
 * serves Shoots ({@code typed}) it owns only {@code networking} and the constraints: that typed API has
 * no {@code dualStackMigration} (it would drop it, and every write would then differ from what it keeps),
 * and gardenlet owns {@code lastOperation}, which drives the Shoot's health there. A JSON patch touches
 * nothing else, computed on the Shoot read afresh (the cache keeps only what the operator reads);
 * server-side apply sends only the operator's own constraints (see {@link #applied}).
 * The written Shoot is cached, so the next reconcile sees it even before the watch delivers it; a
 * JSON-patched write is also told to {@link OwnStatusWrites}, so that its own update wakes no reconcile.
 */
final class StatusWriter {

    /** How often a JSON-patched status write is made before a conflict is left to the reconcile's retry. */
    static final int ATTEMPTS = 10;

    private final boolean serverSideApply;
    private final OwnStatusWrites ownWrites;

    StatusWriter(boolean serverSideApply, OwnStatusWrites ownWrites) {
        this.serverSideApply = serverSideApply;
        this.ownWrites = ownWrites;
    }

    /** @return whether a write was made */
    boolean write(Shoot shoot, ShootStatus desired, Context<Shoot> context, boolean typed) {
        ShootStatus current = shoot.getStatus() == null ? new ShootStatus() : shoot.getStatus();
        ShootStatus next = apply(current, desired, typed);
        if (json(next).equals(json(current))) {
            return false;
        }
        if (serverSideApply) {
            // built from the latest Shoot on every attempt, so a retry after a conflict applies no stale status
            PrimaryUpdateAndCacheUtils.updateAndCacheResource(shoot, context, latest -> applied(latest, desired, typed),
                    fresh -> context.getClient().resource(fresh).subresource("status").patch(new PatchContext.Builder()
                            .withPatchType(PatchType.SERVER_SIDE_APPLY).withForce(true)
                            .withFieldManager(context.getControllerConfiguration().fieldManager()).build()));
        } else {
            return patched(shoot, desired, context, typed);
        }
        return true;
    }

    /**
     * Writes only the last operation, as {@code change} makes it of the one on the Shoot (a reconcile's
     * failure, on a garden that serves Shoots through the project's CRD): with a JSON patch computed on
     * the Shoot read afresh, so that no other field is written from the cache.
     *
     * @return whether a write was made
     */
    boolean writeLastOperation(Shoot shoot, java.util.function.UnaryOperator<LastOperation> change, Context<Shoot> context) {
        if (serverSideApply) {
            ShootStatus desired = shoot.getStatus() == null ? new ShootStatus() : Serialization.clone(shoot.getStatus());
            desired.setLastOperation(change.apply(desired.getLastOperation()));
            return write(shoot, desired, context, false);
        }
        return cached(shoot, patched(context.getClient(), shoot, current -> {
            ShootStatus next = Serialization.clone(current);
            next.setLastOperation(change.apply(next.getLastOperation() == null ? null : Serialization.clone(next.getLastOperation())));
            return next;
        }, ownWrites), context);
    }

    /** The write of {@link #patched(KubernetesClient, Shoot, ShootStatus, OwnStatusWrites, boolean)}, cached. */
    private boolean patched(Shoot shoot, ShootStatus desired, Context<Shoot> context, boolean typed) {
        return cached(shoot, patched(context.getClient(), shoot, desired, ownWrites, typed), context);
    }

    private static boolean cached(Shoot shoot, Shoot written, Context<Shoot> context) {
        if (written == null) {
            return false;
        }
        // cached, so that the next reconcile sees the write even before the watch delivers it: in place of the
        // version this reconcile was given, if the cache still holds it (the write may be on a newer one after a conflict)
        context.eventSourceRetriever().getControllerEventSource()
                .handleRecentResourceUpdate(ResourceID.fromResource(written), written, shoot);
        return true;
    }

    /**
     * A JSON patch with optimistic locking, computed on the Shoot read afresh from the API server (the
     * cache keeps only what the operator reads, so a patch computed on it would address other writers'
     * constraints by the wrong index). A write refused because the Shoot changed meanwhile (409, or 422
     * for a patch that no longer applies) is computed again on the Shoot read anew, at most
     * {@link #ATTEMPTS} times; a 422 for a Shoot that has not changed since is refused for what the
     * write holds (a value the schema does not allow, say) and fails at once. Each attempt is told to
     * {@link OwnStatusWrites}: the update it makes from the version it started from is this write alone.
     *
     * @return the Shoot as written, or null when there was nothing to write (or no Shoot any more)
     */
    static Shoot patched(KubernetesClient client, Shoot shoot, ShootStatus desired, OwnStatusWrites ownWrites, boolean typed) {
        return patched(client, shoot, current -> apply(current, desired, typed), ownWrites);
    }

    /** As {@link #patched(KubernetesClient, Shoot, ShootStatus, OwnStatusWrites, boolean)}, the next status made by {@code change}. */
    private static Shoot patched(KubernetesClient client, Shoot shoot, java.util.function.UnaryOperator<ShootStatus> change,
                                 OwnStatusWrites ownWrites) {
        var resource = client.resources(Shoot.class).inNamespace(shoot.getMetadata().getNamespace())
                .withName(shoot.getMetadata().getName());
        KubernetesClientException refused = null;
        String refusedAt = null;
        for (int attempt = 1; ; attempt++) {
            Shoot fresh = resource.get();
            if (fresh == null) {
                return null; // deleted meanwhile
            }
            String version = fresh.getMetadata().getResourceVersion();
            if (refused != null && refused.getCode() == 422 && version.equals(refusedAt)) {
                throw refused;
            }
            ShootStatus current = fresh.getStatus() == null ? new ShootStatus() : fresh.getStatus();
            ShootStatus next = change.apply(current);
            if (json(next).equals(json(current))) {
                return null; // written meanwhile, as wanted
            }
            OwnStatusWrites.Write write = ownWrites.starting(fresh, version);
            Shoot written = null;
            try {
                written = client.resource(fresh).editStatus(latest -> {
                    latest.setStatus(next);
                    return latest;
                });
                return written;
            } catch (KubernetesClientException e) {
                if ((e.getCode() == 409 || e.getCode() == 422) && attempt < ATTEMPTS) {
                    refused = e;
                    refusedAt = version;
                    continue;
                }
                throw e;
            } finally {
                ownWrites.answered(write, written);
            }
        }
    }

    /** {@code target} with the owned fields of {@code desired}; other constraints stay as they are in {@code target}. */
    static ShootStatus apply(ShootStatus target, ShootStatus desired, boolean typed) {
        ShootStatus result = Serialization.clone(target);
        if (!typed) {
            result.setLastOperation(desired.getLastOperation());
            result.setDualStackMigration(desired.getDualStackMigration());
        }
        result.setNetworking(desired.getNetworking());
        List<Condition> constraints = new ArrayList<>(result.getConstraints() == null ? List.of() : result.getConstraints());
        for (String type : List.of(Conditions.NODES_TYPE, Conditions.DNS_TYPE)) {
            Condition wanted = Conditions.find(desired.getConstraints(), type);
            int index = indexOf(constraints, type);
            if (wanted == null && index >= 0) {
                constraints.remove(index);
            } else if (wanted != null && index >= 0) {
                constraints.set(index, wanted);
            } else if (wanted != null) {
                constraints.add(wanted);
            }
        }
        result.setConstraints(constraints.isEmpty() ? null : constraints);
        return result;
    }

    /**
     * What server-side apply sends: name, namespace and the owned fields with the desired values.
     * {@code constraints} is a list keyed by {@code type} in the Shoot's schema, so only the
     * operator's own constraints go: the API server merges them with the other controllers' entries,
     * and one of the operator's that is left out is removed.
     */
    private static Shoot applied(Shoot latest, ShootStatus desired, boolean typed) {
        Shoot fresh = new Shoot();
        fresh.setMetadata(new ObjectMetaBuilder().withName(latest.getMetadata().getName())
                .withNamespace(latest.getMetadata().getNamespace()).build());
        fresh.setStatus(owned(apply(latest.getStatus() == null ? new ShootStatus() : latest.getStatus(), desired, typed), typed));
        return fresh;
    }

    /** A status of only the owned fields of {@code source}. */
    private static ShootStatus owned(ShootStatus source, boolean typed) {
        ShootStatus owned = new ShootStatus();
        if (!typed) {
            owned.setLastOperation(source.getLastOperation());
            owned.setDualStackMigration(source.getDualStackMigration());
        }
        owned.setNetworking(source.getNetworking());
        List<Condition> constraints = source.getConstraints() == null ? List.of() : source.getConstraints().stream()
                .filter(c -> Conditions.NODES_TYPE.equals(c.getType()) || Conditions.DNS_TYPE.equals(c.getType())).toList();
        owned.setConstraints(constraints.isEmpty() ? null : constraints);
        return owned;
    }

    private static int indexOf(List<Condition> conditions, String type) {
        for (int i = 0; i < conditions.size(); i++) {
            if (type.equals(conditions.get(i).getType())) {
                return i;
            }
        }
        return -1;
    }

    private static String json(Object value) {
        return Serialization.asJson(value);
    }
}
