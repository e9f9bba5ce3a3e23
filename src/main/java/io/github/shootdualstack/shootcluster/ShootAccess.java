package io.github.shootdualstack.shootcluster;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.github.shootdualstack.garden.GardenKind;

import java.time.Clock;
import java.util.Locale;

/**
 * How the operator gets into shoot clusters ({@code --shoot-access}): by each Shoot's
 * {@code <shoot>.kubeconfig} Secret, by Gardener's {@code shoots/adminkubeconfig}, or, by default,
 * by what the garden serves ({@link GardenKind}): {@code adminkubeconfig} where gardener-apiserver
 * serves Shoots, the Secret where the project's CRD does.
 */
public enum ShootAccess {

    AUTO, SECRET, ADMINKUBECONFIG;

    /** As the flag has it: {@code auto}, {@code secret}, {@code adminkubeconfig}. */
    public String flag() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The way this access takes in this garden; {@link #AUTO} asks the garden (one discovery request). */
    public ShootAccess in(KubernetesClient garden) {
        if (this != AUTO) {
            return this;
        }
        return GardenKind.of(garden) == GardenKind.GARDENER_APISERVER ? ADMINKUBECONFIG : SECRET;
    }

    /** The kubeconfigs of this way; {@link #AUTO} must have been {@linkplain #in decided} first. */
    ShootKubeconfigs kubeconfigs(KubernetesClient garden, Clock clock) {
        return switch (this) {
            case SECRET -> new SecretKubeconfigs(garden);
            case ADMINKUBECONFIG -> new AdminKubeconfigs(garden, clock);
            case AUTO -> throw new IllegalStateException("--shoot-access=auto is decided by the garden first");
        };
    }
}
