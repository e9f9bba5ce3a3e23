package io.github.shootdualstack.shootcluster;

import com.fasterxml.jackson.core.JacksonException;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.http.HttpStatusMessage;

import java.io.EOFException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;

/**
 * What went wrong with a request to a shoot API server, in the operator's own words: an HTTP status
 * (with its standard reason, and the Kubernetes reason when it is one Kubernetes defines), a refused
 * or timed out connection, a TLS failure, a response cut off at a limit. Never a message of the
 * server's, nor one that quotes what it sent (a parser's, say): a shoot's server may be anyone's.
 * The commands use it for the garden's transport failures too.
 */
public final class Failures {

    /** The reasons of a Kubernetes {@code Status} (metav1.StatusReason), the only words of a server's answer shown. */
    private static final Set<String> STATUS_REASONS = Set.of("Unauthorized", "Forbidden", "NotFound", "AlreadyExists",
            "Conflict", "Gone", "Invalid", "ServerTimeout", "StoreReadError", "Timeout", "TooManyRequests", "BadRequest",
            "MethodNotAllowed", "NotAcceptable", "RequestEntityTooLarge", "UnsupportedMediaType", "InternalError", "Expired",
            "ServiceUnavailable");

    private Failures() {
    }

    /** The kind of failure, e.g. "HTTP 403 Forbidden", "connection refused", "a response larger than 4 MiB". */
    public static String kind(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof ResponseBounds.Exceeded exceeded) {
                return "it sent " + exceeded.getMessage();
            }
        }
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof KubernetesClientException k && k.getCode() > 0) {
                return status(k);
            }
            String kind = transport(cause);
            if (kind != null) {
                return kind;
            }
        }
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName();
    }

    private static String status(KubernetesClientException k) {
        int code = k.getCode();
        String reason = k.getStatus() == null ? null : k.getStatus().getReason();
        return "HTTP " + code + " " + HttpStatusMessage.getMessageForStatus(code)
                + (reason != null && STATUS_REASONS.contains(reason) ? " (" + reason + ")" : "")
                + (code >= 300 && code < 400 ? ": redirects are not followed" : "");
    }

    private static String transport(Throwable cause) {
        if (cause instanceof ConnectException && cause.getCause() instanceof java.nio.channels.UnresolvedAddressException) {
            // how the JDK's HTTP client says that a host name did not resolve
            return "unknown host";
        }
        if (cause instanceof ConnectException && !(cause instanceof HttpConnectTimeoutException)) {
            return "connection refused";
        }
        if (cause instanceof HttpConnectTimeoutException) {
            return "connection timed out";
        }
        if (cause instanceof HttpTimeoutException || cause instanceof TimeoutException) {
            return "no answer in time";
        }
        if (cause instanceof UnknownHostException) {
            return "unknown host";
        }
        if (cause instanceof NoRouteToHostException) {
            return "no route to host";
        }
        if (cause instanceof SSLHandshakeException) {
            return "TLS handshake failed";
        }
        if (cause instanceof SSLException) {
            return "TLS failed";
        }
        if (cause instanceof JacksonException) {
            return "the answer is not a Kubernetes object";
        }
        if (cause instanceof EOFException) {
            return "the connection was closed during the answer";
        }
        return null;
    }

    /** The TLS handshake failed on the server's certificate. */
    public static boolean tlsRefused(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof SSLHandshakeException || cause instanceof CertPathBuilderException
                    || cause instanceof CertPathValidatorException) {
                return true;
            }
        }
        return false;
    }
}
