package io.github.shootdualstack.operator;

import io.fabric8.kubernetes.client.http.AsyncBody;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.github.shootdualstack.migration.Step;
import io.micrometer.core.instrument.Counter;
import io.github.shootdualstack.migration.Orchestration;
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
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The product's own metrics, next to JOSDK's reconciliation metrics and the JVM's (heap, GC,
 * threads, classes, CPU, uptime) in the same registry: Shoots per migration step, blocked
 * migrations, step durations, API requests by cluster, verb, resource and code, failed reconciles,
 * CoreDNS restarts and refused changes. No label names a Shoot: 10,000 Shoots make no more series
 * than one.
 */
public final class OperatorMetrics implements AutoCloseable {

    public static final String PREFIX = "shoot_dualstack_";
    // from seconds (the extensions' steps) to days (nodes that wait for maintenance windows)
    private static final Duration[] STEP_BUCKETS = {Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofMinutes(1),
            Duration.ofMinutes(5), Duration.ofMinutes(15), Duration.ofMinutes(30), Duration.ofHours(1), Duration.ofHours(3),
            Duration.ofHours(6), Duration.ofHours(12), Duration.ofDays(1), Duration.ofDays(3), Duration.ofDays(7)};

    private final PrometheusMeterRegistry registry;
    private final Map<String, String> stepOfShoot = new ConcurrentHashMap<>();
    // the Shoots gardenlet migrates, by phase and by what holds them back (when something does)
    private final Map<String, Orchestration.Phase> phaseOfShoot = new ConcurrentHashMap<>();
    private final Map<String, Orchestration.Hold> holdOfShoot = new ConcurrentHashMap<>();
    private final Map<Orchestration.Phase, Counter> gardenletTriggers = new java.util.EnumMap<>(Orchestration.Phase.class);
    private final Counter coreDnsRestarts;
    private final Counter refusedChanges;
    private final Counter completed;
    private final Counter failedReconciles;
    private final Counter conflicts;
    private final BlockedMigrations blocked;
    private final JvmGcMetrics gc = new JvmGcMetrics();

    /** @param clock the clock of the operator's memory, which says since when a Shoot is blocked */
    public OperatorMetrics(Clock clock) {
        this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        this.blocked = new BlockedMigrations(clock);
        for (Step step : Step.values()) {
            Gauge.builder(PREFIX + "shoots", stepOfShoot, shoots -> shoots.values().stream().filter(step.displayName()::equals).count())
                    .description("Shoots whose dual-stack migration stands at this step")
                    .tag("step", step.displayName()).register(registry);
            Gauge.builder(PREFIX + "blocked_shoots", blocked, b -> b.count(step))
                    .description("Shoots whose dual-stack migration is blocked at this step (an Error on the Shoot)")
                    .tag("step", step.displayName()).register(registry);
            Gauge.builder(PREFIX + "blocked_longest", blocked, b -> b.longestSeconds(step)).baseUnit("seconds")
                    .description("How long the longest-blocked Shoot at this step has been blocked")
                    .tag("step", step.displayName()).register(registry);
        }
        for (Orchestration.Phase phase : Orchestration.Phase.values()) {
            gardenletTriggers.put(phase, Counter.builder(PREFIX + "gardenlet_triggers").description("Node rolls and reconciles requested of gardenlet")
                    .tag("phase", phase.name()).register(registry));
        }
        for (Orchestration.Phase phase : Orchestration.Phase.values()) {
            Gauge.builder(PREFIX + "gardenlet_shoots", phaseOfShoot, shoots -> shoots.values().stream().filter(phase::equals).count())
                    .description("Shoots gardenlet migrates, by the phase their constraints show")
                    .tag("phase", phase.name()).register(registry);
        }
        for (Orchestration.Hold hold : Orchestration.Hold.values()) {
            Gauge.builder(PREFIX + "gardenlet_held_shoots", holdOfShoot, shoots -> shoots.values().stream().filter(hold::equals).count())
                    .description("Shoots gardenlet migrates that get no trigger now, by what holds them (a pause, the wave,"
                            + " the window, the rollout limit, a failed reconcile, gardenlet at work)")
                    .tag("hold", hold.name()).register(registry);
        }
        coreDnsRestarts = Counter.builder(PREFIX + "coredns_restarts").description("CoreDNS rolling restarts triggered").register(registry);
        refusedChanges = Counter.builder(PREFIX + "refused_changes").description("IP family changes refused").register(registry);
        completed = Counter.builder(PREFIX + "migrations_completed").description("Dual-stack migrations completed").register(registry);
        // registered before the first failure, unlike JOSDK's: a rate of 0 rather than no series
        failedReconciles = Counter.builder(PREFIX + "failed_reconciles").description("Reconciles that failed, retried with back-off")
                .tag("cause", "error").register(registry);
        conflicts = Counter.builder(PREFIX + "failed_reconciles").description("Reconciles that failed, retried with back-off")
                .tag("cause", "conflict").register(registry);
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

    /** The Shoot is blocked at this step since then, or not blocked ({@code step} null). */
    void blocked(String shootKey, Step step, Instant since) {
        blocked.update(shootKey, step, since);
    }

    void retainOnly(java.util.Set<String> shootKeys) {
        stepOfShoot.keySet().retainAll(shootKeys);
        phaseOfShoot.keySet().retainAll(shootKeys);
        holdOfShoot.keySet().retainAll(shootKeys);
        blocked.retainOnly(shootKeys);
    }

    void stepDuration(String step, Duration duration) {
        Timer.builder(PREFIX + "step_duration").description("How long each migration step took")
                .serviceLevelObjectives(STEP_BUCKETS)
                .tag("step", step).register(registry).record(duration);
    }

    /** The rollout limits' figures: Shoots whose nodes roll, Shoots waiting for a slot. */
    void rollSlots(java.util.function.Supplier<Number> rolling, java.util.function.Supplier<Number> waiting) {
        Gauge.builder(PREFIX + "rollouts_running", rolling).description("Migrating Shoots whose nodes roll, as the limits count them")
                .register(registry);
        Gauge.builder(PREFIX + "rollouts_waiting", waiting).description("Migrating Shoots waiting for a slot under the rollout limits")
                .register(registry);
    }

    /** A Shoot gardenlet migrates in this phase, held back or not; {@code phase} null: not migrating. */
    void landscape(String shootKey, Orchestration.Phase phase, Orchestration.Hold hold) {
        if (phase == null) {
            phaseOfShoot.remove(shootKey);
        } else {
            phaseOfShoot.put(shootKey, phase);
        }
        if (phase == null || hold == null) {
            holdOfShoot.remove(shootKey);
        } else {
            holdOfShoot.put(shootKey, hold);
        }
    }

    /** A trigger written on a Shoot gardenlet migrates, counted by the phase it was written in. */
    void gardenletTriggered(Orchestration.Phase phase) {
        gardenletTriggers.get(phase).increment();
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

    /** A reconcile failed: on a conflict (another writer came first) or on any other error. */
    void reconcileFailed(boolean conflict) {
        (conflict ? conflicts : failedReconciles).increment();
    }

    /** The response codes the API server sends, each a label value; any other code counts by its class ({@code 3xx}). */
    private static final java.util.Set<Integer> CODES = java.util.Set.of(101, 200, 201, 202, 204, 400, 401, 403, 404, 405,
            409, 410, 413, 415, 422, 429, 500, 502, 503, 504);
    private static final java.util.Set<String> VERBS = java.util.Set.of("GET", "POST", "PUT", "PATCH", "DELETE");

    static String code(int code) {
        return CODES.contains(code) ? String.valueOf(code) : code >= 100 && code < 600 ? code / 100 + "xx" : "other";
    }

    /**
     * Counts every request a client makes, by cluster ({@code garden} or {@code shoot}), verb,
     * resource ({@link RequestResource}) and response code, each label from a fixed list: what a
     * shoot's server answers adds no series.
     */
    public Interceptor apiRequests(String cluster) {
        MeterRegistry meters = registry;
        return new Interceptor() {
            @Override
            public void after(HttpRequest request, HttpResponse<?> response, AsyncBody.Consumer<List<ByteBuffer>> consumer) {
                count(request, code(response.code()));
            }

            @Override
            public void afterConnectionFailure(HttpRequest request, Throwable failure) {
                count(request, "connection-failure");
            }

            private void count(HttpRequest request, String code) {
                Counter.builder(PREFIX + "api_requests").description("Requests to the Kubernetes API servers")
                        .tags("cluster", cluster, "verb", VERBS.contains(request.method()) ? request.method() : "other", "resource", RequestResource.of(request.uri().getRawPath()),
                                "code", code)
                        .register(meters).increment();
            }
        };
    }
}
