package io.github.shootdualstack.migration;

import io.github.shootdualstack.shoot.Condition;

/**
 * One step of the migration, whole: when it is done, what it does meanwhile, what the Shoot shows
 * while the migration stands at it, and what it needs observed. Every {@link Step} is built with
 * its unit, so a new step does not compile without one; a unit is a pure function of a {@link Look}.
 */
interface StepUnit {

    /** What judging the step needs observed besides the garden. */
    Observation needs();

    /** Done (the step's "done when" holds), waiting after the step's actions, or blocked. */
    Outcome look(Look look);

    /** The two constraints while the migration stands at this step; {@code null} removes one. */
    Constraints constraints(Look look);

    /** {@code status.lastOperation.progress} while the migration stands at this step. */
    default int progress(Look look) {
        return look.step().progress();
    }

    /**
     * The step as a plan sees it before the migration starts: what it would do and wait for in the
     * world looked at, and what in that world would stop it (a missing or failed object the step
     * needs, never what the steps before it are there to bring about).
     */
    Preview preview(Look look);

    /**
     * @param plan     what the step would do and what it would wait for
     * @param obstacle what would block the step; {@code null} when nothing does
     * @param caution  what would slow it or needs attention, without blocking it; {@code null} when nothing
     */
    record Preview(String plan, String obstacle, String caution) {

        static Preview clear(String plan) {
            return new Preview(plan, null, null);
        }
    }

    /** {@code DualStackNodesMigrationReady} and {@code DNSServiceMigrationReady}; {@code null}: absent. */
    record Constraints(Condition nodes, Condition dns) {
    }
}
