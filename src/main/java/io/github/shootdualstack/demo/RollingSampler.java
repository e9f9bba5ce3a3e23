package io.github.shootdualstack.demo;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The Shoots rolling nodes at once, as a watch of Shoots shows them one version after the other: a
 * Shoot rolls while its {@code gardener.cloud/operation} asks for {@code rollout-workers} or its
 * {@code status.manualWorkerPoolRollout.pendingWorkersRollouts} is not empty. Keeps the most seen at
 * once and how many times each Shoot was asked to roll (an annotation with {@code rollout-workers}
 * appearing where the version before had none).
 */
final class RollingSampler {

    private final Set<String> rolling = new HashSet<>();
    private final Set<String> asked = new HashSet<>();
    private final Map<String, Integer> rollsAsked = new HashMap<>();
    private int max;

    /**
     * One version of a Shoot.
     *
     * @param rollAsked whether its operation annotation asks for {@code rollout-workers}
     * @param rolling   whether its nodes roll (asked for, or pending in its status)
     */
    synchronized void observe(String key, boolean rollAsked, boolean rolling) {
        if (rollAsked && asked.add(key)) {
            rollsAsked.merge(key, 1, Integer::sum);
        } else if (!rollAsked) {
            asked.remove(key);
        }
        if (rolling || rollAsked) {
            this.rolling.add(key);
        } else {
            this.rolling.remove(key);
        }
        max = Math.max(max, this.rolling.size());
    }

    /** The Shoot is gone. */
    synchronized void forget(String key) {
        rolling.remove(key);
        asked.remove(key);
    }

    /** The most Shoots seen rolling at once. */
    synchronized int max() {
        return max;
    }

    /** The Shoots rolling now. */
    synchronized int rolling() {
        return rolling.size();
    }

    /** How many times the Shoot was asked to roll its nodes. */
    synchronized int rollsAsked(String key) {
        return rollsAsked.getOrDefault(key, 0);
    }
}
