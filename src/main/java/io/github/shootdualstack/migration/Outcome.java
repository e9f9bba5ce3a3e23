package io.github.shootdualstack.migration;

import java.util.List;

/** How a step stands after one look at the world. */
sealed interface Outcome {

    /** The step is done; the migration moves on. */
    record Done() implements Outcome {
    }

    /** The step waits on the outside world, after the given actions (possibly none). */
    record Waiting(String waitingFor, List<Action> actions) implements Outcome {
    }

    /** The world is not as the step needs it: a problem to report, retried with back-off. */
    record Blocked(String problem, List<Action> actions) implements Outcome {
    }

    /** An extension the operator triggered again because of the step's error has not reported since: the error stands. */
    record Retrying() implements Outcome {
    }

    /** The step needs the shoot cluster, which this reconcile did not observe. */
    record NeedsShoot() implements Outcome {
    }

    static Outcome waiting(String waitingFor) {
        return new Waiting(waitingFor, List.of());
    }

    static Outcome triggered(String waitingFor, List<Action> actions) {
        return new Waiting(waitingFor, actions);
    }

    static Outcome blocked(String problem) {
        return new Blocked(problem, List.of());
    }
}
