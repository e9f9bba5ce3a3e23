package io.github.shootdualstack.cli;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.github.shootdualstack.migration.Conditions;
import io.github.shootdualstack.migration.Step;
import io.github.shootdualstack.shoot.Condition;
import io.github.shootdualstack.shoot.LastOperation;
import io.github.shootdualstack.shoot.Shoot;
import io.github.shootdualstack.shoot.ShootStatus;
import io.github.shootdualstack.testing.TestShoots;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Where the typed API keeps no record (gardener-apiserver), {@code status} for one Shoot rebuilds the
 * timeline from the operator's events, and says the step's state by its constraint, not by gardenlet's
 * last operation.
 */
class MigrationStatusFromEventsTest {

    private static final Instant NOW = Instant.parse("2026-12-06T10:30:00Z");

    @Test
    void underway_timelineFromTheEvents_stateFromTheConstraint_notGardenletsLastOperation() {
        Shoot shoot = shootWithGardenletsLastOperation();
        Condition nodes = new Condition();
        nodes.setType(Conditions.NODES_TYPE);
        nodes.setStatus(Condition.PROGRESSING);
        nodes.setMessage("waiting for the nodes to be rolled");
        shoot.getStatus().setConstraints(List.of(nodes));
        List<Event> events = List.of(
                event("DualStackMigrationStep", Step.CONTROL_PLANE.label() + " started", "2026-12-06T10:02:00Z"),
                event("DualStackMigrationStarted", "migration of spec.networking.ipFamilies from [IPv4] to [IPv4, IPv6] started; "
                        + Step.INFRASTRUCTURE.label() + " started", "2026-12-06T10:00:00Z"),
                event("DualStackMigrationStep", Step.NODES.label() + " started", "2026-12-06T10:05:00Z"));

        MigrationStatus status = MigrationStatus.of(shoot, events, NOW);

        assertThat(status.timeline()).extracting(MigrationStatus.StepTime::step)
                .containsExactly(Step.INFRASTRUCTURE.label(), Step.CONTROL_PLANE.label(), Step.NODES.label());
        assertThat(status.timeline()).extracting(MigrationStatus.StepTime::took).containsExactly("2m", "3m", null);
        assertThat(status.step()).isEqualTo(Step.NODES.label());
        assertThat(status.startedAt()).isEqualTo("2026-12-06T10:00:00Z");
        assertThat(status.state()).isEqualTo(Condition.PROGRESSING);
        assertThat(status.message()).isEqualTo("waiting for the nodes to be rolled");
        assertThat(MigrationStatus.shows(shoot, events)).isTrue();
    }

    @Test
    void completed_noConstraintLeft_shownCompletedFromTheEvents() {
        Shoot shoot = shootWithGardenletsLastOperation();
        List<Event> events = List.of(
                event("DualStackMigrationStarted", "started", "2026-12-06T10:00:00Z"),
                event("DualStackMigrationCompleted", "dual-stack migration to [IPv4, IPv6] completed", "2026-12-06T10:20:00Z"));

        assertThat(MigrationStatus.shows(shoot)).as("nothing on the Shoot says").isFalse();
        assertThat(MigrationStatus.shows(shoot, events)).isTrue();
        MigrationStatus status = MigrationStatus.of(shoot, events, NOW);

        assertThat(status.step()).isEqualTo(Step.COMPLETED.label());
        assertThat(status.completedAt()).isEqualTo("2026-12-06T10:20:00Z");
        assertThat(status.timeline()).singleElement().satisfies(step -> assertThat(step.took()).isEqualTo("20m"));
    }

    private static Shoot shootWithGardenletsLastOperation() {
        Shoot shoot = TestShoots.ipv4("garden-local", "local");
        ShootStatus status = new ShootStatus();
        LastOperation created = new LastOperation();
        created.setType("Create");
        created.setState(LastOperation.STATE_SUCCEEDED);
        created.setDescription("Shoot cluster has been successfully reconciled.");
        status.setLastOperation(created);
        shoot.setStatus(status);
        return shoot;
    }

    @Test
    void stepsBegunInTheSameSecond_keepTheirOrder_byTheEventsMicrosecondTime_notByHowTheGardenListsThem() {
        Shoot shoot = shootWithGardenletsLastOperation();
        // listed by name, as the garden lists them: the names' random suffixes put CoreDNS before Network
        List<Event> events = List.of(
                precise(event("DualStackMigrationStep", Step.CORE_DNS.label() + " started", "2026-12-06T10:02:00Z"), "2026-12-06T10:02:00.700000Z"),
                precise(event("DualStackMigrationStarted", "migration of spec.networking.ipFamilies from [IPv4] to [IPv4, IPv6] started; "
                        + Step.INFRASTRUCTURE.label() + " started", "2026-12-06T10:00:00Z"), "2026-12-06T10:00:00.100000Z"),
                precise(event("DualStackMigrationStep", Step.NETWORK.label() + " started", "2026-12-06T10:02:00Z"), "2026-12-06T10:02:00.200000Z"));

        MigrationStatus status = MigrationStatus.of(shoot, events, NOW);

        assertThat(status.timeline()).extracting(MigrationStatus.StepTime::step)
                .containsExactly(Step.INFRASTRUCTURE.label(), Step.NETWORK.label(), Step.CORE_DNS.label());
        assertThat(status.step()).isEqualTo(Step.CORE_DNS.label());
        assertThat(status.events()).extracting(MigrationStatus.EventLine::message).last().asString().startsWith(Step.CORE_DNS.label());
    }

    private static Event precise(Event event, String microTime) {
        event.setEventTime(new io.fabric8.kubernetes.api.model.MicroTime(microTime));
        return event;
    }

    private static Event event(String reason, String message, String time) {
        return new EventBuilder().withReason(reason).withMessage(message).withType("Normal").withLastTimestamp(time).withCount(1).build();
    }
}
