package io.github.shootdualstack.migration;

import io.github.shootdualstack.migration.Action.EnableDualStackNetwork;
import io.github.shootdualstack.migration.Action.RollWorkers;
import io.github.shootdualstack.migration.Action.Trigger;
import io.github.shootdualstack.migration.Decision.Event;
import io.github.shootdualstack.shoot.Condition;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static io.github.shootdualstack.migration.Conditions.NODES_TYPE;
import static io.github.shootdualstack.migration.MigrationAssertions.assertThat;
import static io.github.shootdualstack.migration.World.DUAL;
import static io.github.shootdualstack.migration.World.node;

/** Step 4: the nodes are rolled (by the user or by annotation) until each has pod CIDRs of both families. */
class NodesStepTest {

    /** When the migration started and the nodes constraint became Progressing. */
    static final String STARTED = "2024-05-06T10:00:00Z";

    static final String HINT = "; roll them, or annotate the Shoot with gardener.cloud/operation=rollout-workers=<pool>[,<pool>] or =*";

    static World atNodes() {
        return World.ipv4Shoot().walkTo(Step.NODES).later(30);
    }

    @Test
    void firstLookWithoutTheShootCluster_asksForIt() {
        World world = atNodes();

        Decision decision = Migration.decide(new Migration.Input(world.shoot, world.gardenFacts(), null, null, world.now, world.settings));

        assertThat(decision).isAt(Step.NODES).hasNoActions();
        assertThat(decision.needsShoot()).isTrue();
    }

    @Test
    void twoOfFiveNodesMigrated_staysProgressingWithCount() {
        World world = atNodes().nodes(2, 5);

        assertThat(world.decide()).isAt(Step.NODES).hasNoActions().hasNoEvents().rechecksAfter(Duration.ofSeconds(30))
                .hasConstraint(NODES_TYPE, Condition.PROGRESSING, "NodesNotMigrated", "2 of 5 nodes have IPv4 and IPv6 pod CIDRs")
                .isProcessing(45, "Step 4/7 Nodes: waiting for the nodes to be rolled: 2 of 5 nodes have IPv4 and IPv6 pod CIDRs" + HINT);
    }

    @Test
    void nodeWithTwoIpv4PodCidrs_isNotMigrated() {
        World world = atNodes().nodes(
                node("node-a-1", "100.96.0.0/24", "fd00:96::/64"),
                node("node-a-2", "100.96.1.0/24", "100.97.1.0/24"));

        assertThat(world.decide()).isAt(Step.NODES)
                .hasConstraint(NODES_TYPE, Condition.PROGRESSING, "NodesNotMigrated", "1 of 2 nodes have IPv4 and IPv6 pod CIDRs")
                .isProcessing(47, "Step 4/7 Nodes: waiting for the nodes to be rolled: 1 of 2 nodes have IPv4 and IPv6 pod CIDRs" + HINT);
    }

    @Test
    void nodeWithOnlyAnIpv6PodCidr_isNotMigrated() {
        World world = atNodes().nodes(node("node-a-1", "fd00:96::/64"), node("node-a-2", "100.96.1.0/24", "fd00:96:0:1::/64"));

        assertThat(world.decide()).isAt(Step.NODES)
                .hasConstraint(NODES_TYPE, Condition.PROGRESSING, "NodesNotMigrated", "1 of 2 nodes have IPv4 and IPv6 pod CIDRs");
    }

    @Test
    void allNodesMigrated_nodesTrue_networkSpecSet_theControlPlaneFollowsOnceTheNetworkRunsIt() {
        World world = atNodes().allNodesMigrated();

        Decision decision = world.decide();

        assertThat(decision).isAt(Step.NETWORK)
                .hasActions(new EnableDualStackNetwork(DUAL))
                .hasConstraint(NODES_TYPE, Condition.TRUE, "NodesMigrated", "every node has IPv4 and IPv6 pod CIDRs")
                .hasNoConstraint(Conditions.DNS_TYPE)
                .hasEvents(Event.normal("DualStackMigrationStep", "Step 5/7 Network started"))
                .isProcessing(60, "Step 5/7 Network: waiting for Network shoot--dev--prod/prod to run [IPv4, IPv6]");
        assertThat(decision.status().getDualStackMigration().getSteps().get(3).getTriggeredAt()).isEqualTo("2024-05-06T10:02:30Z");
    }

    @Test
    void rolloutWorkersForOnePool_rollsThatPool() {
        World world = atNodes().operation("rollout-workers=pool-a");

        assertThat(world.decide()).isAt(Step.NODES).hasActions(new RollWorkers(List.of("pool-a"), STARTED))
                .isProcessing(35, "Step 4/7 Nodes: waiting for the nodes to be rolled: 0 of 3 nodes have IPv4 and IPv6 pod CIDRs" + HINT);
    }

    @Test
    void rolloutWorkersForTwoPools_rollsBothInTheGivenOrder() {
        World world = atNodes().operation("rollout-workers=pool-b, pool-a");

        assertThat(world.decide()).hasActions(new RollWorkers(List.of("pool-b", "pool-a"), STARTED));
    }

    @Test
    void rolloutWorkersForAll_rollsEveryPoolWithAMachineDeployment() {
        World world = atNodes().pool("pool-c", 4).operation("rollout-workers=*");

        assertThat(world.decide()).hasActions(new RollWorkers(List.of("pool-a", "pool-b", "pool-c"), STARTED));
    }

    @Test
    void rolloutWorkersRequest_isNamedByWhenTheNodesConstraintBecameProgressing_soARepeatWritesTheSameTemplate() {
        World world = atNodes().operation("rollout-workers=pool-a");
        world.shoot.getMetadata().setResourceVersion("4711");

        assertThat(world.decide()).hasActions(new RollWorkers(List.of("pool-a"), STARTED));
        world.shoot.getMetadata().setResourceVersion("4712");
        assertThat(world.later(5).decide()).as("the annotation's removal not seen yet, the Shoot written meanwhile")
                .hasActions(new RollWorkers(List.of("pool-a"), STARTED));
    }

    @Test
    void rolloutWorkersRequestCarriedOut_nextReconcileRollsNothingMore() {
        World world = atNodes().operation("rollout-workers=*");
        world.reconcile();

        assertThat(world.operation()).isNull();
        assertThat(world.later(30).decide()).hasNoActions();
    }

    @Test
    void rolloutWorkersForAnUnknownPool_isBlockedNamingIt() {
        World world = atNodes().operation("rollout-workers=pool-a,pool-x");
        String blocked = "Step 4/7 Nodes: annotation gardener.cloud/operation=rollout-workers=pool-a,pool-x names no known"
                + " worker pool (unknown: pool-x); pools with a MachineDeployment: pool-a, pool-b";

        assertThat(world.decide()).isAt(Step.NODES).hasNoActions().isBlocked(35, blocked)
                .hasEvents(Event.warning("DualStackMigrationBlocked", blocked))
                .hasConstraint(NODES_TYPE, Condition.PROGRESSING, "NodesNotMigrated", "0 of 3 nodes have IPv4 and IPv6 pod CIDRs");
    }

    @Test
    void otherOperationAnnotation_isNotARolloutRequest() {
        World world = atNodes().operation("retry");

        assertThat(world.decide()).isAt(Step.NODES).hasNoActions().changesNothingOn(world.shoot);
    }

    @Test
    void shootClusterWithoutNodes_isBlocked_keepingTheLastCount() {
        World world = atNodes().nodes();

        assertThat(world.decide()).isAt(Step.NODES).hasNoActions()
                .isBlocked(35, "Step 4/7 Nodes: the shoot cluster has no Nodes")
                .hasConstraint(NODES_TYPE, Condition.PROGRESSING, "NodesNotMigrated", "0 of 3 nodes have IPv4 and IPv6 pod CIDRs");
    }

    @Test
    void malformedPodCidrOnANode_isBlockedNamingNodeAndValue() {
        World world = atNodes().nodes(node("node-a-1", "100.96.0.0/24", "fd00:96::/64"), node("node-b-1", "100.96.2.0/24", "fd00:96:2::/6x"));

        assertThat(world.decide()).isAt(Step.NODES).hasNoActions()
                .isBlocked(47, "Step 4/7 Nodes: Node node-b-1 spec.podCIDRs has a malformed entry \"fd00:96:2::/6x\"")
                .hasConstraint(NODES_TYPE, Condition.PROGRESSING, "NodesNotMigrated", "1 of 2 nodes have IPv4 and IPv6 pod CIDRs");
    }

    @Test
    void shootClusterUnreachable_isBlockedWithTheProblem_andNothingIsRolled() {
        World world = atNodes().operation("rollout-workers=*")
                .shootUnreachable("Secret garden-dev/prod.kubeconfig has no key \"kubeconfig\"");
        String blocked = "Step 4/7 Nodes: Secret garden-dev/prod.kubeconfig has no key \"kubeconfig\"";

        assertThat(world.decide()).isAt(Step.NODES).hasNoActions().isBlocked(35, blocked)
                .hasEvents(Event.warning("DualStackMigrationBlocked", blocked))
                .hasConstraint(NODES_TYPE, Condition.PROGRESSING, "NodesNotMigrated", "0 of 3 nodes have IPv4 and IPv6 pod CIDRs");
    }

    @Test
    void shootClusterReachableAgain_carriesOnWhereTheWorldStands() {
        World world = atNodes().shootUnreachable("Get \"https://api.prod.dev.local\": connect timed out");
        world.reconcile();
        world.later(60).allNodesMigrated().shootProblem = null;

        assertThat(world.reconcile()).isAt(Step.NETWORK)
                .hasConstraint(NODES_TYPE, Condition.TRUE, "NodesMigrated")
                .isProcessing(60, "Step 5/7 Network: waiting for Network shoot--dev--prod/prod to run [IPv4, IPv6]");
    }
}
