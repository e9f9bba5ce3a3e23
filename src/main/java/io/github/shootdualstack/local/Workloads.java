package io.github.shootdualstack.local;

import io.github.shootdualstack.garden.Patches;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.IntStream;

/** Deployments of a local shoot and the pods their controller would run. */
final class Workloads {

    private Workloads() {
    }

    static Deployment deployment(String namespace, String name, int replicas, Map<String, String> selector,
                                 String image, int port) {
        return new DeploymentBuilder()
                .withNewMetadata().withNamespace(namespace).withName(name).withLabels(selector).endMetadata()
                .withNewSpec()
                    .withReplicas(replicas)
                    .withNewSelector().withMatchLabels(selector).endSelector()
                    .withNewTemplate()
                        .withNewMetadata().withLabels(selector).endMetadata()
                        .withNewSpec()
                            .addNewContainer().withName(name).withImage(image)
                                .addNewPort().withContainerPort(port).endPort()
                            .endContainer()
                        .endSpec()
                    .endTemplate()
                .endSpec()
                .build();
    }

    /** The pods of a deployment's current template, created in the shoot. */
    static List<Pod> runPods(KubernetesClient shoot, Deployment deployment, int count, PodScheduler scheduler,
                             boolean cniRunsIpv6) {
        String hash = TemplateHash.of(deployment.getSpec().getTemplate());
        String namespace = deployment.getMetadata().getNamespace();
        return IntStream.range(0, count)
                .mapToObj(i -> PodScheduler.newPod(namespace, deployment.getMetadata().getName(),
                        deployment.getSpec().getTemplate(), hash))
                .map(pod -> scheduler.run(pod, cniRunsIpv6))
                .map(pod -> createPod(shoot, pod))
                .toList();
    }

    /**
     * Creates a pod and reports its status as its kubelet would: an API server ignores the status
     * a pod is created with (the embedded one keeps it), so the status is written after the create.
     */
    static Pod createPod(KubernetesClient shoot, Pod pod) {
        Pod created = shoot.pods().resource(pod).create();
        if (pod.getStatus() == null) {
            return created;
        }
        created.setStatus(pod.getStatus());
        return shoot.pods().resource(created).subresource("status").update();
    }

    /** The status a deployment controller reports for the given pods of the current template. */
    static DeploymentStatus status(Deployment deployment, int updatedPods, int readyPods, int allPods) {
        return new DeploymentStatusBuilder()
                .withObservedGeneration(deployment.getMetadata().getGeneration())
                .withReplicas(allPods)
                .withUpdatedReplicas(updatedPods)
                .withReadyReplicas(readyPods)
                .withAvailableReplicas(readyPods)
                .build();
    }

    /** Writes the status when it differs from what the deployment reports. */
    static void reportStatus(KubernetesClient shoot, Deployment deployment, DeploymentStatus status) {
        DeploymentStatus current = deployment.getStatus();
        if (current != null
                && Objects.equals(current.getObservedGeneration(), status.getObservedGeneration())
                && Objects.equals(current.getReplicas(), status.getReplicas())
                && Objects.equals(current.getUpdatedReplicas(), status.getUpdatedReplicas())
                && Objects.equals(current.getReadyReplicas(), status.getReadyReplicas())
                && Objects.equals(current.getAvailableReplicas(), status.getAvailableReplicas())) {
            return;
        }
        Patches.setStatusFields(shoot.apps().deployments().inNamespace(deployment.getMetadata().getNamespace())
                .withName(deployment.getMetadata().getName()), Patches.asMap(status));
    }
}
