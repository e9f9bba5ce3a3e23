package io.github.shootdualstack.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.StatusCause;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.github.shootdualstack.shoot.Condition;
import io.github.shootdualstack.shoot.IpFamily;
import io.github.shootdualstack.shoot.LastOperation;
import io.github.shootdualstack.shoot.MigrationRecord;
import io.github.shootdualstack.shoot.Shoot;
import io.github.shootdualstack.shoot.TimeWindow;
import io.github.shootdualstack.testing.GardenerGarden;
import io.github.shootdualstack.testing.JsonTrees;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.tuple;

/**
 * What only a real Gardener garden shows (spec, section 7.1), on Gardener's own gardener-apiserver:
 * its example Shoot, defaulted by Gardener, read and written through the project's {@link Shoot}
 * model; unknown status fields pruned; its rule for changes of the IP families; and the
 * {@code gardener.cloud/operation: reconcile} annotation it takes away itself. Each test has a Shoot
 * of its own, made from Gardener's example.
 */
class GardenerGardenIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String OPERATION = "gardener.cloud/operation";
    /** What the API server sets on every write, and what a test therefore leaves out of a comparison. */
    private static final String[] SERVER_WRITTEN = {"/metadata/resourceVersion", "/metadata/generation", "/metadata/managedFields"};

    private static GardenerGarden garden;
    private static KubernetesClient client;

    @BeforeAll
    static void startGarden() {
        garden = GardenerGarden.shared();
        client = garden.client();
        System.out.println("Gardener garden at " + client.getConfiguration().getMasterUrl() + ": kube-apiserver /version "
                + garden.version() + ", gardener-apiserver of Gardener " + garden.gardenerVersion());
    }

    @Test
    void exampleShoot_accepted_everyFieldSurvivesReadModifyWriteThroughModel() {
        garden.createExampleShoot("roundtrip");
        JsonNode stored = storedJson("roundtrip");
        assertThat(stored.at("/spec/kubernetes/kubeAPIServer").isObject()).as("Gardener defaulted the Shoot").isTrue();

        Shoot shoot = shoot("roundtrip").require();
        assertThat(JsonTrees.differences(stored, json(shoot))).as("the model's JSON of the Shoot as read").isEmpty();

        shoot.getSpec().getMaintenance().getTimeWindow().setBegin("220000+0000");
        shoot.getSpec().getMaintenance().getTimeWindow().setEnd("230000+0000");
        client.resource(shoot).update();

        JsonNode written = storedJson("roundtrip");
        TimeWindow window = shoot("roundtrip").require().getSpec().getMaintenance().getTimeWindow();
        assertThat(List.of(window.getBegin(), window.getEnd())).containsExactly("220000+0000", "230000+0000");
        // Gardener adds fields of its own on an update (the label of the OperatingSystemConfig extension,
        // status.credentials): what matters is that none of the fields read was lost or changed
        assertThat(JsonTrees.differences(JsonTrees.without(stored, ignoring("/spec/maintenance/timeWindow")),
                JsonTrees.without(written, ignoring("/spec/maintenance/timeWindow"))))
                .as("fields lost or changed by the write").filteredOn(difference -> !difference.startsWith("unexpected ")).isEmpty();
    }

    @Test
    void statusWriteWithDualStackMigration_prunedWithWarning_constraintsKept() {
        garden.createExampleShoot("pruned");
        int mark = garden.warnings().size();

        shoot("pruned").editStatus(shoot -> {
            MigrationRecord record = new MigrationRecord();
            record.setFromIPFamilies(IpFamily.SINGLE_STACK_IPV4);
            record.setToIPFamilies(IpFamily.DUAL_STACK_IPV4_PRIMARY);
            record.setStep("Nodes");
            shoot.getStatus().setDualStackMigration(record);
            shoot.getStatus().setConstraints(List.of(constraint("DualStackNodesMigrated", Condition.PROGRESSING, "NodesNotMigrated")));
            return shoot;
        });

        Shoot stored = shoot("pruned").require();
        assertThat(stored.getStatus().getDualStackMigration()).as("status.dualStackMigration").isNull();
        assertThat(storedJson("pruned").at("/status").has("dualStackMigration")).isFalse();
        assertThat(garden.warnings().subList(mark, garden.warnings().size())).extracting(GardenerGarden.Warning::text)
                .contains("unknown field \"status.dualStackMigration\"");
        assertThat(stored.getStatus().getConstraints()).extracting(Condition::getType, Condition::getStatus, Condition::getReason)
                .containsExactly(tuple("DualStackNodesMigrated", Condition.PROGRESSING, "NodesNotMigrated"));
    }

    @Test
    void ipv4ToDualStack_accepted_dualStackToIpv6_refusedWithGardenersMessage() {
        Shoot shoot = garden.createExampleShoot("families");
        assertThat(shoot.getSpec().getNetworking().getIpFamilies()).as("defaulted").containsExactly(IpFamily.IPV4);

        shoot.getSpec().getNetworking().setIpFamilies(IpFamily.DUAL_STACK_IPV4_PRIMARY);
        Shoot dualStack = client.resource(shoot).update();
        assertThat(dualStack.getSpec().getNetworking().getIpFamilies()).containsExactly(IpFamily.IPV4, IpFamily.IPV6);

        dualStack.getSpec().getNetworking().setIpFamilies(List.of(IpFamily.IPV6));
        assertThatExceptionOfType(KubernetesClientException.class).as("[IPv4, IPv6] -> [IPv6]")
                .isThrownBy(() -> client.resource(dualStack).update())
                .satisfies(refused -> assertThat(refused.getCode()).isEqualTo(422))
                .satisfies(refused -> assertThat(refused.getStatus().getDetails().getCauses())
                        .filteredOn(cause -> "spec.networking.ipFamilies".equals(cause.getField())).extracting(StatusCause::getMessage)
                        .containsExactly("Forbidden: unsupported IP family update: oldIPFamilies=[IPv4 IPv6], newIPFamilies=[IPv6]"));
        assertThat(shoot("families").require().getSpec().getNetworking().getIpFamilies())
                .containsExactly(IpFamily.IPV4, IpFamily.IPV6);
    }

    @Test
    void reconcileAnnotation_keptWhileShootHasNoLastOperation() {
        Shoot shoot = garden.createExampleShoot("annotated");
        assertThat(shoot.getStatus().getLastOperation()).isNull();

        annotateReconcile("annotated");

        assertThat(shoot("annotated").require().getMetadata().getAnnotations()).containsEntry(OPERATION, "reconcile");
    }

    @Test
    void reconcileAnnotation_strippedAndGenerationRaised_onceShootHasLastOperation() {
        garden.createExampleShoot("reconciled");
        Shoot reconciled = shoot("reconciled").editStatus(shoot -> {
            LastOperation operation = new LastOperation();
            operation.setType(LastOperation.TYPE_RECONCILE);
            operation.setState(LastOperation.STATE_SUCCEEDED);
            operation.setProgress(100);
            operation.setDescription("Shoot cluster has been successfully reconciled.");
            operation.setLastUpdateTime("2026-01-01T00:00:00Z");
            shoot.getStatus().setLastOperation(operation);
            return shoot;
        });
        long generation = reconciled.getMetadata().getGeneration();

        annotateReconcile("reconciled");

        Shoot stored = shoot("reconciled").require();
        assertThat(stored.getMetadata().getAnnotations()).doesNotContainKey(OPERATION);
        assertThat(stored.getMetadata().getGeneration()).as("generation").isEqualTo(generation + 1);
    }

    @Test
    void seedCrds_installedFromGardenersModule_serveTheEngineKinds_andPruneWhatTheirSchemaDoesNotName() {
        List<String> crds = garden.installSeedCrds();
        assertThat(crds).contains("infrastructures.extensions.gardener.cloud", "controlplanes.extensions.gardener.cloud",
                "networks.extensions.gardener.cloud", "workers.extensions.gardener.cloud", "clusters.extensions.gardener.cloud",
                "machinedeployments.machine.sapcloud.io");
        assertThat(garden.installSeedCrds()).as("installed again").isEqualTo(crds);

        client.namespaces().resource(new io.fabric8.kubernetes.api.model.NamespaceBuilder().withNewMetadata()
                .withName("shoot--local--seedcrds").endMetadata().build()).createOr(existing -> existing.update());
        io.fabric8.kubernetes.api.model.GenericKubernetesResource network = new io.fabric8.kubernetes.api.model.GenericKubernetesResource();
        network.setApiVersion("extensions.gardener.cloud/v1alpha1");
        network.setKind("Network");
        network.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withNamespace("shoot--local--seedcrds")
                .withName("seedcrds").build());
        network.setAdditionalProperty("spec", java.util.Map.of("type", "calico", "podCIDR", "10.3.0.0/16",
                "serviceCIDR", "10.4.0.0/16", "ipFamilies", List.of("IPv4"), "notInTheSchema", "x"));
        client.resource(network).create();

        JsonNode stored = tree(client.raw("/apis/extensions.gardener.cloud/v1alpha1/namespaces/shoot--local--seedcrds/networks/seedcrds"));
        assertThat(stored.at("/spec/podCIDR").asText()).isEqualTo("10.3.0.0/16");
        assertThat(stored.at("/spec").has("notInTheSchema")).as("pruned by the structural schema").isFalse();
    }

    private static void annotateReconcile(String name) {
        shoot(name).edit(shoot -> {
            shoot.getMetadata().getAnnotations().put(OPERATION, "reconcile");
            return shoot;
        });
    }

    private static Resource<Shoot> shoot(String name) {
        return client.resources(Shoot.class).inNamespace(GardenerGarden.PROJECT_NAMESPACE).withName(name);
    }

    /** The Shoot as the API server sends it, not through any model. */
    private static JsonNode storedJson(String name) {
        return tree(client.raw("/apis/" + Shoot.GROUP + "/" + Shoot.VERSION + "/namespaces/" + GardenerGarden.PROJECT_NAMESPACE
                + "/shoots/" + name));
    }

    /** The model's JSON, as it goes over the wire (so a Long and an int of one value compare equal). */
    private static JsonNode json(Shoot shoot) {
        return tree(Serialization.asJson(shoot));
    }

    private static JsonNode tree(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String[] ignoring(String... more) {
        String[] all = java.util.Arrays.copyOf(SERVER_WRITTEN, SERVER_WRITTEN.length + more.length);
        System.arraycopy(more, 0, all, SERVER_WRITTEN.length, more.length);
        return all;
    }

    private static Condition constraint(String type, String status, String reason) {
        Condition condition = new Condition(type, status, reason, "3 of 5 nodes have addresses of both families");
        condition.setLastTransitionTime("2026-01-01T00:00:00Z");
        condition.setLastUpdateTime("2026-01-01T00:00:00Z");
        return condition;
    }
}
