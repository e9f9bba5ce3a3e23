package io.github.shootdualstack.shootcluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.http.HttpStatusMessage;
import io.fabric8.kubernetes.client.utils.URLUtils;
import io.github.shootdualstack.shoot.Shoot;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A short-lived kubeconfig for each Shoot, issued by Gardener's gardener-apiserver: a POST of an
 * {@code AdminKubeconfigRequest} to {@code shoots/<name>/adminkubeconfig}, answered with a kubeconfig
 * holding a client certificate (in {@code status.kubeconfig}, base64) and its expiry. It is asked for
 * when there is none, and again once less than a third of its validity (at least 10 minutes) is left,
 * by the answer's expiry: Gardener may cut the time asked for. While a renewal fails, the kubeconfig
 * held is used until a minute before it expires. Nothing of the answer is written anywhere; it goes
 * to {@link ShootKubeconfig} and from there into the client alone.
 */
final class AdminKubeconfigs implements ShootKubeconfigs {

    /** The validity asked for: Gardener's default. Its least is 10 minutes, its most at least an hour. */
    static final Duration REQUESTED = Duration.ofHours(1);
    /** Renewed at the latest this long before it expires. */
    static final Duration LEAST_LEFT = Duration.ofMinutes(10);
    /** A kubeconfig held is not used closer than this to its expiry. */
    private static final Duration LAST_USE = Duration.ofMinutes(1);
    private static final Duration ANSWER_DEADLINE = Duration.ofSeconds(30);
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(AdminKubeconfigs.class);
    private static final int MESSAGE_LIMIT = 400;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final KubernetesClient garden;
    private final Clock clock;

    AdminKubeconfigs(KubernetesClient garden, Clock clock) {
        this.garden = garden;
        this.clock = clock;
    }

    @Override
    public Kubeconfig kubeconfig(Shoot shoot, Version held) {
        Instant now = clock.instant();
        if (held != null && held.renewAt() != null && now.isBefore(held.renewAt())) {
            return null;
        }
        try {
            return issue(shoot, now);
        } catch (ShootAccessException e) {
            if (held == null || held.expiresAt() == null || !now.isBefore(held.expiresAt().minus(LAST_USE))) {
                throw e;
            }
            LOG.warn("The kubeconfig of Shoot {}/{} is not renewed, the one held is used until it expires at {}: {}",
                    shoot.getMetadata().getNamespace(), shoot.getMetadata().getName(), held.expiresAt(), e.getMessage());
            return null;
        }
    }

    private Kubeconfig issue(Shoot shoot, Instant now) {
        String namespace = shoot.getMetadata().getNamespace();
        String name = shoot.getMetadata().getName();
        String origin = "shoots/adminkubeconfig of Shoot " + namespace + "/" + name;
        HttpResponse<String> answer = post(namespace, name, origin);
        if (!answer.isSuccessful()) {
            throw new ShootAccessException("could not create " + origin + ": " + refusal(answer));
        }
        JsonNode status;
        try {
            status = JSON.readTree(answer.body()).path("status");
        } catch (java.io.IOException | RuntimeException e) {
            // the parser's message would quote the answer, which holds credentials
            throw new ShootAccessException("the answer of " + origin + " is not an AdminKubeconfigRequest");
        }
        String encoded = status.path("kubeconfig").asText("");
        if (encoded.isBlank()) {
            throw new ShootAccessException("the answer of " + origin + " has no status.kubeconfig");
        }
        String kubeconfig;
        try {
            kubeconfig = new String(Base64.getDecoder().decode(encoded.strip()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new ShootAccessException("the answer of " + origin + " has a status.kubeconfig that is not valid base64");
        }
        Instant expiry;
        try {
            expiry = OffsetDateTime.parse(status.path("expirationTimestamp").asText("")).toInstant();
        } catch (DateTimeParseException e) {
            throw new ShootAccessException("the answer of " + origin + " has no valid status.expirationTimestamp");
        }
        return new Kubeconfig(origin, kubeconfig, new Version(expiry.toString(), renewAt(now, expiry), expiry));
    }

    @Override
    public String describe() {
        return "a short-lived kubeconfig from each Shoot's shoots/adminkubeconfig (valid " + REQUESTED.toMinutes() + " minutes)";
    }

    /** Once less than a third of the validity is left, and at the latest {@link #LEAST_LEFT} before the expiry. */
    static Instant renewAt(Instant issued, Instant expiry) {
        Duration validity = Duration.between(issued, expiry);
        Duration third = validity.dividedBy(3);
        return expiry.minus(third.compareTo(LEAST_LEFT) > 0 ? third : LEAST_LEFT);
    }

    private HttpResponse<String> post(String namespace, String name, String origin) {
        String body = "{\"apiVersion\":\"authentication.gardener.cloud/v1alpha1\",\"kind\":\"AdminKubeconfigRequest\","
                + "\"spec\":{\"expirationSeconds\":" + REQUESTED.toSeconds() + "}}";
        HttpRequest request = garden.getHttpClient().newHttpRequestBuilder()
                .uri(URLUtils.join(garden.getConfiguration().getMasterUrl(), "apis", "core.gardener.cloud", "v1beta1",
                        "namespaces", namespace, "shoots", name, "adminkubeconfig"))
                .timeout(ANSWER_DEADLINE.toSeconds(), TimeUnit.SECONDS)
                .post("application/json", body)
                .build();
        try {
            return garden.getHttpClient().sendAsync(request, String.class).get(ANSWER_DEADLINE.toSeconds() + 5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ShootAccessException("interrupted while creating " + origin);
        } catch (ExecutionException | TimeoutException e) {
            throw new ShootAccessException("could not create " + origin + ": " + Failures.kind(e));
        }
    }

    /**
     * The garden's answer to a refused request: its status and its message, which comes from the
     * garden (trusted, and free of credentials), on one line; and what to check for the usual refusals.
     */
    private String refusal(HttpResponse<String> answer) {
        int code = answer.code();
        String message = null;
        try {
            Status status = garden.getKubernetesSerialization().unmarshal(answer.body(), Status.class);
            message = status == null ? null : status.getMessage();
        } catch (RuntimeException notAStatus) {
            // said by its code alone
        }
        String oneLine = message == null || message.isBlank() ? "" : ": " + message.replaceAll("\\s+", " ").trim();
        if (oneLine.length() > MESSAGE_LIMIT) {
            oneLine = oneLine.substring(0, MESSAGE_LIMIT) + "...";
        }
        String hint = switch (code) {
            case 401, 403 -> " (the operator needs create on shoots/adminkubeconfig in the Shoot's namespace)";
            case 404 -> " (the Shoot is gone, or the garden does not serve shoots/adminkubeconfig: see --shoot-access)";
            default -> "";
        };
        return "HTTP " + code + " " + HttpStatusMessage.getMessageForStatus(code) + oneLine + hint;
    }
}
