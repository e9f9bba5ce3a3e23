package io.github.shootdualstack.operator;

import io.github.shootdualstack.migration.LabelSelector;

/**
 * How a landscape of Shoots gardenlet migrates is rolled out, for the whole installation.
 *
 * @param maxRolling        the most Shoots whose nodes roll at once; 0 for no limit
 * @param maxRollingPerSeed the most of them on one seed; 0 for no limit
 * @param paused            no new node roll or reconcile is asked for, on any Shoot
 * @param wave              the migrating Shoots driven without their owners asking; {@code null} for all
 */
public record RolloutPolicy(int maxRolling, int maxRollingPerSeed, boolean paused, LabelSelector wave) {

    public static final RolloutPolicy NONE = new RolloutPolicy(0, 0, false, null);

    public RolloutPolicy {
        if (maxRolling < 0 || maxRollingPerSeed < 0) {
            throw new IllegalArgumentException("the limits on rolling Shoots must be 0 (none) or more, not "
                    + maxRolling + " and " + maxRollingPerSeed);
        }
    }
}
