package io.github.shootdualstack.migration;

import java.time.Instant;
import java.util.function.Supplier;

/**
 * An extension resource (Infrastructure, ControlPlane, Network) as its controller leaves it, in
 * the terms of the extension contract: a pending trigger, the last operation, generations, an error.
 */
final class FakeExtension {

    private final String kind;
    private final Supplier<Instant> clock;
    private boolean exists = true;
    private boolean triggerPending;
    private String state = "Succeeded";
    private Instant lastUpdateTime;
    private long generation = 1;
    private long observedGeneration = 1;
    private String lastError;

    FakeExtension(String kind, Supplier<Instant> clock, Instant lastSucceeded) {
        this.kind = kind;
        this.clock = clock;
        this.lastUpdateTime = lastSucceeded;
    }

    /** The controller picked up the trigger (removing it) and finished now. */
    FakeExtension succeeds() {
        return succeededAt(clock.get());
    }

    FakeExtension succeededAt(Instant time) {
        triggerPending = false;
        state = "Succeeded";
        lastUpdateTime = time;
        observedGeneration = generation;
        lastError = null;
        return this;
    }

    /** The controller picked up the trigger and works on it. */
    FakeExtension processes() {
        triggerPending = false;
        state = "Processing";
        lastUpdateTime = clock.get();
        return this;
    }

    /** The controller took the trigger away and has not said Processing yet. */
    FakeExtension takesTheTrigger() {
        triggerPending = false;
        return this;
    }

    FakeExtension fails(String error) {
        triggerPending = false;
        state = "Error";
        lastUpdateTime = clock.get();
        observedGeneration = generation;
        lastError = error;
        return this;
    }

    /** Someone (the operator) annotated it with {@code gardener.cloud/operation: reconcile}. */
    FakeExtension triggered() {
        triggerPending = true;
        return this;
    }

    /** Its spec changed: the generation moves ahead of the observed one. */
    FakeExtension specChanged() {
        generation++;
        return this;
    }

    /** Its status has a last operation without a state (and without a time). */
    FakeExtension withoutState() {
        triggerPending = false;
        state = null;
        lastUpdateTime = null;
        return this;
    }

    FakeExtension removed() {
        exists = false;
        return this;
    }

    boolean triggerPending() {
        return triggerPending;
    }

    ExtensionFacts facts() {
        if (!exists) {
            return ExtensionFacts.missing(kind, World.TECHNICAL_NAMESPACE, World.NAME);
        }
        return new ExtensionFacts(kind, World.TECHNICAL_NAMESPACE, World.NAME, true, triggerPending, state,
                lastUpdateTime, generation, observedGeneration, lastError);
    }
}
