package io.github.shootdualstack.cli;

import io.fabric8.kubernetes.api.model.Event;
import io.github.shootdualstack.migration.Conditions;
import io.github.shootdualstack.migration.Step;
import io.github.shootdualstack.shoot.Condition;
import io.github.shootdualstack.shoot.IpFamily;
import io.github.shootdualstack.shoot.LastOperation;
import io.github.shootdualstack.shoot.MigrationRecord;
import io.github.shootdualstack.shoot.Shoot;
import io.github.shootdualstack.shoot.ShootStatus;
import io.github.shootdualstack.shoot.Texts;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import io.github.shootdualstack.migration.Migrator;
import io.github.shootdualstack.migration.Orchestration;

/**
 * Where one Shoot's migration stands, as the Shoot shows it to people: its constraints, its last
 * operation and the kept record (which a report may read; the operator never decides by it).
 *
 * @param step      the step's label; from the constraints when the record is gone
 * @param inStep    how long the migration has stood at the step; {@code null} when the record does not say
 * @param message   what the step waits for, or what blocks it
 * @param timeline  the record's steps; empty when the record is gone
 * @param events    the Shoot's events, oldest first; empty unless asked for
 * @param migratedBy who migrates the Shoot: gardenlet (the operator beside it), the engine, or nobody
 */
record MigrationStatus(String shoot, String from, String to, String step, Integer progress, String state, String inStep,
                       String message, String startedAt, String completedAt, List<Constraint> constraints,
                       List<StepTime> timeline, List<EventLine> events, String migratedBy) {

    record Constraint(String type, String status, String reason, String message, String since) {
    }

    record StepTime(String step, String startedAt, String triggeredAt, String completedAt, String took) {
    }

    record EventLine(String time, String type, String reason, int count, String message) {
    }

    /** A migration is underway or was completed: a constraint of the operator's or its record is on the Shoot. */
    static boolean shows(Shoot shoot) {
        ShootStatus status = shoot.getStatus();
        return status != null && (status.getDualStackMigration() != null || Conditions.stepOf(status.getConstraints()) != null);
    }

    /** As {@link #shows(Shoot)}, or the operator's events tell of a migration (where the typed API keeps no record). */
    static boolean shows(Shoot shoot, List<Event> events) {
        return shows(shoot) || events.stream().anyMatch(event -> STARTED.equals(event.getReason()));
    }

    static MigrationStatus of(Shoot shoot, List<Event> events, Instant now) {
        return of(shoot, events, now, Migrator.of(shoot, false));
    }

    static MigrationStatus of(Shoot shoot, List<Event> events, Instant now, Migrator migrator) {
        ShootStatus status = shoot.getStatus() == null ? new ShootStatus() : shoot.getStatus();
        MigrationRecord record = status.getDualStackMigration() != null ? status.getDualStackMigration() : fromEvents(events);
        LastOperation last = status.getLastOperation();
        List<Constraint> constraints = new ArrayList<>();
        for (String type : List.of(Conditions.NODES_TYPE, Conditions.DNS_TYPE)) {
            Condition condition = Conditions.find(status.getConstraints(), type);
            if (condition != null) {
                constraints.add(new Constraint(type, condition.getStatus(), condition.getReason(), condition.getMessage(),
                        condition.getLastTransitionTime()));
            }
        }
        Step step = record == null ? null : Step.byName(record.getStep());
        List<StepTime> timeline = new ArrayList<>();
        String inStep = null;
        if (record != null) {
            for (MigrationRecord.StepRecord entry : Objects.requireNonNullElse(record.getSteps(), List.<MigrationRecord.StepRecord>of())) {
                if (entry == null || entry.getName() == null) {
                    continue; // not the operator's: nothing to place on the timeline
                }
                Instant started = time(entry.getStartedAt());
                Instant completed = time(entry.getCompletedAt());
                timeline.add(new StepTime(label(entry.getName()), entry.getStartedAt(), entry.getTriggeredAt(), entry.getCompletedAt(),
                        started != null && completed != null ? Texts.duration(Duration.between(started, completed)) : null));
                if (step != null && step.displayName().equals(entry.getName()) && started != null && completed == null) {
                    inStep = Texts.duration(Duration.between(started, now));
                }
            }
        }
        String shown = step != null ? step.label() : migrator == Migrator.GARDENLET ? gardenletsStep(shoot) : stepOfConstraints(status);
        boolean completed = record != null && record.getCompletedAt() != null;
        // after the completion another controller (Gardener's reconcile) owns the last operation again
        boolean ours = !completed || last != null && last.getDescription() != null
                && last.getDescription().startsWith("dual-stack migration to ");
        if (status.getDualStackMigration() == null && !completed) {
            // no record on the Shoot: a typed API, where the last operation is gardenlet's; the constraint tells
            // neither, when the events tell of a migration whose constraints are gone (requireNonNullElse would throw)
            Condition nodes = Conditions.find(status.getConstraints(), Conditions.NODES_TYPE);
            Condition at = nodes != null ? nodes : Conditions.find(status.getConstraints(), Conditions.DNS_TYPE);
            last = new LastOperation();
            last.setState(at == null ? null : at.getStatus());
            last.setDescription(at == null ? null : at.getMessage());
        }
        String ref = shoot.getMetadata().getNamespace() + "/" + shoot.getMetadata().getName();
        List<EventLine> lines = events.stream()
                .sorted(IN_ORDER)
                .map(event -> new EventLine(eventTime(event), event.getType(), event.getReason(),
                        event.getCount() == null ? 1 : event.getCount(), event.getMessage()))
                .toList();
        return new MigrationStatus(ref,
                record == null || record.getFromIPFamilies() == null ? null : IpFamily.format(record.getFromIPFamilies()),
                record == null || record.getToIPFamilies() == null ? null : IpFamily.format(record.getToIPFamilies()),
                completed ? Step.COMPLETED.label() : shown,
                completed ? Integer.valueOf(100) : last == null ? null : last.getProgress(),
                completed ? LastOperation.STATE_SUCCEEDED : last == null ? null : last.getState(), inStep,
                !ours ? "dual-stack migration completed" : last == null ? null : last.getDescription(),
                record == null ? null : record.getStartedAt(),
                record == null ? null : record.getCompletedAt(), constraints, timeline, lines,
                migrator.name().toLowerCase(java.util.Locale.ROOT));
    }

    static final String STARTED = "DualStackMigrationStarted";
    static final String STEP = "DualStackMigrationStep";
    static final String COMPLETED = "DualStackMigrationCompleted";

    /**
     * The record rebuilt from the operator's events, where the Shoot keeps none (gardener-apiserver's
     * typed API has no field for it): the last migration's start, each step's start and the completion,
     * as long as the garden keeps the events (an hour by default). {@code null} when they tell of none.
     */
    static MigrationRecord fromEvents(List<Event> events) {
        List<Event> sorted = events.stream().sorted(IN_ORDER).toList();
        MigrationRecord record = null;
        for (Event event : sorted) {
            String time = eventTime(event);
            if (STARTED.equals(event.getReason())) {
                record = new MigrationRecord();
                record.setStartedAt(time);
                record.setFromIPFamilies(IpFamily.SINGLE_STACK_IPV4);
                record.setToIPFamilies(IpFamily.DUAL_STACK_IPV4_PRIMARY);
                record.setStep(Step.INFRASTRUCTURE.displayName());
                record.getSteps().add(new MigrationRecord.StepRecord(Step.INFRASTRUCTURE.displayName(), time));
            } else if (record != null && STEP.equals(event.getReason()) && event.getMessage() != null) {
                for (Step step : Step.values()) {
                    if (event.getMessage().equals(step.label() + " started") && record.getSteps().stream()
                            .noneMatch(entry -> step.displayName().equals(entry.getName()))) {
                        record.getSteps().forEach(entry -> entry.setCompletedAt(entry.getCompletedAt() == null ? time : entry.getCompletedAt()));
                        record.getSteps().add(new MigrationRecord.StepRecord(step.displayName(), time));
                        record.setStep(step.displayName());
                    }
                }
            } else if (record != null && COMPLETED.equals(event.getReason())) {
                record.getSteps().forEach(entry -> entry.setCompletedAt(entry.getCompletedAt() == null ? time : entry.getCompletedAt()));
                record.setCompletedAt(time);
                record.setStep(Step.COMPLETED.displayName());
            }
        }
        return record;
    }

    /** The step the constraints place the migration at, when no record says it more precisely. */
    private static String stepOfConstraints(ShootStatus status) {
        Step step = Conditions.stepOf(status.getConstraints());
        if (step == null) {
            return "unknown (no record, no constraint)";
        }
        // steps 2 to 4 share the nodes constraint
        return step == Step.INFRASTRUCTURE ? Step.INFRASTRUCTURE.label() + " to " + Step.NODES.label() : step.label();
    }

    /** Beside gardenlet, where its constraints place the Shoot: gardenlet's steps, not the engine's. */
    private static String gardenletsStep(Shoot shoot) {
        List<Condition> constraints = shoot.getStatus() == null ? null : shoot.getStatus().getConstraints();
        Condition nodes = Conditions.find(constraints, Conditions.NODES_TYPE);
        Condition dns = Conditions.find(constraints, Conditions.DNS_TYPE);
        if (dns != null) {
            return Condition.TRUE.equals(dns.getStatus()) ? "kube-dns to switch" : "CoreDNS to restart";
        }
        if (nodes == null) {
            return "unknown (no constraint)";
        }
        if (Condition.TRUE.equals(nodes.getStatus())) {
            return "CNI and control plane to switch";
        }
        return Orchestration.rollingNodes(shoot) ? "nodes rolling" : "nodes to roll or check";
    }

    private static String label(String name) {
        Step step = Step.byName(name);
        return step == null ? name : step.label();
    }

    /**
     * Oldest first: by the time shown (whole seconds), then by {@code eventTime}, which the operator writes to the
     * microsecond: two steps begun in the same second keep their order (the garden lists events by name).
     */
    private static final Comparator<Event> IN_ORDER = Comparator
            .comparing(MigrationStatus::eventTime, Comparator.nullsFirst(Comparator.<String>naturalOrder()))
            .thenComparing(event -> event.getEventTime() == null ? null : event.getEventTime().getTime(),
                    Comparator.nullsFirst(Comparator.<String>naturalOrder()));

    private static String eventTime(Event event) {
        if (event.getLastTimestamp() != null) {
            return event.getLastTimestamp();
        }
        if (event.getEventTime() != null && event.getEventTime().getTime() != null) {
            return event.getEventTime().getTime();
        }
        return event.getFirstTimestamp();
    }

    private static Instant time(String value) {
        try {
            return value == null ? null : Instant.parse(value);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
