package io.github.shootdualstack.e2e;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Service;
import io.github.shootdualstack.garden.ExtensionKind;
import io.github.shootdualstack.local.GardenletStandIn;
import io.github.shootdualstack.migration.Migrator;
import io.github.shootdualstack.migration.Orchestration;
import io.github.shootdualstack.operator.OperatorSettings;
import io.github.shootdualstack.shoot.IpFamily;
import io.github.shootdualstack.shoot.Shoot;
import io.github.shootdualstack.testing.RequestLog;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The operator beside the gardenlet v1.138.0 stand-in (the mock lane): after the user's edit it does what
 * the migration guide leaves to people, and nothing else: only the Shoot's operation annotation and events.
 */
class AlongsideGardenletTest {

    private final MigrationHarness world = MigrationHarness.twoPools();
    private GardenletTriggers triggers;
    private GardenletStandIn gardenlet;

    @AfterEach
    void stop() {
        if (triggers != null) {
            triggers.close();
        }
        world.close();
    }

    @Test
    void withMigratorGardenlet_aShootIsTakenToTheEnd_byTriggersAlone_eachPoolRolledOnce_readingShootsAlone() {
        gardenlet = world.local.startGardenlet(GardenletStandIn.Config.triggeredOnly());
        int gardenMark = world.gardenRequests.mark();
        int shootMark = world.shootRequests.mark();
        world.startOperator(OperatorSettings.defaults().withMigration(MigrationHarness.FAST).withMigrator(Migrator.GARDENLET)
                .withClock(GardenletTriggers.insideTheWindowOf(world.shoot().getSpec().getMaintenance())));

        migratesToTheEnd_byTriggersAlone(gardenMark, shootMark);

        assertThat(world.gardenRequests.since(gardenMark)).filteredOn(RequestLog.byOperator())
                .as("the operator reads Shoots alone: no extension resource, no MachineDeployment, no Secret")
                .noneMatch(request -> request.path().contains("gardener.cloud/") && !request.path().contains("/core.gardener.cloud/")
                        || request.path().contains("/secrets"));
    }

    @Test
    void inAutoMode_aShootOfAnOlderGardenlet_isMigratedByTheEngine_withNoTriggerOfGardenlets() {
        // gardenlet v1.110.0 reconciled the Shoot once, and does not migrate (no gardenlet stand-in runs: it would)
        world.gardenClient().resources(Shoot.class).inNamespace(world.landscape.projectNamespace()).withName(world.landscape.shootName())
                .editStatus(shoot -> {
                    io.github.shootdualstack.shoot.GardenerInfo gardener = new io.github.shootdualstack.shoot.GardenerInfo();
                    gardener.setVersion("v1.110.0");
                    shoot.getStatus().setGardener(gardener);
                    return shoot;
                });
        world.startOperator(OperatorSettings.defaults().withMigration(MigrationHarness.FAST));

        world.requestDualStack();
        world.awaitStep("Nodes");
        world.rollWorkers("*");
        world.awaitCompleted();

        assertThat(world.record().getCompletedAt()).as("the engine's record").isNotNull();
        assertThat(world.events(Orchestration.ROLLOUT_REQUESTED)).as("no trigger of gardenlet's").isEmpty();
        assertThat(world.events(Orchestration.RECONCILE_REQUESTED)).isEmpty();
        assertThat(world.simulator().coreDnsRollouts()).isEqualTo(1);
    }

    @Test
    void inAutoMode_aShootOfGardenlet_1_138_isGardenlets_onACrdGardenToo() {
        gardenlet = world.local.startGardenlet(GardenletStandIn.Config.triggeredOnly());
        // gardenlet has reconciled the Shoot once: it shows its version
        world.annotate(ExtensionKind.OPERATION_ANNOTATION, ExtensionKind.OPERATION_RECONCILE);
        await().atMost(MigrationHarness.TIMEOUT).until(() -> gardenlet.reconciles() == 1 && GardenletStandIn.upToDate(world.shoot()));
        int gardenMark = world.gardenRequests.mark();
        int shootMark = world.shootRequests.mark();
        world.startOperator(OperatorSettings.defaults().withMigration(MigrationHarness.FAST).withClock(GardenletTriggers.insideTheWindowOf(world.shoot().getSpec().getMaintenance())));

        migratesToTheEnd_byTriggersAlone(gardenMark, shootMark);
    }

    private void migratesToTheEnd_byTriggersAlone(int gardenMark, int shootMark) {
        triggers = new GardenletTriggers(world.shoots().withName(world.landscape.shootName()));
        int reconciles = gardenlet.reconciles();
        world.edit(shoot -> {
            shoot.getSpec().getNetworking().setIpFamilies(IpFamily.DUAL_STACK_IPV4_PRIMARY);
            return shoot;
        });

        await().atMost(MigrationHarness.TIMEOUT).until(() -> {
            Shoot shoot = world.shoot();
            return GardenletStandIn.upToDate(shoot) && (shoot.getStatus().getConstraints() == null || shoot.getStatus().getConstraints().isEmpty())
                    && world.shootClient().services().inNamespace("kube-system").withName("kube-dns").get().getSpec().getClusterIPs().size() == 2;
        });

        Shoot shoot = world.shoot();
        assertThat(shoot.getMetadata().getAnnotations()).doesNotContainKey(ExtensionKind.OPERATION_ANNOTATION);
        assertThat(world.simulator().nodeReplacements()).as("each node replaced once").isEqualTo(world.landscape.nodeCount());
        for (String pool : world.landscape.pools().keySet()) {
            GenericKubernetesResource deployment = ExtensionKind.MACHINE_DEPLOYMENT.in(world.gardenClient())
                    .inNamespace(world.landscape.technicalNamespace()).withName(world.landscape.machineDeploymentName(pool)).get();
            assertThat(String.valueOf(deployment.getAdditionalProperties().get("spec"))).as(pool).contains("rollout-workers");
        }
        assertThat(world.simulator().coreDnsRollouts()).isEqualTo(1);
        Service kubeDns = world.shootClient().services().inNamespace("kube-system").withName("kube-dns").get();
        assertThat(kubeDns.getSpec().getIpFamilyPolicy()).isEqualTo("PreferDualStack");

        assertThat(world.events(Orchestration.ROLLOUT_REQUESTED)).singleElement()
                .satisfies(event -> assertThat(event.getMessage()).contains("pool-a, pool-b"));
        assertThat(GardenletTriggers.told(world.events(Orchestration.RECONCILE_REQUESTED), Orchestration.RECONCILE_REQUESTED)).as("about one per gardenlet phase").isBetween(2, 6);
        triggers.assertOnePerReconcile_eachAfterASucceededOne_changingNothingElse(gardenlet.reconciles() - reconciles);
        assertThat(world.operator().metrics().scrape()).contains("gardenlet_triggers_total{phase=\"ROLL_NODES\"} 1.0");

        List<RequestLog.Request> writes = world.operatorWrites(gardenMark, shootMark);
        String shootPath = "/namespaces/" + world.landscape.projectNamespace() + "/shoots/" + world.landscape.shootName();
        assertThat(writes).as("the operator's writes: events and the Shoot's triggers").isNotEmpty()
                .allMatch(request -> request.path().contains("/events") || request.method().equals("PATCH") && request.path().endsWith(shootPath));
        assertThat(writes).filteredOn(request -> request.path().endsWith(shootPath)).as("one patch per trigger")
                .hasSize(GardenletTriggers.told(world.events(Orchestration.ROLLOUT_REQUESTED), Orchestration.ROLLOUT_REQUESTED)
                        + GardenletTriggers.told(world.events(Orchestration.RECONCILE_REQUESTED), Orchestration.RECONCILE_REQUESTED))
                .hasSize(triggers.triggers().size());
        assertThat(world.shootRequests.since(shootMark)).as("requests to the shoot cluster").noneMatch(RequestLog.byOperator());
    }
}
