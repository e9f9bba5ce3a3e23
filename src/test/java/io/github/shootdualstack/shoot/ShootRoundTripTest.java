package io.github.shootdualstack.shoot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.github.shootdualstack.garden.Projects;
import io.github.shootdualstack.migration.Conditions;
import io.github.shootdualstack.migration.Migration;
import io.github.shootdualstack.migration.Step;
import io.github.shootdualstack.operator.OperatorSettings;
import io.github.shootdualstack.operator.ShootOperator;
import io.github.shootdualstack.testing.Crds;
import io.github.shootdualstack.testing.RequestLog;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.github.shootdualstack.testing.JsonTrees.differences;
import static io.github.shootdualstack.testing.JsonTrees.without;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A real Gardener Shoot keeps every field it has, through the model (which knows a handful of
 * them) and through the operator's status writes on an API server: only the fields the operator
 * owns change.
 */
@EnableKubernetesMockClient(crud = true)
class ShootRoundTripTest {

    static final String MANIFEST = "/io/github/shootdualstack/local/production-shoot.yaml";
    static final String NAMESPACE = "garden-prod";
    static final String NAME = "aws-prod";
    static final String SHOOT_PATH = "/apis/core.gardener.cloud/v1beta1/namespaces/" + NAMESPACE + "/shoots/" + NAME;
    static final String REFUSAL = "unsupported IP family update: oldIPFamilies=[IPv4], newIPFamilies=[IPv6]";
    static final String NO_INFRASTRUCTURE = "Infrastructure shoot--prod--aws-prod/aws-prod not found";

    /** What the API server sets on its own; the manifest's values are those of the garden it came from. */
    static final String[] SERVER_OWNED = {"/metadata/resourceVersion", "/metadata/generation", "/metadata/managedFields",
            "/metadata/uid", "/metadata/creationTimestamp"};
    static final String LAST_OPERATION = "/status/lastOperation";
    static final String IP_FAMILIES = "/spec/networking/ipFamilies";
    static final String CONSTRAINTS = "/status/constraints";
    static final String DUAL_STACK_MIGRATION = "/status/dualStackMigration";

    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    static final ObjectMapper JSON = new ObjectMapper();

    static String manifestText;
    static JsonNode manifest;

    KubernetesClient client;
    KubernetesMockServer server;
    ShootOperator operator;

    @BeforeAll
    static void readManifest() throws IOException {
        try (InputStream in = ShootRoundTripTest.class.getResourceAsStream(MANIFEST)) {
            assertThat(in).as(MANIFEST).isNotNull();
            manifestText = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        manifest = YAML.readTree(manifestText);
    }

    @AfterEach
    void stopOperator() {
        if (operator != null) {
            operator.close();
        }
    }

    // --- the model ----------------------------------------------------------------------------

    @Test
    void fabric8Unmarshal_thenJson_isTheManifest() throws IOException {
        Shoot shoot = Serialization.unmarshal(manifestText, Shoot.class);

        assertThat(differences(manifest, JSON.readTree(Serialization.asJson(shoot)))).isEmpty();
    }

    @Test
    void jacksonYamlMapper_thenJson_isTheManifest() throws IOException {
        Shoot shoot = YAML.readValue(manifestText, Shoot.class);

        assertThat(differences(manifest, JSON.readTree(JSON.writeValueAsString(shoot)))).isEmpty();
    }

    @Test
    void cloneAsTheOperatorDoes_keepsEveryField() throws IOException {
        Shoot shoot = Serialization.unmarshal(manifestText, Shoot.class);

        // the decision and the status writer both work on clones of the Shoot and its status
        Shoot clone = Serialization.clone(shoot);
        ShootStatus status = Serialization.clone(shoot.getStatus());

        assertThat(differences(manifest, JSON.readTree(Serialization.asJson(clone)))).isEmpty();
        assertThat(differences(manifest.get("status"), JSON.readTree(Serialization.asJson(status)))).isEmpty();
    }

    @Test
    void unmodelledDeepFields_surviveWithTheirValuesAndTypes() throws IOException {
        Shoot shoot = Serialization.unmarshal(manifestText, Shoot.class);
        JsonNode back = JSON.readTree(Serialization.asJson(shoot));

        assertThat(shoot.getSpec().getProvider().getWorkers()).extracting(Worker::getName).containsExactly("system", "compute");
        // objects in lists in unmodelled objects
        assertThat(back.at("/spec/provider/infrastructureConfig/networks/zones/1/workers").textValue()).isEqualTo("10.180.32.0/19");
        assertThat(back.at("/spec/provider/infrastructureConfig/networks/zones/1/elasticIPAllocationID").textValue())
                .isEqualTo("eipalloc-0a4be21c7d5e93f18");
        assertThat(back.at("/spec/extensions/0/providerConfig/providers/0/domains/include/0").textValue()).isEqualTo("payments.example.com");
        // unmodelled fields of modelled list entries, int-or-string kept as written
        assertThat(back.at("/spec/provider/workers/1/taints/0/effect").textValue()).isEqualTo("NoSchedule");
        assertThat(back.at("/spec/provider/workers/1/taints/1").has("value")).isFalse();
        assertThat(back.at("/spec/provider/workers/0/maxSurge").isInt()).isTrue();
        assertThat(back.at("/spec/provider/workers/1/maxSurge").textValue()).isEqualTo("25%");
        assertThat(back.at("/spec/provider/workers/1/kubernetes/kubelet/maxPods").intValue()).isEqualTo(64);
        assertThat(back.at("/spec/provider/workers/0/providerConfig/instanceMetadataOptions/httpPutResponseHopLimit").intValue())
                .isEqualTo(2);
        // numbers keep their kind: negative, fractional
        assertThat(back.at("/spec/kubernetes/verticalPodAutoscaler/evictionRateLimit").intValue()).isEqualTo(-1);
        assertThat(back.at("/spec/kubernetes/clusterAutoscaler/scaleDownUtilizationThreshold").isDouble()).isTrue();
        assertThat(back.at("/spec/kubernetes/kubeControllerManager/horizontalPodAutoscaler/tolerance").doubleValue()).isEqualTo(0.1);
        // unmodelled siblings of modelled fields
        assertThat(back.at("/spec/networking/providerConfig/overlay/createPodRoutes").booleanValue()).isTrue();
        assertThat(back.at("/spec/networking/providerConfig/typha/enabled").booleanValue()).isTrue();
        assertThat(back.at("/spec/networking/providerConfig/vethMTU").textValue()).isEqualTo("8951");
        assertThat(back.at("/spec/maintenance/autoUpdate/machineImageVersion").booleanValue()).isFalse();
        assertThat(back.at("/spec/hibernation/schedules/0/start").textValue()).isEqualTo("00 22 * * 5");
        // status: foreign condition codes, rotation records, Gardener's own fields
        assertThat(back.at("/status/constraints/1/codes/0").textValue()).isEqualTo("ERR_PROBLEMATIC_WEBHOOK");
        assertThat(back.at("/status/conditions/4/codes/0").textValue()).isEqualTo("ERR_RETRYABLE_INFRA_DEPENDENCIES");
        assertThat(back.at("/status/credentials/rotation/certificateAuthorities/lastCompletionTriggeredTime").textValue())
                .isEqualTo("2025-01-14T06:01:02Z");
        assertThat(back.at("/status/gardener/version").textValue()).isEqualTo("v1.112.3");
        assertThat(back.at("/status/hibernated").isBoolean()).isTrue();
        assertThat(back.at("/status/advertisedAddresses/2/name").textValue()).isEqualTo("service-account-issuer");
        assertThat(back.at("/status/networking/egressCIDRs")).hasSize(3);
        // metadata
        assertThat(back.at("/metadata/annotations/gardener.cloud~1created-by").textValue()).isEqualTo("maria.schneider@example.com");
        assertThat(back.at("/metadata/finalizers/0").textValue()).isEqualTo("gardener");
        // timestamps and the maintenance window stay the strings they are
        assertThat(back.at("/spec/maintenance/timeWindow/begin").textValue()).isEqualTo("220000+0100");
        assertThat(back.at("/metadata/creationTimestamp").textValue()).isEqualTo("2024-03-12T08:41:27Z");
    }

    // --- on an API server, through the operator's status writes ----------------------------------

    @Test
    void refusedEdit_thenRevert_changesOnlyLastOperation() {
        RequestLog requests = new RequestLog(server);
        createFromManifest();
        int start = requests.mark();
        startOperator();

        patchIpFamilies("IPv6");
        JsonNode refused = awaitLastOperation("Error", REFUSAL);

        assertThat(refused.at(LAST_OPERATION + "/description").textValue()).isEqualTo(REFUSAL);
        assertThat(refused.at(IP_FAMILIES)).isEqualTo(JSON.valueToTree(List.of("IPv6")));
        assertThat(differences(comparable(manifest, LAST_OPERATION, IP_FAMILIES), comparable(refused, LAST_OPERATION, IP_FAMILIES)))
                .as("everything but the edit and the last operation is as in the manifest").isEmpty();

        patchIpFamilies("IPv4");
        JsonNode accepted = awaitLastOperation("Succeeded", "spec.networking.ipFamilies [IPv4] accepted");

        assertThat(accepted.at(LAST_OPERATION + "/description").textValue()).isEqualTo("spec.networking.ipFamilies [IPv4] accepted");
        assertThat(accepted.at(LAST_OPERATION + "/progress").intValue()).isEqualTo(100);
        assertThat(differences(comparable(manifest, LAST_OPERATION), comparable(accepted, LAST_OPERATION)))
                .as("after the revert, everything but the last operation is as in the manifest").isEmpty();
        assertOnlyStatusWritesBesidesTheTestsEdits(requests, start, 2);
    }

    @Test
    void migrationStart_addsItsConstraintNextToForeignOnes_andChangesNothingElse() {
        RequestLog requests = new RequestLog(server);
        createFromManifest();
        int start = requests.mark();
        startOperator();

        patchIpFamilies("IPv4", "IPv6");
        JsonNode blocked = awaitLastOperation("Error", NO_INFRASTRUCTURE);

        JsonNode constraints = blocked.at(CONSTRAINTS);
        JsonNode foreign = manifest.at(CONSTRAINTS);
        assertThat(constraints).hasSize(foreign.size() + 1);
        for (int i = 0; i < foreign.size(); i++) {
            assertThat(differences(foreign.get(i), constraints.get(i))).as("foreign constraint %d, unchanged and in place", i).isEmpty();
        }
        JsonNode own = constraints.get(foreign.size());
        assertThat(own.get("type").textValue()).isEqualTo(Conditions.NODES_TYPE);
        assertThat(own.get("status").textValue()).isEqualTo(Condition.PROGRESSING);
        assertThat(own.get("reason").textValue()).isEqualTo(Conditions.NODES_NOT_MIGRATED);
        assertThat(own.get("lastTransitionTime").textValue()).isNotBlank();
        JsonNode record = blocked.at(DUAL_STACK_MIGRATION);
        assertThat(record.get("fromIPFamilies")).isEqualTo(JSON.valueToTree(List.of("IPv4")));
        assertThat(record.get("toIPFamilies")).isEqualTo(JSON.valueToTree(List.of("IPv4", "IPv6")));
        assertThat(record.get("step").textValue()).isEqualTo(Step.INFRASTRUCTURE.displayName());
        assertThat(record.get("startedAt").textValue()).isNotBlank();
        assertThat(differences(comparable(manifest, LAST_OPERATION, IP_FAMILIES, CONSTRAINTS),
                comparable(blocked, LAST_OPERATION, IP_FAMILIES, CONSTRAINTS, DUAL_STACK_MIGRATION)))
                .as("status.networking, status.conditions, every spec field and the rest are as in the manifest").isEmpty();
        assertOnlyStatusWritesBesidesTheTestsEdits(requests, start, 1);
    }

    /**
     * Creates the Shoot and stores its status, as raw JSON: nothing of the test's own writes goes through the model.
     * Its namespace first, labelled with its project as Gardener labels it.
     */
    private void createFromManifest() {
        Crds.installAll(client);
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NAMESPACE)
                .withLabels(Map.of(Projects.LABEL, "prod")).endMetadata().build()).create();
        JsonNode object = without(manifest, SERVER_OWNED);
        ((ObjectNode) object).remove("status");
        String collection = SHOOT_PATH.substring(0, SHOOT_PATH.lastIndexOf('/'));
        JsonNode created = parse(client.raw(collection, "POST", object.toString()));
        ObjectNode withStatus = (ObjectNode) created.deepCopy();
        withStatus.set("status", manifest.get("status").deepCopy());
        client.raw(SHOOT_PATH + "/status", "PUT", withStatus.toString());
        assertThat(differences(comparable(manifest), comparable(stored())))
                .as("the test stores the manifest unchanged").isEmpty();
    }

    private void startOperator() {
        operator = new ShootOperator(client.getConfiguration(), OperatorSettings.defaults()
                .withMigration(new Migration.Settings(Duration.ofMillis(200), Duration.ofSeconds(1), 50))).start();
    }

    private void patchIpFamilies(String... families) {
        String patch = "[{\"op\":\"replace\",\"path\":\"" + IP_FAMILIES + "\",\"value\":" + JSON.valueToTree(List.of(families)) + "}]";
        client.genericKubernetesResources(Shoot.GROUP + "/" + Shoot.VERSION, "Shoot").inNamespace(NAMESPACE).withName(NAME)
                .patch(PatchContext.of(PatchType.JSON), patch);
    }

    /** Waits until the stored Shoot's last operation is in {@code state} with a description containing {@code text}. */
    private JsonNode awaitLastOperation(String state, String text) {
        await().atMost(Duration.ofSeconds(15)).until(() -> {
            JsonNode last = stored().at(LAST_OPERATION);
            return state.equals(last.path("state").textValue()) && last.path("description").asText().contains(text);
        });
        return stored();
    }

    /** The Shoot as the API server stores it: the body of a GET, not read through any model. */
    private JsonNode stored() {
        return parse(client.raw(SHOOT_PATH));
    }

    private static JsonNode comparable(JsonNode shoot, String... alsoWithout) {
        return without(without(shoot, SERVER_OWNED), alsoWithout);
    }

    /**
     * Besides the test's own edits, every write to the Shoot went to its {@code /status}, and
     * nothing but events was written anywhere else. (The mock's CRUD dispatcher consumes request
     * bodies, so what the writes changed is asserted on the stored object instead.)
     */
    private void assertOnlyStatusWritesBesidesTheTestsEdits(RequestLog requests, int start, int edits) {
        List<RequestLog.Request> shootWrites = requests.writesSince(start, r -> r.path().startsWith(SHOOT_PATH));
        assertThat(shootWrites.stream().filter(r -> !r.path().equals(SHOOT_PATH + "/status")))
                .as("the operator never writes spec or metadata: these are the test's own edits").hasSize(edits)
                .allMatch(r -> r.method().equals("PATCH") && r.path().equals(SHOOT_PATH));
        assertThat(shootWrites.stream().filter(r -> r.path().equals(SHOOT_PATH + "/status")))
                .as("the operator reported by status patches").isNotEmpty()
                .allMatch(r -> r.method().equals("PATCH"));
        assertThat(requests.writesSince(start, r -> !r.path().startsWith(SHOOT_PATH) && !r.path().contains("/events")))
                .as("nothing else was written").isEmpty();
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
