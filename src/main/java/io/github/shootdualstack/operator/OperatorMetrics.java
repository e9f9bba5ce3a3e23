package io.github.shootdualstack.operator;

import io.fabric8.kubernetes.client.http.AsyncBody;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.github.shootdualstack.migration.Step;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The product's own metrics, next to JOSDK's reconciliation metrics and the JVM's (heap, GC,
 * threads, classes, CPU, uptime) in the same registry: Shoots per migration step, step durations,
 * API requests by cluster, verb and code, CoreDNS restarts and refused changes.
 */
public final class OperatorMetrics implements AutoCloseable {

    public static final String PREFIX = "shoot_dualstack_";

    private final PrometheusMeterRegistry registry;
    private final Map<String, String> stepOfShoot = new ConcurrentHashMap<>();
    private final Counter coreDnsRestarts;
    private final Counter refusedChanges;
    private final Counter completed;
    private final JvmGcMetrics gc = new JvmGcMetrics();

    public OperatorMetrics() {
        this(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    }

    public OperatorMetrics(PrometheusMeterRegistry registry) {
        this.registry = registry;
        for (Step step : Step.values()) {
            Gauge.builder(PREFIX + "shoots", stepOfShoot, shoots -> shoots.values().stream().filter(step.displayName()::equals).count())
                    .description("Shoots whose dual-stack migration stands at this step")
                    .tag("step", step.displayName()).register(registry);
        }
        coreDnsRestarts = Counter.builder(PREFIX + "coredns_restarts").description("CoreDNS rolling restarts triggered").register(registry);
        refusedChanges = Counter.builder(PREFIX + "refused_changes").description("IP family changes refused").register(registry);
        completed = Counter.builder(PREFIX + "migrations_completed").description("Dual-stack migrations completed").register(registry);
        // heap is what limits how many Shoots one replica holds
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
    }

    /** Stops listening to garbage collections. */
    @Override
    public void close() {
        gc.close();
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** Prometheus text format, as served on /metrics. */
    public String scrape() {
        return registry.scrape();
    }

    void step(String shootKey, Step step) {
        if (step == null) {
            stepOfShoot.remove(shootKey);
        } else {
            stepOfShoot.put(shootKey, step.displayName());
        }
    }

    void retainOnly(java.util.Set<String> shootKeys) {
        stepOfShoot.keySet().retainAll(shootKeys);
    }

    void stepDuration(String step, Duration duration) {
        Timer.builder(PREFIX + "step_duration").description("How long each migration step took")
                .tag("step", step).register(registry).record(duration);
    }

    void coreDnsRestarted() {
        coreDnsRestarts.increment();
    }

    void refused() {
        refusedChanges.increment();
    }

    void completed() {
        completed.increment();
    }

    /** Counts every request a client makes, by cluster ({@code garden} or {@code shoot}), verb and response code. */
    public Interceptor apiRequests(String cluster) {
        MeterRegistry meters = registry;
        return new Interceptor() {
            @Override
            public void after(HttpRequest request, HttpResponse<?> response, AsyncBody.Consumer<List<ByteBuffer>> consumer) {
                count(request.method(), String.valueOf(response.code()));
            }

            @Override
            public void afterConnectionFailure(HttpRequest request, Throwable failure) {
                count(request.method(), "connection-failure");
            }

            private void count(String verb, String code) {
                Counter.builder(PREFIX + "api_requests").description("Requests to the Kubernetes API servers")
                        .tags("cluster", cluster, "verb", verb, "code", code).register(meters).increment();
            }
        };
    }
}
