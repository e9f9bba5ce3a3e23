package io.github.shootdualstack.operator;

import io.github.shootdualstack.migration.Step;
import io.github.shootdualstack.testing.MovingClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The blocked-migration gauges and the step-duration histogram, as a scrape shows them. */
class OperatorMetricsTest {

    private static final Instant T0 = Instant.parse("2025-03-01T10:00:00Z");

    private final MovingClock clock = new MovingClock(T0);
    private final OperatorMetrics metrics = new OperatorMetrics(clock);

    @AfterEach
    void close() {
        metrics.close();
    }

    @Test
    void blockedShootsAreCountedPerStep_andTheLongestBlockGrowsWithTheClock() {
        metrics.blocked("garden-dev/a", Step.NODES, T0);
        clock.advance(Duration.ofMinutes(10));
        metrics.blocked("garden-dev/b", Step.NODES, clock.instant());
        metrics.blocked("garden-dev/c", Step.CORE_DNS, clock.instant());
        clock.advance(Duration.ofMinutes(5));

        String scrape = metrics.scrape();

        assertThat(scrape).contains("shoot_dualstack_blocked_shoots{step=\"Nodes\"} 2.0")
                .contains("shoot_dualstack_blocked_shoots{step=\"CoreDNS\"} 1.0")
                .contains("shoot_dualstack_blocked_shoots{step=\"Infrastructure\"} 0.0")
                .contains("shoot_dualstack_blocked_longest_seconds{step=\"Nodes\"} 900.0")
                .contains("shoot_dualstack_blocked_longest_seconds{step=\"CoreDNS\"} 300.0")
                .contains("shoot_dualstack_blocked_longest_seconds{step=\"KubeDNS\"} 0.0");
    }

    @Test
    void aNewProblemAtTheSameStepKeepsTheBlocksStart_anotherStepStartsAfresh() {
        metrics.blocked("garden-dev/a", Step.NODES, T0);
        clock.advance(Duration.ofMinutes(20));
        metrics.blocked("garden-dev/a", Step.NODES, clock.instant());
        assertThat(metrics.scrape()).contains("shoot_dualstack_blocked_longest_seconds{step=\"Nodes\"} 1200.0");

        metrics.blocked("garden-dev/a", Step.NETWORK, clock.instant());
        clock.advance(Duration.ofMinutes(1));

        assertThat(metrics.scrape()).contains("shoot_dualstack_blocked_shoots{step=\"Nodes\"} 0.0")
                .contains("shoot_dualstack_blocked_longest_seconds{step=\"Nodes\"} 0.0")
                .contains("shoot_dualstack_blocked_longest_seconds{step=\"Network\"} 60.0");
    }

    @Test
    void aShootNoLongerBlockedOrGone_isNoLongerCounted() {
        metrics.blocked("garden-dev/a", Step.NODES, T0);
        metrics.blocked("garden-dev/b", Step.NODES, T0);
        metrics.blocked("garden-dev/c", Step.NODES, T0);

        metrics.blocked("garden-dev/a", null, null);
        metrics.retainOnly(Set.of("garden-dev/a", "garden-dev/b"));

        assertThat(metrics.scrape()).contains("shoot_dualstack_blocked_shoots{step=\"Nodes\"} 1.0");
    }

    @Test
    void stepDurationsFallIntoBucketsFromSecondsToDays() {
        metrics.stepDuration("Nodes", Duration.ofMinutes(40));

        assertThat(metrics.scrape())
                .contains("shoot_dualstack_step_duration_seconds_bucket{step=\"Nodes\",le=\"1800.0\"} 0")
                .contains("shoot_dualstack_step_duration_seconds_bucket{step=\"Nodes\",le=\"3600.0\"} 1")
                .contains("shoot_dualstack_step_duration_seconds_bucket{step=\"Nodes\",le=\"604800.0\"} 1")
                .contains("shoot_dualstack_step_duration_seconds_count{step=\"Nodes\"} 1")
                .contains("shoot_dualstack_step_duration_seconds_sum{step=\"Nodes\"} 2400.0");
    }

    @Test
    void responseCodes_areLabelsFromAFixedList_anyOtherCountsByItsClass() {
        assertThat(OperatorMetrics.code(200)).isEqualTo("200");
        assertThat(OperatorMetrics.code(422)).isEqualTo("422");
        assertThat(OperatorMetrics.code(302)).isEqualTo("3xx");
        assertThat(OperatorMetrics.code(418)).isEqualTo("4xx");
        assertThat(OperatorMetrics.code(599)).isEqualTo("5xx");
        assertThat(OperatorMetrics.code(999)).isEqualTo("other");
        assertThat(OperatorMetrics.code(-1)).isEqualTo("other");
    }

    @Test
    void failedReconcilesAreCountedByCause_fromZero() {
        assertThat(metrics.scrape()).contains("shoot_dualstack_failed_reconciles_total{cause=\"error\"} 0.0")
                .contains("shoot_dualstack_failed_reconciles_total{cause=\"conflict\"} 0.0");

        metrics.reconcileFailed(false);
        metrics.reconcileFailed(false);
        metrics.reconcileFailed(true);

        assertThat(metrics.scrape()).contains("shoot_dualstack_failed_reconciles_total{cause=\"error\"} 2.0")
                .contains("shoot_dualstack_failed_reconciles_total{cause=\"conflict\"} 1.0");
    }
}
