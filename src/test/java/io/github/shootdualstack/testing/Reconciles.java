package io.github.shootdualstack.testing;

import io.github.shootdualstack.operator.ShootOperator;
import io.micrometer.core.instrument.Counter;

import java.time.Duration;

import static org.awaitility.Awaitility.await;

/** Counts the operator's reconciles (from JOSDK's metrics), to know that one has happened. */
public final class Reconciles {

    private Reconciles() {
    }

    public static double started(ShootOperator operator) {
        return operator.metrics().registry().find("operator.sdk.reconciliations.started").counters().stream()
                .mapToDouble(Counter::count).sum();
    }

    /** Runs the change, then waits until a reconcile started after it and none is running any more. */
    public static void awaitAfter(ShootOperator operator, Runnable change) {
        double before = started(operator);
        change.run();
        await().atMost(Duration.ofSeconds(30)).until(() -> started(operator) > before && finished(operator) >= started(operator));
    }

    /** Waits until {@code count} more reconciles started by themselves (re-checks, back-off) and none is running. */
    public static void awaitMore(ShootOperator operator, int count) {
        double before = started(operator);
        await().atMost(Duration.ofSeconds(30)).until(() -> started(operator) >= before + count && finished(operator) >= started(operator));
    }

    private static double finished(ShootOperator operator) {
        return operator.metrics().registry().find("operator.sdk.reconciliations.success").counters().stream()
                .mapToDouble(Counter::count).sum()
                + operator.metrics().registry().find("operator.sdk.reconciliations.failed").counters().stream()
                .mapToDouble(Counter::count).sum();
    }
}
