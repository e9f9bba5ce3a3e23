package io.github.shootdualstack.migration;

import java.time.Instant;
import java.util.List;

/** What the steps that drive extension resources share: retries with back-off, and "reconciled after". */
final class ExtensionSteps {

    static final String CONTROL_PLANE_WAITING = "waiting for %s to finish its reconcile";

    private ExtensionSteps() {
    }

    /** A step's preview with what its extension resource says of itself: missing or failed blocks, busy cautions. */
    static StepUnit.Preview health(ExtensionFacts extension, String plan) {
        if (!extension.exists()) {
            return new StepUnit.Preview(plan, extension.ref() + " not found", null);
        }
        if (extension.failed()) {
            return new StepUnit.Preview(plan, extension.failure(), null);
        }
        if (extension.behind()) {
            return new StepUnit.Preview(plan, null, extension.ref()
                    + " has not reconciled its latest generation and no trigger is pending: the step triggers it");
        }
        if (extension.atWork()) {
            return new StepUnit.Preview(plan, null, extension.ref() + " is reconciling ("
                    + (extension.triggerPending() ? "a trigger is pending" : extension.state()) + ")");
        }
        return StepUnit.Preview.clear(plan);
    }

    /**
     * A failed extension is triggered again, but not before the back-off has passed since the operator
     * last triggered it (nothing remembered, as after a restart: due at once) and not while a trigger waits.
     */
    static Outcome retry(Look look, String problem, ExtensionFacts extension, List<Action> trigger, Instant mark) {
        return due(look) && !extension.triggerPending() ? new Outcome.Blocked(problem, trigger, mark) : Outcome.blocked(problem);
    }

    /**
     * An extension behind its generation is to be triggered: extensions reconcile on the trigger, never
     * on a new generation, so a spec written without one (by a writer stopped or refused between the
     * two, or by another controller) would be waited for for ever. At once when the operator remembers
     * no trigger of this step (as after a restart); else not before the longest back-off since it last
     * triggered one, as an unanswered trigger is repeated: an extension that has just taken the trigger
     * away may not report Processing yet, and a busy one may take a while. One that succeeded for its
     * generation is never behind, so this never triggers it again.
     */
    static boolean behindAndDue(Look look, ExtensionFacts extension) {
        return extension.behind() && (look.triggeredAt() == null || look.triggeredLongAgo());
    }

    /** The back-off has passed since the operator last triggered the step's extensions, or it remembers no trigger. */
    private static boolean due(Look look) {
        return look.triggeredAt() == null || !look.now().isBefore(look.triggeredAt().plus(look.backoff()));
    }

    /**
     * While the extension is at work on the trigger that retried it, the problem the operator
     * remembers for this step about this extension still stands, as it is: were it replaced by a wait,
     * each retry would report it anew (another event, two status writes), and the back-off, which grows
     * with the problem's age, would never grow. Judged on the operator's memory and the extension,
     * never on the Shoot's last operation, which another controller may rewrite. One behind its
     * generation is triggered meanwhile when that is due ({@link #behindAndDue}), the problem standing.
     *
     * @return the standing problem, with the trigger when due; {@code null} when none stands for this extension
     */
    static Outcome standing(Look look, ExtensionFacts extension, List<Action> trigger, Instant mark) {
        Migration.Problem problem = look.memory().problem();
        boolean stands = look.triggeredAt() != null && problem != null && problem.step() == look.step()
                && problem.cause().startsWith(extension.ref() + " ") && extension.busy();
        if (!stands) {
            return null;
        }
        return behindAndDue(look, extension) ? new Outcome.Blocked(problem.cause(), trigger, mark) : Outcome.blocked(problem.cause());
    }

    /**
     * Done when the control plane reconciled after {@code before} finished, by the extensions' own
     * clocks alone. When the operator triggers it, it remembers {@code before}'s last update time (the
     * step's mark), and the step is done once the control plane's last operation ended not before
     * that, however often {@code before} reconciles meanwhile. An operator that remembers triggering
     * anything of this migration triggers the control plane itself (a reconcile in {@code before}'s
     * second may have run before it); one that remembers nothing (restarted) takes a control plane
     * that ended not before {@code before} as done. Once triggered, it is waited for: an extension that
     * has just taken the trigger away may not report Processing yet; only a trigger that went
     * unanswered for the longest back-off is repeated. One behind its generation is triggered once the
     * back-off has passed ({@link #behindAndDue}).
     */
    static Outcome controlPlaneAfter(Look look, ExtensionFacts controlPlane, ExtensionFacts before) {
        Instant mark = look.mark();
        boolean done = mark != null
                ? controlPlane.readyNotBefore(mark)
                : !look.triggeredAnything() && controlPlane.readyNotBefore(before.lastUpdateTime());
        if (done) {
            return Outcome.done();
        }
        String waiting = String.format(CONTROL_PLANE_WAITING, controlPlane.ref());
        boolean unanswered = mark == null || look.triggeredAt() == null || look.triggeredLongAgo();
        boolean trigger = controlPlane.ready() && before.lastUpdateTime() != null && unanswered
                || behindAndDue(look, controlPlane);
        return trigger ? new Outcome.Waiting(waiting, List.of(new Action.Trigger(Extension.CONTROL_PLANE)), before.lastUpdateTime())
                : Outcome.waiting(waiting);
    }

    /** The addresses, each checked; a malformed one is a problem that names where it stands. */
    static List<String> checked(List<String> addresses, String where) {
        addresses.forEach(address -> checked(address, where));
        return addresses;
    }

    static void checked(String address, String where) {
        try {
            Addresses.family(address);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + " has a malformed entry \"" + address + "\"");
        }
    }
}
