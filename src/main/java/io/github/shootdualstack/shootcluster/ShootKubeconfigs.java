package io.github.shootdualstack.shootcluster;

import io.github.shootdualstack.shoot.Shoot;

import java.time.Instant;

/**
 * The kubeconfig of a Shoot's cluster, wherever the garden keeps it: in the Shoot's
 * {@code <shoot>.kubeconfig} Secret ({@link SecretKubeconfigs}), or issued by Gardener's
 * {@code shoots/adminkubeconfig} for a short time ({@link AdminKubeconfigs}). Either way it is data,
 * read at once by {@link ShootKubeconfig} under the same rules, and never kept, written or logged:
 * only the client built from it is kept, with the {@link Version} it was built from.
 */
interface ShootKubeconfigs {

    /**
     * Which kubeconfig a client was built from (a Secret's resourceVersion, an expiry), the time from
     * which a new one is to be asked for, and the time its credentials expire ({@code null}: never,
     * while the version is current).
     */
    record Version(String id, Instant renewAt, Instant expiresAt) {
    }

    /**
     * A kubeconfig as data, with where it came from (named in messages, e.g. {@code Secret
     * garden-dev/prod.kubeconfig}) and its version. Its text is never shown: not by {@link #toString()}.
     */
    record Kubeconfig(String origin, String text, Version version) {

        @Override
        public String toString() {
            return "the kubeconfig in " + origin + " (version " + version.id() + ")";
        }
    }

    /**
     * The Shoot's kubeconfig, or {@code null} when the one of version {@code held} (a client was built
     * from it) is still the one to use; {@code held} is {@code null} when there is no client yet.
     *
     * @throws ShootAccessException naming where the kubeconfig comes from and what is wrong
     */
    Kubeconfig kubeconfig(Shoot shoot, Version held);

    /** How the kubeconfigs are got, for a person: {@code each Shoot's <shoot>.kubeconfig Secret}. */
    String describe();
}
