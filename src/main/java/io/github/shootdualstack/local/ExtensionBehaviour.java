package io.github.shootdualstack.local;

import java.time.Duration;
import java.util.Objects;

/**
 * How a local extension controller answers a reconcile: after {@code delay} it succeeds, fails
 * with {@code errorDescription}, or (stuck) never finishes and stays {@code Processing}.
 */
public record ExtensionBehaviour(Outcome outcome, Duration delay, String errorDescription) {

    public enum Outcome { SUCCEED, FAIL, STUCK }

    public ExtensionBehaviour {
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(delay, "delay");
        if (delay.isNegative()) {
            throw new IllegalArgumentException("delay must not be negative: " + delay);
        }
        if (outcome == Outcome.FAIL && (errorDescription == null || errorDescription.isBlank())) {
            throw new IllegalArgumentException("a failing extension needs an error description");
        }
    }

    public static ExtensionBehaviour succeeding(Duration delay) {
        return new ExtensionBehaviour(Outcome.SUCCEED, delay, null);
    }

    /** Fails with a description that says the failure is simulated. */
    public static ExtensionBehaviour failing(Duration delay) {
        return failing(delay, "simulated provider error: the local extension is configured to fail");
    }

    public static ExtensionBehaviour failing(Duration delay, String errorDescription) {
        return new ExtensionBehaviour(Outcome.FAIL, delay, errorDescription);
    }

    public static ExtensionBehaviour stuck() {
        return new ExtensionBehaviour(Outcome.STUCK, Duration.ZERO, null);
    }
}
