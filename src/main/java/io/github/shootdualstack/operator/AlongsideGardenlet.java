package io.github.shootdualstack.operator;

import io.github.shootdualstack.garden.GardenActions;
import io.github.shootdualstack.migration.Decision;
import io.github.shootdualstack.migration.Migration;
import io.github.shootdualstack.migration.Orchestration;
import io.github.shootdualstack.shoot.Shoot;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The operator's part in a Shoot gardenlet migrates: decide with the pure {@link Orchestration} from the
 * cached Shoot, within the installation's {@link RolloutPolicy} (a node roll only with a free slot),
 * write the trigger (the Shoot's {@code gardener.cloud/operation}, nothing else) and say it by an event.
 * Reads no extension resource and reaches no shoot cluster.
 */
final class AlongsideGardenlet {

    private static final Logger LOG = LoggerFactory.getLogger(AlongsideGardenlet.class);

    private final GardenActions gardenActions;
    private final EventRecorder events;
    private final OperatorMetrics metrics;
    private final OperatorSettings settings;
    private final RollSlots slots;
    private final Consumer<ResourceID> wake;
    private final Map<String, Orchestration.Memory> memories = new ConcurrentHashMap<>();
    // the Shoots told that they wait for a roll slot, until they get one or stop asking: said once per wait
    private final Set<String> queued = ConcurrentHashMap.newKeySet();

    /** @param wake reconciles a Shoot soon: one a roll slot was freed for */
    AlongsideGardenlet(GardenActions gardenActions, EventRecorder events, OperatorMetrics metrics, OperatorSettings settings,
                       Consumer<ResourceID> wake) {
        this.gardenActions = gardenActions;
        this.events = events;
        this.metrics = metrics;
        this.settings = settings;
        this.slots = new RollSlots(settings.rollout().maxRolling(), settings.rollout().maxRollingPerSeed());
        this.wake = wake;
        metrics.rollSlots(slots::rolling, slots::waiting);
    }

    /** @return when to look again without an event; {@code null}: on the Shoot's next change */
    Duration reconcile(Shoot shoot, String key, Context<Shoot> context) {
        Orchestration.Memory memory = memories.getOrDefault(key, Orchestration.Memory.NONE);
        RolloutPolicy policy = settings.rollout();
        Orchestration.Decision decision = Orchestration.decide(new Orchestration.Input(shoot, settings.clock().instant(),
                new Orchestration.Settings(settings.migration().recheckInterval(), settings.migration().maxBackoff(),
                        policy.paused(), policy.wave()), memory));
        boolean slotTaken = false;
        if (decision.rollsNodes() && slots.limited()) {
            String wanted = slots.take(key, seed(shoot), () -> context.getPrimaryCache().list()
                    .map(cached -> seen(cached, keyOf(cached))));
            if (wanted != null) {
                // woken when a slot is freed for it; the timer only in case a freed slot went unnoticed
                decision = decision.heldByLimit(wanted, settings.migration().maxBackoff(), memory);
                if (queued.add(key)) {
                    events.record(shoot, Decision.Event.normal(Orchestration.ROLLOUT_QUEUED, "Shoot " + key + ": waits for " + wanted
                            + " before gardenlet is asked to roll its nodes"));
                }
            } else {
                slotTaken = true;
                queued.remove(key);
            }
        } else {
            queued.remove(key);
            wakeAll(decision.phase() == null ? slots.forget(key) : slots.observe(seen(shoot, key)));
        }
        metrics.landscape(key, decision.phase(), decision.hold());
        if (decision.operation() != null) {
            Shoot written = gardenActions.requestOperation(shoot, decision.current(), decision.operation(),
                    decision.takeRequest() ? Map.entry(Migration.REQUEST_ANNOTATION, Migration.REQUEST_MIGRATE_NOW) : null,
                    Orchestration::reconcileFinished);
            if (written == null) {
                if (slotTaken) {
                    wakeAll(slots.giveBack(key));
                }
                return settings.migration().recheckInterval(); // changed meanwhile: its change wakes the Shoot
            }
            context.eventSourceRetriever().getControllerEventSource()
                    .handleRecentResourceUpdate(ResourceID.fromResource(written), written, shoot);
            events.record(shoot, decision.event());
            metrics.gardenletTriggered(decision.phase());
        } else if (decision.takeRequest()) {
            // the owner's request, on a Shoot whose migration has ended
            gardenActions.removeShootAnnotation(shoot, Migration.REQUEST_ANNOTATION, Migration.REQUEST_MIGRATE_NOW);
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
        queued.remove(key);
        metrics.landscape(key, null, null);
        wakeAll(slots.forget(key));
    }

    void retainOnly(Set<String> present) {
        memories.keySet().retainAll(present);
        queued.retainAll(present);
        slots.retainOnly(present);
    }

    private void wakeAll(List<String> keys) {
        for (String key : keys) {
            int slash = key.indexOf('/');
            wake.accept(new ResourceID(key.substring(slash + 1), key.substring(0, slash)));
        }
    }

    private static RollSlots.Seen seen(Shoot shoot, String key) {
        return new RollSlots.Seen(key, seed(shoot), Orchestration.rollingNodes(shoot) && Orchestration.migrating(shoot));
    }

    private static String seed(Shoot shoot) {
        return shoot.getSpec() == null ? null : shoot.getSpec().getSeedName();
    }

    private static String keyOf(Shoot shoot) {
        return shoot.getMetadata().getNamespace() + "/" + shoot.getMetadata().getName();
    }
}
