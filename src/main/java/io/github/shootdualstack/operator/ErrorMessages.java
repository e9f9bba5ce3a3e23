package io.github.shootdualstack.operator;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.github.shootdualstack.garden.TechnicalNamespaceException;
import io.github.shootdualstack.shootcluster.ShootAccessException;

/** A failure as one line for the Shoot's status and events: what was asked of whom, and the answer. */
public final class ErrorMessages {

    private ErrorMessages() {
    }

    public static String of(Throwable thrown) {
        Throwable failure = thrown;
        // the framework may wrap what the reconciler threw
        while (!(failure instanceof ShootAccessException || failure instanceof TechnicalNamespaceException
                || failure instanceof KubernetesClientException) && failure.getCause() != null && failure.getCause() != failure) {
            failure = failure.getCause();
        }
        if (failure instanceof ShootAccessException || failure instanceof TechnicalNamespaceException) {
            return failure.getMessage();
        }
        if (failure instanceof KubernetesClientException k) {
            // "Failure executing: PATCH at: https://…/services/kube-dns. Message: …" names the request and the answer
            String message = k.getMessage() == null ? "" : k.getMessage().replaceAll("\\s+", " ").trim();
            return k.getCode() > 0 ? "HTTP " + k.getCode() + ": " + message : message;
        }
        return failure.getClass().getSimpleName() + (failure.getMessage() == null ? "" : ": " + failure.getMessage().replaceAll("\\s+", " "));
    }
}
