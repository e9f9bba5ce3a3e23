package io.github.shootdualstack.garden;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.zjsonpatch.JsonPatch;
import io.github.shootdualstack.local.LocalApiServer;
import io.github.shootdualstack.local.LocalCrds;
import io.github.shootdualstack.migration.Orchestration;
import io.github.shootdualstack.shoot.Shoot;
import io.github.shootdualstack.testing.RequestLog;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The Network's families and their trigger are one write: on a Network without annotations (also as
 * a real API server applies a JSON patch), on one with annotations of others, and refused whole when
 * the Network changed after it was read.
 */
class GardenActionsTest {

    static final String NAMESPACE = "shoot--dev--prod";
    static final List<String> DUAL = List.of("IPv4", "IPv6");
    static final ObjectMapper JSON = new ObjectMapper();

    LocalApiServer garden;
    RequestLog requests;

    @BeforeEach
    void startGarden() {
        garden = LocalApiServer.start();
        LocalCrds.install(garden.client());
        requests = new RequestLog(garden.server());
    }

    @AfterEach
    void stopGarden() {
        garden.close();
    }

    @Test
    void networkWithoutAnnotations_getsFamiliesAndTrigger_inOneWrite_theListReplaced() {
        network().create(network(null));
        int mark = requests.mark();

        new GardenActions(garden.client()).enableNetwork(NAMESPACE, "prod", DUAL);

        GenericKubernetesResource written = network().get();
        assertThat((Object) written.get("spec", "ipFamilies")).isEqualTo(DUAL);
        assertThat(written.getMetadata().getAnnotations()).containsExactly(
                Map.entry(ExtensionKind.OPERATION_ANNOTATION, ExtensionKind.OPERATION_RECONCILE));
        assertThat(written.getMetadata().getGeneration()).isEqualTo(2);
        assertThat(requests.writesSince(mark, request -> true)).extracting(RequestLog.Request::toString)
                .containsExactly("PATCH /apis/extensions.gardener.cloud/v1alpha1/namespaces/" + NAMESPACE + "/networks/prod");
    }

    @Test
    void networkWithAnnotationsOfOthers_keepsThem_andGetsTheTrigger() {
        network().create(network(Map.of("owner", "gardenlet")));

        new GardenActions(garden.client()).enableNetwork(NAMESPACE, "prod", DUAL);

        GenericKubernetesResource written = network().get();
        assertThat((Object) written.get("spec", "ipFamilies")).isEqualTo(DUAL);
        assertThat(written.getMetadata().getAnnotations()).containsOnly(Map.entry("owner", "gardenlet"),
                Map.entry(ExtensionKind.OPERATION_ANNOTATION, ExtensionKind.OPERATION_RECONCILE));
    }

    @Test
    void theOperations_applyToANetworkAsARealApiServerServesIt_withoutAnAnnotationsMap() {
        // as served: no annotations at all (the mock creates a missing parent for an add, a real API server refuses it)
        GenericKubernetesResource read = Serialization.unmarshal("""
                {"apiVersion": "extensions.gardener.cloud/v1alpha1", "kind": "Network",
                 "metadata": {"name": "prod", "namespace": "shoot--dev--prod", "resourceVersion": "7", "generation": 1},
                 "spec": {"type": "calico", "ipFamilies": ["IPv4"]}}
                """, GenericKubernetesResource.class);

        JsonNode patched = JsonPatch.apply(JSON.valueToTree(Patches.addWithAnnotation(read, "/spec/ipFamilies", DUAL,
                ExtensionKind.OPERATION_ANNOTATION, ExtensionKind.OPERATION_RECONCILE)), JSON.valueToTree(read));

        assertThat(patched.at("/spec/ipFamilies")).isEqualTo(JSON.valueToTree(DUAL));
        assertThat(patched.at("/metadata/annotations")).isEqualTo(JSON.valueToTree(
                Map.of(ExtensionKind.OPERATION_ANNOTATION, ExtensionKind.OPERATION_RECONCILE)));
        assertThat(patched.at("/metadata/resourceVersion").asText()).isEqualTo("7");
    }

    @Test
    void networkChangedAfterItWasRead_theWriteIsRefusedWithAConflict_andChangesNothing() {
        network().create(network(null));
        GenericKubernetesResource read = network().get();
        // another writer comes first, and gives the Network the annotations map the write does not expect
        network().edit(n -> {
            n.getMetadata().setAnnotations(new HashMap<>(Map.of("owner", "gardenlet")));
            return n;
        });

        assertThatThrownBy(() -> Patches.addWithAnnotation(network(), read, "/spec/ipFamilies", DUAL,
                ExtensionKind.OPERATION_ANNOTATION, ExtensionKind.OPERATION_RECONCILE))
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(409));
        GenericKubernetesResource after = network().get();
        assertThat((Object) after.get("spec", "ipFamilies")).isEqualTo(List.of("IPv4"));
        assertThat(after.getMetadata().getAnnotations()).containsOnly(Map.entry("owner", "gardenlet"));
    }

    @Test
    void aTrigger_isReadOnceAndWrittenOnce_andNotWrittenWhenTheShootAsReadIsNoLongerDue() {
        garden.client().resources(Shoot.class).inNamespace("garden-dev").resource(shoot("Succeeded")).create();
        Shoot cached = reconciled("Succeeded");
        assertThat(Orchestration.reconcileFinished(cached)).as("gardenlet's last reconcile finished: %s", cached.getStatus()).isTrue();
        int mark = requests.mark();

        Shoot written = new GardenActions(garden.client()).requestOperation(cached, null, "reconcile", null, Orchestration::reconcileFinished);

        assertThat(written.getMetadata().getAnnotations()).containsEntry(ExtensionKind.OPERATION_ANNOTATION, "reconcile");
        assertThat(requests.since(mark)).extracting(RequestLog.Request::method).as("no second read before the patch")
                .containsExactly("GET", "PATCH");

        // gardenlet took it up (the operation off) and runs its reconcile; the cache still shows the Shoot as it was before
        garden.client().resources(Shoot.class).inNamespace("garden-dev").withName("prod").edit(taken -> {
            taken.getMetadata().getAnnotations().remove(ExtensionKind.OPERATION_ANNOTATION);
            return taken;
        });
        reconciled("Processing");
        mark = requests.mark();

        assertThat(new GardenActions(garden.client()).requestOperation(cached, null, "reconcile", null, Orchestration::reconcileFinished))
                .as("gardenlet's reconcile runs").isNull();
        assertThat(requests.writesSince(mark, request -> true)).isEmpty();
    }

    /** The Shoot with the status gardenlet writes through the status subresource: its last operation in {@code state}. */
    private Shoot reconciled(String state) {
        Shoot stored = garden.client().resources(Shoot.class).inNamespace("garden-dev").withName("prod").get();
        stored.setStatus(shoot(state).getStatus());
        stored.getStatus().setObservedGeneration(stored.getMetadata().getGeneration());
        return garden.client().resources(Shoot.class).inNamespace("garden-dev").resource(stored).updateStatus();
    }

    private static Shoot shoot(String lastOperationState) {
        return Serialization.unmarshal("""
                apiVersion: core.gardener.cloud/v1beta1
                kind: Shoot
                metadata: {name: prod, namespace: garden-dev}
                spec: {networking: {ipFamilies: [IPv4, IPv6]}}
                status:
                  lastOperation: {type: Reconcile, state: %s}
                  constraints: [{type: DNSServiceMigrationReady, status: Progressing, reason: DNSServiceMigrating}]
                """.formatted(lastOperationState), Shoot.class);
    }

    private Resource<GenericKubernetesResource> network() {
        return ExtensionKind.NETWORK.in(garden.client()).inNamespace(NAMESPACE).withName("prod");
    }

    private static GenericKubernetesResource network(Map<String, String> annotations) {
        GenericKubernetesResource network = new GenericKubernetesResourceBuilder()
                .withApiVersion(ExtensionKind.NETWORK.apiVersion()).withKind(ExtensionKind.NETWORK.kind())
                .withNewMetadata().withNamespace(NAMESPACE).withName("prod").withAnnotations(annotations).endMetadata()
                .build();
        network.setAdditionalProperty("spec", new HashMap<>(Map.of("type", "calico", "ipFamilies", List.of("IPv4"))));
        return network;
    }
}
