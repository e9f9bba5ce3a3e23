package io.github.shootdualstack.migration;

import io.github.shootdualstack.migration.Decision.Event;
import io.github.shootdualstack.shoot.Condition;
import io.github.shootdualstack.shoot.MigrationRecord.StepRecord;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import static io.github.shootdualstack.migration.MigrationAssertions.assertThat;
import static io.github.shootdualstack.migration.MigrationAssertions.tuple;

/** The whole machine, reconcile by reconcile, with the world answering in between. */
class MigrationWalkTest {

    private final List<String> steps = new ArrayList<>();
    private final List<Integer> progress = new ArrayList<>();
    private final List<String> constraints = new ArrayList<>();
    private final List<String> actions = new ArrayList<>();
    private final List<String> events = new ArrayList<>();

    @Test
    void ipv4ToDualStack_walksEveryStep_withTheConstraintsUsersRead() {
        World world = World.ipv4Shoot().requestDualStack();

        observe(world.reconcile());
        world.later(30).infrastructure.processes();
        observe(world.reconcile());
        world.later(30).infrastructureAllocatesIpv6();
        observe(world.reconcile());
        world.later(30).controlPlane.processes();
        observe(world.reconcile());
        world.later(30).controlPlane.succeeds();
        observe(world.reconcile());
        world.later(30).nodes(1, 3);
        observe(world.reconcile());
        world.later(30).operation("rollout-workers=*");
        observe(world.reconcile());
        world.later(30).allNodesMigrated();
        observe(world.reconcile());
        world.later(30).networkRunsDualStack();
        observe(world.reconcile());
        world.later(30).controlPlane.succeeds();
        observe(world.reconcile());
        world.later(30).coreDnsPodsDualStack();
        observe(world.reconcile());
        world.later(30);
        observe(world.reconcile());
        world.later(30);
        observe(world.reconcile());

        assertThat(steps).containsExactly("Infrastructure", "Infrastructure", "ControlPlane", "ControlPlane", "Nodes", "Nodes",
                "Nodes", "Network", "Network", "CoreDNS", "KubeDNS", "Completed", "-");
        assertThat(progress).containsExactly(10, 10, 25, 25, 35, 43, 43, 60, 60, 75, 90, 100, 100);
        String nodesProgressing = "DualStackNodesMigrationReady=Progressing/NodesNotMigrated";
        String nodesTrue = "DualStackNodesMigrationReady=True/NodesMigrated";
        assertThat(constraints).containsExactly(nodesProgressing, nodesProgressing, nodesProgressing, nodesProgressing,
                nodesProgressing, nodesProgressing, nodesProgressing, nodesTrue, nodesTrue,
                "DNSServiceMigrationReady=Progressing/DNSServiceMigration", "DNSServiceMigrationReady=True/DNSServiceMigration",
                "", "");
        assertThat(actions).containsExactly("SyncCluster Trigger", "", "Trigger", "", "", "", "RollWorkers",
                "EnableDualStackNetwork", "Trigger", "RestartCoreDns", "PatchKubeDns", "", "");
        assertThat(events).containsExactly("DualStackMigrationStarted", "", "DualStackMigrationStep", "", "DualStackMigrationStep",
                "", "", "DualStackMigrationStep", "", "DualStackMigrationStep", "DualStackMigrationStep", "DualStackMigrationCompleted", "");

        assertThat(world.record().getSteps())
                .extracting(StepRecord::getName, StepRecord::getStartedAt, StepRecord::getCompletedAt)
                .containsExactly(
                        tuple("Infrastructure", "2024-05-06T10:00:00Z", "2024-05-06T10:01:00Z"),
                        tuple("ControlPlane", "2024-05-06T10:01:00Z", "2024-05-06T10:02:00Z"),
                        tuple("Nodes", "2024-05-06T10:02:00Z", "2024-05-06T10:03:30Z"),
                        tuple("Network", "2024-05-06T10:03:30Z", "2024-05-06T10:04:30Z"),
                        tuple("CoreDNS", "2024-05-06T10:04:30Z", "2024-05-06T10:05:00Z"),
                        tuple("KubeDNS", "2024-05-06T10:05:00Z", "2024-05-06T10:05:30Z"));
        assertThat(world.record().getCompletedAt()).isEqualTo("2024-05-06T10:05:30Z");
        assertThat(world.status().getNetworking().getNodes()).containsExactly("10.250.0.0/16", "fd00:250::/64");
        assertThat(world.coreDnsRestartedAt).isEqualTo(DnsStepsTest.RESTART_VALUE);
        assertThat(world.kubeDns.clusterIPs()).containsExactly("100.64.0.10", "fd00:10:96::a");
    }

    @Test
    void everyStepChange_isAnnouncedOnce_inOrder() {
        World world = World.ipv4Shoot().requestDualStack();
        List<Event> seen = new ArrayList<>();
        seen.addAll(world.reconcile().events());
        world.later(60).infrastructureAllocatesIpv6();
        seen.addAll(world.reconcile().events());
        world.later(60).controlPlane.succeeds();
        seen.addAll(world.reconcile().events());
        world.later(60).allNodesMigrated();
        seen.addAll(world.reconcile().events());
        world.later(60).controlPlaneReconcilesAfterTheNetwork();
        seen.addAll(world.reconcile().events());
        world.later(60).coreDnsPodsDualStack();
        seen.addAll(world.reconcile().events());
        world.later(60);
        seen.addAll(world.reconcile().events());

        assertThat(seen).extracting(Event::message).containsExactly(
                "migration of spec.networking.ipFamilies from [IPv4] to [IPv4, IPv6] started; Step 2/7 Infrastructure started",
                "Step 3/7 ControlPlane started", "Step 4/7 Nodes started", "Step 5/7 Network started",
                "Step 6/7 CoreDNS started", "Step 7/7 KubeDNS started", DnsStepsTest.REPORT);
        assertThat(seen).noneMatch(Event::warning);
    }

    @Test
    void afterCompletion_furtherReconcilesWriteNothing() {
        World world = World.ipv4Shoot().walkTo(Step.COMPLETED);
        world.later(3600);

        Decision decision = world.decide();

        assertThat(decision).changesNothingOn(world.shoot).isAt(null).rechecksAfter(null);
        assertThat(decision.needsShoot()).isFalse();
    }

    @Test
    void afterCompletion_theWorldChangingUnderneath_stillWritesNothing() {
        World world = World.ipv4Shoot().walkTo(Step.COMPLETED);
        world.later(3600).infrastructure.fails("quota exceeded");
        world.nodes(1, 4);
        world.shootUnreachable("connect timed out");

        assertThat(world.decide()).changesNothingOn(world.shoot);
    }

    private void observe(Decision decision) {
        steps.add(decision.step() == null ? "-" : decision.step().displayName());
        progress.add(decision.status().getLastOperation().getProgress());
        List<Condition> current = decision.status().getConstraints() == null ? List.of() : decision.status().getConstraints();
        constraints.add(current.stream().map(c -> c.getType() + "=" + c.getStatus() + "/" + c.getReason()).collect(Collectors.joining(" ")));
        actions.add(decision.actions().stream().map(a -> a.getClass().getSimpleName()).collect(Collectors.joining(" ")));
        events.add(decision.events().stream().map(Event::reason).collect(Collectors.joining(" ")));
    }
}
