package io.github.shootdualstack.garden;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.FieldsV1;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.github.shootdualstack.migration.Conditions;
import io.github.shootdualstack.migration.Decision;
import io.github.shootdualstack.migration.ExtensionFacts;
import io.github.shootdualstack.migration.GardenFacts;
import io.github.shootdualstack.migration.Migration;
import io.github.shootdualstack.shoot.Shoot;
import io.github.shootdualstack.testing.Resources;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The informers keep only what the operator reads: built from a production Shoot as a real API
 * server returns it (managedFields and the last-applied annotation included), the cached Shoot has
 * none of the fields the operator does not read, is a fraction of the size, and decides exactly as
 * the full one. That status writes made from the cached Shoot keep every field on the server is shown
 * by {@code ShootRoundTripTest}, whose operator caches Shoots this way.
 */
class CachedObjectsTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String MANIFEST = "/io/github/shootdualstack/local/production-shoot.yaml";

    @Test
    void cachedShoot_keepsOnlyWhatTheOperatorReads_andIsAFractionOfTheSize() throws IOException {
        Shoot full = asServedByARealApiServer(Resources.text(MANIFEST));
        full.getMetadata().getAnnotations().put(ExtensionKind.OPERATION_ANNOTATION, "rollout-workers=*");

        Shoot cached = CachedObjects.shoot(full);

        JsonNode kept = JSON.valueToTree(cached);
        assertThat(kept.at("/metadata/managedFields").isMissingNode() || kept.at("/metadata/managedFields").isEmpty()).isTrue();
        assertThat(fieldNames(kept.at("/metadata/annotations"))).containsExactly(ExtensionKind.OPERATION_ANNOTATION);
        assertThat(kept.at("/metadata/labels").isMissingNode() || kept.at("/metadata/labels").isEmpty()).isTrue();
        assertThat(fieldNames(kept.at("/spec"))).containsExactlyInAnyOrder("networking", "maintenance", "hibernation", "provider",
                "seedName");
        assertThat(fieldNames(kept.at("/spec/provider"))).containsExactly("workers");
        assertThat(fieldNames(kept.at("/spec/provider/workers/0"))).as("the pools gardenlet is asked to roll").containsExactly("name");
        assertThat(fieldNames(kept.at("/spec/networking/providerConfig"))).containsExactly("overlay");
        assertThat(fieldNames(kept.at("/status"))).as("of the constraints only the operator's own, none here")
                .containsExactlyInAnyOrder("lastOperation", "observedGeneration", "networking", "technicalID", "gardener");
        assertThat(fieldNames(kept.at("/status/gardener"))).as("which gardenlet: whether it migrates").containsExactly("version");
        assertThat(kept.at("/metadata/resourceVersion").asText()).isEqualTo(full.getMetadata().getResourceVersion());
        assertThat(kept.at("/metadata/uid").asText()).isEqualTo(full.getMetadata().getUid());

        int fullBytes = Serialization.asJson(full).length();
        int cachedBytes = Serialization.asJson(cached).length();
        System.out.printf("A production Shoot as served: %d bytes of JSON; as cached: %d bytes%n", fullBytes, cachedBytes);
        assertThat(cachedBytes).as("cached bytes").isLessThan(fullBytes / 5);
    }

    @Test
    void cachedShoot_keepsThePause_andOfTheLabelsOnlyThoseAWaveIsSelectedBy() throws IOException {
        Shoot full = asServedByARealApiServer(Resources.text(MANIFEST));
        full.getMetadata().getAnnotations().put(io.github.shootdualstack.migration.Orchestration.PAUSE_ANNOTATION, "true");
        full.getMetadata().setLabels(new java.util.HashMap<>(java.util.Map.of("rollout-wave", "2", "team", "payments")));

        JsonNode withoutWave = JSON.valueToTree(CachedObjects.shoot(full));
        JsonNode withWave = JSON.valueToTree(CachedObjects.shoot(full, java.util.Set.of("rollout-wave", "absent")));

        assertThat(fieldNames(withoutWave.at("/metadata/annotations")))
                .containsExactly(io.github.shootdualstack.migration.Orchestration.PAUSE_ANNOTATION);
        assertThat(withoutWave.at("/metadata/labels").isMissingNode() || withoutWave.at("/metadata/labels").isEmpty()).isTrue();
        assertThat(fieldNames(withWave.at("/metadata/labels"))).containsExactly("rollout-wave");
        assertThat(withWave.at("/spec/seedName").asText()).as("what a limit per seed counts").isEqualTo("aws-eu1");
    }

    @Test
    void cachedShoot_decidesAsTheFullOne() throws IOException {
        Shoot full = asServedByARealApiServer(Resources.text(MANIFEST));
        full.getSpec().getNetworking().setIpFamilies(List.of("IPv4", "IPv6"));
        Instant now = Instant.parse("2025-06-04T10:00:00Z");

        Decision fromFull = Migration.decide(new Migration.Input(full, garden(), null, null, now, Migration.Settings.defaults()));
        Decision fromCached = Migration.decide(new Migration.Input(CachedObjects.shoot(full), garden(), null, null, now,
                Migration.Settings.defaults()));

        assertThat(fromCached.actions()).isNotEmpty().isEqualTo(fromFull.actions());
        assertThat(fromCached.events()).isEqualTo(fromFull.events());
        assertThat(fromCached.step()).isEqualTo(fromFull.step());
        for (String owned : List.of("/lastOperation", "/dualStackMigration", "/networking")) {
            JsonNode cachedPart = JSON.valueToTree(fromCached.status());
            JsonNode fullPart = JSON.valueToTree(fromFull.status());
            assertThat(cachedPart.at(owned)).as(owned).isEqualTo(fullPart.at(owned));
        }
        for (String type : List.of(Conditions.NODES_TYPE, Conditions.DNS_TYPE)) {
            JsonNode cachedConstraint = JSON.valueToTree(Conditions.find(fromCached.status().getConstraints(), type));
            JsonNode fullConstraint = JSON.valueToTree(Conditions.find(fromFull.status().getConstraints(), type));
            assertThat(cachedConstraint).as(type).isEqualTo(fullConstraint);
        }
    }

    @Test
    void cachedExtension_keepsItsIdentityTriggerAndFamilies_only() {
        GenericKubernetesResource network = Serialization.unmarshal("""
                apiVersion: extensions.gardener.cloud/v1alpha1
                kind: Network
                metadata:
                  name: aws-prod
                  namespace: shoot--prod--aws-prod
                  generation: 3
                  resourceVersion: "77"
                  annotations: {gardener.cloud/operation: reconcile, gardener.cloud/timestamp: "2025-06-03T21:04:52Z"}
                  labels: {a: b}
                  managedFields: [{manager: gardenlet, operation: Update}]
                spec: {type: calico, ipFamilies: [IPv4], providerConfig: {backend: bird, ipam: {type: host-local}}}
                status:
                  ipFamilies: [IPv4]
                  observedGeneration: 3
                  lastOperation: {state: Succeeded, lastUpdateTime: "2025-06-03T21:05:00Z"}
                  providerStatus: {apiVersion: calico.networking.extensions.gardener.cloud/v1alpha1, kind: NetworkStatus}
                """, GenericKubernetesResource.class);

        GenericKubernetesResource cached = CachedObjects.extension(network);

        assertThat(Serialization.asJson(cached)).isEqualTo(Serialization.asJson(Serialization.unmarshal("""
                apiVersion: extensions.gardener.cloud/v1alpha1
                kind: Network
                metadata:
                  name: aws-prod
                  namespace: shoot--prod--aws-prod
                  generation: 3
                  resourceVersion: "77"
                  annotations: {gardener.cloud/operation: reconcile}
                  labels: {}
                  finalizers: []
                  managedFields: []
                  ownerReferences: []
                spec: {ipFamilies: [IPv4]}
                """, GenericKubernetesResource.class)));
    }

    /** The garden of an IPv4 Shoot that Gardener reconciled: every extension resource succeeded. */
    private static GardenFacts garden() {
        Instant reconciled = Instant.parse("2025-06-03T21:05:00Z");
        String namespace = "shoot--prod--aws-prod";
        return new GardenFacts(namespace,
                new ExtensionFacts("Infrastructure", namespace, "aws-prod", true, false, "Succeeded", reconciled, 1, 1, null),
                Map.of("nodes", List.of("10.250.0.0/16"), "pods", List.of("100.96.0.0/11"), "services", List.of("100.64.0.0/13")),
                new ExtensionFacts("ControlPlane", namespace, "aws-prod", true, false, "Succeeded", reconciled, 1, 1, null),
                new ExtensionFacts("Network", namespace, "aws-prod", true, false, "Succeeded", reconciled, 1, 1, null),
                List.of("IPv4"), List.of("IPv4"), namespace, List.of("IPv4"), Map.of("worker-a", 3));
    }

    /** With managedFields and the last-applied annotation, as real API servers return an object. */
    static Shoot asServedByARealApiServer(String manifest) {
        Shoot shoot = Serialization.unmarshal(manifest, Shoot.class);
        shoot.getMetadata().getAnnotations().put("kubectl.kubernetes.io/last-applied-configuration", manifest);
        FieldsV1 fields = new FieldsV1();
        fields.setAdditionalProperty("f:spec", Map.of("f:networking", Map.of("f:ipFamilies", Map.of()), "f:provider",
                Map.of("f:workers", Map.of())));
        shoot.getMetadata().setManagedFields(List.of(
                new ManagedFieldsEntryBuilder().withManager("gardener-dashboard").withOperation("Update")
                        .withApiVersion("core.gardener.cloud/v1beta1").withFieldsType("FieldsV1").withFieldsV1(fields).build(),
                new ManagedFieldsEntryBuilder().withManager("gardenlet").withOperation("Update").withSubresource("status")
                        .withApiVersion("core.gardener.cloud/v1beta1").withFieldsType("FieldsV1").withFieldsV1(fields).build()));
        return shoot;
    }

    static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }
}
