package io.github.shootdualstack.local;

import io.github.shootdualstack.garden.ExtensionKind;

import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * How the {@link LocalExtensions} behave: one {@link ExtensionBehaviour} per reconciled kind, and
 * whether the infrastructure allocates IPv6 ranges at all ({@code false} builds the "bad world"
 * of a provider that cannot do dual-stack), and the clock of their timestamps (the operator must
 * not assume it agrees with its own). Immutable; the {@code with*} methods return copies.
 */
public record ExtensionsConfig(Map<ExtensionKind, ExtensionBehaviour> behaviours, boolean allocateIpv6, Clock clock) {

    /** The kinds the local extension controllers reconcile. */
    public static final Set<ExtensionKind> KINDS =
            Set.of(ExtensionKind.INFRASTRUCTURE, ExtensionKind.CONTROL_PLANE, ExtensionKind.NETWORK);

    public ExtensionsConfig {
        Map<ExtensionKind, ExtensionBehaviour> copy = new EnumMap<>(ExtensionKind.class);
        copy.putAll(behaviours);
        if (!copy.keySet().equals(KINDS)) {
            throw new IllegalArgumentException("a behaviour is needed for exactly " + KINDS + ", got " + copy.keySet());
        }
        behaviours = Map.copyOf(copy);
        Objects.requireNonNull(clock, "clock");
    }

    /** Every extension succeeds after {@code delay}; the infrastructure allocates IPv6. */
    public static ExtensionsConfig succeedingAfter(Duration delay) {
        Map<ExtensionKind, ExtensionBehaviour> behaviours = new EnumMap<>(ExtensionKind.class);
        KINDS.forEach(kind -> behaviours.put(kind, ExtensionBehaviour.succeeding(delay)));
        return new ExtensionsConfig(behaviours, true, Clock.systemUTC());
    }

    public ExtensionBehaviour behaviour(ExtensionKind kind) {
        return Objects.requireNonNull(behaviours.get(kind), () -> kind + " is not reconciled by the local extensions");
    }

    public ExtensionsConfig withBehaviour(ExtensionKind kind, ExtensionBehaviour behaviour) {
        Map<ExtensionKind, ExtensionBehaviour> changed = new EnumMap<>(behaviours);
        changed.put(kind, behaviour);
        return new ExtensionsConfig(changed, allocateIpv6, clock);
    }

    public ExtensionsConfig withIpv6Allocation(boolean allocate) {
        return new ExtensionsConfig(behaviours, allocate, clock);
    }

    /** The extensions' timestamps from this clock, say one that is minutes off the operator's. */
    public ExtensionsConfig withClock(Clock extensionsClock) {
        return new ExtensionsConfig(behaviours, allocateIpv6, extensionsClock);
    }
}
