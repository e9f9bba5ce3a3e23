package io.github.shootdualstack.garden;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.github.shootdualstack.shoot.Shoot;

import java.util.Map;

/**
 * The Gardener project a Shoot belongs to, found as Gardener finds it, never cut from the name of
 * the Shoot's namespace (a namespace {@code foo} need not belong to project {@code foo}, and
 * {@code foo} and {@code garden-foo} are different namespaces).
 *
 * <p>First the namespace's label {@code project.gardener.cloud/name}: what gardenlet reads before it
 * computes a Shoot's technical ID (Gardener v1.138.0, {@code ProjectAndNamespaceFromReader} in
 * {@code pkg/utils/gardener/project.go}, called by the shoot reconciler's {@code prepareOperation}).
 * Else the Project whose {@code spec.namespace} is the namespace: how Gardener's controller-manager
 * and scheduler find it ({@code ProjectForNamespaceFromReader}, the same file), asked of the API
 * server with the field selector gardener-apiserver indexes, so one Project comes back, not all.
 */
public final class Projects {

    /** Gardener's label on a project namespace, holding the project's name. */
    public static final String LABEL = "project.gardener.cloud/name";

    /** Gardener's Project kind, cluster-scoped. */
    public static final ResourceDefinitionContext PROJECT = new ResourceDefinitionContext.Builder()
            .withGroup("core.gardener.cloud").withVersion("v1beta1").withKind("Project").withPlural("projects")
            .withNamespaced(false).build();

    private final KubernetesClient garden;

    public Projects(KubernetesClient garden) {
        this.garden = garden;
    }

    /**
     * The name of the Shoot's project: one read of its namespace, and, only when that has no label, one
     * list of the Projects with its namespace.
     *
     * @throws TechnicalNamespaceException when neither names a project
     */
    public String of(Shoot shoot) {
        String namespace = shoot.getMetadata().getNamespace();
        Namespace read = garden.namespaces().withName(namespace).get();
        Map<String, String> labels = read == null ? null : read.getMetadata().getLabels();
        String label = labels == null ? null : labels.get(LABEL);
        if (label != null && !label.isBlank()) {
            return label;
        }
        String project = projectWithNamespace(namespace);
        if (project != null) {
            return project;
        }
        throw new TechnicalNamespaceException((read == null ? "Namespace " + namespace + " not found"
                : "Namespace " + namespace + " has no label " + LABEL) + " and no Project has spec.namespace " + namespace
                + ": the project of Shoot " + namespace + "/" + shoot.getMetadata().getName()
                + " is unknown, so its technical namespace cannot be checked: nothing is written");
    }

    /** The Project whose {@code spec.namespace} is the namespace; {@code null} when none is, or the garden serves no Projects. */
    private String projectWithNamespace(String namespace) {
        try {
            return garden.genericKubernetesResources(PROJECT).withField("spec.namespace", namespace).list().getItems().stream()
                    // checked again: a server that did not apply the selector would answer with every Project
                    .filter(project -> namespace.equals(project.get("spec", "namespace")))
                    .map(project -> project.getMetadata().getName())
                    .findFirst().orElse(null);
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404) {
                return null; // a garden that serves Shoots by CRD has no Project API
            }
            throw e;
        }
    }
}
