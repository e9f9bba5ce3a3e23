package io.github.shootdualstack.local;

import io.github.shootdualstack.migration.Conditions;
import io.github.shootdualstack.shoot.Condition;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class GardenletConstraintsTest {

    private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");

    @Test
    void dualStackNetworkNotReady_nodesProgressingUntilEveryNodeHasTwoPodCidrs_thenTrue() {
        assertThat(nodesAfterALook(2, 1)).singleElement().hasToString(
                "DualStackNodesMigrationReady=Progressing/NodesNotMigrated (Migrating node pod CIDRs to match target network stack.)");
        assertThat(nodesAfterALook(2, 2)).singleElement().hasToString(
                "DualStackNodesMigrationReady=True/NodesMigrated (All node pod CIDRs migrated to target network stack.)");
    }

    private static List<Condition> nodesAfterALook(Integer... podCidrsPerNode) {
        return GardenletConstraints.nodes(List.of(), 2, false, GardenletConstraints.nodesMigrated(List.of(podCidrsPerNode), 2), NOW);
    }

    @Test
    void noNodes_areNotMigrated() {
        assertThat(GardenletConstraints.nodesMigrated(List.of(), 2)).isFalse();
    }

    @Test
    void networkReady_nodesConstraintRemoved_dnsProgressingAdded() {
        List<Condition> nodesTrue = GardenletConstraints.nodes(List.of(), 2, false, true, NOW);

        List<Condition> after = GardenletConstraints.nodes(nodesTrue, 2, true, true, NOW);

        assertThat(after).singleElement().hasToString(
                "DNSServiceMigrationReady=Progressing/DNSServiceMigration (The shoot is migrating the kube-dns service.)");
    }

    @Test
    void networkReady_withoutNodesConstraint_nothingChanges() {
        assertThat(GardenletConstraints.nodes(List.of(), 2, true, false, NOW)).isEmpty();
    }

    @Test
    void dns_podsReady_true_thenServiceReady_removed() {
        List<Condition> progressing = GardenletConstraints.dns(List.of(), false, false, NOW);
        List<Condition> ready = GardenletConstraints.dns(progressing, false, true, NOW);

        assertThat(ready).singleElement().hasToString(
                "DNSServiceMigrationReady=True/DNSServiceMigration (The coreDNS pods are ready for DNS service migration.)");
        assertThat(GardenletConstraints.dns(ready, true, true, NOW)).isEmpty();
    }

    @Test
    void coreDns_restartedOnlyWhileDnsProgressingAndAPodLacksAFamily_andKeptToOneFamilyUntilDnsTrue() {
        List<Condition> progressing = GardenletConstraints.dns(List.of(), false, false, NOW);
        List<Condition> ready = GardenletConstraints.dns(progressing, false, true, NOW);
        List<Condition> nodes = GardenletConstraints.nodes(List.of(), 2, false, true, NOW);

        assertThat(GardenletConstraints.coreDnsRestartDue(progressing, 1, 2)).isTrue();
        assertThat(GardenletConstraints.coreDnsRestartDue(progressing, 2, 2)).isFalse();
        assertThat(GardenletConstraints.coreDnsRestartDue(ready, 1, 2)).isFalse();
        assertThat(GardenletConstraints.coreDnsPrimaryOnly(progressing)).isTrue();
        assertThat(GardenletConstraints.coreDnsPrimaryOnly(nodes)).isTrue();
        assertThat(GardenletConstraints.coreDnsPrimaryOnly(ready)).isFalse();
        assertThat(Conditions.find(ready, Conditions.NODES_TYPE)).isNull();
    }
}
