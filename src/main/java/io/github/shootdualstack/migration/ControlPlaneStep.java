package io.github.shootdualstack.migration;

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
        if (controlPlane.failed()) {
            // the retry is the reconcile after the Infrastructure: its success completes the step
            return ExtensionSteps.retry(look, controlPlane.failure(), controlPlane,
                    List.of(new Action.Trigger(Extension.CONTROL_PLANE)), look.garden().infrastructure().lastUpdateTime());
        }
        String standing = ExtensionSteps.standing(look, controlPlane);
        if (standing != null) {
            return Outcome.blocked(standing);
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
