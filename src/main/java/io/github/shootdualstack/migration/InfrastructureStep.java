package io.github.shootdualstack.migration;

import io.github.shootdualstack.shoot.Condition;
import io.github.shootdualstack.shoot.IpFamily;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Step 2: the families in the Cluster's copy of the Shoot are synced and the Infrastructure
 * reconciled; done when it reports an IPv6 node range (and the Cluster, which the provider extensions
 * read, has the target families).
 */
final class InfrastructureStep implements StepUnit {

    /** The nodes constraint while the infrastructure and the control plane are prepared. */
    static final Condition PREPARING = new Condition(Conditions.NODES_TYPE, Condition.PROGRESSING, Conditions.NODES_NOT_MIGRATED,
            "the infrastructure and the control plane are being prepared for IPv4 and IPv6");

    @Override
    public Observation needs() {
        return Observation.GARDEN;
    }

    @Override
    public Outcome look(Look look) {
        GardenFacts garden = look.garden();
        ExtensionFacts infra = garden.infrastructure();
        if (!infra.exists()) {
            return Outcome.blocked(infra.ref() + " not found");
        }
        for (String field : List.of("nodes", "pods", "services")) {
            ExtensionSteps.checked(garden.infrastructureCidrs(field), infra.ref() + " status.networking." + field);
        }
        List<Action> sync = new ArrayList<>();
        String cluster = garden.clusterName();
        if (cluster != null && !look.target().equals(garden.clusterFamilies())) {
            sync.add(new Action.SyncCluster(cluster, look.target()));
        }
        if (infra.ready() && Addresses.has(garden.infrastructureCidrs("nodes"), IpFamily.IPV6)) {
            return sync.isEmpty() ? Outcome.done() : new Outcome.Waiting("syncing Cluster " + cluster, sync, null);
        }
        List<Action> trigger = new ArrayList<>(sync);
        trigger.add(new Action.Trigger(Extension.INFRASTRUCTURE));
        // the Infrastructure's own time when triggered: a reconcile that answers the trigger ends after it
        Instant mark = Objects.requireNonNullElse(infra.lastUpdateTime(), Instant.EPOCH);
        String waiting = "waiting for " + infra.ref() + " to allocate IPv6 ranges";
        if (look.triggeredAt() == null) {
            if (infra.atWork()) {
                // a reconcile at work or asked for (the operator's own before a restart, or another's) is waited for
                // and judged when it ends: triggered once more, the Infrastructure would run again after it had
                // allocated the ranges. Its mark is remembered, so the control plane is then triggered after it.
                // One merely behind its generation is triggered: extensions reconcile on the trigger, not on a new generation.
                return new Outcome.Waiting(waiting, sync, mark);
            }
            return new Outcome.Waiting(waiting, trigger, mark);
        }
        if (infra.failed()) {
            return ExtensionSteps.retry(look, infra.failure(), infra, trigger, mark);
        }
        Outcome standing = ExtensionSteps.standing(look, infra, trigger, mark);
        if (standing != null) {
            return standing;
        }
        if (infra.readyAfter(look.mark())) {
            return ExtensionSteps.retry(look, infra.ref() + " succeeded but reports no IPv6 range in status.networking.nodes",
                    infra, trigger, mark);
        }
        boolean unanswered = infra.ready() && look.triggeredLongAgo();
        return unanswered || ExtensionSteps.behindAndDue(look, infra) ? new Outcome.Waiting(waiting, trigger, mark)
                : Outcome.waiting(waiting);
    }

    @Override
    public Preview preview(Look look) {
        GardenFacts garden = look.garden();
        ExtensionFacts infra = garden.infrastructure();
        String cluster = garden.clusterName() == null ? "" : "sets the IP families in Cluster " + garden.clusterName() + ", then ";
        Preview health = ExtensionSteps.health(infra, cluster + "triggers " + infra.ref()
                + "; waits for it to allocate IPv6 node, pod and service ranges");
        if (health.obstacle() == null && garden.clusterName() == null) {
            return new Preview(health.plan(), null, "no Cluster " + infra.namespace() + " in the garden: nothing to sync for the extensions");
        }
        return health;
    }

    @Override
    public Constraints constraints(Look look) {
        return new Constraints(PREPARING, null);
    }
}
