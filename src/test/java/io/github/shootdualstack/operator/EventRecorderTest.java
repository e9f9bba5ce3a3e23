package io.github.shootdualstack.operator;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.github.shootdualstack.local.LocalApiServer;
import io.github.shootdualstack.migration.Decision;
import io.github.shootdualstack.shoot.Shoot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Events carry what a real API server requires, within its limits, and repeats are counted on one event. */
class EventRecorderTest {

    LocalApiServer garden;
    EventRecorder recorder;
    Shoot shoot;

    @BeforeEach
    void recorder() {
        garden = LocalApiServer.start();
        recorder = new EventRecorder(garden.client(), Clock.fixed(Instant.parse("2026-12-01T10:00:00.123456789Z"), ZoneOffset.UTC),
                "operator-pod-1");
        shoot = new Shoot();
        shoot.setMetadata(new ObjectMetaBuilder().withNamespace("garden-dev").withName("prod").withUid("uid-1").build());
    }

    @AfterEach
    void stop() {
        garden.close();
    }

    @Test
    void anEvent_namesItsReporterAndAction_withAMicrosecondEventTime() {
        recorder.record(shoot, Decision.Event.normal("DualStackMigrationStarted", "started"));

        Event event = events().get(0);
        assertThat(event.getReportingComponent()).isEqualTo("shoot-dualstack-operator");
        assertThat(event.getReportingInstance()).isEqualTo("operator-pod-1");
        assertThat(event.getAction()).isEqualTo("Reconcile");
        assertThat(event.getEventTime().getTime()).isEqualTo("2026-12-01T10:00:00.123456Z");
        assertThat(event.getCount()).isEqualTo(1);
    }

    @Test
    void aRepeatedEvent_isCountedOnTheFirst_andAnotherMessageIsAnEventOfItsOwn() {
        Decision.Event blocked = Decision.Event.warning("DualStackMigrationBlocked", "Infrastructure has no IPv6 range");
        recorder.record(shoot, blocked);
        recorder.record(shoot, blocked);
        recorder.record(shoot, blocked);
        recorder.record(shoot, Decision.Event.warning("DualStackMigrationBlocked", "Secret garden-dev/prod.kubeconfig not found"));

        assertThat(events()).extracting(Event::getMessage, Event::getCount).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple("Infrastructure has no IPv6 range", 3),
                org.assertj.core.groups.Tuple.tuple("Secret garden-dev/prod.kubeconfig not found", 1));
    }

    @Test
    void aRepeatOfAnExpiredEvent_createsItAnew() {
        Decision.Event blocked = Decision.Event.warning("DualStackMigrationBlocked", "no nodes");
        recorder.record(shoot, blocked);
        garden.client().v1().events().inNamespace("garden-dev").delete();
        recorder.record(shoot, blocked);

        assertThat(events()).extracting(Event::getCount).containsExactly(1);
    }

    @Test
    void aLongMessage_isCutToTheApiServersLimit_neverInsideACharacter() {
        String message = "Knoten ü ".repeat(200) + "ende";
        recorder.record(shoot, Decision.Event.warning("DualStackMigrationBlocked", message));

        String recorded = events().get(0).getMessage();
        assertThat(recorded.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(EventRecorder.MESSAGE_LIMIT);
        assertThat(recorded).endsWith("...").doesNotContain("\uFFFD");
        assertThat(message).startsWith(recorded.substring(0, recorded.length() - 3));
    }

    @Test
    void truncate_stepsBackToTheStartOfACharacter() {
        // "€" is three bytes: cutting at 5 bytes keeps "a", then "..."
        assertThat(io.github.shootdualstack.shoot.Texts.cut("a€€€", 7)).isEqualTo("a€...");
        assertThat(io.github.shootdualstack.shoot.Texts.cut("a€€€", 6)).isEqualTo("a...");
        assertThat(io.github.shootdualstack.shoot.Texts.cut("a€€", 7)).isEqualTo("a€€");
    }

    private List<Event> events() {
        return garden.client().v1().events().inNamespace("garden-dev").list().getItems();
    }
}
