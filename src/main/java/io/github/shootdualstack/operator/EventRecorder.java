package io.github.shootdualstack.operator;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.MicroTime;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.github.shootdualstack.migration.Conditions;
import io.github.shootdualstack.migration.Decision;
import io.github.shootdualstack.shoot.Texts;
import io.github.shootdualstack.shoot.Shoot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * Records events on a Shoot, as {@code kubectl describe shoot} shows them. Best effort.
 *
 * <p>Each event carries what a real API server requires of an event with an {@code eventTime}:
 * the reporting controller and instance, an action, and a message within the size limit. An event
 * that repeats one recorded earlier (same Shoot, type, reason and message) is aggregated: its
 * {@code count} and {@code lastTimestamp} are patched instead of a new event being created.
 */
public final class EventRecorder {

    public static final String COMPONENT = "shoot-dualstack-operator";
    /** What the operator does when it records an event: it reconciles the Shoot. */
    public static final String ACTION = "Reconcile";
    /** The API server's limits: {@code message} (bytes) and {@code reportingInstance} (characters). */
    static final int MESSAGE_LIMIT = 1024;
    static final int INSTANCE_LIMIT = 128;
    private static final int REMEMBERED = 1000;
    /** An event's {@code eventTime}: the API server takes exactly six fractional digits. */
    private static final DateTimeFormatter MICRO_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'")
            .withZone(ZoneOffset.UTC);
    private static final Logger LOG = LoggerFactory.getLogger(EventRecorder.class);

    private final KubernetesClient client;
    private final Clock clock;
    private final String instance;
    // the events recorded so far, by what makes a repeat; the oldest are forgotten first
    private final Map<String, Recorded> recorded = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Recorded> eldest) {
            return size() > REMEMBERED;
        }
    };

    private record Recorded(String namespace, String name, int count) {
    }

    /** @param instance this replica of the operator (its pod's name), as events name their reporter */
    public EventRecorder(KubernetesClient client, Clock clock, String instance) {
        this.client = client;
        this.clock = clock;
        this.instance = Texts.cut(Objects.requireNonNullElse(instance, "unknown"), INSTANCE_LIMIT);
    }

    /** This replica's name: the pod's host name, as the Deployment gives it. */
    public static String defaultInstance() {
        String host = System.getenv("HOSTNAME");
        if (host != null && !host.isBlank()) {
            return host;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown";
        }
    }

    public void record(Shoot shoot, Decision.Event event) {
        String namespace = shoot.getMetadata().getNamespace();
        String shootName = shoot.getMetadata().getName();
        String type = event.warning() ? "Warning" : "Normal";
        String message = Texts.cut(event.message(), MESSAGE_LIMIT);
        String key = String.join("\u0000", namespace, shootName, shoot.getMetadata().getUid(), type, event.reason(), message);
        Instant now = clock.instant();
        try {
            Recorded earlier;
            synchronized (recorded) {
                earlier = recorded.get(key);
            }
            Recorded written = earlier != null ? repeat(earlier, now) : null;
            if (written == null) {
                written = create(shoot, type, event.reason(), message, now);
            }
            synchronized (recorded) {
                recorded.put(key, written);
            }
        } catch (KubernetesClientException e) {
            LOG.warn("Could not record event {} on Shoot {}/{}: {}", event.reason(), namespace, shootName, e.getMessage());
        }
        if (event.warning()) {
            LOG.warn("Shoot {}/{}: {}: {}", namespace, shootName, event.reason(), event.message());
        } else {
            LOG.info("Shoot {}/{}: {}: {}", namespace, shootName, event.reason(), event.message());
        }
    }

    /** Counts a repeat on the earlier event; null when that event is gone (the API server expires events). */
    private Recorded repeat(Recorded earlier, Instant now) {
        int count = earlier.count() + 1;
        try {
            // on the event by its name: a patch by name alone would read the event first
            Event named = new EventBuilder().withNewMetadata().withNamespace(earlier.namespace()).withName(earlier.name()).endMetadata().build();
            client.v1().events().inNamespace(earlier.namespace()).resource(named)
                    .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"count\":" + count + ",\"lastTimestamp\":\"" + Conditions.timestamp(now) + "\"}");
            return new Recorded(earlier.namespace(), earlier.name(), count);
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404) {
                return null;
            }
            throw e;
        }
    }

    private Recorded create(Shoot shoot, String type, String reason, String message, Instant now) {
        String namespace = shoot.getMetadata().getNamespace();
        String time = Conditions.timestamp(now);
        Event built = new EventBuilder()
                .withNewMetadata()
                .withNamespace(namespace)
                .withName(shoot.getMetadata().getName() + "." + UUID.randomUUID().toString().replace("-", "").substring(0, 16))
                .endMetadata()
                .withNewInvolvedObject()
                .withApiVersion(shoot.getApiVersion()).withKind(shoot.getKind())
                .withNamespace(namespace).withName(shoot.getMetadata().getName())
                .withUid(shoot.getMetadata().getUid()).withResourceVersion(shoot.getMetadata().getResourceVersion())
                .endInvolvedObject()
                .withType(type)
                .withReason(reason)
                .withMessage(message)
                .withAction(ACTION)
                .withNewSource().withComponent(COMPONENT).endSource()
                .withReportingComponent(COMPONENT)
                .withReportingInstance(instance)
                .withFirstTimestamp(time).withLastTimestamp(time)
                .withEventTime(new MicroTime(MICRO_TIME.format(now)))
                .withCount(1)
                .build();
        Event created = client.v1().events().inNamespace(namespace).resource(built).create();
        return new Recorded(namespace, created.getMetadata().getName(), 1);
    }
}
