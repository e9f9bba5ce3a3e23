package io.github.shootdualstack.operator;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.MicroTime;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.github.shootdualstack.migration.Conditions;
import io.github.shootdualstack.migration.Decision;
import io.github.shootdualstack.shoot.Shoot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.UUID;

/** Records events on a Shoot, as {@code kubectl describe shoot} shows them. Best effort. */
public final class EventRecorder {

    public static final String COMPONENT = "shoot-dualstack-operator";
    private static final Logger LOG = LoggerFactory.getLogger(EventRecorder.class);

    private final KubernetesClient client;
    private final Clock clock;

    public EventRecorder(KubernetesClient client, Clock clock) {
        this.client = client;
        this.clock = clock;
    }

    public void record(Shoot shoot, Decision.Event event) {
        String time = Conditions.timestamp(clock.instant());
        String namespace = shoot.getMetadata().getNamespace();
        var built = new EventBuilder()
                .withNewMetadata()
                .withNamespace(namespace)
                .withName(shoot.getMetadata().getName() + "." + UUID.randomUUID().toString().replace("-", "").substring(0, 16))
                .endMetadata()
                .withNewInvolvedObject()
                .withApiVersion(shoot.getApiVersion()).withKind(shoot.getKind())
                .withNamespace(namespace).withName(shoot.getMetadata().getName())
                .withUid(shoot.getMetadata().getUid()).withResourceVersion(shoot.getMetadata().getResourceVersion())
                .endInvolvedObject()
                .withType(event.warning() ? "Warning" : "Normal")
                .withReason(event.reason())
                .withMessage(event.message())
                .withNewSource().withComponent(COMPONENT).endSource()
                .withReportingComponent(COMPONENT)
                .withFirstTimestamp(time).withLastTimestamp(time)
                .withEventTime(new MicroTime(clock.instant().toString()))
                .withCount(1)
                .build();
        try {
            client.v1().events().inNamespace(namespace).resource(built).create();
        } catch (KubernetesClientException e) {
            LOG.warn("Could not record event {} on Shoot {}/{}: {}", event.reason(), namespace, shoot.getMetadata().getName(), e.getMessage());
        }
        if (event.warning()) {
            LOG.warn("Shoot {}/{}: {}: {}", namespace, shoot.getMetadata().getName(), event.reason(), event.message());
        } else {
            LOG.info("Shoot {}/{}: {}: {}", namespace, shoot.getMetadata().getName(), event.reason(), event.message());
        }
    }
}
