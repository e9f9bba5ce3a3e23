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

    /** {@code DualStackNodesMigrationReady} and {@code DNSServiceMigrationReady}; {@code null}: absent. */
    record Constraints(Condition nodes, Condition dns) {
    }
}
