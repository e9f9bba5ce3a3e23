package io.github.shootdualstack.e2e;

import io.fabric8.kubernetes.api.model.authorization.v1.ResourceRuleBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.github.shootdualstack.garden.ExtensionKind;
import io.github.shootdualstack.operator.OperatorSettings;
import io.github.shootdualstack.operator.ShootOperator;
import io.github.shootdualstack.testing.Reconciles;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two operators on one garden elect a leader by a Lease: only the leader reconciles; when it stops
 * in the middle of a migration, the other takes over and completes it, restarting CoreDNS once.
 */
class LeaderElectionTest {

    static final String LEASE_NAMESPACE = "shoot-dualstack-system";

    MigrationHarness world;
    Map<String, ShootOperator> operators;

    @BeforeEach
    void gardenWithTwoOperators() {
        world = MigrationHarness.twoPools();
        world.answerRulesReviews(List.of(new ResourceRuleBuilder().withApiGroups("coordination.k8s.io")
                .withResources("leases").withVerbs("get", "create", "update", "patch").build()));
        operators = Map.of("op-a", start("op-a"), "op-b", start("op-b"));
    }

    @AfterEach
    void stop() {
        operators.values().forEach(ShootOperator::close);
        world.close();
    }

    @Test
    void onlyTheLeaderReconciles_andWhenItStopsMidMigrationTheOtherCompletesIt_withOneCoreDnsRestart() {
        await().atMost(MigrationHarness.TIMEOUT)
                .until(() -> operators.values().stream().allMatch(ShootOperator::ready) && holder() != null);
        String leaderName = holder();
        String followerName = leaderName.equals("op-a") ? "op-b" : "op-a";
        ShootOperator leader = operators.get(leaderName);
        ShootOperator follower = operators.get(followerName);

        world.requestDualStack();
        world.awaitStep("Nodes");

        assertThat(Reconciles.started(leader)).as("reconciles of the leader %s", leaderName).isPositive();
        assertThat(Reconciles.started(follower)).as("reconciles of the standby %s", followerName).isZero();
        assertThat(follower.ready()).as("the standby watches, ready to take over").isTrue();
        assertThat(holder()).isEqualTo(leaderName);

        leader.close();
        world.annotate(ExtensionKind.OPERATION_ANNOTATION, "rollout-workers=*");
        world.awaitCompleted();

        assertThat(holder()).isEqualTo(followerName);
        assertThat(Reconciles.started(follower)).as("reconciles of %s after it took over", followerName).isPositive();
        assertThat(world.record().getSteps()).extracting(step -> step.getName())
                .containsExactly("Infrastructure", "ControlPlane", "Nodes", "Network", "CoreDNS", "KubeDNS");
        assertThat(world.local.simulator(world.landscape).coreDnsRollouts()).isEqualTo(1);
    }

    private ShootOperator start(String identity) {
        OperatorSettings settings = OperatorSettings.defaults().withMigration(MigrationHarness.FAST)
                .withLeaderElection(MigrationHarness.shortLease(LEASE_NAMESPACE, identity));
        return new ShootOperator(world.gardenClient().getConfiguration(), settings.withAllowInsecureShootConnections(true)).start();
    }

    private String holder() {
        Lease lease = world.gardenClient().resources(Lease.class).inNamespace(LEASE_NAMESPACE)
                .withName("shoot-dualstack-operator").get();
        return lease == null ? null : lease.getSpec().getHolderIdentity();
    }
}
