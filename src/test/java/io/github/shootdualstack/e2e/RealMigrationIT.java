package io.github.shootdualstack.e2e;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.github.shootdualstack.garden.ExtensionKind;
import io.github.shootdualstack.local.LocalNetworks;
import io.github.shootdualstack.migration.Addresses;
import io.github.shootdualstack.migration.Conditions;
import io.github.shootdualstack.shoot.Condition;
import io.github.shootdualstack.shoot.Shoot;
import io.github.shootdualstack.shoot.ShootStatus;
import io.github.shootdualstack.testing.AuditLog;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole migration on real API servers (garden and shoot), with the local provider, in both
 * status write modes, while another controller writes its own constraint and condition into the same
 * Shoot's status: the same promises as the mock end-to-end test, the events as the API server keeps
 * them, and nothing of the other writer lost.
 */
class RealMigrationIT {

    private static final String OTHER_MANAGER = "gardenlet";
    private static final String OTHER_CONSTRAINT = "HibernationPossible";
    private static final String OTHER_CONDITION = "APIServerAvailable";

    @ParameterizedTest(name = "server-side apply: {0}")
    @ValueSource(booleans = {false, true})
    void theWholeMigration_completesOnRealApiServers_andAnotherWriterLosesNothing(boolean serverSideApply) {
        try (RealMigrationHarness world = new RealMigrationHarness(serverSideApply ? "real-ssa" : "real-patch")) {
            Service kubeDnsBefore = kubeDns(world);
            otherControllerReports(world, "before the migration");
            RealMigrationHarness.Marks start = world.marks();
            world.startOperator(world.garden.config(), world.settings(serverSideApply));

            world.requestDualStack();
            world.awaitStep("Nodes");
            otherControllerReports(world, "while the nodes roll");
            world.annotate(ExtensionKind.OPERATION_ANNOTATION, "rollout-workers=*");
            world.awaitStep("CoreDNS");
            otherControllerReports(world, "while CoreDNS restarts");
            world.awaitCompleted();

            assertThat(world.constraintStates()).containsExactlyElementsOf(MigrationHarness.CONSTRAINTS_OF_A_MIGRATION);
            assertKubeDnsDualStackInPlace(world, kubeDnsBefore);
            assertOtherWriterKept(world.shoot(), "while CoreDNS restarts");
            assertPromisesHold(world, world.operatorWrites(start));
            assertEventsKeptByTheApiServer(world.events());
        }
    }

    private static void assertKubeDnsDualStackInPlace(RealMigrationHarness world, Service before) {
        Service after = kubeDns(world);
        String ipv6ServiceRange = LocalNetworks.ipv6For(world.landscape.technicalNamespace()).services().toString();
        assertThat(after.getMetadata().getUid()).as("never recreated").isEqualTo(before.getMetadata().getUid());
        assertThat(after.getSpec().getIpFamilyPolicy()).isEqualTo("PreferDualStack");
        assertThat(after.getSpec().getClusterIPs()).containsExactly("100.64.0.10", Addresses.offset(ipv6ServiceRange, 10));
        assertThat(after.getSpec().getIpFamilies()).containsExactly("IPv4", "IPv6");
    }

    private static void assertPromisesHold(RealMigrationHarness world, List<AuditLog.Entry> requests) {
        requests.forEach(w -> System.out.println("  " + w));
        // a 409 is optimistic locking at work (the other writer came first); the write is made again on the latest Shoot
        assertThat(requests).as("every write accepted, or refused for a conflict and made again")
                .allSatisfy(w -> assertThat(w.code() < 300 || w.code() == 409).as(w.toString()).isTrue());
        List<AuditLog.Entry> writes = requests.stream().filter(w -> w.code() < 300).toList();
        System.out.printf("Writes by the operator for one migration on real API servers: %d (%d conflicts retried)%n",
                writes.size(), requests.size() - writes.size());
        assertThat(writes).as("no delete, anywhere").noneMatch(w -> w.verb().startsWith("delete"));
        assertThat(writes).as("no write of a Shoot's spec: status, and one metadata patch removing rollout-workers")
                .filteredOn(w -> w.resource().equals("shoots") && !w.subresource().equals("status"))
                .singleElement().satisfies(w -> assertThat(w.verb()).isEqualTo("patch"));
        assertThat(writes).as("the coredns pod template changed exactly once")
                .filteredOn(w -> w.resource().equals("deployments") && w.name().equals("coredns")).hasSize(1);
        assertThat(world.local.simulator(world.landscape).coreDnsRollouts()).isEqualTo(1);
        assertThat(writes).filteredOn(w -> w.resource().equals("services") && w.name().equals("kube-dns")).hasSize(1);
        int bound = WriteBound.forMigration(world.landscape.nodeCount(), world.landscape.pools().size(), 2);
        assertThat(writes).as("writes per migration stay within the bound of docs/migration.md").hasSizeLessThanOrEqualTo(bound);
    }

    private static void assertEventsKeptByTheApiServer(List<Event> events) {
        assertThat(events).extracting(Event::getReason)
                .contains("DualStackMigrationStarted", "DualStackMigrationStep", "DualStackMigrationCompleted");
        assertThat(events).allSatisfy(event -> {
            assertThat(event.getReportingComponent()).isEqualTo("shoot-dualstack-operator");
            assertThat(event.getReportingInstance()).isNotBlank();
            assertThat(event.getAction()).isNotBlank();
        });
    }

    /** Another controller (its own field manager) applies its constraint and condition to the Shoot's status. */
    private static void otherControllerReports(RealMigrationHarness world, String message) {
        String now = Conditions.timestamp(Instant.now());
        Shoot applied = new Shoot();
        applied.setMetadata(new ObjectMetaBuilder().withName(world.landscape.shootName())
                .withNamespace(world.landscape.projectNamespace()).build());
        ShootStatus status = new ShootStatus();
        status.setConstraints(List.of(condition(OTHER_CONSTRAINT, message, now)));
        status.setConditions(List.of(condition(OTHER_CONDITION, message, now)));
        applied.setStatus(status);
        world.garden.client().resource(applied).subresource("status").patch(new PatchContext.Builder()
                .withPatchType(PatchType.SERVER_SIDE_APPLY).withFieldManager(OTHER_MANAGER).withForce(true).build());
    }

    private static Condition condition(String type, String message, String now) {
        Condition condition = new Condition();
        condition.setType(type);
        condition.setStatus("True");
        condition.setReason("Reported");
        condition.setMessage(message);
        condition.setLastTransitionTime(now);
        condition.setLastUpdateTime(now);
        return condition;
    }

    private static void assertOtherWriterKept(Shoot shoot, String lastMessage) {
        assertThat(shoot.getStatus().getConstraints()).as("the other controller's constraint")
                .filteredOn(c -> c.getType().equals(OTHER_CONSTRAINT)).singleElement()
                .satisfies(c -> assertThat(c.getMessage()).isEqualTo(lastMessage));
        assertThat(shoot.getStatus().getConditions()).as("the other controller's condition")
                .filteredOn(c -> c.getType().equals(OTHER_CONDITION)).singleElement()
                .satisfies(c -> assertThat(c.getMessage()).isEqualTo(lastMessage));
        assertThat(shoot.getMetadata().getManagedFields()).as("field managers")
                .anySatisfy(f -> assertThat(f.getManager()).isEqualTo(OTHER_MANAGER));
    }

    private static Service kubeDns(RealMigrationHarness world) {
        return world.shootServer.client().services().inNamespace("kube-system").withName("kube-dns").get();
    }
}
