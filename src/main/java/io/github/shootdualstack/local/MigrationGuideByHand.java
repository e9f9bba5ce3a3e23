package io.github.shootdualstack.local;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.github.shootdualstack.garden.Patches;
import io.github.shootdualstack.migration.Conditions;
import io.github.shootdualstack.migration.Orchestration;
import io.github.shootdualstack.shoot.Condition;
import io.github.shootdualstack.shoot.Shoot;
import io.github.shootdualstack.shoot.Worker;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * What a person does who follows Gardener's dual-stack migration guide by hand, on a Shoot whose
 * {@code ipFamilies} were just given IPv6 and which gardenlet reconciles: whenever gardenlet's last
 * reconcile has finished ({@code Succeeded} at the Shoot's generation, no operation of gardenlet's
 * left in {@code gardener.cloud/operation}) and the constraints say there is work, the next trigger:
 * {@code rollout-workers=<every pool>} the first time the nodes constraint is {@code Progressing},
 * {@code reconcile} otherwise. Done when the constraints are gone. No back-off, no window: the floor
 * an operator working alongside gardenlet is measured against.
 *
 * <p>Many Shoots followed at once read them from a watch ({@link #watching}), as a person would with
 * {@code kubectl get shoots -w}, rather than each polling the garden; and may share a limit on the
 * Shoots rolling nodes at once ({@link #limitingRollsBy}): a slot is taken before the roll is asked for
 * and given back once gardenlet's reconcile that rolled the nodes has finished.
 */
public final class MigrationGuideByHand {

    /** What was written: the pool rollouts asked for and the reconciles. */
    public record Result(int rollouts, int reconciles, Duration took) {
    }

    private final Resource<Shoot> shoot;
    private final Duration pollInterval;
    private Supplier<Shoot> reader;
    private boolean fromWatch;
    private Semaphore rollSlots;
    // the resource version of the last write: a watched Shoot older than it is not looked at
    private long written;

    public MigrationGuideByHand(KubernetesClient garden, String namespace, String name, Duration pollInterval) {
        this.shoot = garden.resources(Shoot.class).inNamespace(namespace).withName(name);
        this.pollInterval = pollInterval;
        this.reader = shoot::get;
    }

    /**
     * Reads the Shoot from a watch instead of the garden: {@code watched} gives its latest version seen (or null).
     * The garden's resource versions must count up, as the local garden's do.
     */
    public MigrationGuideByHand watching(Supplier<Shoot> watched) {
        this.reader = watched;
        this.fromWatch = true;
        return this;
    }

    /** Asks for the node roll only with one of these slots, held until the roll's reconcile has finished. */
    public MigrationGuideByHand limitingRollsBy(Semaphore slots) {
        this.rollSlots = slots;
        return this;
    }

    /**
     * Follows the guide until the constraints are gone.
     *
     * @throws IllegalStateException when that takes longer than {@code timeout}
     */
    public Result run(Duration timeout) {
        long started = System.nanoTime();
        long deadline = started + timeout.toNanos();
        int rollouts = 0;
        int reconciles = 0;
        boolean slot = false;
        try {
            while (System.nanoTime() < deadline) {
                Shoot current = read();
                if (current != null && finished(current)) {
                    if (slot && !Orchestration.rollingNodes(current)) {
                        rollSlots.release();
                        slot = false;
                    }
                    List<Condition> constraints = current.getStatus().getConstraints();
                    Condition nodes = Conditions.find(constraints, Conditions.NODES_TYPE);
                    if (nodes == null && Conditions.find(constraints, Conditions.DNS_TYPE) == null) {
                        return new Result(rollouts, reconciles, Duration.ofNanos(System.nanoTime() - started));
                    }
                    if (rollouts == 0 && Condition.PROGRESSING.equals(nodes == null ? null : nodes.getStatus())) {
                        slot = takeSlot();
                        annotate(GardenletOperation.ROLLOUT_WORKERS + "=" + current.getSpec().getProvider().getWorkers().stream()
                                .map(Worker::getName).collect(Collectors.joining(",")));
                        rollouts++;
                    } else {
                        annotate(GardenletOperation.RECONCILE);
                        reconciles++;
                    }
                }
                pause();
            }
        } finally {
            if (slot) {
                rollSlots.release();
            }
        }
        Shoot last = shoot.get();
        throw new IllegalStateException("the migration of Shoot " + last.getMetadata().getName() + " did not end within "
                + timeout.toMillis() + " ms after " + rollouts + " rollout(s) and " + reconciles + " reconcile(s); constraints "
                + last.getStatus().getConstraints() + ", last operation " + (last.getStatus().getLastOperation() == null ? null
                : last.getStatus().getLastOperation().getState() + " " + last.getStatus().getLastOperation().getDescription()));
    }

    /** gardenlet's last reconcile finished and nothing asked of it is waiting. */
    private static boolean finished(Shoot shoot) {
        return GardenletStandIn.upToDate(shoot) && GardenletOperation.operations(shoot).stream().noneMatch(GardenletOperation::handles);
    }

    /** The Shoot as last seen; null while the watch has not shown this guide's last write yet. */
    private Shoot read() {
        Shoot current = reader.get();
        return current == null || fromWatch && Long.parseLong(current.getMetadata().getResourceVersion()) < written ? null : current;
    }

    private boolean takeSlot() {
        if (rollSlots == null) {
            return false;
        }
        try {
            rollSlots.acquire();
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a roll slot", e);
        }
    }

    private void annotate(String operation) {
        // gardenlet removes it only once its reconcile has begun, so it is not taken for finished meanwhile
        Shoot patched = shoot.patch(Patches.MERGE, Patches.body(Map.of("metadata", Map.of("annotations", Map.of(GardenletOperation.OPERATION, operation)))));
        if (fromWatch && patched != null) {
            written = Long.parseLong(patched.getMetadata().getResourceVersion());
        }
    }

    private void pause() {
        try {
            Thread.sleep(pollInterval.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while following the migration guide", e);
        }
    }
}
