package io.github.shootdualstack.testing;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Metric names read from PromQL: only what selects series, with its suffix as written. */
class PromQlTest {

    @Test
    void aRateOfACounter_keepsTheTotalSuffix_andDropsLabelsAndRange() {
        assertThat(PromQl.metricNames("sum by (cluster, code) (rate(x_api_requests_total{code=~\"5..|connection-failure\",job=~\"$job\"}[$__rate_interval]))"))
                .containsExactly("x_api_requests_total");
    }

    @Test
    void aHistogramQuantile_namesTheBuckets_notTheNumberOrTheLeLabel() {
        assertThat(PromQl.metricNames("histogram_quantile(0.9, sum by (le, step) (increase(x_seconds_bucket[1h])))"))
                .containsExactly("x_seconds_bucket");
    }

    @Test
    void binaryOperatorsAndVectorMatching_nameBothSides() {
        String expression = """
                sum(rate(a_total{verb=~"POST|PUT"}[5m])) > 0
                and on() sum(b{step!="Completed"}) == 0
                unless ignoring(pod) group_left(step) c offset 5m
                """;
        assertThat(PromQl.metricNames(expression)).containsExactly("a_total", "b", "c");
    }

    @Test
    void aggregationWithTheLabelListAfterItsArgument() {
        assertThat(PromQl.metricNames("max(x_longest_seconds) by (step) > 1800 + 1e3 * Inf"))
                .containsExactly("x_longest_seconds");
    }

    @Test
    void aComparisonFilterInsideAnAggregation_andAbsent() {
        assertThat(PromQl.metricNames("sum by (pod) (jvm_memory_max_bytes{area=\"heap\"} > 0) or absent(up{job=\"x\"} == 1)"))
                .containsExactly("jvm_memory_max_bytes", "up");
    }

    @Test
    void namesInStringsAndLabelValuesAreNotMetrics() {
        assertThat(PromQl.metricNames("label_replace(x, \"dst\", \"not_a_metric\", \"src\", \"(.*)\")"))
                .containsExactly("x");
    }

    @Test
    void aNameWrittenWithoutItsSuffix_isNotTheSuffixedOne() {
        assertThat(PromQl.metricNames("rate(x_api_requests[5m])")).containsExactly("x_api_requests");
    }
}
