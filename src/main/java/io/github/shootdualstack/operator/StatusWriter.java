package io.github.shootdualstack.operator;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.github.shootdualstack.migration.Conditions;
import io.github.shootdualstack.shoot.Condition;
import io.github.shootdualstack.shoot.Shoot;
import io.github.shootdualstack.shoot.ShootStatus;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.PrimaryUpdateAndCacheUtils;

import java.util.ArrayList;
import java.util.List;

/**
 * Writes the status fields the operator owns ({@code lastOperation}, {@code networking},
 * {@code dualStackMigration} and its two constraints) and nothing else, only when they changed.
 * The written Shoot is cached, so the next reconcile sees it even before the watch delivers it.
 */
final class StatusWriter {

    private final boolean serverSideApply;

    StatusWriter(boolean serverSideApply) {
        this.serverSideApply = serverSideApply;
    }

    /** @return whether a write was made */
    boolean write(Shoot shoot, ShootStatus desired, Context<Shoot> context) {
        ShootStatus current = shoot.getStatus() == null ? new ShootStatus() : shoot.getStatus();
        ShootStatus next = apply(current, desired);
        if (json(next).equals(json(current))) {
            return false;
        }
        if (serverSideApply) {
            Shoot fresh = new Shoot();
            fresh.setMetadata(new ObjectMetaBuilder().withName(shoot.getMetadata().getName())
                    .withNamespace(shoot.getMetadata().getNamespace()).build());
            fresh.setStatus(owned(next));
            PrimaryUpdateAndCacheUtils.ssaPatchStatusAndCacheResource(shoot, fresh, context);
        } else {
            PrimaryUpdateAndCacheUtils.patchStatusAndCacheResource(shoot, context, latest -> {
                latest.setStatus(apply(latest.getStatus() == null ? new ShootStatus() : latest.getStatus(), desired));
                return latest;
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

    /** A status of only the owned fields of {@code source}, as server-side apply claims them. */
    private static ShootStatus owned(ShootStatus source) {
        ShootStatus owned = new ShootStatus();
        owned.setLastOperation(source.getLastOperation());
        owned.setNetworking(source.getNetworking());
        owned.setDualStackMigration(source.getDualStackMigration());
        owned.setConstraints(source.getConstraints());
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
