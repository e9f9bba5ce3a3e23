package io.github.shootdualstack.local;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.github.shootdualstack.garden.ExtensionKind;
import io.github.shootdualstack.shoot.LastOperation;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The parts of an extension resource the extension contract is about: what triggers a reconcile,
 * and the {@code status} fields that report one, as fragments for a merge patch.
 */
final class ExtensionStatus {

    private ExtensionStatus() {
    }

    static boolean hasReconcileAnnotation(GenericKubernetesResource resource) {
        Map<String, String> annotations = resource.getMetadata().getAnnotations();
        return annotations != null
                && ExtensionKind.OPERATION_RECONCILE.equals(annotations.get(ExtensionKind.OPERATION_ANNOTATION));
    }

    static long generation(GenericKubernetesResource resource) {
        Long generation = resource.getMetadata().getGeneration();
        return generation == null ? 0 : generation;
    }

    static long observedGeneration(GenericKubernetesResource resource) {
        Object observed = resource.get("status", "observedGeneration");
        return observed instanceof Number number ? number.longValue() : 0;
    }

    static String state(GenericKubernetesResource resource) {
        Object state = resource.get("status", "lastOperation", "state");
        return state == null ? null : state.toString();
    }

    /** The {@code status} fields of a reconcile that has begun. */
    static Map<String, Object> processing(String kind, Clock clock) {
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("lastOperation", lastOperation(LastOperation.STATE_PROCESSING, 1, "Reconciling the " + kind, clock));
        return status;
    }

    /** Done: Succeeded, the generation observed, no error left. */
    static Map<String, Object> succeeded(String kind, long generation, Clock clock) {
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("lastOperation", lastOperation(LastOperation.STATE_SUCCEEDED, 100,
                kind + " was reconciled successfully", clock));
        status.put("observedGeneration", generation);
        status.put("lastError", null);
        return status;
    }

    /** Failed; like Gardener's extensions it has observed the generation it failed on. */
    static Map<String, Object> failed(String kind, long generation, String description, Clock clock) {
        Map<String, Object> lastError = new LinkedHashMap<>();
        lastError.put("description", description);
        lastError.put("lastUpdateTime", now(clock));
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("lastOperation", lastOperation(LastOperation.STATE_ERROR, 50,
                "Error reconciling the " + kind + ": " + description, clock));
        status.put("lastError", lastError);
        status.put("observedGeneration", generation);
        return status;
    }

    static Map<String, Object> lastOperation(String state, int progress, String description, Clock clock) {
        Map<String, Object> lastOperation = new LinkedHashMap<>();
        lastOperation.put("type", LastOperation.TYPE_RECONCILE);
        lastOperation.put("state", state);
        lastOperation.put("progress", progress);
        lastOperation.put("description", description);
        lastOperation.put("lastUpdateTime", now(clock));
        return lastOperation;
    }

    private static String now(Clock clock) {
        return Instant.now(clock).truncatedTo(ChronoUnit.SECONDS).toString();
    }
}
