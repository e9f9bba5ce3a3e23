package io.github.shootdualstack.migration;

import io.github.shootdualstack.migration.Decision.Event;
import io.github.shootdualstack.shoot.Condition;
import io.github.shootdualstack.shoot.IpFamily;
import io.github.shootdualstack.shoot.IpFamilyRules;
import io.github.shootdualstack.shoot.IpFamilyValidator;
import io.github.shootdualstack.shoot.LastOperation;
import io.github.shootdualstack.shoot.MigrationRecord;
import io.github.shootdualstack.shoot.MigrationRecord.StepRecord;
import io.github.shootdualstack.shoot.Shoot;
import io.github.shootdualstack.shoot.ShootStatus;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
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

    /**
     * The annotation by which a Shoot's owner lets the migration run outside the maintenance window,
     * in the operator's own domain: gardener-apiserver removes {@code gardener.cloud/operation: reconcile}
     * itself, so there the operator could never see that one. Removed once acted on.
     */
    public static final String REQUEST_ANNOTATION = "shootdualstack.io/operation";
    /** The value of {@link #REQUEST_ANNOTATION} that runs the migration at once. */
    public static final String REQUEST_MIGRATE_NOW = "migrate-now";

    /**
     * Knobs of the decision.
     *
     * @param gardenerApiServer whether gardener-apiserver serves the garden's Shoots: there a generation
     *                          raised while the migration waits for its maintenance window lets it run
     *                          (what a user's {@code reconcile} leaves behind, as the API server removes the
     *                          annotation itself)
     */
    public record Settings(Duration recheckInterval, Duration maxBackoff, int routeWarningNodes, boolean gardenerApiServer) {

        public Settings(Duration recheckInterval, Duration maxBackoff, int routeWarningNodes) {
            this(recheckInterval, maxBackoff, routeWarningNodes, false);
        }

        public static Settings defaults() {
            return new Settings(Duration.ofSeconds(30), Duration.ofMinutes(5), 50);
        }

        public Settings onGardenerApiServer(boolean served) {
            return served == gardenerApiServer ? this : new Settings(recheckInterval, maxBackoff, routeWarningNodes, served);
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
     * What the operator remembers of a Shoot between reconciles, and loses when it restarts: when it
     * last triggered each step's extensions (its own clock), the extension time each step's triggered
     * extension must reconcile after (the extensions' clock), the furthest step it announced by an
     * event, when a {@code reconcile} operation let the migration run outside the maintenance window,
     * the Shoot's generation when the migration began to wait for its window, why it said the migration is
     * paused (where that is said by an event), and the problem it reported last (for the back-off, and so that a problem is announced once).
     * Never read back from the Shoot, so a record that is removed or replaced changes nothing; a
     * restart triggers at most once more.
     */
    public record Memory(Map<Step, Instant> triggeredAt, Map<Step, Instant> marks, Step announced,
                         Instant windowLiftedAt, Long windowGeneration, Problem problem, String paused) {

        public static final Memory NONE = new Memory(Map.of(), Map.of(), null, null, null, null, null);

        public Memory {
            triggeredAt = Map.copyOf(triggeredAt);
            marks = Map.copyOf(marks);
        }
    }

    /**
     * A problem the operator reported.
     *
     * @param step        the step it blocks; {@code null} for a refused spec change
     * @param cause       what is wrong, as the step said it
     * @param description what the Shoot shows: the cause with the step's label
     * @param since       when the operator first saw it (its own clock)
     */
    public record Problem(Step step, String cause, String description, Instant since) {
    }

    private final Input in;
    // the reconcile's result as it is built: private to this class, handed out once as a Decision
    private final ShootStatus status;
    private final List<Action> actions = new ArrayList<>();
    private final List<Event> events = new ArrayList<>();
    private final Map<Step, Instant> triggeredAt = new EnumMap<>(Step.class);
    private final Map<Step, Instant> marks = new EnumMap<>(Step.class);
    private Step announced;
    private Instant windowLiftedAt;
    private Long windowGeneration;
    private Problem problem;
    // why the migration is paused in this reconcile, if it is
    private String paused;
    // the request that let the migration out of the window in this reconcile, to remove: an annotation's key and value
    private Action.RemoveShootAnnotation requestTaken;

    private Migration(Input in) {
        this.in = in;
        Memory memory = in.memory();
        this.triggeredAt.putAll(memory.triggeredAt());
        this.marks.putAll(memory.marks());
        this.announced = memory.announced();
        this.windowLiftedAt = memory.windowLiftedAt();
        this.windowGeneration = memory.windowGeneration();
        this.problem = memory.problem();
        ShootStatus current = in.shoot().getStatus();
        this.status = current == null ? new ShootStatus() : copy(current);
    }

    public static Decision decide(Input in) {
        return new Migration(in).decide();
    }

    private Decision decide() {
        Shoot shoot = in.shoot();
        if (shoot.getMetadata().getDeletionTimestamp() != null) {
            return decision(null, null, null);
        }
        // where the migration stands comes from the constraints and the world, never from the record
        Step resumed = Conditions.stepOf(status.getConstraints());
        // a migration underway accepts its target: going back to [IPv4] is refused like any other change
        List<String> accepted = resumed != null ? IpFamily.DUAL_STACK_IPV4_PRIMARY : acceptedFamilies();
        List<String> violations = IpFamilyValidator.validate(accepted, shoot.getSpec());
        if (!violations.isEmpty()) {
            return refused(String.join("; ", violations));
        }
        List<String> requested = IpFamily.effective(shoot.getSpec().getNetworking() == null ? null
                : shoot.getSpec().getNetworking().getIpFamilies());
        boolean starting = resumed == null && IpFamily.SINGLE_STACK_IPV4.equals(accepted)
                && IpFamily.DUAL_STACK_IPV4_PRIMARY.equals(requested);
        if (!starting && resumed == null) {
            return idle(requested);
        }
        Step current = resumed == null ? Step.INFRASTRUCTURE : reportedStep(resumed);
        MigrationRecord record = resumed == null ? null : report(current, requested);
        if (shoot.getSpec().getHibernation() != null && Boolean.TRUE.equals(shoot.getSpec().getHibernation().getEnabled())) {
            return processing(current, "dual-stack migration paused: the Shoot is hibernated", null);
        }
        MaintenanceWindow window;
        try {
            window = MaintenanceWindow.confining(shoot.getSpec().getMaintenance());
        } catch (IllegalArgumentException e) {
            return blocked(current, null, shootRef() + ": " + e.getMessage());
        }
        if (window != null && windowLiftedAt == null && !window.contains(in.now())) {
            Long generation = shoot.getMetadata().getGeneration();
            if (windowGeneration == null) {
                windowGeneration = generation;
            }
            if (!requested(generation)) {
                return processing(current, "waiting for the maintenance window " + window, window.untilNextBegin(in.now()));
            }
            // the user asked for it: the migration runs outside the window for as long as the operator remembers
            windowLiftedAt = in.now();
        }
        windowGeneration = null;
        if (starting) {
            record = start(accepted, requested);
        }
        if (windowLiftedAt != null && record.getWindowLiftedAt() == null) {
            record.setWindowLiftedAt(Conditions.timestamp(windowLiftedAt));
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
            events.add(Event.warning("NativeRoutingRouteQuota", Reports.routeWarning(nodes)));
        }
        return record;
    }

    /**
     * Walks the steps from where the constraints place it: each step's unit looks at the world; a
     * step that is done is completed and the next one looked at, the first that is not is acted on.
     */
    private Decision advance(MigrationRecord record, List<String> target, Step from) {
        Duration backoff = backoff();
        Step step = from;
        while (true) {
            record.setStep(step.displayName());
            StepRecord entry = entry(record, step);
            StepUnit unit = step.unit();
            Look look = new Look(in, step, target, triggeredAt.get(step), marks.get(step), backoff);
            boolean observed = switch (unit.needs()) {
                case GARDEN -> true;
                case SHOOT_CLUSTER -> in.shootCluster() != null;
                case SHOOT_CLUSTER_WITH_SERVICES -> in.shootCluster() != null && in.shootCluster().report() != null;
            };
            if (!observed) {
                return in.shootProblem() != null ? blocked(step, look, in.shootProblem()) : decision(step, null, unit.needs());
            }
            Outcome outcome;
            try {
                outcome = unit.look(look);
            } catch (IllegalArgumentException malformed) {
                outcome = Outcome.blocked(malformed.getMessage());
            }
            status.setNetworking(Reports.networking(status.getNetworking(), in.garden()));
            if (outcome instanceof Outcome.Done done) {
                actions.addAll(done.actions());
                if (step == Step.COMPLETED) {
                    return completed(record, look);
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
            List<Action> stepActions = outcome instanceof Outcome.Waiting waiting ? waiting.actions() : ((Outcome.Blocked) outcome).actions();
            Instant mark = outcome instanceof Outcome.Waiting waiting ? waiting.mark() : ((Outcome.Blocked) outcome).mark();
            if (stepActions.stream().anyMatch(a -> a instanceof Action.Trigger || a instanceof Action.EnableDualStackNetwork)) {
                triggeredAt.put(step, in.now());
                entry.setTriggeredAt(now());
            }
            if (mark != null) {
                marks.put(step, mark);
            }
            actions.addAll(stepActions);
            return outcome instanceof Outcome.Blocked blocked ? blocked(step, look, blocked.problem())
                    : waiting(step, look, ((Outcome.Waiting) outcome).waitingFor());
        }
    }

    // --- the reports: what the Shoot shows for each way a reconcile ends -------------------------

    private Decision refused(String message) {
        LastOperation last = status.getLastOperation();
        if (problem(null, message, message)) {
            boolean transition = message.contains(IpFamilyRules.TRANSITION_MESSAGE_PREFIX);
            events.add(Event.warning(transition ? "UnsupportedIPFamilyUpdate" : "InvalidIPFamilies", shootRef() + ": " + message));
        }
        int progress = last == null || last.getProgress() == null ? 0 : last.getProgress();
        status.setLastOperation(Reports.lastOperation(last, LastOperation.STATE_ERROR, progress, message, in.now()));
        return decision(null, null, null);
    }

    /**
     * Nothing to migrate. A refusal the operator reported (by its memory, never by reading the last
     * operation back) is followed by the acceptance.
     */
    private Decision idle(List<String> families) {
        boolean refusalReported = problem != null && problem.step() == null;
        problem = null;
        windowLiftedAt = null;
        windowGeneration = null;
        LastOperation last = status.getLastOperation();
        if (refusalReported) {
            String message = "spec.networking.ipFamilies " + IpFamily.format(families) + " accepted";
            status.setLastOperation(Reports.lastOperation(last, LastOperation.STATE_SUCCEEDED, 100, message, in.now()));
            events.add(Event.normal("IPFamiliesAccepted", shootRef() + ": " + message));
        }
        return decision(null, null, null);
    }

    /** Paused (hibernated, or outside the maintenance window): says why, touches no constraint. */
    private Decision processing(Step step, String why, Duration recheck) {
        problem = null;
        paused = why;
        if (in.settings().gardenerApiServer() && !why.equals(in.memory().paused())) {
            // where the last operation is gardenlet's, the event is the one place that says the migration waits
            events.add(Event.normal("DualStackMigrationPaused", shootRef() + ": " + why));
        }
        int progress = status.getDualStackMigration() == null ? 0 : step.progress();
        status.setLastOperation(Reports.lastOperation(status.getLastOperation(), LastOperation.STATE_PROCESSING, progress, why, in.now()));
        return decision(step, recheck, null);
    }

    private Decision waiting(Step step, Look look, String waitingFor) {
        problem = null;
        status.setConstraints(Reports.constraints(status.getConstraints(), step.unit().constraints(look), in.now()));
        status.setLastOperation(Reports.lastOperation(status.getLastOperation(), LastOperation.STATE_PROCESSING,
                step.unit().progress(look), describe(step, waitingFor), in.now()));
        return decision(step, in.settings().recheckInterval(), null);
    }

    /**
     * A problem: shown as an Error naming the step, announced by a warning event when it is new, and
     * looked at again with back-off. {@code look} is {@code null} before the migration started (its
     * constraints are then left alone).
     */
    private Decision blocked(Step step, Look look, String cause) {
        if (look != null) {
            status.setConstraints(Reports.constraints(status.getConstraints(), step.unit().constraints(look), in.now()));
        }
        String description = describe(step, cause);
        if (problem(step, cause, description)) {
            events.add(Event.warning("DualStackMigrationBlocked", description));
        }
        int progress = look == null ? step.progress() : step.unit().progress(look);
        status.setLastOperation(Reports.lastOperation(status.getLastOperation(), LastOperation.STATE_ERROR, progress,
                description, in.now()));
        return decision(step, backoff(), null);
    }

    private Decision completed(MigrationRecord record, Look look) {
        problem = null;
        windowLiftedAt = null;
        windowGeneration = null;
        record.setStep(Step.COMPLETED.displayName());
        record.setCompletedAt(now());
        String report = Reports.completion(record, in.shootCluster());
        status.setConstraints(Reports.constraints(status.getConstraints(), Step.COMPLETED.unit().constraints(look), in.now()));
        status.setLastOperation(Reports.lastOperation(status.getLastOperation(), LastOperation.STATE_SUCCEEDED, 100, report, in.now()));
        events.add(Event.normal("DualStackMigrationCompleted", report));
        return decision(Step.COMPLETED, null, null);
    }

    private String describe(Step step, String text) {
        return Reports.describe(step, text, in.garden(), in.settings());
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
        record.setStep(step.displayName());
        return record;
    }

    /**
     * The step a pause (hibernation, the maintenance window) names: the furthest the operator
     * remembers walking to, where it lies within what the constraints say; the constraints' otherwise
     * (steps 2 to 4 share one constraint). Never read from the record.
     */
    private Step reportedStep(Step resumed) {
        Step limit = resumed == Step.INFRASTRUCTURE ? Step.NODES : resumed;
        return announced != null && announced.compareTo(resumed) >= 0 && announced.compareTo(limit) <= 0 ? announced : resumed;
    }

    /**
     * The back-off: as long as the current problem has stood (by the operator's memory, never by the
     * Shoot's last operation, which another controller may rewrite), between the re-check interval
     * and the maximum.
     */
    private Duration backoff() {
        Duration interval = in.settings().recheckInterval();
        Duration age = problem == null ? Duration.ZERO : Duration.between(problem.since(), in.now());
        Duration backoff = age.compareTo(interval) < 0 ? interval : age;
        return backoff.compareTo(in.settings().maxBackoff()) > 0 ? in.settings().maxBackoff() : backoff;
    }

    /** Remembers the problem as the standing one; true when it is a new one, to announce. */
    private boolean problem(Step step, String cause, String description) {
        if (problem != null && description.equals(problem.description())) {
            return false;
        }
        problem = new Problem(step, cause, description, in.now());
        return true;
    }

    /** A deep copy, so that the decision never changes its input Shoot. */
    private static ShootStatus copy(ShootStatus status) {
        try {
            return JSON.readValue(JSON.writeValueAsBytes(status), ShootStatus.class);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("a ShootStatus always serializes", e);
        }
    }

    private String now() {
        return Conditions.timestamp(in.now());
    }

    private String shootRef() {
        return "Shoot " + in.shoot().getMetadata().getNamespace() + "/" + in.shoot().getMetadata().getName();
    }

    /**
     * Whether the Shoot's owner asked for the migration to run outside its maintenance window: by
     * {@value #REQUEST_ANNOTATION}{@code : }{@value #REQUEST_MIGRATE_NOW}, by {@code gardener.cloud/operation:
     * reconcile}, or, where gardener-apiserver serves Shoots (and removes {@code reconcile} itself, raising
     * the generation), by a generation raised since the migration began to wait. An annotation taken is
     * removed by the decision.
     */
    private boolean requested(Long generation) {
        Map<String, String> annotations = in.shoot().getMetadata().getAnnotations();
        annotations = annotations == null ? Map.of() : annotations;
        if (REQUEST_MIGRATE_NOW.equals(annotations.get(REQUEST_ANNOTATION))) {
            requestTaken = new Action.RemoveShootAnnotation(REQUEST_ANNOTATION, REQUEST_MIGRATE_NOW);
            return true;
        }
        if (Extension.OPERATION_RECONCILE.equals(annotations.get(Extension.OPERATION_ANNOTATION))) {
            requestTaken = Action.RemoveShootAnnotation.operation(Extension.OPERATION_RECONCILE);
            return true;
        }
        return in.settings().gardenerApiServer() && generation != null && windowGeneration != null && generation > windowGeneration;
    }

    private Decision decision(Step step, Duration recheck, Observation observe) {
        List<Action> all = new ArrayList<>(actions);
        if (requestTaken != null) {
            // last: were a write it let through refused, or the operator stopped before it, the request would
            // be gone with nothing done and the operator's memory of it lost; left on the Shoot, it lifts the
            // window again on the next reconcile
            all.add(requestTaken);
        }
        return new Decision(step, List.copyOf(all), status, List.copyOf(events), recheck, observe,
                new Memory(triggeredAt, marks, announced, windowLiftedAt, windowGeneration, problem, paused));
    }
}
