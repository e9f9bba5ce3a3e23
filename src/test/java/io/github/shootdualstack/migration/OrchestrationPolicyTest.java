package io.github.shootdualstack.migration;

import io.github.shootdualstack.migration.Orchestration.Decision;
import io.github.shootdualstack.migration.Orchestration.Hold;
import io.github.shootdualstack.migration.Orchestration.Memory;
import io.github.shootdualstack.migration.Orchestration.Phase;
import io.github.shootdualstack.shoot.Condition;
import io.github.shootdualstack.shoot.LastOperation;
import io.github.shootdualstack.shoot.Networking;
import io.github.shootdualstack.shoot.Shoot;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.github.shootdualstack.migration.OrchestrationTest.IN_WINDOW;
import static io.github.shootdualstack.migration.OrchestrationTest.OUT_OF_WINDOW;
import static io.github.shootdualstack.migration.OrchestrationTest.dns;
import static io.github.shootdualstack.migration.OrchestrationTest.nodes;
import static io.github.shootdualstack.migration.OrchestrationTest.shoot;
import static org.assertj.core.api.Assertions.assertThat;

/** The installation's rollout policy in the orchestration: the pause, the wave, and what holds a Shoot back. */
class OrchestrationPolicyTest {

    private static final Duration RECHECK = Duration.ofSeconds(30);
    private static final Duration MAX_BACKOFF = Duration.ofMinutes(5);
    private static final LabelSelector WAVE = LabelSelector.parse("rollout-wave in (1,2)");

    @Test
    void theInstallationsPause_holdsEveryPhase_untilLifted_noRecheck() {
        for (Shoot shoot : List.of(shoot(nodes(Condition.PROGRESSING)), shoot(nodes(Condition.TRUE)), shoot(dns(Condition.TRUE)))) {
            Decision decision = decide(shoot, IN_WINDOW, true, null);

            assertThat(decision.operation()).isNull();
            assertThat(decision.phase()).isNotNull();
            assertThat(decision.hold()).isEqualTo(Hold.PAUSED);
            assertThat(decision.waiting()).contains("installation's pause");
            assertThat(decision.recheck()).isNull();
        }
    }

    @Test
    void aShootsPauseAnnotation_holdsIt_untilRemoved() {
        Shoot shoot = shoot(nodes(Condition.TRUE));
        shoot.getMetadata().getAnnotations().put(Orchestration.PAUSE_ANNOTATION, "true");

        Decision paused = decide(shoot, IN_WINDOW, false, null);
        shoot.getMetadata().getAnnotations().remove(Orchestration.PAUSE_ANNOTATION);
        Decision lifted = decide(shoot, IN_WINDOW, false, null);

        assertThat(paused.operation()).isNull();
        assertThat(paused.hold()).isEqualTo(Hold.PAUSED);
        assertThat(paused.waiting()).contains(Orchestration.PAUSE_ANNOTATION);
        assertThat(lifted.operation()).isEqualTo("reconcile");
        assertThat(lifted.hold()).isNull();
    }

    @Test
    void aShootOutsideTheWave_isNotDriven_evenInItsWindow() {
        Shoot shoot = shoot(nodes(Condition.PROGRESSING));
        shoot.getMetadata().setLabels(Map.of("rollout-wave", "3"));

        Decision decision = decide(shoot, IN_WINDOW, false, WAVE);

        assertThat(decision.operation()).isNull();
        assertThat(decision.hold()).isEqualTo(Hold.OUTSIDE_WAVE);
        assertThat(decision.waiting()).contains(Migration.REQUEST_ANNOTATION + "=" + Migration.REQUEST_MIGRATE_NOW, "rollout-wave in (1,2)");
        assertThat(decision.recheck()).isNull();
    }

    @Test
    void aShootInTheWave_isDriven() {
        Shoot shoot = shoot(nodes(Condition.PROGRESSING));
        shoot.getMetadata().setLabels(Map.of("rollout-wave", "2"));

        assertThat(decide(shoot, IN_WINDOW, false, WAVE).operation()).isEqualTo("rollout-workers=worker-a,worker-b");
    }

    @Test
    void aShootOutsideTheWave_whoseOwnerAsks_isDrivenThroughEveryPhase_keepingTheRequest_untilTheMigrationEnds() {
        Shoot shoot = shoot(nodes(Condition.PROGRESSING));
        shoot.getMetadata().getAnnotations().put(Migration.REQUEST_ANNOTATION, Migration.REQUEST_MIGRATE_NOW);
        dualStack(shoot);

        Decision roll = decide(shoot, OUT_OF_WINDOW, false, WAVE);
        shoot.getStatus().setConstraints(List.of(dns(Condition.TRUE)));
        Decision dnsReconcile = decide(shoot, OUT_OF_WINDOW, false, WAVE);
        shoot.getStatus().setConstraints(null);
        Decision ended = decide(shoot, OUT_OF_WINDOW, false, WAVE);

        assertThat(roll.operation()).as("at once: the owner asked").startsWith("rollout-workers=");
        assertThat(roll.takeRequest()).as("outside the wave the request is what drives it: kept").isFalse();
        assertThat(dnsReconcile.operation()).isEqualTo("reconcile");
        assertThat(dnsReconcile.takeRequest()).isFalse();
        assertThat(ended.operation()).isNull();
        assertThat(ended.takeRequest()).as("the migration has ended: the request goes").isTrue();
    }

    @Test
    void aRequest_beforeTheEditOrBeforeGardenletsFirstReconcileOfIt_isKept() {
        Shoot notEdited = shoot();
        notEdited.getMetadata().getAnnotations().put(Migration.REQUEST_ANNOTATION, Migration.REQUEST_MIGRATE_NOW);
        Shoot editedNotReconciled = shoot();
        editedNotReconciled.getMetadata().getAnnotations().put(Migration.REQUEST_ANNOTATION, Migration.REQUEST_MIGRATE_NOW);
        dualStack(editedNotReconciled);
        editedNotReconciled.getMetadata().setGeneration(8L);

        assertThat(decide(notEdited, IN_WINDOW, false, WAVE).takeRequest()).isFalse();
        assertThat(decide(editedNotReconciled, IN_WINDOW, false, WAVE).takeRequest()).isFalse();
    }

    @Test
    void aFailedReconcile_holdsTheShootAsBlocked_aRunningOne_asGardenletAtWork() {
        Shoot failed = shoot(nodes(Condition.TRUE));
        failed.getStatus().getLastOperation().setState(LastOperation.STATE_ERROR);
        Shoot running = shoot(nodes(Condition.TRUE));
        running.getStatus().getLastOperation().setState(LastOperation.STATE_PROCESSING);

        assertThat(decide(failed, IN_WINDOW, false, null).hold()).isEqualTo(Hold.BLOCKED);
        assertThat(decide(running, IN_WINDOW, false, null).hold()).isEqualTo(Hold.GARDENLET);
    }

    @Test
    void theWindow_andHibernation_areHoldsOfTheirOwn() {
        Shoot sleeping = shoot(nodes(Condition.PROGRESSING));
        sleeping.getSpec().setHibernation(new io.github.shootdualstack.shoot.Hibernation());
        sleeping.getSpec().getHibernation().setEnabled(true);

        assertThat(decide(shoot(nodes(Condition.PROGRESSING)), OUT_OF_WINDOW, false, null).hold()).isEqualTo(Hold.WINDOW);
        assertThat(decide(sleeping, IN_WINDOW, false, null).hold()).isEqualTo(Hold.HIBERNATED);
    }

    @Test
    void aRollAskedFor_orPendingInStatus_isARollingShoot() {
        Shoot asked = shoot(nodes(Condition.PROGRESSING));
        asked.getMetadata().getAnnotations().put("gardener.cloud/operation", "rotate-ssh-keypair;rollout-workers=worker-a");
        Shoot pending = shoot(nodes(Condition.PROGRESSING));
        pending.getStatus().setAdditionalProperty("manualWorkerPoolRollout",
                Map.of("pendingWorkersRollouts", List.of(Map.of("name", "worker-a"))));
        Shoot rolled = shoot(nodes(Condition.PROGRESSING));
        rolled.getStatus().setAdditionalProperty("manualWorkerPoolRollout", new HashMap<>());

        assertThat(Orchestration.rollingNodes(asked)).isTrue();
        assertThat(Orchestration.rollingNodes(pending)).isTrue();
        assertThat(Orchestration.rollingNodes(rolled)).isFalse();
        assertThat(decide(asked, IN_WINDOW, false, null).rollsNodes()).isFalse();
        assertThat(decide(shoot(nodes(Condition.PROGRESSING)), IN_WINDOW, false, null).rollsNodes()).isTrue();
        assertThat(decide(shoot(nodes(Condition.TRUE)), IN_WINDOW, false, null).rollsNodes()).isFalse();
    }

    @Test
    void heldByTheLimit_keepsThePreviousMemory_andWritesNothing() {
        Decision roll = decide(shoot(nodes(Condition.PROGRESSING)), IN_WINDOW, false, null);

        Decision held = roll.heldByLimit("a roll slot", MAX_BACKOFF, Memory.NONE);

        assertThat(held.operation()).isNull();
        assertThat(held.event()).isNull();
        assertThat(held.phase()).isEqualTo(Phase.ROLL_NODES);
        assertThat(held.hold()).isEqualTo(Hold.LIMIT);
        assertThat(held.memory()).isEqualTo(Memory.NONE);
    }

    private static void dualStack(Shoot shoot) {
        Networking networking = new Networking();
        networking.setIpFamilies(List.of("IPv4", "IPv6"));
        shoot.getSpec().setNetworking(networking);
    }

    private static Decision decide(Shoot shoot, Instant now, boolean paused, LabelSelector wave) {
        return Orchestration.decide(new Orchestration.Input(shoot, now, new Orchestration.Settings(RECHECK, MAX_BACKOFF, paused, wave),
                Memory.NONE));
    }
}
