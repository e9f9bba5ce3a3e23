package io.github.shootdualstack.operator;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.github.shootdualstack.migration.Conditions;
import io.github.shootdualstack.shoot.Condition;
import io.github.shootdualstack.shoot.Shoot;
import io.github.shootdualstack.shoot.ShootStatus;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.PrimaryUpdateAndCacheUtils;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Writes the status fields the operator owns ({@code lastOperation}, {@code networking},
 * {@code dualStackMigration} and its two constraints), only when they changed. A JSON patch touches
 * nothing else, computed on the Shoot read afresh (the cache keeps only what the operator reads);
 * server-side apply sends only the operator's own constraints (see {@link #applied}).
 * The written Shoot is cached, so the next reconcile sees it even before the watch delivers it; a
 * JSON-patched write is also told to {@link OwnStatusWrites}, so that its own update wakes no reconcile.
 */
final class StatusWriter {

    private final boolean serverSideApply;
    private final OwnStatusWrites ownWrites;

    StatusWriter(boolean serverSideApply, OwnStatusWrites ownWrites) {
        this.serverSideApply = serverSideApply;
        this.ownWrites = ownWrites;
    }

    /** @return whether a write was made */
    boolean write(Shoot shoot, ShootStatus desired, Context<Shoot> context) {
        ShootStatus current = shoot.getStatus() == null ? new ShootStatus() : shoot.getStatus();
        ShootStatus next = apply(current, desired);
        if (json(next).equals(json(current))) {
            return false;
        }
        if (serverSideApply) {
            // built from the latest Shoot on every attempt, so a retry after a conflict applies no stale status
            PrimaryUpdateAndCacheUtils.updateAndCacheResource(shoot, context, latest -> applied(latest, desired),
                    fresh -> context.getClient().resource(fresh).subresource("status").patch(new PatchContext.Builder()
                            .withPatchType(PatchType.SERVER_SIDE_APPLY).withForce(true)
                            .withFieldManager(context.getControllerConfiguration().fieldManager()).build()));
        } else {
            // the cache keeps only what the operator reads: the patch is computed on the Shoot as it is now
            Shoot fresh = context.getClient().resources(Shoot.class).inNamespace(shoot.getMetadata().getNamespace())
                    .withName(shoot.getMetadata().getName()).get();
            if (fresh == null) {
                return false; // deleted meanwhile
            }
            // a JSON patch with optimistic locking, as PrimaryUpdateAndCacheUtils.patchStatusAndCacheResource makes it,
            // each attempt told to ownWrites: the update it makes from the version it started from is this write alone
            PrimaryUpdateAndCacheUtils.updateAndCacheResource(fresh, context, UnaryOperator.identity(), base -> {
                OwnStatusWrites.Write write = ownWrites.starting(base, base.getMetadata().getResourceVersion());
                Shoot written = null;
                try {
                    written = context.getClient().resource(base).editStatus(latest -> {
                        latest.setStatus(apply(latest.getStatus() == null ? new ShootStatus() : latest.getStatus(), desired));
                        return latest;
                    });
                    return written;
                } finally {
                    ownWrites.answered(write, written);
                }
            });
        }
        return true;
    }

    /** {@code target} with the owned fields of {@code desired}; other constraints stay as they are in {@code target}. */
    static ShootStatus apply(ShootStatus target, ShootStatus desired) {
        ShootStatus result = Serialization.clone(target);
        result.setLastOperation(desired.getLastOperation());
        result.setNetworking(desired.getNetworking());
        result.setDualStackMigration(desired.getDualStackMigration());
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
    private static Shoot applied(Shoot latest, ShootStatus desired) {
        Shoot fresh = new Shoot();
        fresh.setMetadata(new ObjectMetaBuilder().withName(latest.getMetadata().getName())
                .withNamespace(latest.getMetadata().getNamespace()).build());
        fresh.setStatus(owned(apply(latest.getStatus() == null ? new ShootStatus() : latest.getStatus(), desired)));
        return fresh;
    }

    /** A status of only the owned fields of {@code source}. */
    private static ShootStatus owned(ShootStatus source) {
        ShootStatus owned = new ShootStatus();
        owned.setLastOperation(source.getLastOperation());
        owned.setNetworking(source.getNetworking());
        owned.setDualStackMigration(source.getDualStackMigration());
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
