package io.github.shootdualstack.migration;

import io.github.shootdualstack.migration.Orchestration.Decision;
import io.github.shootdualstack.migration.Orchestration.Memory;
import io.github.shootdualstack.migration.Orchestration.Phase;
import io.github.shootdualstack.shoot.Condition;
import io.github.shootdualstack.shoot.LastOperation;
import io.github.shootdualstack.shoot.Maintenance;
import io.github.shootdualstack.shoot.Provider;
import io.github.shootdualstack.shoot.Shoot;
import io.github.shootdualstack.shoot.ShootSpec;
import io.github.shootdualstack.shoot.ShootStatus;
import io.github.shootdualstack.shoot.TimeWindow;
import io.github.shootdualstack.shoot.Worker;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class OrchestrationTest {

    private static final Orchestration.Settings SETTINGS = new Orchestration.Settings(Duration.ofSeconds(30), Duration.ofMinutes(5));
    /** Inside the window 22:00-23:00 UTC. */
    static final Instant IN_WINDOW = Instant.parse("2026-12-06T22:10:00Z");
    static final Instant OUT_OF_WINDOW = Instant.parse("2026-12-06T12:00:00Z");

    @Test
    void notMigrating_noTrigger_noRecheck() {
        Decision decision = decide(shoot(), IN_WINDOW, Memory.NONE);

        assertThat(decision.operation()).isNull();
        assertThat(decision.phase()).isNull();
        assertThat(decision.recheck()).isNull();
    }

    @Test
    void nodesProgressing_inTheWindow_requestsTheRollOfAllPools() {
        Decision decision = decide(shoot(nodes(Condition.PROGRESSING)), IN_WINDOW, Memory.NONE);

        assertThat(decision.operation()).isEqualTo("rollout-workers=worker-a,worker-b");
        assertThat(decision.current()).isNull();
        assertThat(decision.event().reason()).isEqualTo(Orchestration.ROLLOUT_REQUESTED);
        assertThat(decision.event().message()).contains("garden-dev/demo", "worker-a, worker-b");
        assertThat(decision.memory().rollRequested()).isTrue();
        assertThat(decision.takeRequest()).isFalse();
    }

    @Test
    void nodesProgressing_withoutWorkerPools_nothingToRoll_requestsAReconcile() {
        Shoot workerless = shoot(nodes(Condition.PROGRESSING));
        workerless.getSpec().getProvider().setWorkers(List.of());

        Decision decision = decide(workerless, IN_WINDOW, Memory.NONE);

        assertThat(decision.operation()).isEqualTo("reconcile");
        assertThat(decision.event().reason()).isEqualTo(Orchestration.RECONCILE_REQUESTED);
        Decision again = decide(workerless, IN_WINDOW.plusSeconds(1), decision.memory());
        assertThat(again.operation()).as("its reconcile left the constraint as it was: the back-off").isNull();
    }

    @Test
    void afterTheRollAskedFor_aViewOfTheShootFromBeforeItsReconcile_getsNoTrigger() {
        Decision roll = decide(shoot(nodes(Condition.PROGRESSING)), IN_WINDOW, Memory.NONE);

        Decision stale = decide(shoot(nodes(Condition.PROGRESSING)), IN_WINDOW.plusMillis(100), roll.memory());

        assertThat(stale.operation()).as("the roll asked for moves no constraint by itself").isNull();
        assertThat(stale.phase()).isEqualTo(Phase.NODES_ROLLED);
    }

    @Test
    void nodesProgressing_outsideTheWindow_waitsForIt() {
        Decision decision = decide(shoot(nodes(Condition.PROGRESSING)), OUT_OF_WINDOW, Memory.NONE);

        assertThat(decision.operation()).isNull();
        assertThat(decision.phase()).isEqualTo(Phase.ROLL_NODES);
        assertThat(decision.waiting()).contains("maintenance window 22:00-23:00");
        assertThat(decision.recheck()).isEqualTo(Duration.ofHours(10));
    }

    @Test
    void nodesProgressing_outsideTheWindow_migrateNow_rollsAtOnce_andTakesTheRequest() {
        Shoot shoot = shoot(nodes(Condition.PROGRESSING));
        shoot.getMetadata().getAnnotations().put(Migration.REQUEST_ANNOTATION, Migration.REQUEST_MIGRATE_NOW);

        Decision decision = decide(shoot, OUT_OF_WINDOW, Memory.NONE);

        assertThat(decision.operation()).isEqualTo("rollout-workers=worker-a,worker-b");
        assertThat(decision.takeRequest()).isTrue();
    }

    @Test
    void anotherOperationOnTheShoot_isKept_joinedBySemicolon_andTestedForByItsValue() {
        Shoot shoot = shoot(nodes(Condition.PROGRESSING));
        shoot.getMetadata().getAnnotations().put("gardener.cloud/operation", "rotate-ssh-keypair");

        Decision decision = decide(shoot, IN_WINDOW, Memory.NONE);

        assertThat(decision.operation()).isEqualTo("rotate-ssh-keypair;rollout-workers=worker-a,worker-b");
        assertThat(decision.current()).isEqualTo("rotate-ssh-keypair");
    }

    @Test
    void aReconcileRunning_orPending_orAGenerationNotObserved_getsNoTrigger() {
        Shoot running = shoot(nodes(Condition.TRUE));
        running.getStatus().getLastOperation().setState(LastOperation.STATE_PROCESSING);
        Shoot requested = shoot(nodes(Condition.TRUE));
        requested.getMetadata().getAnnotations().put("gardener.cloud/operation", "rotate-ssh-keypair;reconcile");
        Shoot rolling = shoot(nodes(Condition.TRUE));
        rolling.getMetadata().getAnnotations().put("gardener.cloud/operation", "rollout-workers=worker-a");
        Shoot newGeneration = shoot(nodes(Condition.TRUE));
        newGeneration.getMetadata().setGeneration(8L);
        Shoot pendingRollout = shoot(nodes(Condition.PROGRESSING));
        pendingRollout.getStatus().setAdditionalProperty("manualWorkerPoolRollout", Map.of("pendingWorkersRollouts", List.of(Map.of("name", "worker-a"))));

        for (Shoot shoot : List.of(running, requested, rolling, newGeneration, pendingRollout)) {
            Decision decision = decide(shoot, IN_WINDOW, Memory.NONE);
            assertThat(decision.operation()).isNull();
            assertThat(decision.waiting()).isNotNull();
            assertThat(decision.recheck()).isEqualTo(SETTINGS.recheckInterval());
        }
    }

    @Test
    void nodesStillProgressing_afterTheRequestedRoll_requestsAReconcile() {
        Memory rolled = new Memory(IN_WINDOW.minusSeconds(60), IN_WINDOW.minusSeconds(60), true, null);

        Decision decision = decide(shoot(nodes(Condition.PROGRESSING)), IN_WINDOW, rolled);

        assertThat(decision.phase()).isEqualTo(Phase.NODES_ROLLED);
        assertThat(decision.operation()).isEqualTo("reconcile");
        assertThat(decision.event().reason()).isEqualTo(Orchestration.RECONCILE_REQUESTED);
    }

    @Test
    void nodesTrue_requestsAReconcile_outsideTheWindowToo() {
        Decision decision = decide(shoot(nodes(Condition.TRUE)), OUT_OF_WINDOW, Memory.NONE);

        assertThat(decision.phase()).isEqualTo(Phase.NODES_MIGRATED);
        assertThat(decision.operation()).isEqualTo("reconcile");
    }

    @Test
    void dnsProgressingOrTrue_requestsAReconcile() {
        for (String status : List.of(Condition.PROGRESSING, Condition.TRUE)) {
            Decision decision = decide(shoot(dns(status)), IN_WINDOW, Memory.NONE);
            assertThat(decision.phase()).isEqualTo(Phase.DNS);
            assertThat(decision.operation()).isEqualTo("reconcile");
        }
    }

    @Test
    void aHibernatedShoot_getsNoTrigger_untilItWakesUp() {
        Shoot shoot = shoot(nodes(Condition.PROGRESSING));
        shoot.getSpec().setHibernation(new io.github.shootdualstack.shoot.Hibernation());
        shoot.getSpec().getHibernation().setEnabled(true);

        Decision decision = decide(shoot, IN_WINDOW, Memory.NONE);

        assertThat(decision.operation()).isNull();
        assertThat(decision.waiting()).contains("hibernation");
        assertThat(decision.recheck()).as("its wake-up is a change of the Shoot").isNull();
    }

    @Test
    void nodesFalse_isGardenletsToChange_noTrigger() {
        Decision decision = decide(shoot(nodes("False")), IN_WINDOW, Memory.NONE);

        assertThat(decision.operation()).isNull();
        assertThat(decision.recheck()).isEqualTo(SETTINGS.maxBackoff());
    }

    @Test
    void aReconcileThatMovedTheConstraints_isFollowedAtOnce() {
        Memory rolled = decide(shoot(nodes(Condition.PROGRESSING)), IN_WINDOW, Memory.NONE).memory();

        Decision next = decide(shoot(nodes(Condition.TRUE)), IN_WINDOW.plusSeconds(1), rolled);

        assertThat(next.operation()).as("gardenlet's reconcile finished and moved the nodes constraint").isEqualTo("reconcile");
        assertThat(next.memory().constraintsSince()).isEqualTo(IN_WINDOW.plusSeconds(1));
    }

    @Test
    void aReconcileThatLeftTheConstraintsAsTheyWere_isFollowedOnlyAfterTheRecheckInterval() {
        Memory dnsProgressing = decide(shoot(dns(Condition.PROGRESSING)), IN_WINDOW, Memory.NONE).memory();

        Decision tooSoon = decide(shoot(dns(Condition.PROGRESSING)), IN_WINDOW.plusSeconds(10), dnsProgressing);
        Decision moved = decide(shoot(dns(Condition.TRUE)), IN_WINDOW.plusSeconds(10), dnsProgressing);

        assertThat(tooSoon.operation()).isNull();
        assertThat(tooSoon.recheck()).isEqualTo(Duration.ofSeconds(20));
        assertThat(moved.operation()).as("DNS Progressing to True, in the same phase").isEqualTo("reconcile");
    }

    @Test
    void aPhaseThatDoesNotMove_isTriggeredAgainLessAndLessOften_upToTheMaxBackoff() {
        Instant start = IN_WINDOW;
        Memory memory = Memory.NONE;
        Instant now = start;
        List<Duration> gaps = new ArrayList<>();
        Instant last = null;
        while (now.isBefore(start.plus(Duration.ofMinutes(40)))) {
            Decision decision = decide(shoot(dns(Condition.PROGRESSING)), now, memory);
            if (decision.operation() != null) {
                if (last != null) {
                    gaps.add(Duration.between(last, now));
                }
                last = now;
            }
            memory = decision.memory();
            now = now.plusSeconds(5);
        }

        assertThat(gaps.get(0)).isEqualTo(Duration.ofSeconds(30));
        assertThat(gaps).isSorted();
        assertThat(gaps.get(gaps.size() - 1)).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void theEndOfAMigration_forgetsIt() {
        Memory memory = new Memory(IN_WINDOW, IN_WINDOW, true, null);

        assertThat(decide(shoot(), IN_WINDOW, memory).memory()).isEqualTo(Memory.NONE);
    }

    private static Decision decide(Shoot shoot, Instant now, Memory memory) {
        return Orchestration.decide(new Orchestration.Input(shoot, now, SETTINGS, memory));
    }

    static Shoot shoot(Condition... constraints) {
        Shoot shoot = new Shoot();
        ObjectMeta metadata = new ObjectMeta();
        metadata.setNamespace("garden-dev");
        metadata.setName("demo");
        metadata.setGeneration(7L);
        metadata.setAnnotations(new HashMap<>());
        shoot.setMetadata(metadata);
        ShootSpec spec = new ShootSpec();
        Provider provider = new Provider();
        provider.setWorkers(List.of(worker("worker-a"), worker("worker-b")));
        spec.setProvider(provider);
        Maintenance maintenance = new Maintenance();
        TimeWindow window = new TimeWindow();
        window.setBegin("220000+0000");
        window.setEnd("230000+0000");
        maintenance.setTimeWindow(window);
        spec.setMaintenance(maintenance);
        shoot.setSpec(spec);
        ShootStatus status = new ShootStatus();
        status.setObservedGeneration(7L);
        LastOperation last = new LastOperation();
        last.setType("Reconcile");
        last.setState(LastOperation.STATE_SUCCEEDED);
        status.setLastOperation(last);
        status.setConstraints(constraints.length == 0 ? null : List.of(constraints));
        shoot.setStatus(status);
        return shoot;
    }

    private static Worker worker(String name) {
        Worker worker = new Worker();
        worker.setName(name);
        return worker;
    }

    static Condition nodes(String status) {
        return condition(Conditions.NODES_TYPE, status);
    }

    static Condition dns(String status) {
        return condition(Conditions.DNS_TYPE, status);
    }

    private static Condition condition(String type, String status) {
        Condition condition = new Condition();
        condition.setType(type);
        condition.setStatus(status);
        return condition;
    }
}
