package io.github.shootdualstack.migration;

import io.github.shootdualstack.migration.Decision.Event;
import io.github.shootdualstack.shoot.Condition;
import io.github.shootdualstack.shoot.LastOperation;
import io.github.shootdualstack.shoot.Shoot;
import io.github.shootdualstack.shoot.ShootStatus;
import io.github.shootdualstack.shoot.Worker;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * What the operator does for a Shoot that gardenlet migrates ({@link Migrator#GARDENLET}): only what the
 * migration guide leaves to people, decided from the Shoot alone. gardenlet owns the constraints, the
 * Network, CoreDNS and kube-dns; the operator asks it for the next reconcile through the Shoot's
 * {@code gardener.cloud/operation} annotation, once the previous one has finished and the constraints
 * say the next one has work, and spaced by a back-off. Pure: no client, no clock but the one given.
 */
public final class Orchestration {

    public static final String ROLLOUT_WORKERS = "rollout-workers";
    public static final String ROLLOUT_REQUESTED = "DualStackRolloutRequested";
    public static final String RECONCILE_REQUESTED = "DualStackReconcileRequested";
    /** A Shoot whose roll waits for a slot under the installation's limits: said once per wait. */
    public static final String ROLLOUT_QUEUED = "DualStackRolloutQueued";

    /** Where a Shoot gardenlet migrates stands, as its constraints tell it; each phase asks for one kind of trigger. */
    public enum Phase {
        /** Nodes constraint {@code Progressing}, no roll asked for yet: {@code rollout-workers} of all pools, in the window. */
        ROLL_NODES("nodes constraint Progressing, nodes not rolled"),
        /** The roll was asked for and done, the nodes constraint still {@code Progressing}: a reconcile looks at the nodes again. */
        NODES_ROLLED("nodes constraint Progressing after the roll"),
        /** Nodes constraint {@code True}: a reconcile switches CNI and control plane. */
        NODES_MIGRATED("nodes constraint True"),
        /** DNS constraint {@code Progressing} or {@code True}: reconciles restart CoreDNS, then switch kube-dns. */
        DNS("DNS constraint " + "Progressing or True");

        private final String label;

        Phase(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /**
     * @param recheckInterval a trigger again at least this long after one whose reconcile left the constraints as they were,
     *                        the gap growing while they do not move (one that moved them is followed at once)
     * @param maxBackoff      up to this
     * @param paused          no new trigger for any Shoot (the installation's pause)
     * @param wave            the migrating Shoots driven without being asked; {@code null} for all. Others only
     *                        when their owner asks with {@value Migration#REQUEST_ANNOTATION}={@value Migration#REQUEST_MIGRATE_NOW}
     */
    public record Settings(Duration recheckInterval, Duration maxBackoff, boolean paused, LabelSelector wave) {
        public Settings(Duration recheckInterval, Duration maxBackoff) {
            this(recheckInterval, maxBackoff, false, null);
        }
    }

    /** Why a migrating Shoot gets no trigger now, for the landscape's figures. */
    public enum Hold {
        /** Paused: by the installation or by the Shoot's {@value #PAUSE_ANNOTATION} annotation. */
        PAUSED,
        /** Not in the wave, and its owner has not asked. */
        OUTSIDE_WAVE,
        /** Its nodes roll only in its maintenance window. */
        WINDOW,
        HIBERNATED,
        /** gardenlet's last operation failed or errs: gardenlet retries, a trigger would not help. */
        BLOCKED,
        /** A reconcile runs or was asked for, or the back-off between triggers. */
        GARDENLET,
        /** As many Shoots roll nodes as the limits allow (decided beside the orchestration, by the landscape's counts). */
        LIMIT
    }

    /** A Shoot's own pause: while {@code "true"} the operator asks gardenlet for nothing on it. */
    public static final String PAUSE_ANNOTATION = "shootdualstack.io/pause";

    /**
     * What the operator remembers of a Shoot between reconciles (lost on restart: then it triggers once more at most).
     *
     * @param triggeredAt      when it last wrote a trigger; {@code null} for none
     * @param constraintsSince when the constraints were first seen as they were then, with a trigger (the back-off grows from there)
     * @param rollRequested    whether it asked for the node roll in this migration
     * @param constraints      the two constraints' statuses and reasons then: a reconcile that changed them moved the migration;
     *                         {@code null} for none remembered
     */
    public record Memory(Instant triggeredAt, Instant constraintsSince, boolean rollRequested, String constraints) {
        public static final Memory NONE = new Memory(null, null, false, null);
    }

    public record Input(Shoot shoot, Instant now, Settings settings, Memory memory) {
    }

    /**
     * @param operation the new value of the Shoot's {@code gardener.cloud/operation}; {@code null}: no trigger
     * @param current   the value it must still have when written (tested by the patch); {@code null}: none
     * @param takeRequest whether the user's {@value Migration#REQUEST_ANNOTATION} request is removed, as acted on (with the
     *                  trigger, or alone once the migration has ended)
     * @param event     the event that says the trigger; {@code null} with no trigger
     * @param phase     the Shoot's phase; {@code null} when it is not migrating
     * @param waiting   what it waits for, for logs and status; {@code null} with a trigger or when not migrating
     * @param hold      why it waits, for the landscape's figures; {@code null} with a trigger or when not migrating
     * @param recheck   when to look again without an event; {@code null}: only on a change of the Shoot
     */
    public record Decision(String operation, String current, boolean takeRequest, Event event, Phase phase,
                           String waiting, Hold hold, Duration recheck, Memory memory) {

        /** Whether the trigger asks for a node roll: what the landscape's limits count. */
        public boolean rollsNodes() {
            return operation != null && phase == Phase.ROLL_NODES;
        }

        /** The Shoot waits for a roll slot instead: no trigger, memory as it was. */
        public Decision heldByLimit(String what, Duration recheck, Memory previous) {
            return new Decision(null, null, false, null, phase, what, Hold.LIMIT, recheck, previous);
        }
    }

    private Orchestration() {
    }

    public static Decision decide(Input in) {
        Shoot shoot = in.shoot();
        ShootStatus status = shoot.getStatus();
        List<Condition> constraints = status == null ? null : status.getConstraints();
        Condition nodes = Conditions.find(constraints, Conditions.NODES_TYPE);
        Condition dns = Conditions.find(constraints, Conditions.DNS_TYPE);
        Phase phase = phase(nodes, dns, in.memory());
        Memory memory = in.memory();
        boolean migrateNow = Migration.REQUEST_MIGRATE_NOW.equals(annotation(shoot, Migration.REQUEST_ANNOTATION));
        if (phase == null) {
            // not migrating (or nodes False: gardenlet's to change): a later migration starts afresh
            boolean migrating = nodes != null || dns != null;
            // an owner's request outlives the roll on a Shoot outside the wave; it goes once the migration has ended
            boolean ended = !migrating && migrateNow && ended(shoot);
            return new Decision(null, null, ended, null, null, migrating ? "gardenlet" : null, migrating ? Hold.GARDENLET : null,
                    migrating ? in.settings().maxBackoff() : null, migrating ? memory : Memory.NONE);
        }
        if (in.settings().paused() || pausedByAnnotation(shoot)) {
            // lifting the pause is a change of the Shoot (its annotation) or a restart (the installation's flag)
            return waiting(phase, in.settings().paused() ? "the installation's pause to be lifted"
                    : "its " + PAUSE_ANNOTATION + " annotation to be removed", Hold.PAUSED, null, memory);
        }
        LabelSelector wave = in.settings().wave();
        boolean inWave = wave == null || wave.matches(shoot.getMetadata().getLabels());
        if (!inWave && !migrateNow) {
            return waiting(phase, "its owner's request " + Migration.REQUEST_ANNOTATION + "=" + Migration.REQUEST_MIGRATE_NOW
                    + " (not in the wave " + wave + ")", Hold.OUTSIDE_WAVE, null, memory);
        }
        if (shoot.getSpec() != null && shoot.getSpec().getHibernation() != null
                && Boolean.TRUE.equals(shoot.getSpec().getHibernation().getEnabled())) {
            // gardenlet leaves the nodes and the constraint checks alone while the Shoot sleeps; its wake-up is a change
            return waiting(phase, "the Shoot to wake up from hibernation", Hold.HIBERNATED, null, memory);
        }
        String current = operation(shoot);
        String busy = busy(shoot, current);
        if (busy != null) {
            return waiting(phase, busy, gardenletFailed(shoot) ? Hold.BLOCKED : Hold.GARDENLET, in.settings().recheckInterval(), memory);
        }
        if (phase == Phase.ROLL_NODES && !migrateNow) {
            MaintenanceWindow window = MaintenanceWindow.of(shoot.getSpec() == null ? null : shoot.getSpec().getMaintenance());
            if (window != null && !window.contains(in.now())) {
                return waiting(phase, "the maintenance window " + window, Hold.WINDOW, window.untilNextBegin(in.now()), memory);
            }
        }
        // gardenlet's last reconcile has finished (not busy): if it moved the constraints, the next one is asked for at once;
        // if not, less and less often while they stay as they are
        // (the roll asked for is no move by itself: a view of the Shoot from before the roll's reconcile must not count as one)
        String seen = constraints(nodes, dns);
        boolean moved = !seen.equals(memory.constraints());
        Instant since = !moved && memory.constraintsSince() != null ? memory.constraintsSince() : in.now();
        if (memory.triggeredAt() != null && !moved) {
            Instant next = memory.triggeredAt().plus(backoff(Duration.between(since, in.now()), in.settings()));
            if (in.now().isBefore(next)) {
                return waiting(phase, "the back-off until " + next, Hold.GARDENLET, Duration.between(in.now(), next), memory);
            }
        }
        String own;
        Event event;
        String name = shoot.getMetadata().getNamespace() + "/" + shoot.getMetadata().getName();
        if (phase == Phase.ROLL_NODES && pools(shoot).isEmpty()) {
            // a Shoot without worker pools has no node to roll (and rollout-workers names at least one): a reconcile looks again
            phase = Phase.NODES_ROLLED;
        }
        if (phase == Phase.ROLL_NODES) {
            List<String> pools = pools(shoot);
            own = ROLLOUT_WORKERS + "=" + String.join(",", pools);
            event = Event.normal(ROLLOUT_REQUESTED, "Shoot " + name + ": asked gardenlet to roll the nodes of worker pools "
                    + String.join(", ", pools) + " (" + phase.label() + ")");
        } else {
            own = Extension.OPERATION_RECONCILE;
            event = Event.normal(RECONCILE_REQUESTED, "Shoot " + name + ": asked gardenlet for a reconcile (" + phase.label() + ")");
        }
        List<String> operations = new ArrayList<>(others(current));
        operations.add(own);
        Memory next = new Memory(in.now(), since, memory.rollRequested() || phase == Phase.ROLL_NODES, seen);
        // inside the wave the request only lifts the window, and is acted on with the roll
        return new Decision(String.join(";", operations), current, migrateNow && inWave && phase == Phase.ROLL_NODES, event, phase,
                null, null, in.settings().recheckInterval(), next);
    }

    private static Phase phase(Condition nodes, Condition dns, Memory memory) {
        if (dns != null && (Condition.PROGRESSING.equals(dns.getStatus()) || Condition.TRUE.equals(dns.getStatus()))) {
            return Phase.DNS;
        }
        if (nodes != null && Condition.TRUE.equals(nodes.getStatus())) {
            return Phase.NODES_MIGRATED;
        }
        if (nodes != null && Condition.PROGRESSING.equals(nodes.getStatus())) {
            return memory.rollRequested() ? Phase.NODES_ROLLED : Phase.ROLL_NODES;
        }
        return null;
    }

    /** What a reconcile that runs or is due waits for; {@code null} when the last one finished and none is asked for. */
    private static String busy(Shoot shoot, String operation) {
        for (String part : parts(operation)) {
            if (part.equals(Extension.OPERATION_RECONCILE) || part.startsWith(ROLLOUT_WORKERS + "=")) {
                return "the requested " + part + " to be taken up by gardenlet";
            }
        }
        ShootStatus status = shoot.getStatus();
        LastOperation last = status.getLastOperation();
        if (last == null || !LastOperation.STATE_SUCCEEDED.equals(last.getState())) {
            return "gardenlet's reconcile to succeed (last operation " + (last == null ? "none" : last.getState()) + ")";
        }
        Long generation = shoot.getMetadata().getGeneration();
        if (generation != null && !generation.equals(status.getObservedGeneration())) {
            return "gardenlet to reconcile generation " + generation;
        }
        if (rollingNodes(shoot)) {
            return "gardenlet's worker rollout to finish";
        }
        return null;
    }

    /**
     * Whether gardenlet's last reconcile of the Shoot has finished and none is asked for or rolls nodes: a trigger
     * decided on a cached Shoot is written only if the Shoot as read just before still says so.
     */
    public static boolean reconcileFinished(Shoot shoot) {
        return shoot.getStatus() != null && busy(shoot, operation(shoot)) == null;
    }

    private static Decision waiting(Phase phase, String what, Hold hold, Duration recheck, Memory memory) {
        return new Decision(null, null, false, null, phase, what, hold, recheck, memory);
    }

    /**
     * Whether the Shoot's nodes roll: a roll asked for and not taken up yet, or one gardenlet runs
     * ({@code status.manualWorkerPoolRollout.pendingWorkersRollouts}, emptied when its reconcile succeeds).
     */
    public static boolean rollingNodes(Shoot shoot) {
        if (parts(operation(shoot)).stream().anyMatch(part -> part.startsWith(ROLLOUT_WORKERS + "="))) {
            return true;
        }
        ShootStatus status = shoot.getStatus();
        return status != null && status.additionalProperties().get("manualWorkerPoolRollout") instanceof Map<?, ?> rollout
                && rollout.get("pendingWorkersRollouts") instanceof List<?> pending && !pending.isEmpty();
    }

    /** Whether the Shoot shows a migration constraint: whether gardenlet migrates it now. */
    public static boolean migrating(Shoot shoot) {
        List<Condition> constraints = shoot.getStatus() == null ? null : shoot.getStatus().getConstraints();
        return Conditions.find(constraints, Conditions.NODES_TYPE) != null || Conditions.find(constraints, Conditions.DNS_TYPE) != null;
    }

    /** Whether the Shoot's own {@value #PAUSE_ANNOTATION} annotation pauses it. */
    public static boolean pausedByAnnotation(Shoot shoot) {
        return "true".equals(annotation(shoot, PAUSE_ANNOTATION));
    }

    /** Whether gardenlet's last operation on the Shoot failed or errs: the Shoot is blocked until gardenlet's retry succeeds. */
    public static boolean gardenletFailed(Shoot shoot) {
        LastOperation last = shoot.getStatus() == null ? null : shoot.getStatus().getLastOperation();
        return last != null && (LastOperation.STATE_FAILED.equals(last.getState()) || LastOperation.STATE_ERROR.equals(last.getState()));
    }

    /** Dual-stack asked for and gardenlet done: its last reconcile, of this generation, succeeded and left no constraint. */
    private static boolean ended(Shoot shoot) {
        ShootStatus status = shoot.getStatus();
        LastOperation last = status == null ? null : status.getLastOperation();
        var networking = shoot.getSpec() == null ? null : shoot.getSpec().getNetworking();
        return networking != null && networking.getIpFamilies() != null && networking.getIpFamilies().size() == 2
                && last != null && LastOperation.STATE_SUCCEEDED.equals(last.getState())
                && shoot.getMetadata().getGeneration() != null && shoot.getMetadata().getGeneration().equals(status.getObservedGeneration());
    }

    /** The constraints' statuses and reasons: what a reconcile that moved the migration changed. */
    private static String constraints(Condition nodes, Condition dns) {
        return (nodes == null ? "-" : nodes.getStatus() + "/" + nodes.getReason()) + " " + (dns == null ? "-" : dns.getStatus() + "/" + dns.getReason());
    }

    private static Duration backoff(Duration age, Settings settings) {
        Duration backoff = age.compareTo(settings.recheckInterval()) < 0 ? settings.recheckInterval() : age;
        return backoff.compareTo(settings.maxBackoff()) > 0 ? settings.maxBackoff() : backoff;
    }

    private static List<String> others(String operation) {
        return parts(operation).stream().filter(part -> !part.equals(Extension.OPERATION_RECONCILE)
                && !part.startsWith(ROLLOUT_WORKERS + "=")).toList();
    }

    private static List<String> parts(String operation) {
        return operation == null ? List.of() : Arrays.stream(operation.split(";")).map(String::trim).filter(p -> !p.isEmpty()).toList();
    }

    private static List<String> pools(Shoot shoot) {
        var provider = shoot.getSpec() == null ? null : shoot.getSpec().getProvider();
        return provider == null || provider.getWorkers() == null ? List.of()
                : provider.getWorkers().stream().map(Worker::getName).toList();
    }

    private static String operation(Shoot shoot) {
        return annotation(shoot, Extension.OPERATION_ANNOTATION);
    }

    private static String annotation(Shoot shoot, String key) {
        Map<String, String> annotations = shoot.getMetadata().getAnnotations();
        return annotations == null ? null : annotations.get(key);
    }
}
