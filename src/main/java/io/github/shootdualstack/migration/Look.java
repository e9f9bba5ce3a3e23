package io.github.shootdualstack.migration;

import io.github.shootdualstack.shoot.Shoot;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What a step looks at in one reconcile: the observed world, the migration's target, and what the
 * operator remembers of the step. Read-only; a step answers with an {@link Outcome}.
 *
 * @param triggeredAt when the operator last triggered this step's extensions (its own clock); {@code null} if never
 * @param mark        the extension time the step's extension must reconcile after, remembered when the operator
 *                    triggered it (the extensions' clock); {@code null} when none is remembered
 * @param backoff     how long a failed extension is left before it is triggered again
 */
record Look(Migration.Input in, Step step, List<String> target, Instant triggeredAt, Instant mark, Duration backoff) {

    GardenFacts garden() {
        return in.garden();
    }

    ShootClusterFacts shootCluster() {
        return in.shootCluster();
    }

    Shoot shoot() {
        return in.shoot();
    }

    Instant now() {
        return in.now();
    }

    Migration.Memory memory() {
        return in.memory();
    }

    /** The Shoot's {@code gardener.cloud/operation} annotation; {@code null} when unset. */
    String operation() {
        Map<String, String> annotations = in.shoot().getMetadata().getAnnotations();
        return annotations == null ? null : annotations.get(Extension.OPERATION_ANNOTATION);
    }

    /** The operator triggered this step's extension at least the longest back-off ago. */
    boolean triggeredLongAgo() {
        return triggeredAt != null && !in.now().isBefore(triggeredAt.plus(in.settings().maxBackoff()));
    }

    /**
     * The operator remembers triggering, or waiting for, an extension of this migration (it has not
     * restarted since): an extension reconcile of this migration then ran, and what must reconcile after
     * it is triggered, not taken from a reconcile that may have ended in the same second before it.
     */
    boolean triggeredAnything() {
        return !in.memory().triggeredAt().isEmpty() || !in.memory().marks().isEmpty();
    }
}
