package io.github.shootdualstack.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Service;
import io.github.shootdualstack.garden.ExtensionKind;
import io.github.shootdualstack.local.LocalNetworks;
import io.github.shootdualstack.migration.Addresses;
import io.github.shootdualstack.testing.AuditLog;
import io.github.shootdualstack.testing.GardenerGarden;
import io.github.shootdualstack.testing.JsonTrees;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The engine's whole migration on Gardener's own gardener-apiserver (spec, sections 7.1 and 7.2), in both
 * status write modes: a Shoot made from Gardener's example and reconciled by no gardenlet, edited from
 * {@code [IPv4]} to {@code [IPv4, IPv6]}, its shoot cluster reached through {@code shoots/adminkubeconfig}, its
 * extensions played by the local stand-ins against Gardener's seed CRDs ({@link GardenerMigrationHarness}).
 * The promises of {@link RealMigrationIT}, and what only this garden shows: every field of the Shoot kept,
 * {@code status.lastOperation} left to gardenlet, and no field written that the typed API does not have.
 */
class GardenerMigrationIT {

    /**
     * What the API server changes on every write, what the migration may change, and the user's edit: the
     * families, and what Gardener defaults for a Shoot with IPv6 ({@code nodeCIDRMaskSizeIPv6: 64}, Gardener's
     * pkg/apis core/v1beta1/defaults_shoot.go).
     */
    private static final String[] MAY_CHANGE = {"/metadata/resourceVersion", "/metadata/generation", "/metadata/managedFields",
            "/status/constraints", "/status/networking", "/spec/networking/ipFamilies",
            "/spec/kubernetes/kubeControllerManager/nodeCIDRMaskSizeIPv6"};

    @BeforeAll
    static void saysWhatItRunsOn() {
        GardenerGarden garden = GardenerGarden.shared();
        System.out.println("GardenerMigrationIT on Gardener's gardener-apiserver of Gardener " + garden.gardenerVersion()
                + " (start-envtest), kube-apiserver /version " + garden.version() + ", at "
                + garden.client().getConfiguration().getMasterUrl() + "; seed CRDs from Gardener's module: " + garden.installSeedCrds());
    }

    @ParameterizedTest(name = "server-side apply: {0}")
    @ValueSource(booleans = {false, true})
    void theWholeMigration_onGardenerApiserver_keepsEveryFieldOfTheShoot_andLeavesLastOperationToGardenlet(boolean serverSideApply) {
        try (GardenerMigrationHarness world = new GardenerMigrationHarness(serverSideApply ? "gmig-ssa" : "gmig-patch")) {
            System.out.println("Shoot " + world.landscape.projectNamespace() + "/" + world.landscape.shootName() + " (technical namespace "
                    + world.landscape.technicalNamespace() + "), shoot cluster at " + world.shootServer.url()
                    + " by adminkubeconfig; status writes by " + (serverSideApply ? "server-side apply" : "JSON patch"));
            Service kubeDnsBefore = kubeDns(world);
            JsonNode before = world.shootJson();
            assertThat(before.at("/status/gardener/version").asText()).as("no gardenlet reconciles it").isEmpty();
            assertThat(world.garden.client().secrets().inNamespace(world.landscape.projectNamespace())
                    .withName(world.landscape.kubeconfigSecretName()).get()).as("no kubeconfig Secret").isNull();
            assertThat(world.warnings()).as("the API servers' warnings while the stand-ins seeded Gardener's CRDs")
                    .noneMatch(w -> w.contains("unknown field"));
            int versionsBefore = world.shootVersions();
            int shootMark = world.shootServer.audit().size();
            int warningsBefore = world.warnings().size();
            world.startOperator(serverSideApply);

            world.requestDualStack();
            world.awaitConstraints("DualStackNodesMigrationReady=Progressing/NodesNotMigrated");
            world.annotate(ExtensionKind.OPERATION_ANNOTATION, "rollout-workers=*");
            world.awaitCompleted();
            world.operatorGardenWrites().forEach(write -> System.out.println("  garden write: " + write));

            assertThat(world.constraintStates()).containsExactlyElementsOf(MigrationHarness.CONSTRAINTS_OF_A_MIGRATION);
            assertKubeDnsDualStackInPlace(world, kubeDnsBefore);
            assertOneCoreDnsRestart(world, shootMark);
            assertEventsKeptByTheApiServer(world.events());
            assertExtensionsRanDualStack(world);

            JsonNode after = world.shootJson();
            assertThat(after.at("/spec/networking/ipFamilies").toString()).isEqualTo("[\"IPv4\",\"IPv6\"]");
            // status.lastOperation is compared on its own, last (below)
            assertThat(JsonTrees.differences(JsonTrees.without(without(before), MAY_CHANGE), JsonTrees.without(without(after), MAY_CHANGE)))
                    .as("the Shoot's fields, apart from what the migration may change").isEmpty();
            List<String> warnings = world.warnings().subList(warningsBefore, world.warnings().size());
            warnings.forEach(warning -> System.out.println("  warning: " + warning));
            // on a Gardener garden the operator writes only fields the typed API has, and leaves lastOperation to gardenlet
            // every status write of the operator's changed the Shoot: the versions seen since it started are the user's
            // two edits, the operator's removal of rollout-workers (its one other Shoot write) and its status writes
            long statusWrites = world.operatorGardenRequests("PATCH", "shoots/status") + world.operatorGardenRequests("PUT", "shoots/status");
            long shootWrites = world.operatorGardenRequests("PATCH", "shoots") + world.operatorGardenRequests("PUT", "shoots");
            int versions = world.shootVersions() - versionsBefore;
            System.out.printf("Operator's writes of the Shoot: %d status, %d other; the Shoot's versions meanwhile: %d%n",
                    statusWrites, shootWrites, versions);
            assertThat(shootWrites).as("the operator's writes of the Shoot other than its status: removing rollout-workers").isEqualTo(1);
            SoftAssertions.assertSoftly(softly -> {
                softly.assertThat(statusWrites).as("status writes that changed the Shoot (none that changed nothing)")
                        .isLessThanOrEqualTo(versions - 2 - shootWrites);
                softly.assertThat(warnings).as("the API servers' warnings while the operator ran").noneMatch(w -> w.contains("unknown field"));
                softly.assertThat(after.at("/status/lastOperation")).as("status.lastOperation, gardenlet's, byte-equal")
                        .isEqualTo(before.at("/status/lastOperation"));
            });
        }
    }

    private static void assertKubeDnsDualStackInPlace(GardenerMigrationHarness world, Service before) {
        Service after = kubeDns(world);
        String ipv6ServiceRange = LocalNetworks.ipv6For(world.landscape.technicalNamespace()).services().toString();
        assertThat(after.getMetadata().getUid()).as("never recreated").isEqualTo(before.getMetadata().getUid());
        assertThat(after.getSpec().getIpFamilyPolicy()).isEqualTo("PreferDualStack");
        assertThat(after.getSpec().getClusterIPs()).containsExactly(LocalNetworks.DNS_CLUSTER_IP, Addresses.offset(ipv6ServiceRange, 10));
        assertThat(after.getSpec().getIpFamilies()).containsExactly("IPv4", "IPv6");
    }

    private static void assertOneCoreDnsRestart(GardenerMigrationHarness world, int shootMark) {
        List<AuditLog.Entry> writes = world.shootServer.audit().since(shootMark)
                .matching(entry -> entry.write() && entry.code() < 300 && entry.userAgent().startsWith("shoot-dualstack-operator/"));
        writes.forEach(write -> System.out.println("  shoot write: " + write));
        assertThat(writes).as("the coredns pod template changed exactly once")
                .filteredOn(w -> w.resource().equals("deployments") && w.name().equals("coredns")).hasSize(1);
        assertThat(world.local.simulator(world.landscape).coreDnsRollouts()).isEqualTo(1);
        assertThat(writes).filteredOn(w -> w.resource().equals("services") && w.name().equals("kube-dns")).hasSize(1);
        assertThat(writes).as("no delete").noneMatch(w -> w.verb().startsWith("delete"));
        assertThat(writes).as("every write as the adminkubeconfig's user").allSatisfy(w -> assertThat(w.groups())
                .contains(io.github.shootdualstack.testing.GardenerShootAccess.ADMINS));
    }

    private static void assertEventsKeptByTheApiServer(List<Event> events) {
        events.stream().sorted(java.util.Comparator.comparing(event -> String.valueOf(event.getEventTime() != null
                ? event.getEventTime().getTime() : event.getFirstTimestamp()))).forEach(event -> System.out.println("  event: " + event.getType() + " " + event.getReason() + ": " + event.getMessage()));
        assertThat(events).extracting(Event::getReason)
                .contains("DualStackMigrationStarted", "DualStackMigrationStep", "DualStackMigrationCompleted");
        assertThat(events).allSatisfy(event -> {
            assertThat(event.getReportingComponent()).isEqualTo("shoot-dualstack-operator");
            assertThat(event.getReportingInstance()).isNotBlank();
            assertThat(event.getAction()).isNotBlank();
        });
    }

    /** What the stand-ins reported through Gardener's CRDs, as stored: nothing of it pruned. */
    private static void assertExtensionsRanDualStack(GardenerMigrationHarness world) {
        String name = world.landscape.shootName();
        assertThat((Object) world.extension(ExtensionKind.NETWORK, name).get("status", "ipFamilies")).isEqualTo(List.of("IPv4", "IPv6"));
        assertThat((Object) world.extension(ExtensionKind.NETWORK, name).get("spec", "ipFamilies")).isEqualTo(List.of("IPv4", "IPv6"));
        assertThat((List<?>) world.extension(ExtensionKind.INFRASTRUCTURE, name).get("status", "networking", "pods")).hasSize(2);
        assertThat((Object) world.extension(ExtensionKind.CONTROL_PLANE, name).get("status", "lastOperation", "state")).isEqualTo("Succeeded");
        assertThat((Object) ExtensionKind.CLUSTER.in(world.garden.client()).withName(world.landscape.technicalNamespace()).get()
                .get("spec", "shoot", "spec", "networking", "ipFamilies")).isEqualTo(List.of("IPv4", "IPv6"));
    }

    private static JsonNode without(JsonNode shoot) {
        return JsonTrees.without(shoot, "/status/lastOperation");
    }

    private static Service kubeDns(GardenerMigrationHarness world) {
        return world.shootServer.client().services().inNamespace("kube-system").withName("kube-dns").get();
    }
}
