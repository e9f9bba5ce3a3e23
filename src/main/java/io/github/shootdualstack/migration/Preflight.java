package io.github.shootdualstack.migration;

import io.github.shootdualstack.shoot.IpFamily;
import io.github.shootdualstack.shoot.LastOperation;
import io.github.shootdualstack.shoot.Networking;
import io.github.shootdualstack.shoot.Shoot;
import io.github.shootdualstack.shoot.ShootSpec;
import io.github.shootdualstack.shoot.Texts;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A migration looked at before it starts: the decision the operator would take if the Shoot's
 * {@code spec.networking.ipFamilies} were {@code [IPv4, IPv6]} now (the same {@link Migration}, on
 * a copy of the Shoot so changed), the checks that say whether it can go, and what each step would do
 * and wait for. Pure, like the decision: the caller observes, nothing here writes.
 *
 * @param shoot  {@code namespace/name}
 * @param start  what the Shoot would show at once (the decision's last operation); {@code null} when refused
 * @param first  what the operator would do at once
 * @param steps  each step's plan, in order; empty when the migration cannot start or is underway
 */
public record Preflight(String shoot, Verdict verdict, List<Check> checks, String start, List<String> first,
                        List<StepPlan> steps) {

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    /** Whether the migration can start now. */
    public enum Verdict {
        /** Every check passes (cautions aside): changing the families starts the migration. */
        READY,
        /** At least one check fails: the migration would be refused, or would stop. */
        BLOCKED,
        /** A migration is underway already; {@code status} follows it. */
        MIGRATING,
        /** gardenlet migrates this Shoot by itself (v1.117.0 or newer): the engine leaves it alone. */
        GARDENLET
    }

    public enum Result { OK, CAUTION, BLOCKING }

    public record Check(String name, Result result, String detail) {
    }

    public record StepPlan(String step, String plan) {
    }

    /**
     * @param in the Shoot as it is, with the garden and the shoot cluster observed as the operator
     *           would (the shoot cluster {@code null} with {@code shootProblem} when it cannot be reached)
     */
    public static Preflight of(Migration.Input in) {
        return of(in, Migrator.of(in.shoot(), in.settings().gardenerApiServer()));
    }

    /** @param migrator who migrates the Shoot, as the installation decides it ({@code run --migrator}) */
    public static Preflight of(Migration.Input in, Migrator migrator) {
        Shoot shoot = in.shoot();
        String ref = shoot.getMetadata().getNamespace() + "/" + shoot.getMetadata().getName();
        List<Check> checks = new ArrayList<>();
        if (shoot.getMetadata().getDeletionTimestamp() != null) {
            checks.add(new Check("deletion", Result.BLOCKING, "the Shoot is being deleted"));
            return new Preflight(ref, Verdict.BLOCKED, checks, null, List.of(), List.of());
        }
        if (migrator == Migrator.GARDENLET) {
            checks.add(new Check("migrated by", Result.OK, "gardenlet " + Migrator.gardenletVersion(shoot)
                    + ", which migrates the Shoot by itself; the operator only requests its node roll and reconciles"));
            return new Preflight(ref, Verdict.GARDENLET, checks, null, List.of(), List.of());
        }
        if (migrator == Migrator.NOBODY) {
            checks.add(new Check("migrated by", Result.BLOCKING, "nobody: the Shoot's gardenlet is older than "
                    + Migrator.FIRST_MIGRATING_GARDENLET + " (or its version is unreadable) and does not migrate it, and the engine"
                    + " leaves a Shoot that a gardenlet reconciles alone; it is migrated once its seed's gardenlet is "
                    + Migrator.FIRST_MIGRATING_GARDENLET + " or newer"));
            return new Preflight(ref, Verdict.BLOCKED, checks, null, List.of(), List.of());
        }
        Migration.Input asked = new Migration.Input(dualStack(shoot), in.garden(), in.shootCluster(), in.shootProblem(),
                in.now(), in.settings(), Migration.Memory.NONE);
        Decision decision = Migration.decide(asked);
        if (shoot.getStatus() != null && Conditions.stepOf(shoot.getStatus().getConstraints()) != null) {
            // a migration stands somewhere already: one of the operator's constraints is on the Shoot
            String step = decision.step() == null ? "its end" : decision.step().label();
            checks.add(new Check("migration", Result.CAUTION, "underway at " + step + "; the status command follows it"));
            return new Preflight(ref, Verdict.MIGRATING, checks, null, List.of(), List.of());
        }
        checks.add(families(asked, decision));
        checks.add(hibernation(shoot));
        checks.add(window(asked));
        checks.add(nodes(asked));
        checks.add(in.shootProblem() != null ? new Check("shoot cluster", Result.BLOCKING, in.shootProblem())
                : in.shootCluster() == null ? new Check("shoot cluster", Result.CAUTION, "not looked at")
                : new Check("shoot cluster", Result.OK, "kubeconfig usable, API server reachable"));
        List<StepPlan> steps = new ArrayList<>();
        for (Step step : Step.values()) {
            StepUnit.Preview preview = step.unit().preview(new Look(asked, step, IpFamily.DUAL_STACK_IPV4_PRIMARY, null, null,
                    in.settings().recheckInterval()));
            steps.add(new StepPlan(step.label(), preview.plan()));
            if (preview.obstacle() != null) {
                checks.add(new Check(step.label(), Result.BLOCKING, preview.obstacle()));
            } else if (preview.caution() != null) {
                checks.add(new Check(step.label(), Result.CAUTION, preview.caution()));
            }
        }
        if (decision.step() == null) {
            return new Preflight(ref, Verdict.BLOCKED, checks, null, List.of(), List.of());
        }
        String start = decision.status().getLastOperation() == null ? null : decision.status().getLastOperation().getDescription();
        if (decision.status().getLastOperation() != null
                && LastOperation.STATE_ERROR.equals(decision.status().getLastOperation().getState())) {
            // the decision itself stops at once (a malformed range, an unknown pool in the annotation...)
            checks.add(new Check(decision.step().label(), Result.BLOCKING, start));
        }
        boolean blocked = checks.stream().anyMatch(check -> check.result() == Result.BLOCKING);
        return new Preflight(ref, blocked ? Verdict.BLOCKED : Verdict.READY, checks, start, describe(decision.actions()), steps);
    }

    /** A Shoot whose garden side could not be read: blocked, for the reason given. */
    public static Preflight unobserved(String shoot, String problem) {
        return new Preflight(shoot, Verdict.BLOCKED, List.of(new Check("garden", Result.BLOCKING, problem)), null, List.of(), List.of());
    }

    /** A copy of the Shoot with the families a migration asks for; the Shoot itself is left as it is. */
    private static Shoot dualStack(Shoot shoot) {
        try {
            Shoot copy = JSON.readValue(JSON.writeValueAsBytes(shoot), Shoot.class);
            if (copy.getSpec() == null) {
                copy.setSpec(new ShootSpec());
            }
            if (copy.getSpec().getNetworking() == null) {
                copy.getSpec().setNetworking(new Networking());
            }
            copy.getSpec().getNetworking().setIpFamilies(IpFamily.DUAL_STACK_IPV4_PRIMARY);
            return copy;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("a Shoot always serializes", e);
        }
    }

    private static Check families(Migration.Input asked, Decision decision) {
        List<String> written = IpFamily.effective(asked.shoot().getSpec() == null || asked.shoot().getSpec().getNetworking() == null
                ? null : asked.shoot().getSpec().getNetworking().getIpFamilies());
        for (Decision.Event event : decision.events()) {
            if (event.warning() && (event.reason().equals("UnsupportedIPFamilyUpdate") || event.reason().equals("InvalidIPFamilies"))) {
                return new Check("IP families", Result.BLOCKING, decision.status().getLastOperation().getDescription());
            }
        }
        if (decision.step() == null) {
            GardenFacts garden = asked.garden();
            return new Check("IP families", Result.BLOCKING, garden != null && garden.network().exists()
                    ? "already runs " + IpFamily.format(IpFamily.effective(garden.networkSpecFamilies()))
                    : "the families it runs are unknown: no Network and no status.networking.nodes (not reconciled yet)");
        }
        return new Check("IP families", Result.OK, IpFamily.format(IpFamily.SINGLE_STACK_IPV4) + " to " + IpFamily.format(written)
                + ", with native routing (overlay disabled)");
    }

    private static Check hibernation(Shoot shoot) {
        boolean hibernated = shoot.getSpec() != null && shoot.getSpec().getHibernation() != null
                && Boolean.TRUE.equals(shoot.getSpec().getHibernation().getEnabled());
        return hibernated ? new Check("hibernation", Result.BLOCKING, "hibernated: the migration would pause until the Shoot wakes up")
                : new Check("hibernation", Result.OK, "awake");
    }

    private static Check window(Migration.Input asked) {
        MaintenanceWindow window;
        try {
            window = MaintenanceWindow.confining(asked.shoot().getSpec().getMaintenance());
        } catch (IllegalArgumentException e) {
            return new Check("maintenance window", Result.BLOCKING, e.getMessage());
        }
        if (window == null) {
            return new Check("maintenance window", Result.OK, "none confines the migration: it runs at once");
        }
        java.util.Map<String, String> annotations = asked.shoot().getMetadata().getAnnotations() == null ? java.util.Map.of()
                : asked.shoot().getMetadata().getAnnotations();
        if (Migration.REQUEST_MIGRATE_NOW.equals(annotations.get(Migration.REQUEST_ANNOTATION))) {
            return new Check("maintenance window", Result.OK, window + ", lifted by the Shoot's "
                    + Migration.REQUEST_ANNOTATION + "=" + Migration.REQUEST_MIGRATE_NOW + ": the migration runs at once");
        }
        if (Extension.OPERATION_RECONCILE.equals(annotations.get(Extension.OPERATION_ANNOTATION))) {
            return new Check("maintenance window", Result.OK, window + ", lifted by the Shoot's "
                    + Extension.OPERATION_ANNOTATION + "=" + Extension.OPERATION_RECONCILE + ": the migration runs at once");
        }
        if (window.contains(asked.now())) {
            return new Check("maintenance window", Result.OK, window + ", open now");
        }
        Duration until = window.untilNextBegin(asked.now());
        return new Check("maintenance window", Result.CAUTION, window + ": the migration waits " + Texts.duration(until)
                + " for it; annotate the Shoot with " + Migration.REQUEST_ANNOTATION + "=" + Migration.REQUEST_MIGRATE_NOW
                + " to start at once");
    }

    private static Check nodes(Migration.Input asked) {
        int fromPools = asked.garden().nodeCountFromPools();
        int nodes = asked.shootCluster() == null ? fromPools : Math.max(fromPools, asked.shootCluster().nodes().size());
        String pools = asked.garden().poolReplicas().size() + " worker pool" + (asked.garden().poolReplicas().size() == 1 ? "" : "s");
        return nodes > asked.settings().routeWarningNodes()
                ? new Check("nodes", Result.CAUTION, Reports.routeWarning(nodes))
                : new Check("nodes", Result.OK, nodes + " node" + (nodes == 1 ? "" : "s") + " in " + pools);
    }

    /** The actions as people read them, through the handler every action must answer. */
    private static List<String> describe(List<Action> actions) {
        List<String> texts = new ArrayList<>();
        Action.Handler handler = new Action.Handler() {
            @Override
            public void syncCluster(Action.SyncCluster action) {
                texts.add("set the IP families in Cluster " + action.clusterName() + " to " + IpFamily.format(action.ipFamilies()));
            }

            @Override
            public void trigger(Action.Trigger action) {
                texts.add("trigger the " + action.extension().kind());
            }

            @Override
            public void enableDualStackNetwork(Action.EnableDualStackNetwork action) {
                texts.add("set Network spec.ipFamilies to " + IpFamily.format(action.ipFamilies()));
            }

            @Override
            public void rollWorkers(Action.RollWorkers action) {
                texts.add("roll worker pools " + String.join(", ", action.pools()));
            }

            @Override
            public void restartCoreDns(Action.RestartCoreDns action) {
                texts.add("restart CoreDNS");
            }

            @Override
            public void patchKubeDns(Action.PatchKubeDns action) {
                texts.add("patch kube-dns to " + action.ipv4ClusterIP() + ", " + action.ipv6ClusterIP());
            }

            @Override
            public void removeShootAnnotation(Action.RemoveShootAnnotation action) {
                texts.add("remove the Shoot's " + action.key() + "=" + action.value());
            }
        };
        actions.forEach(action -> action.handBy(handler));
        return List.copyOf(texts);
    }
}
