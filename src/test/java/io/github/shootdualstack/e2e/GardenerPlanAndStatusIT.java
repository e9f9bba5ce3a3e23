package io.github.shootdualstack.e2e;

import io.github.shootdualstack.garden.ExtensionKind;
import io.github.shootdualstack.migration.Conditions;
import io.github.shootdualstack.migration.Step;
import io.github.shootdualstack.shoot.Shoot;
import io.github.shootdualstack.testing.AuditLog;
import io.github.shootdualstack.testing.CommandProcess;
import io.github.shootdualstack.testing.GardenerGarden;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.github.shootdualstack.e2e.GardenShoots.about;
import static io.github.shootdualstack.e2e.GardenShoots.families;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Shoot the engine migrated on gardener-apiserver ({@link GardenerMigrationHarness}), and two Shoots of
 * gardenlets: after its migration the migrated Shoot gets no write by the operator in 30 s, however often it is
 * woken; {@code plan} and {@code status}, run as processes with start-envtest's admin kubeconfig, only read
 * (the garden's audit log), {@code plan} says who migrates each gardenlet's Shoot, and {@code status} of the
 * migrated Shoot rebuilds its timeline from the operator's events (the typed API keeps no record).
 */
class GardenerPlanAndStatusIT {

    private static final String PLAN_LABEL = "e2e.shoot-dualstack-operator.io/plan";

    private static GardenerGarden garden;

    @TempDir
    Path dir;

    @BeforeAll
    static void saysWhatItRunsOn() {
        garden = GardenerGarden.shared();
        System.out.println("GardenerPlanAndStatusIT on Gardener's gardener-apiserver of Gardener " + garden.gardenerVersion()
                + " (start-envtest), kube-apiserver /version " + garden.version());
    }

    @Test
    void migratedShootIdle_planAndStatusReadOnly_planSaysWhoMigrates_statusRebuildsTheTimelineFromEvents() throws Exception {
        GardenShoots shoots = new GardenShoots(garden);
        String old = "gps-gl-old";
        String byGardenlet = "gps-gl-new";
        shoots.create(old, shoot -> labelled(families(shoot, "IPv4", "IPv6")), GardenShoots.gardenlet("v1.110.0"));
        shoots.create(byGardenlet, shoot -> labelled(families(shoot, "IPv4", "IPv6")), Map.of(
                "gardener", GardenShoots.gardenlet("v1.138.0").get("gardener"),
                "constraints", List.of(Map.of("type", Conditions.NODES_TYPE, "status", "Progressing", "reason", "NodesNotMigrated",
                        "message", "Migrating node pod CIDRs to match target network stack.",
                        "lastTransitionTime", "2026-01-01T00:00:00Z", "lastUpdateTime", "2026-01-01T00:00:00Z"))));

        try (GardenerMigrationHarness world = new GardenerMigrationHarness("gps-migrated")) {
            String migrated = world.landscape.shootName();
            world.startOperator(false);
            world.requestDualStack();
            world.awaitConstraints("DualStackNodesMigrationReady=Progressing/NodesNotMigrated");
            world.annotate(ExtensionKind.OPERATION_ANNOTATION, "rollout-workers=*");
            world.awaitCompleted();

            int quiet = garden.audit().size();
            for (int poke = 1; poke <= 10; poke++) {
                Thread.sleep(GardenerGardenBehaviourIT.QUIET.toMillis() / 10);
                shoots.poke(migrated, poke);
            }
            assertThat(shoots.operatorRequests(quiet, about(migrated).and(AuditLog.Entry::write)))
                    .as("the operator's writes to the migrated Shoot or its objects in 30 s after the migration").isEmpty();

            int mark = garden.audit().size();
            CommandProcess.Result plan = command("plan", "--kubeconfig", garden.kubeconfig().toString(), "--selector", PLAN_LABEL + "=true");
            CommandProcess.Result status = command("status", "--kubeconfig", garden.kubeconfig().toString(), GardenShoots.NAMESPACE + "/" + migrated);
            System.out.println("plan:\n" + plan.out() + plan.err() + "status " + migrated + ":\n" + status.out() + status.err());

            List<AuditLog.Entry> requests = garden.audit().since(mark).matching(entry -> entry.userAgent().endsWith(" (plan)")
                    || entry.userAgent().endsWith(" (status)"));
            assertThat(requests).as("the commands' requests").isNotEmpty();
            assertThat(requests).as("the commands write nothing").noneMatch(AuditLog.Entry::write);

            assertThat(plan.err()).isEmpty();
            assertThat(plan.exit()).as(plan.out()).isIn(0, 1);
            assertThat(plan.out()).containsPattern(GardenShoots.NAMESPACE + "/" + byGardenlet + " +GARDENLET")
                    .containsPattern(GardenShoots.NAMESPACE + "/" + old + " +BLOCKED +.*migrated by");
            assertThat(status.err()).isEmpty();
            assertThat(status.exit()).isZero();
            String timeline = status.out().substring(status.out().indexOf("\nTimeline\n"), status.out().indexOf("\nEvents\n"));
            // every step of the engine, in the order they ran, though several begin within the same second
            List<String> steps = timeline.lines().map(String::strip).filter(line -> line.startsWith("Step "))
                    .map(line -> line.split(" {2,}")[0]).toList();
            assertThat(steps).as("the timeline, from the events").containsExactly(Step.INFRASTRUCTURE.label(),
                    Step.CONTROL_PLANE.label(), Step.NODES.label(), Step.NETWORK.label(), Step.CORE_DNS.label(), Step.KUBE_DNS.label());
            assertThat(status.out()).containsPattern("Step: +Completed")
                    .containsPattern("Normal +DualStackMigrationCompleted +1 ");
        }
    }

    private static Shoot labelled(Shoot shoot) {
        Map<String, String> labels = new HashMap<>(shoot.getMetadata().getLabels() == null ? Map.of() : shoot.getMetadata().getLabels());
        labels.put(PLAN_LABEL, "true");
        shoot.getMetadata().setLabels(labels);
        return shoot;
    }

    private CommandProcess.Result command(String... args) throws Exception {
        return CommandProcess.run(garden.kubeconfig(), dir, args);
    }
}
