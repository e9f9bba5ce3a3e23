package io.github.shootdualstack.local;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.github.shootdualstack.garden.ExtensionKind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Plays the controllers that turn template changes into new machines and pods for one shoot.
 *
 * <p>Machine controller: when a MachineDeployment's {@code spec.template} no longer matches the
 * template its pool's nodes were made from ({@link ShootNodes#TEMPLATE_HASH_LABEL}), the pool's
 * nodes are replaced one at a time, {@link Config#nodeReplacementDelay} apart: the old node is
 * deleted, its pods are evicted and run again elsewhere, and a new node (new name) joins with
 * pod CIDRs and InternalIPs of every family the Infrastructure's {@code status.networking} has.
 * The pool is also scaled to {@code spec.replicas}.
 *
 * <p>Deployment controller for {@code kube-system/coredns}: when its pod template changes, every
 * pod of the old template is replaced at once, {@link Config#podRolloutDelay} after the change,
 * by pods that get an IPv6 address too if the Network's {@code status.ipFamilies} has IPv6 (see
 * {@link PodScheduler}). The rollouts are counted.
 *
 * <p>Everything is derived from the world on each event, on a single thread, so events that
 * come twice or a simulator restarted midway do no harm.
 */
public final class ShootClusterSimulator implements AutoCloseable {

    public static final String KUBE_SYSTEM = ShootSeed.KUBE_SYSTEM;
    public static final String COREDNS = ShootSeed.COREDNS;

    private static final Logger LOG = LoggerFactory.getLogger(ShootClusterSimulator.class);

    /** How long the simulated controllers take. */
    public record Config(Duration nodeReplacementDelay, Duration podRolloutDelay) {
        public Config {
            Objects.requireNonNull(nodeReplacementDelay, "nodeReplacementDelay");
            Objects.requireNonNull(podRolloutDelay, "podRolloutDelay");
        }

        public static Config immediate() {
            return new Config(Duration.ZERO, Duration.ZERO);
        }
    }

    private final KubernetesClient garden;
    private final KubernetesClient shoot;
    private final String technicalNamespace;
    private final Config config;
    private final ScheduledExecutorService executor;
    private final List<SharedIndexInformer<?>> informers = new ArrayList<>();
    // Touched on the executor thread only: work that is scheduled and not yet begun.
    private final Set<String> scheduled = new HashSet<>();
    private final AtomicInteger coreDnsRollouts = new AtomicInteger();
    // Touched on the executor thread only: the CoreDNS template whose rollout was counted last.
    private String rollingOutCoreDns;
    private final MachineController machines;

    public ShootClusterSimulator(KubernetesClient garden, KubernetesClient shoot, String technicalNamespace, Config config) {
        this.garden = garden;
        this.shoot = shoot;
        this.technicalNamespace = technicalNamespace;
        this.config = config;
        this.machines = new MachineController(garden, shoot, technicalNamespace);
        this.executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "shoot-simulator-" + technicalNamespace);
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Starts watching; returns once the current objects are listed. A stopped instance cannot start again. */
    public synchronized ShootClusterSimulator start() {
        if (!informers.isEmpty()) {
            return this;
        }
        informers.add(ExtensionKind.MACHINE_DEPLOYMENT.in(garden).inNamespace(technicalNamespace)
                .inform(onChange(md -> schedule("pool " + md.getMetadata().getName(), Duration.ZERO,
                        () -> reconcilePool(md.getMetadata().getName())))));
        informers.add(shoot.apps().deployments().inNamespace(KUBE_SYSTEM)
                .inform(onChange(deployment -> {
                    if (COREDNS.equals(deployment.getMetadata().getName())) {
                        schedule(COREDNS, config.podRolloutDelay(), this::reconcileCoreDns);
                    }
                })));
        LOG.info("Shoot cluster simulator started for {}", technicalNamespace);
        return this;
    }

    public synchronized void stop() {
        informers.forEach(SharedIndexInformer::close);
        informers.clear();
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop();
    }

    /** How many times the CoreDNS pods were replaced because the pod template changed. */
    public int coreDnsRollouts() {
        return coreDnsRollouts.get();
    }

    /** How many nodes were replaced because a machine template changed. */
    public int nodeReplacements() {
        return machines.nodeReplacements();
    }

    private <T> ResourceEventHandler<T> onChange(Consumer<T> action) {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(T object) {
                action.accept(object);
            }

            @Override
            public void onUpdate(T old, T object) {
                action.accept(object);
            }

            @Override
            public void onDelete(T object, boolean finalStateUnknown) {
                // Nothing to simulate: deleted machine deployments or deployments keep their last state.
            }
        };
    }

    /**
     * Runs the work once after the delay, however often it is asked for in the meantime. Work that
     * fails (a write refused, say) is run again after a back-off, as a controller's work queue does:
     * the change that asked for it may be the last one.
     */
    private void schedule(String work, Duration delay, Runnable action) {
        executor.execute(() -> {
            if (!scheduled.add(work)) {
                return;
            }
            executor.schedule(() -> {
                scheduled.remove(work);
                try {
                    action.run();
                } catch (KubernetesClientException e) {
                    if (executor.isShutdown()) {
                        return;
                    }
                    Duration again = Backoff.after(delay);
                    LOG.warn("Shoot simulator for {}: {} failed, again in {} ms: {}",
                            technicalNamespace, work, again.toMillis(), e.getMessage());
                    schedule(work, again, action);
                }
            }, delay.toNanos(), TimeUnit.NANOSECONDS);
        });
    }

    private void reconcilePool(String machineDeployment) {
        if (machines.step(machineDeployment)) {
            schedule("pool " + machineDeployment, config.nodeReplacementDelay(), () -> reconcilePool(machineDeployment));
        }
    }

    private void reconcileCoreDns() {
        Deployment coredns = shoot.apps().deployments().inNamespace(KUBE_SYSTEM).withName(COREDNS).get();
        if (coredns == null) {
            return;
        }
        String hash = TemplateHash.of(coredns.getSpec().getTemplate());
        List<Pod> pods = coreDnsPods(coredns);
        List<Pod> outdated = pods.stream()
                .filter(pod -> !hash.equals(pod.getMetadata().getLabels().get(PodScheduler.TEMPLATE_HASH_LABEL))).toList();
        int replicas = coredns.getSpec().getReplicas() == null ? 1 : coredns.getSpec().getReplicas();
        int current = pods.size() - outdated.size();
        if (!outdated.isEmpty() && !hash.equals(rollingOutCoreDns)) {
            // Counted before the new pods show, so whoever sees them also sees the count; once per template, also
            // when a step of the rollout fails and is done again
            rollingOutCoreDns = hash;
            int rollout = coreDnsRollouts.incrementAndGet();
            LOG.info("Shoot {}: rolling out CoreDNS (rollout {}), replacing {} pods", technicalNamespace, rollout, outdated.size());
        }
        if (current < replicas) {
            PodScheduler scheduler = new PodScheduler(shoot.nodes().list().getItems(),
                    shoot.pods().inAnyNamespace().list().getItems());
            Workloads.runPods(shoot, coredns, replicas - current, scheduler, ShootGardenReads.cniRunsIpv6(garden, technicalNamespace));
        }
        // at once, as a kubelet confirms it: a real API server keeps a pod on a node until then
        outdated.forEach(pod -> shoot.pods().resource(pod).withGracePeriod(0).delete());
        List<Pod> now = coreDnsPods(coredns);
        Workloads.reportStatus(shoot, coredns, Workloads.status(coredns, now.size(), now.size(), now.size()));
    }

    private List<Pod> coreDnsPods(Deployment coredns) {
        return shoot.pods().inNamespace(KUBE_SYSTEM)
                .withLabels(coredns.getSpec().getSelector().getMatchLabels()).list().getItems();
    }
}
