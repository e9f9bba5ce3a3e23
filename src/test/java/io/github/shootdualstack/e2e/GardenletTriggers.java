package io.github.shootdualstack.e2e;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.github.shootdualstack.garden.ExtensionKind;
import io.github.shootdualstack.migration.MaintenanceWindow;
import io.github.shootdualstack.shoot.LastOperation;
import io.github.shootdualstack.shoot.Maintenance;
import io.github.shootdualstack.shoot.Shoot;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The operator's triggers of gardenlet on one Shoot, as a user watching it sees them arrive, on either kind of
 * garden: a {@code gardener.cloud/operation} that appears (a CRD garden keeps both kinds, gardener-apiserver keeps
 * {@code rollout-workers=…} and raises the generation), or a generation raised with nothing else changed
 * (gardener-apiserver strips {@code reconcile} on arrival). Each is recorded with the Shoot as it was just before:
 * its last operation, its constraints, and whether the trigger changed anything but the annotations.
 */
final class GardenletTriggers implements AutoCloseable {

    /** One trigger: what it asked for and the Shoot's state when it came. */
    record Trigger(String operation, String lastOperation, String constraints, List<String> changes) {
    }

    private final List<Trigger> triggers = new CopyOnWriteArrayList<>();
    private final SharedIndexInformer<Shoot> watch;

    GardenletTriggers(Resource<Shoot> shoot) {
        this.watch = shoot.inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Shoot added) {
            }

            @Override
            public void onUpdate(Shoot old, Shoot now) {
                String operation = trigger(old, now);
                if (operation != null) {
                    triggers.add(new Trigger(operation, lastOperation(old), ConstraintRecorder.stateOf(old), changes(old, now)));
                }
            }

            @Override
            public void onDelete(Shoot deleted, boolean finalStateUnknown) {
            }
        });
    }

    List<Trigger> triggers() {
        return List.copyOf(triggers);
    }

    /**
     * What the triggers show of the operator beside gardenlet: none written while a reconcile ran or was due
     * (the last operation {@code Succeeded} at the Shoot's generation), none that changed the spec or status,
     * and one for each of gardenlet's reconciles after the one the user's edit started: each step of gardenlet's
     * asked for once, no step asked for twice.
     *
     * @param reconciles gardenlet's reconciles since the user's edit
     */
    void assertOnePerReconcile_eachAfterASucceededOne_changingNothingElse(int reconciles) {
        List<Trigger> seen = triggers();
        seen.forEach(trigger -> System.out.println("  trigger: " + trigger));
        assertThat(seen).as("no trigger while a reconcile runs or is due").isNotEmpty()
                .extracting(Trigger::lastOperation).allMatch("Succeeded, generation observed"::equals);
        assertThat(seen).as("what else the triggers changed on the Shoot").flatExtracting(Trigger::changes).isEmpty();
        assertThat(seen).as("one trigger per gardenlet reconcile after the edit's (" + reconciles + " reconciles)").hasSize(reconciles - 1);
    }

    /** The triggers told by events of this reason (the same event repeated is counted on it). */
    static int told(List<Event> events, String reason) {
        return events.stream().filter(event -> reason.equals(event.getReason()))
                .mapToInt(event -> event.getCount() == null ? 1 : event.getCount()).sum();
    }

    /**
     * The operations seen on these Shoots ({@code namespace/name} to the value of {@code gardener.cloud/operation}),
     * looked at once after each of so many intervals.
     */
    static Map<String, String> operationsOver(int intervals, Duration interval, Supplier<List<Shoot>> shoots) {
        Map<String, String> seen = new java.util.LinkedHashMap<>();
        for (int i = 0; i < intervals; i++) {
            try {
                Thread.sleep(interval.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            for (Shoot shoot : shoots.get()) {
                String operation = annotations(shoot).get(ExtensionKind.OPERATION_ANNOTATION);
                if (operation != null) {
                    seen.put(shoot.getMetadata().getNamespace() + "/" + shoot.getMetadata().getName(), operation);
                }
            }
        }
        return seen;
    }

    /** A clock moved a minute into the Shoot's maintenance window unless now is in it already. */
    static Clock insideTheWindowOf(Maintenance maintenance) {
        MaintenanceWindow window = MaintenanceWindow.of(maintenance);
        Instant now = Instant.now();
        if (window == null || window.contains(now)) {
            return Clock.systemUTC();
        }
        return Clock.offset(Clock.systemUTC(), window.untilNextBegin(now).plus(Duration.ofMinutes(1)));
    }

    private static String trigger(Shoot old, Shoot now) {
        String before = annotations(old).get(ExtensionKind.OPERATION_ANNOTATION);
        String after = annotations(now).get(ExtensionKind.OPERATION_ANNOTATION);
        if (after != null && !after.equals(before)) {
            return after;
        }
        boolean raised = !Objects.equals(old.getMetadata().getGeneration(), now.getMetadata().getGeneration());
        if (raised && json(old.getSpec()).equals(json(now.getSpec())) && annotations(old).equals(annotations(now))) {
            return ExtensionKind.OPERATION_RECONCILE + " (stripped, generation raised)";
        }
        return null;
    }

    private static List<String> changes(Shoot old, Shoot now) {
        List<String> changes = new java.util.ArrayList<>();
        if (!json(old.getSpec()).equals(json(now.getSpec()))) {
            changes.add("spec");
        }
        if (!json(old.getStatus()).equals(json(now.getStatus()))) {
            changes.add("status");
        }
        return changes;
    }

    private static String lastOperation(Shoot shoot) {
        LastOperation last = shoot.getStatus() == null ? null : shoot.getStatus().getLastOperation();
        boolean observed = shoot.getStatus() != null
                && Objects.equals(shoot.getStatus().getObservedGeneration(), shoot.getMetadata().getGeneration());
        return (last == null ? "none" : last.getState()) + ", generation " + (observed ? "observed" : "not observed");
    }

    private static Map<String, String> annotations(Shoot shoot) {
        return MigrationHarness.annotationsOf(shoot);
    }

    private static String json(Object value) {
        return Serialization.asJson(value);
    }

    @Override
    public void close() {
        watch.close();
    }
}
