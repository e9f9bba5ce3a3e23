package io.github.shootdualstack.shootcluster;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.github.shootdualstack.shoot.Shoot;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The kubeconfig in the Shoot's {@code <shoot>.kubeconfig} Secret (key {@value #KEY}), read by name on
 * every look; a new one only when the Secret's resourceVersion changed. The way of a garden that
 * serves Shoots through the project's CRD.
 */
final class SecretKubeconfigs implements ShootKubeconfigs {

    static final String KEY = "kubeconfig";

    private final KubernetesClient garden;

    SecretKubeconfigs(KubernetesClient garden) {
        this.garden = garden;
    }

    static String secretName(Shoot shoot) {
        return shoot.getMetadata().getName() + ".kubeconfig";
    }

    @Override
    public Kubeconfig kubeconfig(Shoot shoot, Version held) {
        String namespace = shoot.getMetadata().getNamespace();
        String secretRef = "Secret " + namespace + "/" + secretName(shoot);
        Secret secret;
        try {
            secret = garden.secrets().inNamespace(namespace).withName(secretName(shoot)).get();
        } catch (KubernetesClientException e) {
            throw new ShootAccessException("could not read " + secretRef + ": " + Failures.kind(e), e);
        }
        if (secret == null) {
            throw new ShootAccessException(secretRef + " not found: it holds the shoot cluster's kubeconfig");
        }
        String version = secret.getMetadata().getResourceVersion();
        if (held != null && held.id().equals(version)) {
            return null;
        }
        String encoded = secret.getData() == null ? null : secret.getData().get(KEY);
        String kubeconfig = encoded != null ? decode(encoded, secretRef)
                : secret.getStringData() == null ? null : secret.getStringData().get(KEY);
        if (kubeconfig == null || kubeconfig.isBlank()) {
            throw new ShootAccessException(secretRef + " has no key \"" + KEY + "\"");
        }
        return new Kubeconfig(secretRef, kubeconfig, new Version(version, null, null));
    }

    @Override
    public String describe() {
        return "each Shoot's <shoot>.kubeconfig Secret";
    }

    private static String decode(String encoded, String secretRef) {
        try {
            return new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new ShootAccessException(secretRef + " key \"" + KEY + "\" is not valid base64");
        }
    }
}
