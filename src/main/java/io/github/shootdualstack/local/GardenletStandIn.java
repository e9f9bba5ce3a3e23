package io.github.shootdualstack.local;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.github.shootdualstack.shoot.LastOperation;
import io.github.shootdualstack.shoot.Shoot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A stand-in for gardenlet v1.138.0's shoot controller on a local garden, for the Shoots of a
 * {@link LocalProvider}: since v1.117.0 gardenlet runs the dual-stack migration itself, one step per
 * reconcile, and leaves rolling the nodes and asking for the next reconcile to people (or to an
 * operator working alongside it).
 *
 * <p>When a Shoot's {@code ipFamilies} grow, the stand-in notes the {@code deployInfrastructure} task in
 * its {@code shoot.gardener.cloud/tasks}, as gardener-apiserver's admission does. A Shoot is reconciled when its generation changes (a spec edit), when its
 * {@code gardener.cloud/operation} gets {@code reconcile} or {@code rollout-workers=<pool>[,<pool>]}
 * (gardener-apiserver would raise the generation for both; the local garden does not, so the
 * operation itself is the trigger), when it is first seen not reconciled at its generation or not
 * {@code Succeeded}, and, only if a sync period is configured, that long after each successful
 * reconcile of a Shoot that does not confine its updates to its maintenance window (gardenlet's
 * {@code syncPeriod}; the maintenance window's own reconciles are not played). Nothing else
 * starts one. A reconcile writes {@code status.lastOperation} {@code Processing} and then
 * {@code Succeeded} (or {@code Error}, retried after a back-off), {@code observedGeneration} and
 * {@code status.gardener}; what it does in between is {@link GardenletReconcile}'s, its start and end
 * {@link GardenletOperation}'s. Shoots are reconciled one at a time each, up to
 * {@value #CONCURRENT_SYNCS} side by side from one first-in, first-out queue, as gardenlet's shoot controller does.
 */
public final class GardenletStandIn implements AutoCloseable {

    public static final String VERSION = "v1.138.0";
    /** Shoots reconciled at once: gardenlet's default {@code controllers.shoot.concurrentSyncs}. */
    static final int CONCURRENT_SYNCS = 20;

    private static final Logger LOG = LoggerFactory.getLogger(GardenletStandIn.class);

    /**
     * @param syncPeriod  how long after a successful reconcile the next regular one runs; null: never
     * @param waitTimeout how long a reconcile waits for an extension or the workers before it fails
     * @param id          {@code status.gardener.id}
     */
    public record Config(Duration syncPeriod, Duration waitTimeout, Duration pollInterval, String id, Clock clock) {
        public Config {
            Objects.requireNonNull(waitTimeout, "waitTimeout");
            Objects.requireNonNull(pollInterval, "pollInterval");
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(clock, "clock");
        }

        /** No regular syncs; waits of up to a minute. */
        public static Config triggeredOnly() {
            return new Config(null, Duration.ofMinutes(1), Duration.ofMillis(10), "local-gardenlet", Clock.systemUTC());
        }

        public Config withSyncPeriod(Duration period) {
            return new Config(period, waitTimeout, pollInterval, id, clock);
        }

        /** Looks at what a reconcile waits for (an extension, the workers) this often. */
        public Config withPollInterval(Duration interval) {
            return new Config(syncPeriod, waitTimeout, interval, id, clock);
        }
    }

    private record Key(String namespace, String name) {
    }

    private final KubernetesClient garden;
    private final Function<String, KubernetesClient> shootClusters;
    private final Config config;
    private final ReconcileQueue<Key> queue;
    private final Map<Key, Duration> backoffs = new ConcurrentHashMap<>();
    private final AtomicInteger reconciles = new AtomicInteger();
    private SharedIndexInformer<Shoot> informer;

    /**
     * @param shootClusters the client of a shoot's cluster by its technical namespace; null for a Shoot
     *                      this stand-in does not reconcile
     */
    public GardenletStandIn(KubernetesClient garden, Function<String, KubernetesClient> shootClusters, Config config) {
        this.garden = garden;
        this.shootClusters = shootClusters;
        this.config = config;
        this.queue = new ReconcileQueue<>("local-gardenlet", CONCURRENT_SYNCS, this::reconcile);
    }

    /** Starts watching the garden's Shoots; returns once they are listed. */
    public synchronized GardenletStandIn start() {
        if (informer == null) {
            informer = garden.resources(Shoot.class).inAnyNamespace().inform(handler());
            LOG.info("Local gardenlet {} started", VERSION);
        }
        return this;
    }

    /** How many reconciles began. */
    public int reconciles() {
        return reconciles.get();
    }

    @Override
    public synchronized void close() {
        if (informer != null) {
            informer.close();
        }
        queue.close();
    }

    private ResourceEventHandler<Shoot> handler() {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(Shoot shoot) {
                if (!upToDate(shoot) || GardenletOperation.operations(shoot).stream().anyMatch(GardenletOperation::handles)
                        || syncs(shoot)) {
                    enqueue(key(shoot), Duration.ZERO);
                }
            }

            @Override
            public void onUpdate(Shoot old, Shoot shoot) {
                if (families(old) < families(shoot)) {
                    // what gardener-apiserver's admission does when the families grow, before anyone sees the change
                    GardenletOperation.setTask(garden.resources(Shoot.class).inNamespace(shoot.getMetadata().getNamespace())
                            .withName(shoot.getMetadata().getName()), GardenletOperation.DEPLOY_INFRASTRUCTURE, true, null);
                }
                if (!Objects.equals(old.getMetadata().getGeneration(), shoot.getMetadata().getGeneration())
                        || GardenletOperation.operations(shoot).stream().anyMatch(operation -> GardenletOperation.handles(operation)
                        && !GardenletOperation.operations(old).contains(operation))) {
                    enqueue(key(shoot), Duration.ZERO);
                }
            }

            @Override
            public void onDelete(Shoot shoot, boolean finalStateUnknown) {
                backoffs.remove(key(shoot));
            }
        };
    }

    /** Reconciles the Shoot after {@code delay}; a request for a Shoot already waiting is merged into it. */
    private void enqueue(Key key, Duration delay) {
        queue.add(key, delay);
    }

    private void reconcile(Key key) {
        Resource<Shoot> resource = garden.resources(Shoot.class).inNamespace(key.namespace()).withName(key.name());
        Shoot shoot;
        try {
            shoot = resource.get();
        } catch (KubernetesClientException e) {
            retry(key, e.getMessage());
            return;
        }
        KubernetesClient shootCluster = shoot == null || shoot.getStatus() == null ? null : shootClusters.apply(shoot.getStatus().getTechnicalID());
        if (shootCluster == null || shoot.getMetadata().getDeletionTimestamp() != null) {
            return;
        }
        int reconcile = reconciles.incrementAndGet();
        LOG.info("Shoot {}/{}: reconcile {} (generation {})", key.namespace(), key.name(), reconcile, shoot.getMetadata().getGeneration());
        try {
            shoot = GardenletOperation.start(garden, resource, shoot, config);
            GardenletReconcile flow = new GardenletReconcile(garden, shootCluster, config, shoot);
            try {
                flow.run();
            } finally {
                shoot = flow.shoot();
            }
            flow.succeed();
            shoot = flow.shoot();
            backoffs.remove(key);
            if (syncs(shoot)) {
                enqueue(key, config.syncPeriod());
            }
        } catch (IllegalStateException | KubernetesClientException e) {
            LOG.warn("Shoot {}/{}: reconcile {} failed: {}", key.namespace(), key.name(), reconcile, e.getMessage());
            try {
                GardenletOperation.fail(resource, shoot, e.getMessage(), config);
            } catch (KubernetesClientException report) {
                LOG.warn("Shoot {}/{}: reporting the failure failed: {}", key.namespace(), key.name(), report.getMessage());
            }
            retry(key, e.getMessage());
        }
    }

    private void retry(Key key, String reason) {
        Duration wait = Backoff.after(backoffs.getOrDefault(key, Duration.ZERO));
        backoffs.put(key, wait);
        LOG.info("Shoot {}/{} again in {} ms ({})", key.namespace(), key.name(), wait.toMillis(), reason);
        enqueue(key, wait);
    }

    private boolean syncs(Shoot shoot) {
        return config.syncPeriod() != null && (shoot.getSpec().getMaintenance() == null
                || !Boolean.TRUE.equals(shoot.getSpec().getMaintenance().getConfineSpecUpdateRollout()));
    }

    /** The operations the Shoot's {@code gardener.cloud/operation} asks for, in order. */
    public static List<String> operations(Shoot shoot) {
        return GardenletOperation.operations(shoot);
    }

    /** Reconciled at its generation and {@code Succeeded}: gardenlet's {@code IsObservedAtLatestGenerationAndSucceeded}. */
    public static boolean upToDate(Shoot shoot) {
        if (shoot.getStatus() == null) {
            return false;
        }
        LastOperation last = shoot.getStatus().getLastOperation();
        return Objects.equals(shoot.getStatus().getObservedGeneration(), shoot.getMetadata().getGeneration())
                && last != null && LastOperation.STATE_SUCCEEDED.equals(last.getState());
    }

    private static int families(Shoot shoot) {
        return shoot.getSpec() == null || shoot.getSpec().getNetworking() == null || shoot.getSpec().getNetworking().getIpFamilies() == null
                ? 0 : shoot.getSpec().getNetworking().getIpFamilies().size();
    }

    private static Key key(Shoot shoot) {
        return new Key(shoot.getMetadata().getNamespace(), shoot.getMetadata().getName());
    }
}
