package io.github.shootdualstack.shoot;

import io.fabric8.crdv2.generator.v1.SchemaCustomizer;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

import java.util.List;

/**
 * For the CRD generator only: marks the named condition lists of an object's schema as keyed by
 * {@code type} ({@code x-kubernetes-list-type: map}), as Gardener's are. Server-side apply then
 * merges such a list entry by entry, so a field manager owns only the conditions it applied and
 * never drops or takes over another controller's.
 */
public final class ConditionListsByType implements SchemaCustomizer.Customizer {

    @Override
    public JSONSchemaProps apply(JSONSchemaProps schema, String input, KubernetesSerialization serialization) {
        for (String property : input.split(",")) {
            JSONSchemaProps list = schema.getProperties().get(property.strip());
            if (list == null || list.getItems() == null || list.getItems().getSchema() == null) {
                throw new IllegalArgumentException("no list of objects \"" + property.strip() + "\" in the schema");
            }
            list.setXKubernetesListType("map");
            list.setXKubernetesListMapKeys(List.of("type"));
            list.getItems().getSchema().setRequired(List.of("type"));
        }
        return schema;
    }
}
