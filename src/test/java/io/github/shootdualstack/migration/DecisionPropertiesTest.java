package io.github.shootdualstack.migration;

import io.github.shootdualstack.shoot.Condition;
import io.github.shootdualstack.shoot.LastOperation;
import io.github.shootdualstack.shoot.Shoot;
import io.github.shootdualstack.shoot.ShootStatus;
import io.fabric8.kubernetes.client.utils.Serialization;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

import java.util.List;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The pure decision over generated walks: a Shoot asks for dual-stack, and the world then changes in
 * any order (extensions succeed, fail or stall, nodes and CoreDNS change, the record is lost, the last
 * operation is rewritten by another controller, the operator restarts, time passes), with a reconcile
 * after each change. Along any walk the decision never throws, never changes its input, writes only
 * what it owns, and asks for the CoreDNS restart at most once.
 */
class DecisionPropertiesTest {

    /** One change of the world between two reconciles. */
    enum Change {
        SECONDS_PASS(w -> w.later(10)),
        MINUTES_PASS(w -> w.later(300)),
        INFRASTRUCTURE_ALLOCATES_IPV6(World::infrastructureAllocatesIpv6),
        INFRASTRUCTURE_PROCESSES(w -> w.infrastructure.processes()),
        INFRASTRUCTURE_FAILS(w -> w.infrastructure.fails("quota exceeded")),
        CONTROL_PLANE_SUCCEEDS(w -> w.controlPlane.succeeds()),
        CONTROL_PLANE_FAILS(w -> w.controlPlane.fails("webhook timed out")),
        NETWORK_RUNS_DUAL_STACK(World::networkRunsDualStack),
        NETWORK_FAILS(w -> w.network.fails("cni crashed")),
        SOME_NODES_ROLLED(w -> w.nodes(1, 3)),
        ALL_NODES_ROLLED(World::allNodesMigrated),
        ROLLOUT_REQUESTED(w -> w.operation("rollout-workers=*")),
        UNKNOWN_POOL_REQUESTED(w -> w.operation("rollout-workers=pool-z")),
        COREDNS_DUAL_STACK(World::coreDnsPodsDualStack),
        SHOOT_UNREACHABLE(w -> w.shootUnreachable("could not reach the shoot cluster")),
        SHOOT_REACHABLE(w -> w.shootProblem = null),
        HIBERNATED(w -> w.hibernated(true)),
        WOKEN_UP(w -> w.hibernated(false)),
        RECORD_LOST(w -> {
            if (w.status() != null) {
                w.status().setDualStackMigration(null);
            }
        }),
        LAST_OPERATION_REWRITTEN(w -> {
            if (w.status() != null) {
                LastOperation other = new LastOperation();
                other.setType("Reconcile");
                other.setState("Succeeded");
                other.setProgress(100);
                other.setDescription("Shoot cluster has been successfully reconciled.");
                w.status().setLastOperation(other);
            }
        }),
        OPERATOR_RESTARTED(w -> w.memory = Migration.Memory.NONE);

        private final Consumer<World> apply;

        Change(Consumer<World> apply) {
            this.apply = apply;
        }
    }

    /** Walks in which the world mostly answers the migration, so that many of them reach its last steps. */
    @Provide
    Arbitrary<List<Change>> walks() {
        List<Change> answers = List.of(Change.INFRASTRUCTURE_ALLOCATES_IPV6, Change.CONTROL_PLANE_SUCCEEDS, Change.ALL_NODES_ROLLED,
                Change.ROLLOUT_REQUESTED, Change.NETWORK_RUNS_DUAL_STACK, Change.COREDNS_DUAL_STACK, Change.SHOOT_REACHABLE,
                Change.WOKEN_UP, Change.SECONDS_PASS);
        List<net.jqwik.api.Tuple.Tuple2<Integer, Change>> weighted = new java.util.ArrayList<>();
        for (Change change : Change.values()) {
            weighted.add(net.jqwik.api.Tuple.of(answers.contains(change) ? 8 : 1, change));
        }
        return Arbitraries.frequency(weighted.toArray(net.jqwik.api.Tuple.Tuple2[]::new)).list().ofMinSize(1).ofMaxSize(80);
    }

    @Property(tries = 300)
    void alongAnyWalk_noThrow_noSpecChange_onlyOwnedWrites_andCoreDnsRestartedAtMostOnce(@ForAll("walks") List<Change> walk) {
        World world = World.ipv4Shoot().requestDualStack();
        int restarts = 0;
        Step furthest = Step.INFRASTRUCTURE;
        for (Change change : walk) {
            change.apply.accept(world);
            String spec = Serialization.asJson(world.shoot.getSpec());
            String othersStatus = othersFields(world.shoot.getStatus());
            // World.decide() also asserts that the decision leaves its input Shoot alone
            Decision decision = world.reconcile();
            assertThat(othersFields(decision.status())).as("status fields the operator does not own").isEqualTo(othersStatus);
            if (decision.step() != null && decision.step().compareTo(furthest) > 0) {
                furthest = decision.step();
            }
            restarts += (int) decision.actions().stream().filter(action -> action instanceof Action.RestartCoreDns).count();
            assertThat(decision.status()).as("a status to write, always").isNotNull();
            assertThat(decision.recheck() == null || !decision.recheck().isNegative()).as("a recheck in the future").isTrue();
            assertThat(Serialization.asJson(world.shoot.getSpec())).as("the spec is never written").isEqualTo(spec);
        }
        assertThat(restarts).as("CoreDNS restarts along " + walk).isLessThanOrEqualTo(1);
        Statistics.label("furthest step").collect(furthest);
        Statistics.label("furthest step").coverage(coverage -> coverage.checkQuery(values -> ((Step) values.get(0)).compareTo(Step.CORE_DNS) >= 0)
                .percentage(percent -> percent >= 2.0));
    }

    /** The status without what the operator owns: its two constraints, the last operation, networking and the record. */
    private static String othersFields(ShootStatus status) {
        if (status == null) {
            return "{}";
        }
        ShootStatus others = Serialization.clone(status);
        others.setLastOperation(null);
        others.setNetworking(null);
        others.setDualStackMigration(null);
        List<Condition> foreign = others.getConstraints() == null ? List.of() : others.getConstraints().stream()
                .filter(c -> !Conditions.NODES_TYPE.equals(c.getType()) && !Conditions.DNS_TYPE.equals(c.getType())).toList();
        others.setConstraints(foreign.isEmpty() ? null : foreign);
        return Serialization.asJson(others);
    }

    @Property(tries = 100)
    void aWalkThatAnswersEveryStep_completesWithOneRestart_whateverIsLostOnTheWay(
            @ForAll("losses") List<Change> losses) {
        World world = World.ipv4Shoot().requestDualStack();
        List<Change> answers = List.of(Change.INFRASTRUCTURE_ALLOCATES_IPV6, Change.CONTROL_PLANE_SUCCEEDS,
                Change.ALL_NODES_ROLLED, Change.NETWORK_RUNS_DUAL_STACK, Change.CONTROL_PLANE_SUCCEEDS,
                Change.COREDNS_DUAL_STACK);
        int restarts = 0;
        Decision decision = world.reconcile();
        for (int i = 0; i < answers.size() * 4 && decision.step() != Step.COMPLETED; i++) {
            losses.get(i % losses.size()).apply.accept(world);
            answers.get(Math.min(i / 2, answers.size() - 1)).apply.accept(world);
            world.later(60);
            decision = world.reconcile();
            restarts += (int) decision.actions().stream().filter(action -> action instanceof Action.RestartCoreDns).count();
        }
        assertThat(decision.step()).as("completed despite " + losses).isEqualTo(Step.COMPLETED);
        assertThat(restarts).isEqualTo(1);
        assertThat(world.shoot).extracting(Shoot::getSpec).isNotNull();
    }

    @Provide
    Arbitrary<List<Change>> losses() {
        return Arbitraries.of(Change.RECORD_LOST, Change.LAST_OPERATION_REWRITTEN, Change.OPERATOR_RESTARTED, Change.SECONDS_PASS)
                .list().ofMinSize(1).ofMaxSize(10);
    }
}
