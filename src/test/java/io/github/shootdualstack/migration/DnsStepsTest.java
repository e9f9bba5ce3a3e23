package io.github.shootdualstack.migration;

import io.github.shootdualstack.migration.Action.PatchKubeDns;
import io.github.shootdualstack.migration.Action.RestartCoreDns;
import io.github.shootdualstack.migration.Decision.Event;
import io.github.shootdualstack.shoot.Condition;
import io.github.shootdualstack.shoot.LastOperation;
import io.github.shootdualstack.shoot.MigrationRecord;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.github.shootdualstack.migration.Conditions.DNS_TYPE;
import static io.github.shootdualstack.migration.Conditions.NODES_TYPE;
import static io.github.shootdualstack.migration.MigrationAssertions.assertThat;
import static io.github.shootdualstack.migration.World.pod;

/** Steps 6 and 7: CoreDNS is restarted once per migration, then kube-dns is patched in place. */
class DnsStepsTest {

    /** The Shoot's migration, named by the Shoot alone (the test Shoot has no UID: its namespace and name). */
    static final String RESTART_VALUE = "dual-stack-migration-garden-dev-prod";
    static final String KUBE_DNS_WAITING = "Step 7/7 KubeDNS: waiting for Service kube-system/kube-dns to get an IPv6 cluster IP";
    static final String REPORT = "dual-stack migration to [IPv4, IPv6] completed; new pods get both families;"
            + " 7 pods still have one address until they are recreated;"
            + " 2 Services are still single-stack until changed: default/web, shop/api";

    @Test
    void coreDnsRestart_carriesAValueNamingTheShootsMigration() {
        World world = World.ipv4Shoot().walkTo(Step.CORE_DNS);

        assertThat(world.coreDnsRestartedAt).isEqualTo(RESTART_VALUE);
    }

    @Test
    void coreDnsRestarted_podsStillRolling_noSecondRestart() {
        World world = World.ipv4Shoot().walkTo(Step.CORE_DNS);
        world.later(30).coreDnsPods(pod("coredns-1", "100.96.0.10"), pod("coredns-3", "100.96.0.11", "fd00:96::11"));

        assertThat(world.decide()).isAt(Step.CORE_DNS).hasNoActions().hasNoEvents()
                .isProcessing(75, "Step 6/7 CoreDNS: waiting for CoreDNS to restart: 1 of 2 CoreDNS pods have IPv4 and IPv6 addresses");
    }

    @Test
    void restartedOperatorWhoseStatusWriteWasLost_findsTheRestartDone_andWritesNoNewOne() {
        World world = World.ipv4Shoot().walkTo(Step.NETWORK);
        world.coreDnsRestartedAt = RESTART_VALUE;
        world.later(30).controlPlaneReconcilesAfterTheNetwork();

        assertThat(world.decide()).isAt(Step.CORE_DNS).hasNoActions();
    }

    @Test
    void coreDnsRestartedEarlierForAnotherReason_isRestartedForTheMigration() {
        World world = World.ipv4Shoot().walkTo(Step.NETWORK);
        world.coreDnsRestartedAt = "2024-04-01T00:00:00Z";
        world.later(30).controlPlaneReconcilesAfterTheNetwork();

        assertThat(world.decide()).isAt(Step.CORE_DNS).hasActions(new RestartCoreDns(RESTART_VALUE));
    }

    @Test
    void coreDnsPodWithTwoIpv4Addresses_isNotReady() {
        World world = World.ipv4Shoot().walkTo(Step.CORE_DNS);
        world.later(30).coreDnsPods(pod("coredns-3", "100.96.0.11", "100.96.0.12"), pod("coredns-4", "100.96.1.11", "fd00:96::12"));

        assertThat(world.decide()).isAt(Step.CORE_DNS).hasNoActions()
                .isProcessing(75, "Step 6/7 CoreDNS: waiting for CoreDNS to restart: 1 of 2 CoreDNS pods have IPv4 and IPv6 addresses");
    }

    @Test
    void everyCoreDnsPodDualStack_dnsTrue_andKubeDnsPatchedWithIpv4KeptAndServiceRangeBasePlus10() {
        World world = World.ipv4Shoot().walkTo(Step.CORE_DNS);
        world.later(30).coreDnsPodsDualStack();

        assertThat(world.decide()).isAt(Step.KUBE_DNS)
                .hasActions(new PatchKubeDns("100.64.0.10", "fd00:10:96::a"))
                .hasConstraint(DNS_TYPE, Condition.TRUE, "DNSServiceMigration",
                        "every CoreDNS pod has IPv4 and IPv6 addresses; the kube-dns Service is next")
                .hasNoConstraint(NODES_TYPE)
                .hasEvents(Event.normal("DualStackMigrationStep", "Step 7/7 KubeDNS started"))
                .isProcessing(90, KUBE_DNS_WAITING);
    }

    @Test
    void kubeDnsIpv6Address_isTheServiceRangeBasePlus10_whateverTheRange() {
        World world = World.ipv4Shoot().walkTo(Step.CORE_DNS);
        world.infrastructureNetworking.put("services", List.of("100.64.0.0/13", "2001:db8:0:ff::/108"));
        world.kubeDns("100.64.0.53");
        world.later(30).coreDnsPodsDualStack();

        assertThat(world.decide()).hasActions(new PatchKubeDns("100.64.0.53", "2001:db8:0:ff::a"));
    }

    @Test
    void coreDnsDeploymentMissing_isBlocked_withoutRestart() {
        World world = World.ipv4Shoot().walkTo(Step.NETWORK);
        world.coreDnsDeploymentExists = false;
        world.later(30).controlPlaneReconcilesAfterTheNetwork();

        assertThat(world.decide()).isAt(Step.CORE_DNS).hasNoActions()
                .isBlocked(75, "Step 6/7 CoreDNS: Deployment kube-system/coredns not found in the shoot cluster")
                .hasConstraint(DNS_TYPE, Condition.PROGRESSING, "DNSServiceMigration");
    }

    @Test
    void noCoreDnsPods_isBlocked_withoutRestart() {
        World world = World.ipv4Shoot().walkTo(Step.NETWORK);
        world.coreDnsPods();
        world.later(30).controlPlaneReconcilesAfterTheNetwork();

        assertThat(world.decide()).isAt(Step.CORE_DNS).hasNoActions()
                .isBlocked(75, "Step 6/7 CoreDNS: no CoreDNS pods (kube-system, k8s-app=kube-dns) in the shoot cluster");
    }

    @Test
    void shootClusterUnreachableAtCoreDns_isBlocked_withoutRestart() {
        World world = World.ipv4Shoot().walkTo(Step.NETWORK);
        world.later(30).controlPlaneReconcilesAfterTheNetwork();
        world.shootUnreachable("Secret garden-dev/prod.kubeconfig not found");

        assertThat(world.decide()).isAt(Step.CORE_DNS).hasNoActions()
                .isBlocked(75, "Step 6/7 CoreDNS: Secret garden-dev/prod.kubeconfig not found");
    }

    @Test
    void kubeDnsMissing_isBlocked_withoutPatch() {
        World world = World.ipv4Shoot().walkTo(Step.CORE_DNS);
        world.kubeDns = null;
        world.later(30).coreDnsPodsDualStack();

        assertThat(world.decide()).isAt(Step.KUBE_DNS).hasNoActions()
                .isBlocked(90, "Step 7/7 KubeDNS: Service kube-system/kube-dns not found in the shoot cluster")
                .hasConstraint(DNS_TYPE, Condition.TRUE, "DNSServiceMigration");
    }

    @Test
    void kubeDnsWithoutIpv4ClusterIp_isBlocked() {
        World world = World.ipv4Shoot().walkTo(Step.CORE_DNS);
        world.kubeDns("fd00:10:96::a");
        world.later(30).coreDnsPodsDualStack();

        assertThat(world.decide()).hasNoActions().isBlocked(90, "Step 7/7 KubeDNS: Service kube-system/kube-dns has no IPv4 cluster IP");
    }

    @Test
    void kubeDnsDualStack_completesTheMigration_withTheReport() {
        World world = World.ipv4Shoot().walkTo(Step.KUBE_DNS);
        world.later(60);

        Decision decision = world.decide();

        assertThat(decision).isAt(Step.COMPLETED).hasNoActions().rechecksAfter(null)
                .hasLastOperation(LastOperation.STATE_SUCCEEDED, 100, REPORT)
                .hasEvents(Event.normal("DualStackMigrationCompleted", REPORT));
        assertThat(decision.status().getConstraints()).isNull();
        MigrationRecord record = decision.status().getDualStackMigration();
        assertThat(record.getStep()).isEqualTo("Completed");
        assertThat(record.getCompletedAt()).isEqualTo("2024-05-06T10:06:00Z");
        assertThat(record.getSingleAddressPods()).isEqualTo(7);
        assertThat(record.getSingleStackServices()).containsExactly("default/web", "shop/api");
        assertThat(record.getSteps().get(5).getCompletedAt()).isEqualTo("2024-05-06T10:06:00Z");
    }

    @Test
    void completedWithNothingLeftToRoll_reportSaysSo() {
        World world = World.ipv4Shoot().walkTo(Step.KUBE_DNS);
        world.singleAddressPods = 0;
        world.singleStackServices = List.of();
        world.later(60);

        assertThat(world.decide()).hasLastOperation(LastOperation.STATE_SUCCEEDED, 100,
                "dual-stack migration to [IPv4, IPv6] completed; new pods get both families;"
                        + " 0 pods still have one address until they are recreated; 0 Services are still single-stack until changed");
    }

    @Test
    void kubeDnsDone_withTheShootObservedWithoutItsPodsAndServices_completesOnlyAfterLookingAtThem() {
        World world = World.ipv4Shoot().walkTo(Step.KUBE_DNS);
        world.reportObserved = false;

        Decision decision = world.decide();

        org.assertj.core.api.Assertions.assertThat(decision.needsShoot()).as("the report needs every pod and Service").isTrue();
        org.assertj.core.api.Assertions.assertThat(decision.observe()).isEqualTo(Observation.SHOOT_CLUSTER_WITH_SERVICES);
        org.assertj.core.api.Assertions.assertThat(decision.events()).extracting(Decision.Event::reason).doesNotContain("DualStackMigrationCompleted");

        world.reportObserved = true;
        org.assertj.core.api.Assertions.assertThat(world.decide().status().getDualStackMigration().getSingleAddressPods()).isEqualTo(7);
    }
}
