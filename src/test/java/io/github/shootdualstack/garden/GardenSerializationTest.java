package io.github.shootdualstack.garden;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.github.shootdualstack.shoot.Shoot;
import io.github.shootdualstack.testing.Resources;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The garden client reads objects without their managedFields and keeps everything else, the fields
 * the model does not know among them (the Cluster's copy of a Shoot is made from such a read); what
 * it writes is as before.
 */
class GardenSerializationTest {

    private final KubernetesSerialization garden = GardenSerialization.create();

    @Test
    void aShootAsServed_isReadWithoutItsManagedFields_andWithEveryOtherField() {
        Shoot served = CachedObjectsTest.asServedByARealApiServer(Resources.text(CachedObjectsTest.MANIFEST));
        String json = Serialization.asJson(served);

        Shoot read = garden.unmarshal(json, Shoot.class);

        assertThat(read.getMetadata().getManagedFields()).isNullOrEmpty();
        ObjectNode expected = (ObjectNode) Serialization.jsonMapper().valueToTree(Serialization.unmarshal(json, Shoot.class));
        ((ObjectNode) expected.get("metadata")).remove("managedFields");
        JsonNode actual = Serialization.jsonMapper().valueToTree(read);
        ((ObjectNode) actual.get("metadata")).remove("managedFields");
        assertThat(actual).isEqualTo(expected);
        assertThat(actual.at("/spec/provider/workers").size()).as("a field the model reads as an open map").isPositive();
    }

    @Test
    void anExtensionResourceAsServed_isReadWithoutItsManagedFields() {
        String json = "{\"apiVersion\":\"extensions.gardener.cloud/v1alpha1\",\"kind\":\"Network\",\"metadata\":{\"name\":\"prod\","
                + "\"namespace\":\"shoot--dev--prod\",\"managedFields\":[{\"manager\":\"gardenlet\",\"operation\":\"Update\","
                + "\"fieldsType\":\"FieldsV1\",\"fieldsV1\":{\"f:spec\":{\"f:ipFamilies\":{}}}}]},\"spec\":{\"ipFamilies\":[\"IPv4\"]}}";

        GenericKubernetesResource read = garden.unmarshal(json, GenericKubernetesResource.class);

        assertThat(read.getMetadata().getManagedFields()).isNullOrEmpty();
        assertThat(read.getMetadata().getName()).isEqualTo("prod");
        assertThat((Object) read.get("spec", "ipFamilies")).isEqualTo(java.util.List.of("IPv4"));
    }

    @Test
    void anObjectWithManagedFields_isWrittenWithThem() {
        Shoot served = CachedObjectsTest.asServedByARealApiServer(Resources.text(CachedObjectsTest.MANIFEST));

        assertThat(garden.asJson(served)).isEqualTo(Serialization.asJson(served));
    }
}
