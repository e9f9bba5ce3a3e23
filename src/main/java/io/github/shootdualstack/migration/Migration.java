package io.github.shootdualstack.migration;

import io.github.shootdualstack.migration.Decision.Event;
import io.github.shootdualstack.shoot.Condition;
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

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

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
                        Instant now, Settings settings, Memory memory) {

        /** An input with nothing remembered (the operator's first look at the Shoot). */
        public Input(Shoot shoot, GardenFacts garden, ShootClusterFacts shootCluster, String shootProblem,
                     Instant now, Settings settings) {
            this(shoot, garden, shootCluster, shootProblem, now, settings, Memory.NONE);
        }
    }

    /**
     * What the operator remembers of a Shoot between reconciles, and loses when it restarts: when
     * it last triggered each step's extensions (its own clock), the extension time the ControlPlane
     * had to reconcile after when it was triggered (the extensions' clock), the furthest step it announced
     * by an event, and the problem it reported last with when it first saw it (for the back-off and
     * so that a problem is announced once). Never read back from the Shoot, so a
     * record that is removed or replaced changes nothing; a restart triggers at most once more.
     */
    public record Memory(Map<Step, Instant> triggeredAt, Map<Step, Instant> controlPlaneMarks, Step announced,
                         String problem, Instant problemSince) {

        public static final Memory NONE = new Memory(Map.of(), Map.of(), null, null, null);

        public Memory {
            triggeredAt = Map.copyOf(triggeredAt);
            controlPlaneMarks = Map.copyOf(controlPlaneMarks);
        }
    }

    private final Input in;
    private final ShootStatus status;
    private final List<Action> actions = new ArrayList<>();
    private final List<Event> events = new ArrayList<>();
    private final Map<Step, Instant> triggeredAt;
    private final Map<Step, Instant> controlPlaneMarks;
    private Step announced;
    private String problem;
    private Instant problemSince;

    private Migration(Input in) {
        this.in = in;
        this.triggeredAt = new java.util.EnumMap<>(Step.class);
        this.triggeredAt.putAll(in.memory().triggeredAt());
        this.controlPlaneMarks = new java.util.EnumMap<>(Step.class);
        this.controlPlaneMarks.putAll(in.memory().controlPlaneMarks());
        this.announced = in.memory().announced();
        this.problem = in.memory().problem();
        this.problemSince = in.memory().problemSince();
        ShootStatus current = in.shoot().getStatus();
        this.status = current == null ? new ShootStatus() : copy(current);
    }

    public static Decision decide(Input in) {
        return new Migration(in).decide();
    }

    private Decision decide() {
        Shoot shoot = in.shoot();
        if (shoot.getMetadata().getDeletionTimestamp() != null) {
            return decision(null, null, false);
        }
        // where the migration stands comes from the constraints and the world, never from the record
        Step resumed = stepOfConstraints();
        // a migration underway accepts its target: going back to [IPv4] is refused like any other change
        List<String> accepted = resumed != null ? IpFamily.DUAL_STACK_IPV4_PRIMARY : acceptedFamilies();
        List<String> violations = IpFamilyValidator.validate(accepted, shoot.getSpec());
        if (!violations.isEmpty()) {
            return Reports.refused(this, String.join("; ", violations));
        }
        List<String> requested = IpFamily.effective(shoot.getSpec().getNetworking() == null ? null
                : shoot.getSpec().getNetworking().getIpFamilies());
        boolean starting = resumed == null && IpFamily.SINGLE_STACK_IPV4.equals(accepted)
                && IpFamily.DUAL_STACK_IPV4_PRIMARY.equals(requested);
        if (!starting && resumed == null) {
            return Reports.idle(this, requested);
        }
        MigrationRecord record = resumed == null ? null : report(resumed, requested);
        Step current = resumed == null ? Step.INFRASTRUCTURE : reportedStep(resumed);
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
            if (!Extension.OPERATION_RECONCILE.equals(operationAnnotation())) {
                return Reports.processing(this, current, "waiting for the maintenance window " + window,
                        window.untilNextBegin(in.now()));
            }
            actions.add(new Action.RemoveShootOperation(Extension.OPERATION_RECONCILE));
        }
        if (starting) {
            record = start(accepted, requested);
        }
        if (window != null && !lifted && !window.contains(in.now())) {
            record.setWindowLiftedAt(now());
        }
        return advance(record, requested, resumed == null ? Step.INFRASTRUCTURE : resumed);
    }

    private MigrationRecord start(List<String> from, List<String> to) {
        MigrationRecord record = new MigrationRecord();
        record.setFromIPFamilies(from);
        record.setToIPFamilies(to);
        record.setStartedAt(now());
        record.setStep(Step.INFRASTRUCTURE.displayName());
        record.getSteps().add(new StepRecord(Step.INFRASTRUCTURE.displayName(), now()));
        status.setDualStackMigration(record);
        announced = Step.INFRASTRUCTURE;
        events.add(Event.normal("DualStackMigrationStarted", "migration of spec.networking.ipFamilies from "
                + IpFamily.format(from) + " to " + IpFamily.format(to) + " started; " + Step.INFRASTRUCTURE.label() + " started"));
        int nodes = in.garden().nodeCountFromPools();
        if (nodes > in.settings().routeWarningNodes()) {
            events.add(Event.warning("NativeRoutingRouteQuota", routeWarning(nodes)));
        }
        return record;
    }

    /** Walks the steps from where the constraints place it: completes what is done, acts on the first that is not. */
    private Decision advance(MigrationRecord record, List<String> target, Step from) {
        StepEvaluator evaluator = new StepEvaluator(in, target, controlPlaneMarks);
        Step step = from;
        Duration backoff = backoff();
        while (true) {
            StepRecord entry = entry(record, step);
            Outcome outcome = evaluator.evaluate(step, triggeredAt.get(step), coreDnsRestartValue(), backoff);
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
                if (entry.getCompletedAt() == null) {
                    entry.setCompletedAt(now());
                }
                step = step.next();
                record.setStep(step.displayName());
                if (step != Step.COMPLETED && (announced == null || step.compareTo(announced) > 0)) {
                    events.add(Event.normal("DualStackMigrationStep", step.label() + " started"));
                    announced = step;
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
                triggeredAt.put(step, in.now());
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
     * The families the Shoot runs: what the Network is configured with, else the families of the
     * CIDRs in {@code status.networking}; {@code null} when nothing says (a Shoot not yet reconciled).
     * During steps 2 to 4 that is still {@code [IPv4]}, so the spec's {@code [IPv4, IPv6]} stays a
     * valid transition; from step 5 on the Network runs the target.
     */
    private List<String> acceptedFamilies() {
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

    /**
     * The step the constraints, the persisted vocabulary, place the migration at: the DNS constraint
     * (Progressing: step 6, True: step 7), else the nodes constraint (True: step 5, Progressing:
     * steps 2 to 4, which the walk tells apart from the world); {@code null} with neither.
     */
    private Step stepOfConstraints() {
        Condition dns = Conditions.find(status.getConstraints(), Conditions.DNS_TYPE);
        if (dns != null) {
            return Condition.TRUE.equals(dns.getStatus()) ? Step.KUBE_DNS : Step.CORE_DNS;
        }
        Condition nodes = Conditions.find(status.getConstraints(), Conditions.NODES_TYPE);
        if (nodes != null) {
            return Condition.TRUE.equals(nodes.getStatus()) ? Step.NETWORK : Step.INFRASTRUCTURE;
        }
        return null;
    }

    /**
     * The kept record, a report for people: the one on the Shoot brought to the step the world says,
     * or rebuilt when it is gone (an API server that does not know the field drops it).
     */
    private MigrationRecord report(Step step, List<String> target) {
        MigrationRecord record = status.getDualStackMigration();
        if (record == null || record.getCompletedAt() != null) {
            record = new MigrationRecord();
            record.setFromIPFamilies(IpFamily.SINGLE_STACK_IPV4);
            record.setToIPFamilies(target);
            Condition since = Objects.requireNonNullElse(Conditions.find(status.getConstraints(), Conditions.NODES_TYPE),
                    Conditions.find(status.getConstraints(), Conditions.DNS_TYPE));
            record.setStartedAt(since.getLastTransitionTime() != null ? since.getLastTransitionTime() : now());
            status.setDualStackMigration(record);
        }
        Step shown = Step.byName(record.getStep());
        if (shown == null || shown.compareTo(step) < 0) {
            record.setStep(step.displayName());
        }
        return record;
    }

    /**
     * The step a pause (hibernation, the maintenance window) names: the record's, which the walk
     * keeps current, where it lies within what the constraints say; the constraints' otherwise.
     * Only for the report: the walk itself starts where the constraints place it.
     */
    private Step reportedStep(Step resumed) {
        MigrationRecord record = status.getDualStackMigration();
        Step shown = record == null ? null : Step.byName(record.getStep());
        Step limit = resumed == Step.INFRASTRUCTURE ? Step.NODES : resumed;
        return shown != null && shown.compareTo(resumed) >= 0 && shown.compareTo(limit) <= 0 ? shown : resumed;
    }

    /**
     * The CoreDNS {@code gardener.cloud/restarted-at} value, derived from the Shoot alone: a Shoot
     * migrates from IPv4 to dual-stack once in its life, so its UID names the migration. The same on
     * every reconcile, across restarts, leader changes, the record's loss and a status write that was
     * lost after the restart, so writing it again restarts nothing.
     */
    private String coreDnsRestartValue() {
        var metadata = in.shoot().getMetadata();
        return "dual-stack-migration-" + (metadata.getUid() != null ? metadata.getUid()
                : metadata.getNamespace() + "-" + metadata.getName());
    }

    /**
     * The back-off: as long as the current problem has stood (by the operator's memory, never by the
     * Shoot's last operation, which another controller may rewrite), between the re-check interval
     * and the maximum.
     */
    Duration backoff() {
        Duration interval = in.settings().recheckInterval();
        Duration age = problemSince == null ? Duration.ZERO : Duration.between(problemSince, in.now());
        Duration backoff = age.compareTo(interval) < 0 ? interval : age;
        return backoff.compareTo(in.settings().maxBackoff()) > 0 ? in.settings().maxBackoff() : backoff;
    }

    /** Remembers {@code description} as the standing problem; true when it is a new one, to announce. */
    boolean problem(String description) {
        if (description.equals(problem)) {
            return false;
        }
        problem = description;
        problemSince = in.now();
        return true;
    }

    /** No problem stands any more. */
    void noProblem() {
        problem = null;
        problemSince = null;
    }

    /** A deep copy, so that the decision never changes its input Shoot. */
    private static ShootStatus copy(ShootStatus status) {
        try {
            return JSON.readValue(JSON.writeValueAsBytes(status), ShootStatus.class);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("a ShootStatus always serializes", e);
        }
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
        return annotations == null ? null : annotations.get(Extension.OPERATION_ANNOTATION);
    }

    String routeWarning(int nodes) {
        return "the Shoot has " + nodes + " nodes: native routing adds one route per node, so the infrastructure's"
                + " route quota may need raising";
    }

    Decision decision(Step step, Duration recheck, boolean needsShoot) {
        return new Decision(step, List.copyOf(actions), status, List.copyOf(events), recheck, needsShoot,
                new Memory(triggeredAt, controlPlaneMarks, announced, problem, problemSince));
    }

    static String nodeCount(long migrated, int total) {
        return migrated + " of " + total + " nodes have IPv4 and IPv6 pod CIDRs";
    }

    static String podCount(long ready, int total) {
        return ready + " of " + total + " CoreDNS pods have IPv4 and IPv6 addresses";
    }
}
