package io.github.shootdualstack.local;

import io.github.shootdualstack.garden.Patches;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.github.shootdualstack.garden.ExtensionKind;
import io.github.shootdualstack.shoot.LastOperation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * The local extension controllers for Infrastructure, ControlPlane and Network, honouring
 * Gardener's extension contract against the garden's API server.
 *
 * <p>A resource is reconciled when it carries {@code gardener.cloud/operation: reconcile}, and, when
 * the controller first sees it (at its start), also when its last operation did not succeed: as
 * Gardener's extension controllers do (their default predicates), never merely because its
 * {@code metadata.generation} moved ahead of {@code status.observedGeneration}, so a spec written
 * without the annotation waits for one. The controller reports
 * {@code Processing}; after the configured delay it reports {@code Succeeded} with the generation
 * observed and no {@code lastError}, or {@code Error} with a {@code lastError}, or (stuck) nothing
 * at all. On success the Infrastructure gets its
 * {@code status.networking} (see {@link InfrastructureNetworking}), the Network
 * {@code status.ipFamilies}: its {@code spec.ipFamilies}, or only the first while the Shoot in the Cluster
 * has a nodes constraint that is not {@code True} (see {@link ShootGardenReads#cniFamilies}); the
 * ControlPlane has nothing to do.
 *
 * <p>Failed and stuck reconciles are not retried by themselves; a new trigger retries them, and so
 * do a behaviour change ({@link #setBehaviour}), standing in for the retry with back-off that a
 * real extension does once its cause is fixed, and a (re)start of the controllers. A write of the
 * controller's own that the API server refuses (starting or reporting a reconcile), and a read that
 * fails, is done again after a back-off ({@link Backoff}), as a controller's work queue does. All work on one
 * resource runs on one thread (of {@link #WORKERS}, chosen by the resource), so a resource is never
 * reconciled twice at once, while many resources are reconciled side by side as by Gardener's
 * extension controllers; every decision is taken on a fresh read, not on an event's copy.
 */
public final class LocalExtensions implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalExtensions.class);

    private final KubernetesClient garden;
    private final Clock clock;
    private final AtomicReference<ExtensionsConfig> config;
    private final InfrastructureNetworking infrastructureNetworking;
    /** Threads the resources are spread over: one alone made 100 concurrent migrations queue behind each other's reads. */
    static final int WORKERS = 8;

    private final List<ScheduledExecutorService> workers;
    private final Map<ExtensionKind, SharedIndexInformer<GenericKubernetesResource>> informers =
            new EnumMap<>(ExtensionKind.class);
    // An entry is touched on its key's worker thread only.
    private final Set<Key> inFlight = ConcurrentHashMap.newKeySet();
    private final Map<Key, ScheduledFuture<?>> completions = new ConcurrentHashMap<>();
    // failed work that would begin a reconcile, waiting for its back-off to pass
    private final Map<Key, ScheduledFuture<?>> restarts = new ConcurrentHashMap<>();
    // the last wait before failed work on a key was done again; none once work on it succeeds
    private final Map<Key, Duration> backoffs = new ConcurrentHashMap<>();

    public LocalExtensions(KubernetesClient garden, ExtensionsConfig config) {
        this(garden, config, Clock.systemUTC());
    }

    public LocalExtensions(KubernetesClient garden, ExtensionsConfig config, Clock clock) {
        this.garden = garden;
        this.clock = clock;
        this.config = new AtomicReference<>(config);
        this.infrastructureNetworking = new InfrastructureNetworking(garden);
        this.workers = Workers.start("local-extensions", WORKERS);
    }

    /** Starts watching; returns once the current resources are listed. A stopped instance cannot start again. */
    public synchronized LocalExtensions start() {
        if (!informers.isEmpty()) {
            return this;
        }
        for (ExtensionKind kind : ExtensionsConfig.KINDS) {
            informers.put(kind, kind.in(garden).inAnyNamespace().inform(handler(kind)));
        }
        LOG.info("Local extensions started for {}", ExtensionsConfig.KINDS);
        return this;
    }

    public synchronized void stop() {
        informers.values().forEach(SharedIndexInformer::close);
        informers.clear();
        Workers.stop(workers);
    }

    @Override
    public void close() {
        stop();
    }

    public ExtensionsConfig config() {
        return config.get();
    }

    /** Changes how one kind answers from now on, and restarts its unfinished and failed reconciles. */
    public void setBehaviour(ExtensionKind kind, ExtensionBehaviour behaviour) {
        config.updateAndGet(current -> current.withBehaviour(kind, behaviour));
        retry(kind);
    }

    /** {@code false}: the infrastructure stops allocating IPv6 ranges, from its next reconcile on. */
    public void setIpv6Allocation(boolean allocate) {
        config.updateAndGet(current -> current.withIpv6Allocation(allocate));
    }

    private ResourceEventHandler<GenericKubernetesResource> handler(ExtensionKind kind) {
        return new ResourceEventHandler<>() {
            // Like Gardener's extension controllers, a resource seen for the first time (which
            // includes every resource when the controller starts) is also reconciled when its
            // last operation did not succeed.
            @Override
            public void onAdd(GenericKubernetesResource resource) {
                on(Key.of(kind, resource), key -> consider(key, true));
            }

            @Override
            public void onUpdate(GenericKubernetesResource old, GenericKubernetesResource resource) {
                on(Key.of(kind, resource), key -> consider(key, false));
            }

            @Override
            public void onDelete(GenericKubernetesResource resource, boolean finalStateUnknown) {
                on(Key.of(kind, resource), LocalExtensions.this::forget);
            }
        };
    }

    private void consider(Key key, boolean alsoUnsuccessful) {
        if (inFlight.contains(key)) {
            return;
        }
        GenericKubernetesResource fresh = read(key, () -> consider(key, alsoUnsuccessful));
        if (fresh != null && (ExtensionStatus.hasReconcileAnnotation(fresh)
                || alsoUnsuccessful && !LastOperation.STATE_SUCCEEDED.equals(ExtensionStatus.state(fresh)))) {
            begin(key, fresh);
        }
    }

    /** Runs the work on the key's worker, after the work already asked of it for that key. */
    private void on(Key key, Consumer<Key> work) {
        ScheduledExecutorService worker = worker(key);
        if (!worker.isShutdown()) {
            worker.execute(() -> work.accept(key));
        }
    }

    private ScheduledExecutorService worker(Key key) {
        return workers.get(Math.floorMod(key.hashCode(), WORKERS));
    }

    private void retry(ExtensionKind kind) {
        inFlight.stream().filter(key -> key.kind() == kind).toList().forEach(key -> on(key, this::forget));
        SharedIndexInformer<GenericKubernetesResource> informer;
        synchronized (this) {
            informer = informers.get(kind);
        }
        if (informer != null) {
            informer.getStore().list().forEach(cached -> on(Key.of(kind, cached), key -> consider(key, true)));
        }
    }

    private void begin(Key key, GenericKubernetesResource fresh) {
        cancel(restarts.remove(key)); // this reconcile is what a waiting restart would begin
        ExtensionBehaviour behaviour = config.get().behaviour(key.kind());
        inFlight.add(key);
        try {
            // Processing before the trigger goes, as Gardener's extensions report it: whoever waits for the resource
            // never sees it without its trigger and still with the last reconcile's outcome
            Patches.setStatusFields(resource(key), ExtensionStatus.processing(key.kind().kind(), clock));
            if (ExtensionStatus.hasReconcileAnnotation(fresh)) {
                Patches.removeAnnotation(resource(key), ExtensionKind.OPERATION_ANNOTATION);
            }
        } catch (KubernetesClientException e) {
            inFlight.remove(key);
            // begun again, as a controller requeues a failed reconcile: the event that asked for it may be the last
            // one, and the trigger it answered may be gone already
            restart(key, "could not start its reconcile", e, () -> beginAgain(key));
            return;
        }
        backoffs.remove(key);
        LOG.info("{} reconciling ({})", key, behaviour.outcome());
        if (behaviour.outcome() != ExtensionBehaviour.Outcome.STUCK) {
            completions.put(key, worker(key).schedule(() -> finish(key), behaviour.delay().toNanos(), TimeUnit.NANOSECONDS));
        }
    }

    private void finish(Key key) {
        completions.remove(key);
        ExtensionBehaviour behaviour = config.get().behaviour(key.kind());
        if (behaviour.outcome() == ExtensionBehaviour.Outcome.STUCK) {
            return;
        }
        try {
            GenericKubernetesResource fresh = resource(key).get();
            if (fresh == null) {
                inFlight.remove(key);
                return;
            }
            Map<String, Object> status = outcome(key.kind(), fresh, behaviour);
            Patches.setStatusFields(resource(key), status);
            LOG.info("{} reconciled: {}", key, status.get("lastOperation"));
        } catch (KubernetesClientException e) {
            // still in flight: the report is made again, nothing else begins meanwhile
            ScheduledFuture<?> retry = again(key, "could not report its reconcile", e, () -> finish(key));
            if (retry != null) {
                completions.put(key, retry);
            }
            return;
        }
        backoffs.remove(key);
        inFlight.remove(key);
        // A trigger that came while this reconcile ran is not lost.
        consider(key, false);
    }

    /** The status that reports the reconcile's outcome, with what the kind allocated or runs. */
    private Map<String, Object> outcome(ExtensionKind kind, GenericKubernetesResource fresh, ExtensionBehaviour behaviour) {
        long generation = ExtensionStatus.generation(fresh);
        if (behaviour.outcome() == ExtensionBehaviour.Outcome.FAIL) {
            return ExtensionStatus.failed(kind.kind(), generation, behaviour.errorDescription(), clock);
        }
        Map<String, Object> status = ExtensionStatus.succeeded(kind.kind(), generation, clock);
        if (kind == ExtensionKind.INFRASTRUCTURE) {
            try {
                status.put("networking", infrastructureNetworking.allocate(fresh, config.get().allocateIpv6()));
            } catch (IllegalStateException e) {
                return ExtensionStatus.failed(kind.kind(), generation, e.getMessage(), clock);
            }
        } else if (kind == ExtensionKind.NETWORK) {
            status.put("ipFamilies", ShootGardenReads.cniFamilies(garden, fresh));
        }
        return status;
    }

    /** Begins the reconcile whose start was refused, on the resource as it is now, unless one began meanwhile. */
    private void beginAgain(Key key) {
        if (inFlight.contains(key)) {
            return;
        }
        GenericKubernetesResource fresh = read(key, () -> beginAgain(key));
        if (fresh != null) {
            begin(key, fresh);
        }
    }

    /** The resource as it is now; null when it is gone, or when it could not be read: then the work is done again. */
    private GenericKubernetesResource read(Key key, Runnable work) {
        try {
            return resource(key).get();
        } catch (KubernetesClientException e) {
            restart(key, "could not be read", e, work);
            return null;
        }
    }

    /** Work that would begin a reconcile, after a back-off; in place of any such work already waiting. */
    private void restart(Key key, String failed, KubernetesClientException e, Runnable work) {
        cancel(restarts.remove(key));
        ScheduledFuture<?> restart = again(key, failed, e, work);
        if (restart != null) {
            restarts.put(key, restart);
        }
    }

    private static void cancel(ScheduledFuture<?> work) {
        if (work != null) {
            work.cancel(false);
        }
    }

    /**
     * Does the failed work again after a back-off (twice the key's last, none once its work succeeds).
     *
     * @return the work to come, or null when the worker is stopped
     */
    private ScheduledFuture<?> again(Key key, String failed, KubernetesClientException e, Runnable work) {
        ScheduledExecutorService worker = worker(key);
        Duration wait = Backoff.after(backoffs.getOrDefault(key, Duration.ZERO));
        backoffs.put(key, wait);
        try {
            ScheduledFuture<?> scheduled = worker.schedule(work, wait.toNanos(), TimeUnit.NANOSECONDS);
            LOG.warn("{} {}, again in {} ms: {}", key, failed, wait.toMillis(), e.getMessage());
            return scheduled;
        } catch (RejectedExecutionException stopped) {
            return null;
        }
    }

    private void forget(Key key) {
        backoffs.remove(key);
        cancel(completions.remove(key));
        cancel(restarts.remove(key));
        inFlight.remove(key);
    }

    private Resource<GenericKubernetesResource> resource(Key key) {
        return key.kind().in(garden).inNamespace(key.namespace()).withName(key.name());
    }

    private record Key(ExtensionKind kind, String namespace, String name) {
        static Key of(ExtensionKind kind, GenericKubernetesResource resource) {
            return new Key(kind, resource.getMetadata().getNamespace(), resource.getMetadata().getName());
        }

        @Override
        public String toString() {
            return kind.kind() + " " + namespace + "/" + name;
        }
    }
}
