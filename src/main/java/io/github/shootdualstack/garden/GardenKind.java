package io.github.shootdualstack.garden;

import io.fabric8.kubernetes.api.model.APIResourceList;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * What serves Shoots in the garden, decided here and nowhere else: Gardener's gardener-apiserver, or
 * the project's CRD (or nothing yet). Told by discovery of {@value #GROUP_VERSION}: gardener-apiserver
 * serves the subresource {@value #ADMIN_KUBECONFIG}, which a CRD cannot (a CRD has only {@code status}
 * and {@code scale}). Discovery is open to every authenticated user ({@code system:discovery}), so
 * this needs no role of the operator's.
 */
public enum GardenKind {

    /** Shoots served by gardener-apiserver: typed, aggregated, with {@code shoots/adminkubeconfig}. */
    GARDENER_APISERVER,
    /** Shoots served through the project's CRD, or not served at all. */
    CRD;

    public static final String GROUP_VERSION = "core.gardener.cloud/v1beta1";
    public static final String ADMIN_KUBECONFIG = "shoots/adminkubeconfig";

    /**
     * Asks the garden's discovery; a failed request is thrown (a garden that cannot be asked is not
     * taken for either kind).
     */
    public static GardenKind of(KubernetesClient garden) {
        APIResourceList resources = garden.getApiResources(GROUP_VERSION);
        boolean servesAdminKubeconfig = resources != null && resources.getResources() != null
                && resources.getResources().stream().anyMatch(resource -> ADMIN_KUBECONFIG.equals(resource.getName()));
        return servesAdminKubeconfig ? GARDENER_APISERVER : CRD;
    }
}
