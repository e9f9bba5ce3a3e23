package io.github.shootdualstack.cli;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.MicroTime;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.github.shootdualstack.migration.Conditions;
import io.github.shootdualstack.migration.Orchestration;
import io.github.shootdualstack.shoot.Condition;
import io.github.shootdualstack.shoot.LastOperation;
import io.github.shootdualstack.shoot.Shoot;
import io.github.shootdualstack.shoot.ShootStatus;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class LandscapeSummaryTest {

    @Test
    void theShootsGardenletMigrates_countedByWhereTheyStand() {
        Shoot rolling = shoot("rolling", nodes(Condition.PROGRESSING));
        rolling.getMetadata().getAnnotations().put("gardener.cloud/operation", "rollout-workers=a");
        Shoot queued = shoot("queued", nodes(Condition.PROGRESSING));
        Shoot queuedThenRolled = shoot("queued-then-rolled", nodes(Condition.PROGRESSING));
        Shoot notRolled = shoot("not-rolled", nodes(Condition.PROGRESSING));
        notRolled.getMetadata().getAnnotations().put(Orchestration.PAUSE_ANNOTATION, "true");
        Shoot migrated = shoot("migrated", nodes(Condition.TRUE));
        migrated.getStatus().getLastOperation().setState(LastOperation.STATE_ERROR);
        Shoot dns = shoot("dns", condition(Conditions.DNS_TYPE, Condition.PROGRESSING));
        Shoot done = shoot("done");
        List<Event> events = List.of(
                event("queued", Orchestration.ROLLOUT_QUEUED, "2026-12-07T10:00:00.000001Z"),
                event("queued-then-rolled", Orchestration.ROLLOUT_QUEUED, "2026-12-07T10:00:00.000001Z"),
                event("queued-then-rolled", Orchestration.ROLLOUT_REQUESTED, "2026-12-07T10:00:00.000002Z"),
                event("not-rolled", "DualStackReconcileRequested", "2026-12-07T10:00:00.000003Z"));

        LandscapeSummary summary = LandscapeSummary.of(List.of(rolling, queued, queuedThenRolled, notRolled, migrated, dns, done), events);

        assertThat(summary).isEqualTo(new LandscapeSummary(6, 1, 1, 2, 1, 1, 1, 1));
        assertThat(summary.text()).contains("waiting for a roll slot", "of them blocked (last operation failed)")
                .containsPattern("migrating +6\n");
    }

    private static Event event(String shoot, String reason, String time) {
        return new EventBuilder().withNewMetadata().withNamespace("garden-dev").withName(shoot + "." + reason).endMetadata()
                .withNewInvolvedObject().withKind("Shoot").withNamespace("garden-dev").withName(shoot).endInvolvedObject()
                .withReason(reason).withEventTime(new MicroTime(time)).build();
    }

    private static Shoot shoot(String name, Condition... constraints) {
        Shoot shoot = new Shoot();
        ObjectMeta metadata = new ObjectMeta();
        metadata.setNamespace("garden-dev");
        metadata.setName(name);
        metadata.setAnnotations(new HashMap<>(Map.of()));
        shoot.setMetadata(metadata);
        ShootStatus status = new ShootStatus();
        LastOperation last = new LastOperation();
        last.setState(LastOperation.STATE_SUCCEEDED);
        status.setLastOperation(last);
        status.setConstraints(constraints.length == 0 ? null : List.of(constraints));
        shoot.setStatus(status);
        return shoot;
    }

    private static Condition nodes(String status) {
        return condition(Conditions.NODES_TYPE, status);
    }

    private static Condition condition(String type, String status) {
        return new Condition(type, status, null, null);
    }
}
