package io.github.shootdualstack.migration;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.github.shootdualstack.garden.ExtensionKind;
import io.github.shootdualstack.migration.Decision.Event;
import io.github.shootdualstack.shoot.IpFamily;
import io.github.shootdualstack.shoot.IpFamilyValidator;
import io.github.shootdualstack.shoot.LastOperation;
import io.github.shootdualstack.shoot.MigrationRecord;
import io.github.shootdualstack.shoot.MigrationRecord.StepRecord;
import io.github.shootdualstack.shoot.Shoot;
import io.github.shootdualstack.shoot.ShootStatus;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The migration's decision: a pure function of the Shoot, the observed facts and the time. It
 * derives where the migration stands, names the next safe actions, and builds the status to show.
 */
public final class Migration {

    /** Knobs of the decision. */
    public record Settings(Duration recheckInterval, Duration maxBackoff, int routeWarningNodes) {
        public static Settings defaults() {
            return new Settings(Duration.ofSeconds(30), Duration.ofMinutes(5), 50);
        }
    }

    /**
     * One reconcile's view of the world.
     *
     * @param garden       the garden side of the Shoot
     * @param shootCluster the shoot cluster; {@code null} when not observed (yet)
     * @param shootProblem why the shoot cluster could not be observed; {@code null} when it could or was not tried
     */
    public record Input(Shoot shoot, GardenFacts garden, ShootClusterFacts shootCluster, String shootProblem,
                        Instant now, Settings settings) {
    }

    private final Input in;
    private final ShootStatus status;
    private final List<Action> actions = new ArrayList<>();
    private final List<Event> events = new ArrayList<>();

    private Migration(Input in) {
        this.in = in;
        ShootStatus current = in.shoot().getStatus();
        this.status = current == null ? new ShootStatus() : Serialization.clone(current);
    }

    public static Decision decide(Input in) {
        return new Migration(in).decide();
    }

    private Decision decide() {
        Shoot shoot = in.shoot();
        if (shoot.getMetadata().getDeletionTimestamp() != null) {
            return decision(null, null, false);
        }
        MigrationRecord record = status.getDualStackMigration();
        List<String> accepted = acceptedFamilies(record);
        List<String> violations = IpFamilyValidator.validate(accepted, shoot.getSpec());
        if (!violations.isEmpty()) {
            return Reports.refused(this, String.join("; ", violations));
        }
        List<String> requested = IpFamily.effective(shoot.getSpec().getNetworking() == null ? null
                : shoot.getSpec().getNetworking().getIpFamilies());
        boolean starting = record == null && IpFamily.SINGLE_STACK_IPV4.equals(accepted)
                && IpFamily.DUAL_STACK_IPV4_PRIMARY.equals(requested);
        if (!starting && (record == null || record.getCompletedAt() != null)) {
            return Reports.idle(this, requested);
        }
        Step current = record == null ? Step.INFRASTRUCTURE : Objects.requireNonNullElse(Step.byName(record.getStep()), Step.INFRASTRUCTURE);
        if (shoot.getSpec().getHibernation() != null && Boolean.TRUE.equals(shoot.getSpec().getHibernation().getEnabled())) {
            return Reports.processing(this, current, "dual-stack migration paused: the Shoot is hibernated", null);
        }
        MaintenanceWindow window;
        try {
            window = MaintenanceWindow.confining(shoot.getSpec().getMaintenance());
        } catch (IllegalArgumentException e) {
            return Reports.blocked(this, current, shootRef() + ": " + e.getMessage());
        }
        boolean lifted = record != null && record.getWindowLiftedAt() != null;
        if (window != null && !lifted && !window.contains(in.now())) {
            if (!ExtensionKind.OPERATION_RECONCILE.equals(operationAnnotation())) {
                return Reports.processing(this, current, "waiting for the maintenance window " + window,
                        window.untilNextBegin(in.now()));
            }
            actions.add(new Action.RemoveShootOperation(ExtensionKind.OPERATION_RECONCILE));
        }
        if (starting) {
            record = start(accepted, requested);
        }
        if (window != null && !lifted && !window.contains(in.now())) {
            record.setWindowLiftedAt(now());
        }
        return advance(record, requested);
    }

    private MigrationRecord start(List<String> from, List<String> to) {
        MigrationRecord record = new MigrationRecord();
        record.setFromIPFamilies(from);
        record.setToIPFamilies(to);
        record.setStartedAt(now());
        record.setStep(Step.INFRASTRUCTURE.displayName());
        record.getSteps().add(new StepRecord(Step.INFRASTRUCTURE.displayName(), now()));
        status.setDualStackMigration(record);
        events.add(Event.normal("DualStackMigrationStarted", "migration of spec.networking.ipFamilies from "
                + IpFamily.format(from) + " to " + IpFamily.format(to) + " started; " + Step.INFRASTRUCTURE.label() + " started"));
        int nodes = in.garden().nodeCountFromPools();
        if (nodes > in.settings().routeWarningNodes()) {
            events.add(Event.warning("NativeRoutingRouteQuota", routeWarning(nodes)));
        }
        return record;
    }

    /** Walks the steps from the recorded one: completes what is done, acts on the first that is not. */
    private Decision advance(MigrationRecord record, List<String> target) {
        StepEvaluator evaluator = new StepEvaluator(in, target);
        Step step = Objects.requireNonNullElse(Step.byName(record.getStep()), Step.INFRASTRUCTURE);
        Duration backoff = backoff();
        while (true) {
            StepRecord entry = entry(record, step);
            Outcome outcome = evaluator.evaluate(step, instant(entry.getTriggeredAt()), record.getStartedAt(), backoff);
            Reports.syncNetworking(this, in.garden());
            if (outcome instanceof Outcome.Done) {
                if (step == Step.COMPLETED) {
                    return Reports.completed(this, record);
                }
                String operation = operationAnnotation();
                if (step == Step.NODES && operation != null && operation.startsWith(StepEvaluator.ROLLOUT_WORKERS)) {
                    // every node is rolled: the request is fulfilled, also when an earlier removal failed
                    actions.add(new Action.RemoveShootOperation(operation));
                }
                entry.setCompletedAt(now());
                step = step.next();
                record.setStep(step.displayName());
                if (step != Step.COMPLETED) {
                    events.add(Event.normal("DualStackMigrationStep", step.label() + " started"));
                }
                continue;
            }
            if (outcome instanceof Outcome.NeedsShoot) {
                return decision(step, null, true);
            }
            if (outcome instanceof Outcome.Retrying) {
                return Reports.retrying(this, step);
            }
            List<Action> stepActions = outcome instanceof Outcome.Waiting w ? w.actions() : ((Outcome.Blocked) outcome).actions();
            if (stepActions.stream().anyMatch(a -> a instanceof Action.Trigger || a instanceof Action.EnableDualStackNetwork)) {
                entry.setTriggeredAt(now());
            }
            actions.addAll(stepActions);
            if (outcome instanceof Outcome.Blocked blocked) {
                return Reports.blocked(this, step, blocked.problem());
            }
            return Reports.waiting(this, step, ((Outcome.Waiting) outcome).waitingFor());
        }
    }

    private StepRecord entry(MigrationRecord record, Step step) {
        for (StepRecord entry : record.getSteps()) {
            if (step.displayName().equals(entry.getName())) {
                return entry;
            }
        }
        StepRecord entry = new StepRecord(step.displayName(), now());
        if (step != Step.COMPLETED) {
            record.getSteps().add(entry);
        }
        return entry;
    }

    /**
     * The families the Shoot runs or migrates to: the record's target, else what the Network is
     * configured with, else the families of the CIDRs in {@code status.networking}; {@code null}
     * when nothing says (a Shoot not yet reconciled).
     */
    private List<String> acceptedFamilies(MigrationRecord record) {
        if (record != null && record.getToIPFamilies() != null) {
            return record.getToIPFamilies();
        }
        if (in.garden() != null && in.garden().network().exists()) {
            // a Network without spec.ipFamilies runs the default, IPv4
            return IpFamily.effective(in.garden().networkSpecFamilies());
        }
        if (status.getNetworking() != null && status.getNetworking().getNodes() != null) {
            LinkedHashSet<String> families = new LinkedHashSet<>();
            for (String cidr : status.getNetworking().getNodes()) {
                try {
                    families.add(Addresses.family(cidr));
                } catch (IllegalArgumentException ignored) {
                    // a malformed entry says nothing about the families; the steps report it
                }
            }
            return families.isEmpty() ? null : List.copyOf(families);
        }
        return null;
    }

    /** Derived back-off: as long as the current error has stood, between the re-check interval and the maximum. */
    Duration backoff() {
        Duration interval = in.settings().recheckInterval();
        LastOperation last = status.getLastOperation();
        Instant since = last != null && LastOperation.STATE_ERROR.equals(last.getState()) ? instant(last.getLastUpdateTime()) : null;
        Duration age = since == null ? Duration.ZERO : Duration.between(since, in.now());
        Duration backoff = age.compareTo(interval) < 0 ? interval : age;
        return backoff.compareTo(in.settings().maxBackoff()) > 0 ? in.settings().maxBackoff() : backoff;
    }

    // --- shared with Reports -------------------------------------------------------------------

    Input input() {
        return in;
    }

    ShootStatus status() {
        return status;
    }

    List<Event> events() {
        return events;
    }

    String now() {
        return Conditions.timestamp(in.now());
    }

    String shootRef() {
        return "Shoot " + in.shoot().getMetadata().getNamespace() + "/" + in.shoot().getMetadata().getName();
    }

    String operationAnnotation() {
        Map<String, String> annotations = in.shoot().getMetadata().getAnnotations();
        return annotations == null ? null : annotations.get(ExtensionKind.OPERATION_ANNOTATION);
    }

    String routeWarning(int nodes) {
        return "the Shoot has " + nodes + " nodes: native routing adds one route per node, so the infrastructure's"
                + " route quota may need raising";
    }

    Decision decision(Step step, Duration recheck, boolean needsShoot) {
        return new Decision(step, List.copyOf(actions), status, List.copyOf(events), recheck, needsShoot);
    }

    static Instant instant(String timestamp) {
        return timestamp == null ? null : Instant.parse(timestamp);
    }

    static String nodeCount(long migrated, int total) {
        return migrated + " of " + total + " nodes have IPv4 and IPv6 pod CIDRs";
    }

    static String podCount(long ready, int total) {
        return ready + " of " + total + " CoreDNS pods have IPv4 and IPv6 addresses";
    }
}
