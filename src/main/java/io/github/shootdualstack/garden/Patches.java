package io.github.shootdualstack.garden;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The two patch types every API server (and the mock) accepts, with bodies built from plain maps,
 * and JSON patches (RFC 6902) of only the fields a writer owns.
 *
 * <p>Why not fabric8's {@code edit} for those: it locks on the resourceVersion it read, so a write
 * by someone else in between makes it fail with a conflict. Why not a merge patch: the mock API
 * server merges lists instead of replacing them and keeps {@code null} values instead of deleting
 * the field. Explicit {@code add} and {@code remove} operations behave the same on the mock and on
 * a real API server.
 */
public final class Patches {

    public static final PatchContext MERGE = PatchContext.of(PatchType.JSON_MERGE);
    public static final PatchContext JSON = PatchContext.of(PatchType.JSON);

    private Patches() {
    }

    public static String body(Object patch) {
        return Serialization.asJson(patch);
    }

    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() { };

    /**
     * Sets the given fields of the object's {@code status} through the status subresource; a
     * {@code null} value removes the field. Other status fields are kept.
     *
     * @return the object as stored afterwards
     * @throws KubernetesClientException when the object does not exist or the write fails
     */
    public static <T extends HasMetadata> T setStatusFields(Resource<T> resource, Map<String, Object> fields) {
        T current = resource.require();
        Object status = asMap(current).get("status");
        List<Map<String, Object>> operations = new ArrayList<>();
        if (status instanceof Map<?, ?> existing) {
            fields.forEach((field, value) -> {
                if (value != null) {
                    operations.add(operation("add", "/status/" + escape(field), value));
                } else if (existing.containsKey(field)) {
                    operations.add(operation("remove", "/status/" + escape(field), null));
                }
            });
        } else {
            Map<String, Object> initial = new LinkedHashMap<>();
            fields.forEach((field, value) -> {
                if (value != null) {
                    initial.put(field, value);
                }
            });
            operations.add(operation("add", "/status", initial));
        }
        if (operations.isEmpty()) {
            return current;
        }
        return resource.subresource("status").patch(JSON, json(operations));
    }

    /**
     * Adds {@code value} at {@code path} and the annotation {@code key: annotation} in one request, so
     * that neither lands without the other (an extension's spec change and the trigger that makes it
     * reconcile it: extensions react to the annotation, not to a new generation). Built on the object
     * as read: the annotation goes into its annotations map, or, when it has none, as a new map (an
     * {@code add} into a missing map fails on a real API server, and one of the whole map would drop
     * the others); either is right only for that version, so the patch carries the resourceVersion
     * read, and the API server (the mock alike) refuses it with 409 Conflict when the object changed
     * since. A list at {@code path} is replaced, never merged.
     *
     * @return the object as stored afterwards
     * @throws KubernetesClientException when the object does not exist, changed since it was read (409), or the write fails
     */
    public static <T extends HasMetadata> T addWithAnnotation(Resource<T> resource, T read, String path, Object value,
                                                              String key, String annotation) {
        return resource.patch(JSON, json(addWithAnnotation(read, path, value, key, annotation)));
    }

    /** The operations {@link #addWithAnnotation(Resource, HasMetadata, String, Object, String, String)} sends. */
    static List<Map<String, Object>> addWithAnnotation(HasMetadata read, String path, Object value, String key, String annotation) {
        Map<String, String> annotations = read.getMetadata().getAnnotations();
        // the model reads a missing map as an empty one; an empty map, if one is stored, loses nothing when replaced
        Map<String, Object> annotate = annotations == null || annotations.isEmpty()
                ? operation("add", "/metadata/annotations", Map.of(key, annotation))
                : operation("add", "/metadata/annotations/" + escape(key), annotation);
        return List.of(
                operation("replace", "/metadata/resourceVersion", read.getMetadata().getResourceVersion()),
                operation("add", path, value),
                annotate);
    }

    /** Removes an annotation the object was just read with. */
    public static <T extends HasMetadata> T removeAnnotation(Resource<T> resource, String annotation) {
        return resource.patch(JSON,
                json(List.of(operation("remove", "/metadata/annotations/" + escape(annotation), null))));
    }

    /** The object as plain maps, for reading and writing fields without a model. */
    public static Map<String, Object> asMap(Object object) {
        return Serialization.jsonMapper().convertValue(object, MAP);
    }

    private static Map<String, Object> operation(String op, String path, Object value) {
        Map<String, Object> operation = new LinkedHashMap<>();
        operation.put("op", op);
        operation.put("path", path);
        if (value != null) {
            operation.put("value", value);
        }
        return operation;
    }

    /** RFC 6901: {@code ~} and {@code /} in a key, as in {@code gardener.cloud/operation}. */
    public static String escape(String key) {
        return key.replace("~", "~0").replace("/", "~1");
    }

    private static String json(Object patch) {
        try {
            return Serialization.jsonMapper().writeValueAsString(patch);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("patch cannot be written as JSON: " + e.getOriginalMessage(), e);
        }
    }
}
