package io.github.shootdualstack.migration;

import java.time.Instant;
import java.util.List;

/** How a step stands after one look at the world. */
sealed interface Outcome {

    /** The step is done; these actions (possibly none) tidy up after it, and the migration moves on. */
    record Done(List<Action> actions) implements Outcome {
    }

    /**
     * The step waits on the outside world, after the given actions (possibly none).
     *
     * @param mark when an extension is triggered: the extension time it must reconcile after, to remember
     */
    record Waiting(String waitingFor, List<Action> actions, Instant mark) implements Outcome {
    }

    /**
     * The world is not as the step needs it: a problem to report, looked at again with back-off. The
     * actions (a retry's trigger, when one is due) are made all the same.
     *
     * @param mark as for {@link Waiting}
     */
    record Blocked(String problem, List<Action> actions, Instant mark) implements Outcome {
    }

    static Outcome done() {
        return new Done(List.of());
    }

    static Outcome waiting(String waitingFor) {
        return new Waiting(waitingFor, List.of(), null);
    }

    static Outcome blocked(String problem) {
        return new Blocked(problem, List.of(), null);
    }
}
