package io.github.shootdualstack.e2e;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Service;
import io.github.shootdualstack.garden.ExtensionKind;
import io.github.shootdualstack.garden.UserAgent;
import io.github.shootdualstack.local.GardenletStandIn;
import io.github.shootdualstack.migration.Migrator;
import io.github.shootdualstack.migration.Orchestration;
import io.github.shootdualstack.operator.OperatorSettings;
import io.github.shootdualstack.shoot.Shoot;
import io.github.shootdualstack.testing.AuditLog;
import io.github.shootdualstack.testing.GardenerGarden;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The operator beside the gardenlet v1.138.0 stand-in on Gardener's own gardener-apiserver: after the user's edit
 * of {@code spec.networking.ipFamilies} to {@code [IPv4, IPv6]} it does what the migration guide leaves to people,
 * and the Shoot reaches the end with no other step. gardener-apiserver treats its triggers as it treats a person's:
 * it strips {@code reconcile} and raises the generation, keeps {@code rollout-workers=…} and raises the generation.
 * What the operator asked of the garden is told by the garden's audit log (its requests by its user agent), what it
 * asked of the shoot cluster by that cluster's.
 */
class AlongsideGardenletIT {

    private static final List<String> POOLS = List.of(GardenerMigrationHarness.POOL, "local-b");

    @BeforeAll
    static void saysWhatItRunsOn() {
        GardenerGarden garden = GardenerGarden.shared();
        System.out.println("AlongsideGardenletIT on Gardener's gardener-apiserver of Gardener " + garden.gardenerVersion()
                + " (start-envtest), kube-apiserver /version " + garden.version() + "; seed CRDs: " + garden.installSeedCrds());
    }

    @Test
    void withMigratorGardenlet_aShootIsTakenToTheEnd_byTriggersAlone_onGardenerApiserver() {
        try (GardenerMigrationHarness world = new GardenerMigrationHarness("galong-forced", POOLS)) {
            GardenletStandIn gardenlet = world.local.startGardenlet(GardenletStandIn.Config.triggeredOnly());
            assertThat(world.shootJson().at("/status/gardener/version").asText()).as("no gardenlet has reconciled it yet").isEmpty();
            Marks marks = Marks.of(world);
            world.startOperator(settings(world).withMigrator(Migrator.GARDENLET));

            migratesToTheEnd_byTriggersAlone(world, gardenlet, marks);
            assertThat(operatorRequests(world, marks)).as("the operator reads Shoots alone: no extension resource, no MachineDeployment")
                    .noneMatch(request -> request.apiGroup().endsWith("extensions.gardener.cloud") || request.apiGroup().equals("machine.sapcloud.io"));
        }
    }

    @Test
    void inAutoMode_aShootOfGardenlet_1_138_isGardenlets_onGardenerApiserver() {
        try (GardenerMigrationHarness world = new GardenerMigrationHarness("galong-auto", POOLS)) {
            GardenletStandIn gardenlet = world.local.startGardenlet(GardenletStandIn.Config.triggeredOnly());
            // gardenlet has reconciled the Shoot once: it shows its version (gardener-apiserver strips the annotation, raises the generation)
            world.annotate(ExtensionKind.OPERATION_ANNOTATION, ExtensionKind.OPERATION_RECONCILE);
            await().atMost(GardenerMigrationHarness.TIMEOUT).until(() -> gardenlet.reconciles() == 1 && GardenletStandIn.upToDate(world.shoot().require()));
            assertThat(world.shootJson().at("/status/gardener/version").asText()).isEqualTo(GardenletStandIn.VERSION);
            Marks marks = Marks.of(world);
            world.startOperator(settings(world));

            migratesToTheEnd_byTriggersAlone(world, gardenlet, marks);
        }
    }

    /** Where the audit logs stood before the operator started. */
    private record Marks(int garden, int shoot) {
        static Marks of(GardenerMigrationHarness world) {
            return new Marks(world.garden.audit().size(), world.shootServer.audit().size());
        }
    }

    /** This world's settings (this Shoot alone, JSON patches), decided per Shoot, the clock inside the Shoot's maintenance window. */
    private static OperatorSettings settings(GardenerMigrationHarness world) {
        return world.settings(false).withClock(GardenletTriggers.insideTheWindowOf(world.shoot().require().getSpec().getMaintenance()));
    }

    private static void migratesToTheEnd_byTriggersAlone(GardenerMigrationHarness world, GardenletStandIn gardenlet, Marks marks) {
        try (GardenletTriggers triggers = new GardenletTriggers(world.shoot())) {
            int reconciles = gardenlet.reconciles();
            world.requestDualStack();
            await().atMost(GardenerMigrationHarness.TIMEOUT).until(() -> {
                Shoot shoot = world.shoot().require();
                return GardenletStandIn.upToDate(shoot) && (shoot.getStatus().getConstraints() == null || shoot.getStatus().getConstraints().isEmpty())
                        && kubeDns(world).getSpec().getClusterIPs().size() == 2;
            });

            assertAtTheEnd(world);
            triggers.assertOnePerReconcile_eachAfterASucceededOne_changingNothingElse(gardenlet.reconciles() - reconciles);
            assertTriggersTold(world, triggers.triggers().size());
            assertOperatorWroteOnlyTriggersAndEvents(world, marks, triggers.triggers().size());
        }
    }

    /** Constraints gone, spec, status and Network dual-stack, each pool rolled once, CoreDNS restarted once, kube-dns of both families. */
    private static void assertAtTheEnd(GardenerMigrationHarness world) {
        var shoot = world.shootJson();
        assertThat(shoot.at("/spec/networking/ipFamilies").toString()).isEqualTo("[\"IPv4\",\"IPv6\"]");
        assertThat(shoot.at("/status/constraints").isMissingNode()).as("constraints gone: " + shoot.at("/status/constraints")).isTrue();
        for (String range : List.of("nodes", "pods", "services")) {
            assertThat(shoot.at("/status/networking/" + range).size()).as("status.networking." + range + ": " + shoot.at("/status/networking")).isEqualTo(2);
        }
        assertThat(shoot.at("/status/manualWorkerPoolRollout/pendingWorkersRollouts").size()).as("no pool rollout pending").isZero();
        assertThat(shoot.at("/metadata/annotations/" + ExtensionKind.OPERATION_ANNOTATION.replace("/", "~1")).isMissingNode())
                .as("no operation left on the Shoot").isTrue();
        assertThat((Object) world.extension(ExtensionKind.NETWORK, world.landscape.shootName()).get("status", "ipFamilies"))
                .isEqualTo(List.of("IPv4", "IPv6"));
        var simulator = world.local.simulator(world.landscape);
        assertThat(simulator.nodeReplacements()).as("each node replaced once").isEqualTo(world.landscape.nodeCount());
        for (String pool : world.landscape.pools().keySet()) {
            GenericKubernetesResource deployment = ExtensionKind.MACHINE_DEPLOYMENT.in(world.garden.client())
                    .inNamespace(world.landscape.technicalNamespace()).withName(world.landscape.machineDeploymentName(pool)).get();
            assertThat(String.valueOf((Object) deployment.get("spec", "template", "metadata", "annotations"))).as(pool + " rolled once")
                    .contains(Orchestration.ROLLOUT_WORKERS + "=");
        }
        assertThat(simulator.coreDnsRollouts()).isEqualTo(1);
        Service kubeDns = kubeDns(world);
        assertThat(kubeDns.getSpec().getIpFamilyPolicy()).isEqualTo("PreferDualStack");
        assertThat(kubeDns.getSpec().getIpFamilies()).containsExactly("IPv4", "IPv6");
    }

    /** The events say each trigger the Shoot got: one roll of all pools, a few reconciles; the metric the roll. */
    private static void assertTriggersTold(GardenerMigrationHarness world, int triggers) {
        var events = world.events();
        events.forEach(event -> System.out.println("  event: " + event.getReason() + " (" + event.getCount() + "): " + event.getMessage()));
        assertThat(events).filteredOn(event -> Orchestration.ROLLOUT_REQUESTED.equals(event.getReason())).singleElement()
                .satisfies(event -> assertThat(event.getMessage()).contains(String.join(", ", POOLS)));
        assertThat(GardenletTriggers.told(events, Orchestration.ROLLOUT_REQUESTED)).isEqualTo(1);
        assertThat(GardenletTriggers.told(events, Orchestration.RECONCILE_REQUESTED)).as("about one per gardenlet phase").isBetween(2, 6);
        assertThat(GardenletTriggers.told(events, Orchestration.ROLLOUT_REQUESTED) + GardenletTriggers.told(events, Orchestration.RECONCILE_REQUESTED))
                .as("the triggers seen on the Shoot, each told").isEqualTo(triggers);
        assertThat(world.operator().metrics().scrape()).contains("gardenlet_triggers_total{phase=\"ROLL_NODES\"} 1.0");
    }

    /**
     * By the audit logs: in the garden the operator wrote the Shoot's triggers (one patch each, no status, no
     * other object) and its events, and read no seed object (extension resources, MachineDeployments, the
     * Cluster, in the Shoot's technical namespace or by its name), no Secret and no admin kubeconfig; the shoot cluster it
     * did not reach at all.
     */
    private static void assertOperatorWroteOnlyTriggersAndEvents(GardenerMigrationHarness world, Marks marks, int triggers) {
        String project = world.landscape.projectNamespace();
        String shootName = world.landscape.shootName();
        String technical = world.landscape.technicalNamespace();
        List<AuditLog.Entry> requests = operatorRequests(world, marks);
        List<AuditLog.Entry> writes = requests.stream().filter(AuditLog.Entry::write).toList();
        writes.forEach(write -> System.out.println("  garden write: " + write));
        assertThat(writes).as("the operator's writes in the garden: the Shoot's triggers and events").isNotEmpty()
                .allSatisfy(write -> assertThat(write.namespace()).isEqualTo(project))
                .allMatch(write -> write.resource().equals("events") && write.name().startsWith(shootName + ".")
                        || write.resource().equals("shoots") && write.name().equals(shootName) && write.verb().equals("patch"));
        assertThat(writes).as("no write of the Shoot's status").noneMatch(write -> write.subresource().equals("status"));
        assertThat(writes).filteredOn(write -> write.resource().equals("shoots")).as("one patch of the Shoot per trigger")
                .hasSize(triggers).allSatisfy(write -> assertThat(write.code()).isEqualTo(200));
        // in auto mode the engine's watches of the extension kinds run (for Shoots no gardenlet migrates): listed, never read by name
        assertThat(requests).as("the operator's requests for the Shoot's seed objects, Secrets or the admin kubeconfig").noneMatch(request ->
                request.namespace().equals(technical) || request.name().equals(technical)
                        || request.resource().equals("secrets") || request.subresource().equals("adminkubeconfig"));
        assertThat(world.shootServer.audit().since(marks.shoot()).matching(AlongsideGardenletIT::byOperator))
                .as("the operator's requests to the shoot cluster").isEmpty();
    }

    private static List<AuditLog.Entry> operatorRequests(GardenerMigrationHarness world, Marks marks) {
        return world.garden.audit().since(marks.garden()).matching(AlongsideGardenletIT::byOperator);
    }

    private static boolean byOperator(AuditLog.Entry entry) {
        return entry.userAgent().startsWith(UserAgent.VALUE);
    }

    private static Service kubeDns(GardenerMigrationHarness world) {
        return world.shootServer.client().services().inNamespace("kube-system").withName("kube-dns").get();
    }
}
