package io.github.shootdualstack.operator;

import io.github.shootdualstack.garden.GardenActions;
import io.github.shootdualstack.migration.Migration;
import io.github.shootdualstack.migration.Orchestration;
import io.github.shootdualstack.shoot.Shoot;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The operator's part in a Shoot gardenlet migrates: decide with the pure {@link Orchestration} from the
 * cached Shoot, write the trigger (the Shoot's {@code gardener.cloud/operation}, nothing else) and say it
 * by an event. Reads no extension resource and reaches no shoot cluster.
 */
final class AlongsideGardenlet {

    private static final Logger LOG = LoggerFactory.getLogger(AlongsideGardenlet.class);

    private final GardenActions gardenActions;
    private final EventRecorder events;
    private final OperatorMetrics metrics;
    private final OperatorSettings settings;
    private final Map<String, Orchestration.Memory> memories = new ConcurrentHashMap<>();

    AlongsideGardenlet(GardenActions gardenActions, EventRecorder events, OperatorMetrics metrics, OperatorSettings settings) {
        this.gardenActions = gardenActions;
        this.events = events;
        this.metrics = metrics;
        this.settings = settings;
    }

    /** @return when to look again without an event; {@code null}: on the Shoot's next change */
    Duration reconcile(Shoot shoot, String key, Context<Shoot> context) {
        Orchestration.Memory memory = memories.getOrDefault(key, Orchestration.Memory.NONE);
        Orchestration.Decision decision = Orchestration.decide(new Orchestration.Input(shoot, settings.clock().instant(),
                new Orchestration.Settings(settings.migration().recheckInterval(), settings.migration().maxBackoff()), memory));
        if (decision.operation() != null) {
            Shoot written = gardenActions.requestOperation(shoot, decision.current(), decision.operation(),
                    decision.takeRequest() ? Map.entry(Migration.REQUEST_ANNOTATION, Migration.REQUEST_MIGRATE_NOW) : null);
            if (written == null) {
                return settings.migration().recheckInterval(); // changed meanwhile: its change wakes the Shoot
            }
            context.eventSourceRetriever().getControllerEventSource()
                    .handleRecentResourceUpdate(ResourceID.fromResource(written), written, shoot);
            events.record(shoot, decision.event());
            metrics.gardenletTriggered(decision.phase());
        } else if (decision.waiting() != null) {
            LOG.debug("Shoot {} ({}) waits for {}", key, decision.phase() == null ? "not migrating" : decision.phase().label(), decision.waiting());
        }
        if (decision.memory().equals(Orchestration.Memory.NONE)) {
            memories.remove(key);
        } else {
            memories.put(key, decision.memory());
        }
        return decision.recheck();
    }

    void forget(String key) {
        memories.remove(key);
    }

    void retainOnly(Set<String> present) {
        memories.keySet().retainAll(present);
    }
}
