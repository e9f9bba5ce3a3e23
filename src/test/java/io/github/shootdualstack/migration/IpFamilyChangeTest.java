package io.github.shootdualstack.migration;

import io.github.shootdualstack.migration.Decision.Event;
import io.github.shootdualstack.shoot.Condition;
import io.github.shootdualstack.shoot.LastOperation;
import org.junit.jupiter.api.Test;

import static io.github.shootdualstack.migration.Conditions.NODES_TYPE;
import static io.github.shootdualstack.migration.MigrationAssertions.assertThat;
import static io.github.shootdualstack.migration.World.DUAL;

/** Section 3: refused IP family changes touch no cluster, are reported, and recover on revert. */
class IpFamilyChangeTest {

    static final String IPV4_TO_IPV6 = "unsupported IP family update: oldIPFamilies=[IPv4], newIPFamilies=[IPv6]";
    static final String OVERLAY = "dual-stack spec.networking.ipFamilies requires spec.networking.providerConfig.overlay.enabled: false";

    @Test
    void ipv4ToIpv6_isRefused_withErrorAndWarning_andNoAction() {
        World world = World.ipv4Shoot().ipFamilies("IPv6");

        Decision decision = world.decide();

        assertThat(decision).isAt(null).hasNoActions().rechecksAfter(null)
                .hasLastOperation(LastOperation.STATE_ERROR, 100, IPV4_TO_IPV6)
                .hasEvents(Event.warning("UnsupportedIPFamilyUpdate", "Shoot garden-dev/prod: " + IPV4_TO_IPV6));
        assertThat(decision.status().getConstraints()).isNull();
        assertThat(decision.status().getDualStackMigration()).isNull();
        assertThat(decision.status().getLastOperation().getLastUpdateTime()).isEqualTo("2024-05-06T10:00:00Z");
    }

    @Test
    void networkWithoutIpFamilies_runsIpv4_soIpv4ToIpv6IsRefused_evenWithoutStatusNetworking() {
        World world = World.ipv4Shoot().ipFamilies("IPv6");
        world.networkSpecFamilies = null;
        world.shoot.getStatus().setNetworking(null);

        assertThat(world.decide().status().getLastOperation().getDescription())
                .isEqualTo("unsupported IP family update: oldIPFamilies=[IPv4], newIPFamilies=[IPv6]");
    }

    @Test
    void refusalSeenAgain_writesNothingNew() {
        World world = World.ipv4Shoot().ipFamilies("IPv6");
        world.reconcile();
        world.later(600);

        assertThat(world.decide()).changesNothingOn(world.shoot);
    }

    @Test
    void refusedChangeReverted_isAcceptedAgain_thenQuiet() {
        World world = World.ipv4Shoot().ipFamilies("IPv6");
        world.reconcile();
        world.later(60).ipFamilies("IPv4");

        Decision reverted = world.reconcile();

        assertThat(reverted).isAt(null).hasNoActions()
                .hasLastOperation(LastOperation.STATE_SUCCEEDED, 100, "spec.networking.ipFamilies [IPv4] accepted")
                .hasEvents(Event.normal("IPFamiliesAccepted", "Shoot garden-dev/prod: spec.networking.ipFamilies [IPv4] accepted"));
        assertThat(reverted.status().getLastOperation().getLastUpdateTime()).isEqualTo("2024-05-06T10:01:00Z");

        world.later(60);
        assertThat(world.decide()).changesNothingOn(world.shoot);
    }

    @Test
    void ipv4ToIpv6FirstDualStack_isRefused() {
        World world = World.ipv4Shoot().ipFamilies("IPv6", "IPv4");

        assertThat(world.decide()).hasNoActions().hasLastOperation(LastOperation.STATE_ERROR, 100,
                "unsupported IP family update: oldIPFamilies=[IPv4], newIPFamilies=[IPv6, IPv4]");
    }

    @Test
    void dualStackWithoutExplicitNativeRouting_isRefused() {
        World world = World.ipv4Shoot().requestDualStack().overlay(null);

        Decision decision = world.decide();

        assertThat(decision).hasNoActions().hasLastOperation(LastOperation.STATE_ERROR, 100, OVERLAY)
                .hasEvents(Event.warning("InvalidIPFamilies", "Shoot garden-dev/prod: " + OVERLAY));
        assertThat(decision.status().getDualStackMigration()).isNull();
    }

    @Test
    void dualStackWithOverlayEnabled_isRefused() {
        World world = World.ipv4Shoot().requestDualStack().overlay(true);

        assertThat(world.decide()).hasNoActions().hasLastOperation(LastOperation.STATE_ERROR, 100, OVERLAY);
    }

    @Test
    void duplicateFamily_isRefusedWithEveryViolatedRule() {
        World world = World.ipv4Shoot().ipFamilies("IPv4", "IPv4");

        assertThat(world.decide()).hasNoActions().hasLastOperation(LastOperation.STATE_ERROR, 100,
                "spec.networking.ipFamilies: an IP family must not be listed twice; "
                        + "unsupported IP family update: oldIPFamilies=[IPv4], newIPFamilies=[IPv4, IPv4]");
    }

    @Test
    void dualStackShoot_swappingTheOrder_isRefused() {
        World world = World.ipv4Shoot().ipFamilies("IPv6", "IPv4");
        world.networkSpecFamilies = DUAL;
        world.networkStatusFamilies = DUAL;

        assertThat(world.decide()).hasNoActions().hasLastOperation(LastOperation.STATE_ERROR, 100,
                "unsupported IP family update: oldIPFamilies=[IPv4, IPv6], newIPFamilies=[IPv6, IPv4]");
    }

    @Test
    void migrationUnderway_backToIpv4_isRefused_constraintsAndRecordUntouched() {
        World world = World.ipv4Shoot().walkTo(Step.NODES);
        String before = World.json(world.status().getConstraints());
        String record = World.json(world.record());
        world.later(60).ipFamilies("IPv4").allNodesMigrated();

        Decision decision = world.decide();

        assertThat(decision).isAt(null).hasNoActions().hasLastOperation(LastOperation.STATE_ERROR, 35,
                "unsupported IP family update: oldIPFamilies=[IPv4, IPv6], newIPFamilies=[IPv4]");
        assertThat(World.json(decision.status().getConstraints())).isEqualTo(before);
        assertThat(World.json(decision.status().getDualStackMigration())).isEqualTo(record);
    }

    @Test
    void migrationUnderway_refusalReverted_migrationCarriesOn() {
        World world = World.ipv4Shoot().walkTo(Step.NODES);
        world.later(60).ipFamilies("IPv4");
        world.reconcile();
        world.later(60).requestDualStack();

        assertThat(world.reconcile()).isAt(Step.NODES).hasNoActions().hasNoEvents()
                .hasConstraint(NODES_TYPE, Condition.PROGRESSING, "NodesNotMigrated", "0 of 3 nodes have IPv4 and IPv6 pod CIDRs")
                .isProcessing(35, "Step 4/7 Nodes: waiting for the nodes to be rolled: 0 of 3 nodes have IPv4 and IPv6 pod CIDRs;"
                        + " roll them, or annotate the Shoot with gardener.cloud/operation=rollout-workers=<pool>[,<pool>] or =*");
    }

    @Test
    void migratedShoot_backToIpv4_isRefused() {
        World world = World.ipv4Shoot().walkTo(Step.COMPLETED);
        world.later(60).ipFamilies("IPv4");

        Decision decision = world.decide();

        assertThat(decision).hasNoActions().hasLastOperation(LastOperation.STATE_ERROR, 100,
                "unsupported IP family update: oldIPFamilies=[IPv4, IPv6], newIPFamilies=[IPv4]");
        assertThat(decision.status().getConstraints()).isNull();
    }
}
