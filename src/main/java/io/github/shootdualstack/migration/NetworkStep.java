package io.github.shootdualstack.migration;

import io.github.shootdualstack.shoot.Condition;
import io.github.shootdualstack.shoot.IpFamily;

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
        if (network.failed()) {
            return ExtensionSteps.retry(look, network.failure(), network, List.of(new Action.Trigger(Extension.NETWORK)), null);
        }
        if (controlPlane.failed()) {
            // a retry once the Network runs the target is the reconcile after it: its success completes the step
            boolean networkDone = network.ready() && look.target().equals(garden.networkStatusFamilies());
            return ExtensionSteps.retry(look, controlPlane.failure(), controlPlane,
                    List.of(new Action.Trigger(Extension.CONTROL_PLANE)), networkDone ? network.lastUpdateTime() : null);
        }
        for (ExtensionFacts retried : List.of(network, controlPlane)) {
            String standing = ExtensionSteps.standing(look, retried);
            if (standing != null) {
                return Outcome.blocked(standing);
            }
        }
        if (!(network.ready() && look.target().equals(garden.networkStatusFamilies()))) {
            return Outcome.waiting(waitingNetwork);
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
