package io.github.shootdualstack.migration;

import io.github.shootdualstack.shoot.Condition;
import io.github.shootdualstack.shoot.IpFamily;

import java.time.Instant;
import java.util.List;

/**
 * Step 5: the Network is set to the target families; once it runs them, the control plane is
 * reconciled after it. Done when both report it.
 */
final class NetworkStep implements StepUnit {

    @Override
    public Observation needs() {
        return Observation.GARDEN;
    }

    @Override
    public Outcome look(Look look) {
        GardenFacts garden = look.garden();
        ExtensionFacts network = garden.network();
        ExtensionFacts controlPlane = garden.controlPlane();
        for (ExtensionFacts needed : List.of(network, controlPlane)) {
            if (!needed.exists()) {
                return Outcome.blocked(needed.ref() + " not found");
            }
        }
        String waitingNetwork = "waiting for " + network.ref() + " to run " + IpFamily.format(look.target());
        if (!look.target().equals(garden.networkSpecFamilies())) {
            return new Outcome.Waiting(waitingNetwork, List.of(new Action.EnableDualStackNetwork(look.target())), null);
        }
        List<Action> triggerNetwork = List.of(new Action.Trigger(Extension.NETWORK));
        List<Action> triggerControlPlane = List.of(new Action.Trigger(Extension.CONTROL_PLANE));
        boolean networkDone = network.ready() && look.target().equals(garden.networkStatusFamilies());
        // a control plane triggered once the Network runs the target reconciles after it: its success completes the step
        Instant controlPlaneAfter = networkDone ? network.lastUpdateTime() : null;
        if (network.failed()) {
            return ExtensionSteps.retry(look, network.failure(), network, triggerNetwork, null);
        }
        if (controlPlane.failed()) {
            return ExtensionSteps.retry(look, controlPlane.failure(), controlPlane, triggerControlPlane, controlPlaneAfter);
        }
        Outcome standing = ExtensionSteps.standing(look, network, triggerNetwork, null);
        if (standing == null) {
            standing = ExtensionSteps.standing(look, controlPlane, triggerControlPlane, controlPlaneAfter);
        }
        if (standing != null) {
            return standing;
        }
        if (!networkDone) {
            // its families written without their trigger (by a write cut short) would otherwise never be reconciled
            return ExtensionSteps.behindAndDue(look, network) ? new Outcome.Waiting(waitingNetwork, triggerNetwork, null)
                    : Outcome.waiting(waitingNetwork);
        }
        return ExtensionSteps.controlPlaneAfter(look, controlPlane, network);
    }

    @Override
    public Preview preview(Look look) {
        ExtensionFacts network = look.garden().network();
        return ExtensionSteps.health(network, "sets " + network.ref() + " spec.ipFamilies to " + IpFamily.format(look.target())
                + " and triggers the ControlPlane; waits for the CNI to run both families and the control plane to follow");
    }

    @Override
    public Constraints constraints(Look look) {
        return new Constraints(new Condition(Conditions.NODES_TYPE, Condition.TRUE, Conditions.NODES_MIGRATED,
                "every node has IPv4 and IPv6 pod CIDRs"), null);
    }
}
