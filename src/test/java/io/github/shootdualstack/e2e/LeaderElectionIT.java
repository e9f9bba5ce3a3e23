package io.github.shootdualstack.e2e;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.github.shootdualstack.garden.ExtensionKind;
import io.github.shootdualstack.operator.ShootOperator;
import io.github.shootdualstack.testing.Reconciles;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Leader election on a real API server's Leases: only the leader reconciles, and the standby takes over when it stops. */
class LeaderElectionIT {

    private static final String LEASE_NAMESPACE = "leader-election";

    @Test
    void theStandbyTakesOverTheLeaseWhenTheLeaderStops_andCompletesTheMigration() {
        try (RealMigrationHarness world = new RealMigrationHarness("leader-election")) {
            if (world.garden.client().namespaces().withName(LEASE_NAMESPACE).get() == null) {
                world.garden.client().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(LEASE_NAMESPACE)
                        .endMetadata().build()).create();
            }
            Map<String, ShootOperator> operators = Map.of("op-a", start(world, "op-a"), "op-b", start(world, "op-b"));
            await().atMost(RealMigrationHarness.TIMEOUT)
                    .until(() -> operators.values().stream().allMatch(ShootOperator::ready) && holder(world) != null);
            String leaderName = holder(world);
            String standbyName = leaderName.equals("op-a") ? "op-b" : "op-a";
            ShootOperator leader = operators.get(leaderName);
            ShootOperator standby = operators.get(standbyName);

            world.requestDualStack();
            world.awaitStep("Nodes");
            assertThat(Reconciles.started(leader)).as("reconciles of the leader %s", leaderName).isPositive();
            assertThat(Reconciles.started(standby)).as("reconciles of the standby %s", standbyName).isZero();

            leader.close();
            await().atMost(RealMigrationHarness.TIMEOUT).until(() -> standbyName.equals(holder(world)));
            world.annotate(ExtensionKind.OPERATION_ANNOTATION, "rollout-workers=*");
            world.awaitCompleted();

            assertThat(Reconciles.started(standby)).as("reconciles of %s after it took over", standbyName).isPositive();
            assertThat(world.local.simulator(world.landscape).coreDnsRollouts()).isEqualTo(1);
        }
    }

    private static ShootOperator start(RealMigrationHarness world, String identity) {
        return world.startOperator(world.garden.config(),
                world.settings(false).withLeaderElection(MigrationHarness.shortLease(LEASE_NAMESPACE, identity)));
    }

    private static String holder(RealMigrationHarness world) {
        Lease lease = world.garden.client().resources(Lease.class).inNamespace(LEASE_NAMESPACE)
                .withName("shoot-dualstack-operator").get();
        return lease == null ? null : lease.getSpec().getHolderIdentity();
    }
}
