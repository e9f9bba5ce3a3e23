package io.github.shootdualstack.migration;

import java.time.Instant;
import java.util.List;

/** Step 3: a ControlPlane reconcile is triggered; done when it succeeded after the Infrastructure's. */
final class ControlPlaneStep implements StepUnit {

    @Override
    public Observation needs() {
        return Observation.GARDEN;
    }

    @Override
    public Outcome look(Look look) {
        ExtensionFacts controlPlane = look.garden().controlPlane();
        if (!controlPlane.exists()) {
            return Outcome.blocked(controlPlane.ref() + " not found");
        }
        // a trigger now is the reconcile after the Infrastructure: its success completes the step
        List<Action> trigger = List.of(new Action.Trigger(Extension.CONTROL_PLANE));
        Instant after = look.garden().infrastructure().lastUpdateTime();
        if (controlPlane.failed()) {
            return ExtensionSteps.retry(look, controlPlane.failure(), controlPlane, trigger, after);
        }
        Outcome standing = ExtensionSteps.standing(look, controlPlane, trigger, after);
        if (standing != null) {
            return standing;
        }
        return ExtensionSteps.controlPlaneAfter(look, controlPlane, look.garden().infrastructure());
    }

    @Override
    public Preview preview(Look look) {
        ExtensionFacts controlPlane = look.garden().controlPlane();
        return ExtensionSteps.health(controlPlane, "triggers " + controlPlane.ref()
                + "; waits for it to succeed after the Infrastructure");
    }

    @Override
    public Constraints constraints(Look look) {
        return new Constraints(InfrastructureStep.PREPARING, null);
    }
}
