package io.github.shootdualstack.garden;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.github.shootdualstack.shoot.Shoot;

import java.util.List;
import java.util.Map;

/**
 * The operator's writes to the garden side. Each is a patch of exactly the fields it means to set;
 * none deletes anything, and none writes a Shoot's {@code spec}.
 */
public final class GardenActions {

    /** The MachineDeployment pod-template annotation whose change rolls a pool's nodes; its value names the request. */
    public static final String ROLLOUT_ANNOTATION = "gardener.cloud/rollout-workers-request";

    private static final Map<String, Object> TRIGGER = Map.of("annotations",
            Map.of(ExtensionKind.OPERATION_ANNOTATION, ExtensionKind.OPERATION_RECONCILE));

    private final KubernetesClient garden;

    public GardenActions(KubernetesClient garden) {
        this.garden = garden;
    }

    public void trigger(ExtensionKind kind, String namespace, String name) {
        kind.in(garden).inNamespace(namespace).withName(name)
                .patch(Patches.MERGE, Patches.body(Map.of("metadata", TRIGGER)));
    }

    /**
     * Sets the Network's families and triggers it in one request: written apart, a write refused or an
     * operator stopped between them would leave a new generation that no extension reconciles. Read
     * first, so that the request fits the Network as it is; when it changed in between, the request is
     * refused with 409 and the reconcile retried.
     */
    public void enableNetwork(String namespace, String name, List<String> ipFamilies) {
        Resource<GenericKubernetesResource> network = ExtensionKind.NETWORK.in(garden).inNamespace(namespace).withName(name);
        Patches.addWithAnnotation(network, network.require(), "/spec/ipFamilies", ipFamilies,
                ExtensionKind.OPERATION_ANNOTATION, ExtensionKind.OPERATION_RECONCILE);
    }

    /**
     * Sets {@code spec.shoot.spec.networking.ipFamilies} in the Cluster, where provider extensions read a
     * Shoot's families (Gardener's provider-local does, for the Infrastructure and the machines), and
     * nothing else of the Shoot's copy: a change of the spec that is not reconciled yet (workers,
     * versions) reaches the providers with the Shoot's own reconcile, in its maintenance window, not
     * with the migration. The patch tests the copy's UID first, so that the check that the Cluster holds
     * this Shoot and the write are one request: a Cluster that holds another Shoot is answered with 422
     * and left as it is.
     */
    public void syncCluster(String clusterName, String shootUid, List<String> ipFamilies) {
        ExtensionKind.CLUSTER.in(garden).withName(clusterName).patch(Patches.JSON, Patches.body(List.of(
                Map.of("op", "test", "path", "/spec/shoot/metadata/uid", "value", shootUid),
                Map.of("op", "add", "path", "/spec/shoot/spec/networking/ipFamilies", "value", ipFamilies))));
    }

    /** Changes the pod template of the pools' MachineDeployments, which rolls their nodes. */
    public void rollWorkers(String namespace, List<String> pools, String value) {
        Map<String, Object> patch = Map.of("spec", Map.of("template", Map.of("metadata",
                Map.of("annotations", Map.of(ROLLOUT_ANNOTATION, value)))));
        for (GenericKubernetesResource deployment : ExtensionKind.MACHINE_DEPLOYMENT.in(garden).inNamespace(namespace).list().getItems()) {
            Map<String, String> labels = deployment.getMetadata().getLabels();
            if (labels != null && pools.contains(labels.get(ExtensionKind.POOL_LABEL))) {
                ExtensionKind.MACHINE_DEPLOYMENT.in(garden).inNamespace(namespace).withName(deployment.getMetadata().getName())
                        .patch(Patches.MERGE, Patches.body(patch));
            }
        }
    }

    /**
     * Sets the Shoot's {@code gardener.cloud/operation} to {@code value} if it still holds {@code current}
     * (none: the Shoot unchanged since it was read), and removes the user's request {@code request} with
     * the same write when given. Read afresh first, as the cache keeps no other annotation and may lag:
     * the Shoot as read must still be {@code due} for the operation.
     *
     * @return the Shoot as written, or null when it changed meanwhile (nothing written)
     */
    public Shoot requestOperation(Shoot shoot, String current, String value, Map.Entry<String, String> request,
                                  java.util.function.Predicate<Shoot> due) {
        var resource = garden.resources(Shoot.class).inNamespace(shoot.getMetadata().getNamespace()).withName(shoot.getMetadata().getName());
        Shoot fresh = resource.get();
        Map<String, String> annotations = fresh == null ? null : fresh.getMetadata().getAnnotations();
        String path = "/metadata/annotations/" + Patches.escape(ExtensionKind.OPERATION_ANNOTATION);
        if (fresh == null || !java.util.Objects.equals(current, annotations == null ? null : annotations.get(ExtensionKind.OPERATION_ANNOTATION))
                || !due.test(fresh)) {
            return null;
        }
        List<Map<String, Object>> ops = new java.util.ArrayList<>();
        if (current != null) {
            ops.add(Map.of("op", "test", "path", path, "value", current));
        } else {
            ops.add(Map.of("op", "test", "path", "/metadata/resourceVersion", "value", fresh.getMetadata().getResourceVersion()));
        }
        if (annotations == null) {
            ops.add(Map.of("op", "add", "path", "/metadata/annotations", "value", Map.of(ExtensionKind.OPERATION_ANNOTATION, value)));
        } else {
            ops.add(Map.of("op", "add", "path", path, "value", value));
        }
        if (request != null && annotations != null && request.getValue().equals(annotations.get(request.getKey()))) {
            String requestPath = "/metadata/annotations/" + Patches.escape(request.getKey());
            ops.add(Map.of("op", "test", "path", requestPath, "value", request.getValue()));
            ops.add(Map.of("op", "remove", "path", requestPath));
        }
        try {
            // on the Shoot as read: a patch by name alone would read it once more first
            return garden.resources(Shoot.class).inNamespace(fresh.getMetadata().getNamespace()).resource(fresh)
                    .patch(Patches.JSON, Patches.body(ops));
        } catch (KubernetesClientException e) {
            if (e.getCode() != 422) {
                throw e;
            }
            return null; // changed meanwhile: decided again on the Shoot as it is now
        }
    }

    /**
     * Removes the Shoot's annotation {@code key} (its {@code gardener.cloud/operation}, or the operator's own
     * request) if it still holds {@code value}.
     * When it no longer does (someone removed or changed it meanwhile) there is nothing to remove.
     *
     * @return the Shoot without it, or null when there was nothing to remove
     */
    public Shoot removeShootAnnotation(Shoot shoot, String key, String value) {
        String path = "/metadata/annotations/" + Patches.escape(key);
        try {
            // on the Shoot given (its name): a patch by name alone would read it first
            return garden.resources(Shoot.class).inNamespace(shoot.getMetadata().getNamespace()).resource(shoot)
                    .patch(Patches.JSON, Patches.body(List.of(
                            Map.of("op", "test", "path", path, "value", value),
                            Map.of("op", "remove", "path", path))));
        } catch (KubernetesClientException e) {
            // 422: the test failed, the annotation was changed or removed meanwhile; anything else
            // (a conflict, say) fails the reconcile, which is retried and removes it then
            if (e.getCode() != 422) {
                throw e;
            }
            return null;
        }
    }
}
