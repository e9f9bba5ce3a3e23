package io.github.shootdualstack.migration;

import io.github.shootdualstack.shoot.Condition;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.github.shootdualstack.migration.Conditions.DNS_TYPE;
import static io.github.shootdualstack.migration.Conditions.NODES_TYPE;
import static io.github.shootdualstack.migration.MigrationAssertions.assertThat;

/**
 * Gardener condition semantics on the constraints, and the last operation's time: lastTransitionTime
 * moves only when the status flips, lastUpdateTime only when reason or message change.
 */
class ConditionTimestampsTest {

    @Test
    void constraintAdded_bothTimesAreNow() {
        World world = World.ipv4Shoot().walkTo(Step.INFRASTRUCTURE);

        assertThat(times(world, NODES_TYPE)).containsExactly("2024-05-06T10:00:00Z", "2024-05-06T10:00:00Z");
    }

    @Test
    void sameStatusAndMessage_keepsBothTimes() {
        World world = World.ipv4Shoot().walkTo(Step.CONTROL_PLANE);

        assertThat(world.record().getStep()).isEqualTo("ControlPlane");
        assertThat(times(world, NODES_TYPE)).containsExactly("2024-05-06T10:00:00Z", "2024-05-06T10:00:00Z");
    }

    @Test
    void messageChanges_onlyLastUpdateTimeMoves() {
        World world = World.ipv4Shoot().walkTo(Step.NODES);
        assertThat(times(world, NODES_TYPE)).containsExactly("2024-05-06T10:00:00Z", "2024-05-06T10:02:00Z");

        world.later(60).nodes(1, 3);
        world.reconcile();

        assertThat(constraint(world, NODES_TYPE).getMessage()).isEqualTo("1 of 3 nodes have IPv4 and IPv6 pod CIDRs");
        assertThat(times(world, NODES_TYPE)).containsExactly("2024-05-06T10:00:00Z", "2024-05-06T10:03:00Z");

        world.later(60).reconcile();
        assertThat(times(world, NODES_TYPE)).as("nothing changed").containsExactly("2024-05-06T10:00:00Z", "2024-05-06T10:03:00Z");
    }

    @Test
    void statusFlips_bothTimesMove() {
        World world = World.ipv4Shoot().walkTo(Step.NETWORK);

        assertThat(constraint(world, NODES_TYPE).getStatus()).isEqualTo(Condition.TRUE);
        assertThat(times(world, NODES_TYPE)).containsExactly("2024-05-06T10:03:00Z", "2024-05-06T10:03:00Z");
    }

    @Test
    void dnsConstraint_addedAtCoreDns_flipsToTrueAtKubeDns() {
        World world = World.ipv4Shoot().walkTo(Step.CORE_DNS);
        assertThat(times(world, DNS_TYPE)).containsExactly("2024-05-06T10:04:00Z", "2024-05-06T10:04:00Z");

        world.later(60).coreDnsPodsDualStack();
        world.reconcile();

        assertThat(constraint(world, DNS_TYPE).getStatus()).isEqualTo(Condition.TRUE);
        assertThat(times(world, DNS_TYPE)).containsExactly("2024-05-06T10:05:00Z", "2024-05-06T10:05:00Z");
    }

    @Test
    void constraintsOfOtherTypes_stayUntouchedAndInPlace_alsoAfterCompletion() {
        World world = World.ipv4Shoot();
        Condition hibernation = new Condition("HibernationPossible", "True", "NoProblematicWebhooks", "All webhooks are properly configured.");
        hibernation.setLastTransitionTime("2024-04-01T00:00:00Z");
        hibernation.setLastUpdateTime("2024-04-02T00:00:00Z");
        hibernation.setCodes(List.of("ERR_CONFIGURATION_PROBLEM"));
        world.status().setConstraints(List.of(hibernation));
        String before = World.json(hibernation);

        world.walkTo(Step.NODES);
        assertThat(world.status().getConstraints()).extracting(Condition::getType)
                .containsExactly("HibernationPossible", NODES_TYPE);
        assertThat(World.json(world.status().getConstraints().get(0))).isEqualTo(before);

        world.later(60).allNodesMigrated().reconcile();
        world.later(60).controlPlaneReconcilesAfterTheNetwork();
        world.reconcile();
        world.later(60).coreDnsPodsDualStack().reconcile();
        world.later(60).reconcile();

        assertThat(world.record().getCompletedAt()).isNotNull();
        assertThat(world.status().getConstraints()).extracting(Condition::getType).containsExactly("HibernationPossible");
        assertThat(World.json(world.status().getConstraints().get(0))).isEqualTo(before);
    }

    @Test
    void lastOperationUnchanged_keepsItsLastUpdateTime() {
        World world = World.ipv4Shoot().walkTo(Step.CONTROL_PLANE);
        world.later(60).controlPlane.processes();

        assertThat(world.reconcile().status().getLastOperation().getLastUpdateTime()).isEqualTo("2024-05-06T10:01:00Z");
    }

    @Test
    void lastOperationProgressMoves_lastUpdateTimeMoves() {
        World world = World.ipv4Shoot().walkTo(Step.NODES);
        world.later(60).nodes(2, 3);

        Decision decision = world.reconcile();

        assertThat(decision.status().getLastOperation().getProgress()).isEqualTo(51);
        assertThat(decision.status().getLastOperation().getLastUpdateTime()).isEqualTo("2024-05-06T10:03:00Z");
    }

    @Test
    void lastOperationsOwnUnknownFields_survive() {
        World world = World.ipv4Shoot();
        world.status().getLastOperation().setAdditionalProperty("gardenerOwned", "kept");
        world.requestDualStack();

        assertThat(world.decide().status().getLastOperation().additionalProperties()).containsEntry("gardenerOwned", "kept");
    }

    private static Condition constraint(World world, String type) {
        return Conditions.find(world.status().getConstraints(), type);
    }

    private static List<String> times(World world, String type) {
        Condition condition = constraint(world, type);
        assertThat(condition).as("constraint %s", type).isNotNull();
        return List.of(condition.getLastTransitionTime(), condition.getLastUpdateTime());
    }
}
