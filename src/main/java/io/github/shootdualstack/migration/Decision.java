package io.github.shootdualstack.migration;

import io.github.shootdualstack.shoot.ShootStatus;

import java.time.Duration;
import java.util.List;

/**
 * What one reconcile does: the actions to carry out (usually none or one), the status the Shoot
 * should show, the events to record, and when to look again.
 *
 * @param status      the whole desired status; equal to the current one when nothing changes
 * @param recheck     when to reconcile again without an event; {@code null} for "on the next event"
 * @param observe     what the step at hand needs observed that this reconcile did not give, to decide again
 *                    with; {@code null} when the decision is final
 * @param memory      what the operator remembers of the Shoot after this reconcile
 */
public record Decision(Step step, List<Action> actions, ShootStatus status, List<Event> events, Duration recheck,
                       Observation observe, Migration.Memory memory) {

    /** The decision is not final: the shoot cluster must be observed first. */
    public boolean needsShoot() {
        return observe != null;
    }

    /** An event on the Shoot. */
    public record Event(boolean warning, String reason, String message) {

        public static Event normal(String reason, String message) {
            return new Event(false, reason, message);
        }

        public static Event warning(String reason, String message) {
            return new Event(true, reason, message);
        }
    }
}
