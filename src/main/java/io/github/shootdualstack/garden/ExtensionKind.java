package io.github.shootdualstack.garden;

import io.github.shootdualstack.migration.Extension;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;

/** The garden-side kinds of other controllers that the operator reads or triggers. */
public enum ExtensionKind {

    INFRASTRUCTURE("extensions.gardener.cloud", "v1alpha1", "Infrastructure", "infrastructures", true),
    CONTROL_PLANE("extensions.gardener.cloud", "v1alpha1", "ControlPlane", "controlplanes", true),
    NETWORK("extensions.gardener.cloud", "v1alpha1", "Network", "networks", true),
    CLUSTER("extensions.gardener.cloud", "v1alpha1", "Cluster", "clusters", false),
    MACHINE_DEPLOYMENT("machine.sapcloud.io", "v1alpha1", "MachineDeployment", "machinedeployments", true);

    /** Extensions start work when this annotation says {@code reconcile}, and remove it then. */
    public static final String OPERATION_ANNOTATION = Extension.OPERATION_ANNOTATION;
    public static final String OPERATION_RECONCILE = Extension.OPERATION_RECONCILE;
    /** The worker pool a MachineDeployment belongs to. */
    public static final String POOL_LABEL = "worker.gardener.cloud/pool";

    private final ResourceDefinitionContext context;

    ExtensionKind(String group, String version, String kind, String plural, boolean namespaced) {
        this.context = new ResourceDefinitionContext.Builder()
                .withGroup(group).withVersion(version).withKind(kind).withPlural(plural)
                .withNamespaced(namespaced).build();
    }

    /** The kind of an extension the decision names. */
    public static ExtensionKind of(Extension extension) {
        return switch (extension) {
            case INFRASTRUCTURE -> INFRASTRUCTURE;
            case CONTROL_PLANE -> CONTROL_PLANE;
            case NETWORK -> NETWORK;
        };
    }

    public ResourceDefinitionContext context() {
        return context;
    }

    public io.javaoperatorsdk.operator.processing.GroupVersionKind groupVersionKind() {
        return new io.javaoperatorsdk.operator.processing.GroupVersionKind(context.getGroup(), context.getVersion(), context.getKind());
    }

    public String kind() {
        return context.getKind();
    }

    public String apiVersion() {
        return context.getGroup() + "/" + context.getVersion();
    }

    public MixedOperation<GenericKubernetesResource, GenericKubernetesResourceList, Resource<GenericKubernetesResource>> in(
            KubernetesClient client) {
        return client.genericKubernetesResources(context);
    }
}
