package io.github.shootdualstack.local;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;

import java.util.List;

/** Typed reads of nested fields of generic resources, for assertions. */
final class Fields {

    private Fields() {
    }

    static List<String> strings(GenericKubernetesResource resource, Object... path) {
        Object value = resource.get(path);
        return value instanceof List<?> list ? list.stream().map(String::valueOf).toList() : List.of();
    }

    static String text(GenericKubernetesResource resource, Object... path) {
        Object value = resource.get(path);
        return value == null ? null : value.toString();
    }
}
