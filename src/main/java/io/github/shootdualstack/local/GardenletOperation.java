package io.github.shootdualstack.local;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.github.shootdualstack.garden.ExtensionKind;
import io.github.shootdualstack.garden.Patches;
import io.github.shootdualstack.migration.Conditions;
import io.github.shootdualstack.shoot.LastOperation;
import io.github.shootdualstack.shoot.Shoot;
import io.github.shootdualstack.shoot.Worker;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How gardenlet v1.138.0 opens and closes a Shoot's reconcile in its status ({@code reconciler.go}:
 * {@code updateShootStatusOperationStart}, {@code patchShootStatusOperationSuccess},
 * {@code patchShootStatusOperationError}), with the {@code gardener.cloud/operation} annotation's
 * operations it handles there: {@code rollout-workers=<pool>[,<pool>]} (or {@code =*}) annotates the
 * pools' MachineDeployments' pod templates with {@code rollout-workers: <now>}, records the pools in
 * {@code status.manualWorkerPoolRollout.pendingWorkersRollouts} (emptied when the reconcile succeeds),
 * and is removed from the annotation once the status is written. {@code reconcile} is removed there
 * too: gardener-apiserver would have removed it on arrival, which the local garden does not.
 */
final class GardenletOperation {

    static final String OPERATION = ExtensionKind.OPERATION_ANNOTATION;
    static final String RECONCILE = ExtensionKind.OPERATION_RECONCILE;
    static final String ROLLOUT_WORKERS = "rollout-workers";
    static final String SEPARATOR = ";";
    static final String TASKS = "shoot.gardener.cloud/tasks";
    static final String DEPLOY_INFRASTRUCTURE = "deployInfrastructure";
    static final String STARTED = "Reconciliation of Shoot cluster initialized.";
    static final String SUCCEEDED = "Shoot cluster has been successfully reconciled.";

    private static final DateTimeFormatter GO_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSSSSS").withZone(ZoneOffset.UTC);

    private GardenletOperation() {
    }

    /** The operations in the Shoot's {@code gardener.cloud/operation}, in order. */
    static List<String> operations(Shoot shoot) {
        Map<String, String> annotations = shoot.getMetadata().getAnnotations();
        String value = annotations == null ? null : annotations.get(OPERATION);
        return value == null ? List.of() : Arrays.stream(value.split(SEPARATOR)).map(String::trim).filter(op -> !op.isEmpty()).toList();
    }

    /** Whether the Shoot's {@code shoot.gardener.cloud/tasks} has the task. */
    static boolean hasTask(Shoot shoot, String task) {
        Map<String, String> annotations = shoot.getMetadata().getAnnotations();
        String tasks = annotations == null ? null : annotations.get(TASKS);
        return tasks != null && Arrays.asList(tasks.split(",")).contains(task);
    }

    /**
     * Adds the task to {@code shoot.gardener.cloud/tasks}, or removes it, and the annotation with the last
     * one; a removal only while the Shoot is at {@code generation}, so a change made meanwhile gets the task done again.
     */
    static void setTask(Resource<Shoot> resource, String task, boolean wanted, Long generation) {
        resource.edit(shoot -> {
            if (!wanted && !Objects.equals(shoot.getMetadata().getGeneration(), generation)) {
                return shoot;
            }
            Map<String, String> annotations = shoot.getMetadata().getAnnotations() == null ? new LinkedHashMap<>()
                    : shoot.getMetadata().getAnnotations();
            shoot.getMetadata().setAnnotations(annotations);
            List<String> tasks = new ArrayList<>(annotations.containsKey(TASKS) ? Arrays.asList(annotations.get(TASKS).split(",")) : List.of());
            tasks.remove(task);
            if (wanted) {
                tasks.add(task);
            }
            if (tasks.isEmpty()) {
                annotations.remove(TASKS);
            } else {
                annotations.put(TASKS, String.join(",", tasks));
            }
            return shoot;
        });
    }

    static boolean handles(String operation) {
        return RECONCILE.equals(operation) || operation.startsWith(ROLLOUT_WORKERS + "=");
    }

    /**
     * Writes the reconcile's start (the gardenlet that runs it, the generation observed, {@code Processing}),
     * rolls the pools asked for, and removes the operations it handled.
     *
     * @return the Shoot as stored afterwards
     * @throws IllegalStateException when a pool asked for has no MachineDeployment
     */
    static Shoot start(KubernetesClient garden, Resource<Shoot> resource, Shoot shoot, GardenletStandIn.Config config) {
        Instant now = Instant.now(config.clock());
        Map<String, Object> status = new LinkedHashMap<>();
        Long observed = shoot.getStatus().getObservedGeneration();
        Object retryCycleStart = shoot.getStatus().additionalProperties().get("retryCycleStartTime");
        if (retryCycleStart == null || !Objects.equals(observed, shoot.getMetadata().getGeneration())
                || shoot.getStatus().getGardener() == null || !GardenletStandIn.VERSION.equals(shoot.getStatus().getGardener().getVersion())) {
            status.put("retryCycleStartTime", Conditions.timestamp(now));
        }
        status.put("gardener", Map.of("id", config.id(), "name", "gardenlet", "version", GardenletStandIn.VERSION));
        status.put("observedGeneration", shoot.getMetadata().getGeneration());
        status.put("lastOperation", ExtensionStatus.lastOperation(LastOperation.STATE_PROCESSING, 0, STARTED, config.clock()));
        List<Map<String, Object>> pending = pendingRollouts(shoot);
        List<String> operations = operations(shoot);
        for (String operation : operations) {
            if (operation.startsWith(ROLLOUT_WORKERS + "=")) {
                for (String pool : pools(shoot, operation.substring(ROLLOUT_WORKERS.length() + 1))) {
                    rollPool(garden, shoot.getStatus().getTechnicalID(), pool, now);
                    pending.add(Map.of("name", pool, "lastInitiationTime", Conditions.timestamp(now)));
                }
            }
        }
        if (!pending.isEmpty()) {
            status.put("manualWorkerPoolRollout", Map.of("pendingWorkersRollouts", pending));
        }
        Shoot started = Patches.setStatusFields(resource, status);
        List<String> left = operations.stream().filter(operation -> !handles(operation)).toList();
        if (left.size() == operations.size()) {
            return started;
        }
        // a patch without the resourceVersion, as gardenlet's merge patch: another writer's change of the Shoot meanwhile
        // fails nothing (an optimistic lock would fail the reconcile after the roll, and its retry would roll again)
        if (left.isEmpty()) {
            return Patches.removeAnnotation(resource, OPERATION);
        }
        return resource.patch(Patches.MERGE, Patches.body(Map.of("metadata", Map.of("annotations", Map.of(OPERATION, String.join(SEPARATOR, left))))));
    }

    /** {@code Succeeded}, no pending pool rollouts left. */
    static Shoot succeed(Resource<Shoot> resource, Shoot shoot, GardenletStandIn.Config config) {
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("retryCycleStartTime", null);
        status.put("lastErrors", null);
        status.put("lastOperation", ExtensionStatus.lastOperation(LastOperation.STATE_SUCCEEDED, 100, SUCCEEDED, config.clock()));
        if (shoot.getStatus().additionalProperties().get("manualWorkerPoolRollout") != null) {
            status.put("manualWorkerPoolRollout", Map.of());
        }
        return Patches.setStatusFields(resource, status);
    }

    /** {@code Error}, to be retried, with the last operation's progress kept. */
    static Shoot fail(Resource<Shoot> resource, Shoot shoot, String description, GardenletStandIn.Config config) {
        LastOperation last = shoot.getStatus().getLastOperation();
        int progress = last == null || last.getProgress() == null ? 0 : last.getProgress();
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("gardener", Map.of("id", config.id(), "name", "gardenlet", "version", GardenletStandIn.VERSION));
        status.put("lastErrors", List.of(Map.of("description", description, "lastUpdateTime", Conditions.timestamp(Instant.now(config.clock())))));
        status.put("lastOperation", ExtensionStatus.lastOperation(LastOperation.STATE_ERROR, progress, description + " Operation will be retried.", config.clock()));
        return Patches.setStatusFields(resource, status);
    }

    private static List<String> pools(Shoot shoot, String names) {
        List<String> pools = Arrays.stream(names.split(",")).map(String::trim).filter(name -> !name.isEmpty()).distinct().toList();
        if (!pools.contains("*")) {
            return pools;
        }
        return shoot.getSpec().getProvider().getWorkers().stream().map(Worker::getName).toList();
    }

    private static void rollPool(KubernetesClient garden, String namespace, String pool, Instant now) {
        List<GenericKubernetesResource> deployments = ExtensionKind.MACHINE_DEPLOYMENT.in(garden).inNamespace(namespace)
                .withLabel(ExtensionKind.POOL_LABEL, pool).list().getItems();
        if (deployments.isEmpty()) {
            throw new IllegalStateException("no MachineDeployment found for worker pool " + pool + " in namespace " + namespace);
        }
        Map<String, Object> patch = Map.of("spec", Map.of("template", Map.of("metadata",
                Map.of("annotations", Map.of(ROLLOUT_WORKERS, goTime(now))))));
        for (GenericKubernetesResource deployment : deployments) {
            ExtensionKind.MACHINE_DEPLOYMENT.in(garden).inNamespace(namespace).withName(deployment.getMetadata().getName())
                    .patch(Patches.MERGE, Patches.body(patch));
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> pendingRollouts(Shoot shoot) {
        Object rollout = shoot.getStatus().additionalProperties().get("manualWorkerPoolRollout");
        Object pending = rollout instanceof Map<?, ?> map ? map.get("pendingWorkersRollouts") : null;
        return pending instanceof List<?> list ? new ArrayList<>((List<Map<String, Object>>) list) : new ArrayList<>();
    }

    /** A time as Go prints a {@code metav1.Time}, which is the value gardenlet writes into the pod template. */
    static String goTime(Instant instant) {
        String text = GO_TIME.format(instant).replaceAll("0+$", "");
        return (text.endsWith(".") ? text.substring(0, text.length() - 1) : text) + " +0000 UTC";
    }
}
