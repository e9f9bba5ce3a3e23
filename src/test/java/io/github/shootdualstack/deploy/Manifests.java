package io.github.shootdualstack.deploy;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;

import java.util.List;

/** The objects of one render, looked up by type or kind. */
record Manifests(List<HasMetadata> objects) {

    static Manifests of(String yaml) {
        return new Manifests(HelmChart.parse(yaml));
    }

    <T extends HasMetadata> List<T> all(Class<T> type) {
        return objects.stream().filter(type::isInstance).map(type::cast).toList();
    }

    /** The only object of this type; fails when there is none or more than one. */
    <T extends HasMetadata> T one(Class<T> type) {
        List<T> found = all(type);
        if (found.size() != 1) {
            throw new AssertionError("expected one " + type.getSimpleName() + ", found " + found.size() + " in " + kinds());
        }
        return found.get(0);
    }

    boolean has(Class<? extends HasMetadata> type) {
        return objects.stream().anyMatch(type::isInstance);
    }

    /** Objects of kinds that fabric8 has no model for, such as the ServiceMonitor. */
    List<GenericKubernetesResource> generic(String kind) {
        return all(GenericKubernetesResource.class).stream().filter(o -> kind.equals(o.getKind())).toList();
    }

    List<String> kinds() {
        return objects.stream().map(o -> o.getKind() + "/" + o.getMetadata().getName()).toList();
    }
}
