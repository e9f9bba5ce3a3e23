package io.github.shootdualstack.shootcluster;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ListOptions;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.github.shootdualstack.migration.ShootClusterFacts.NodeFacts;
import io.github.shootdualstack.migration.ShootClusterFacts.PodFacts;
import io.github.shootdualstack.migration.ShootClusterFacts.ServiceFacts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Wakes a migrating Shoot when its shoot cluster changes what the steps that wait on it look at: a
 * Node's pod CIDRs (a node joins, leaves, or gets other ranges), the addresses of the CoreDNS pods
 * (one starts, is gone or terminating, or gets other addresses) and the cluster IPs and family policy
 * of Service kube-system/kube-dns. Without it, such a change is seen at the next re-check, which is
 * 30 s by default.
 *
 * <p>Each watch starts at the version of the observation it follows, with the facts that observation
 * read, so nothing in between is missed and nothing seen already wakes the Shoot again. A change
 * that leaves the facts as they were (a node's heartbeat, say) wakes nothing. The watches only wake:
 * the reconcile they start reads the shoot cluster afresh and decides from that. A watch that ends
 * (its version too old, the server gone) is opened again by the next reconcile that follows the
 * cluster, from that reconcile's observation; one refused for the credentials is not asked for again
 * with them. The re-check timer stands in meanwhile. A watch that ends wakes nothing, so a watch that
 * keeps failing makes no reconcile of its own.
 */
final class ShootWatches implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ShootWatches.class);

    /** What one observation of the shoot cluster read, and the versions of the three lists it read it from. */
    record Observed(String nodesVersion, List<NodeFacts> nodes, String dnsPodsVersion, List<PodFacts> dnsPods,
                    String kubeDnsVersion, ServiceFacts kubeDns) {
    }

    private final String shootRef;
    private final WatchRefusals refusals;
    private final List<Target<?, ?>> targets;
    private boolean closed; // guarded by this

    /** @param refusals what the client's answers showed of refused watches (an interceptor of {@code client}) */
    ShootWatches(KubernetesClient client, String shootRef, WatchRefusals refusals) {
        this.shootRef = shootRef;
        this.refusals = refusals;
        this.targets = List.of(
                new Target<Node, NodeFacts>("Nodes", "nodes", Observed::nodesVersion, Observed::nodes, NodeFacts::name, Fabric8ShootCluster::node,
                        (options, watcher) -> client.nodes().watch(options, watcher)),
                new Target<Pod, PodFacts>("CoreDNS pods", "pods", Observed::dnsPodsVersion, Observed::dnsPods, PodFacts::name,
                        Fabric8ShootCluster::dnsPod, (options, watcher) -> client.pods().inNamespace(Fabric8ShootCluster.KUBE_SYSTEM)
                        .withLabel(Fabric8ShootCluster.DNS_LABEL, Fabric8ShootCluster.KUBE_DNS).watch(options, watcher)),
                new Target<Service, ServiceFacts>("kube-dns Service", "services", Observed::kubeDnsVersion,
                        observed -> observed.kubeDns() == null ? List.of() : List.of(observed.kubeDns()), facts -> Fabric8ShootCluster.KUBE_DNS,
                        Fabric8ShootCluster::service, (options, watcher) -> client.services().inNamespace(Fabric8ShootCluster.KUBE_SYSTEM)
                        .withName(Fabric8ShootCluster.KUBE_DNS).watch(options, watcher)));
    }

    /**
     * Calls {@code changed} on every change of the facts {@code observed} read, from now until closed:
     * opens what is not open yet, or has ended, from the versions {@code observed} has. A watch the
     * shoot API server refused for the credentials (401, 403) or as not allowed (405) is not asked
     * for again; the next kubeconfig (a new version of the Secret, a renewed admin kubeconfig) brings a new
     * client, and with it new watches.
     */
    void follow(Observed observed, Runnable changed) {
        targets.forEach(target -> target.follow(observed, changed));
    }

    /** Whether every watch is open (for tests). */
    boolean following() {
        return targets.stream().allMatch(Target::open);
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
        }
        targets.forEach(Target::close);
    }

    /** One kind of object watched: how it is watched, and what of it the steps read. */
    private final class Target<T extends HasMetadata, F> {

        private final String what;
        private final String resource;
        private final Function<Observed, String> version;
        private final Function<Observed, List<F>> seen;
        private final Function<F, String> name;
        private final Function<T, F> facts;
        private final BiFunction<ListOptions, Watcher<T>, Watch> watch;
        private Followed<T, F> current; // guarded by ShootWatches.this
        private boolean refused; // guarded by ShootWatches.this

        Target(String what, String resource, Function<Observed, String> version, Function<Observed, List<F>> seen,
               Function<F, String> name, Function<T, F> facts, BiFunction<ListOptions, Watcher<T>, Watch> watch) {
            this.what = what;
            this.resource = resource;
            this.version = version;
            this.seen = seen;
            this.name = name;
            this.facts = facts;
            this.watch = watch;
        }

        void follow(Observed observed, Runnable changed) {
            synchronized (ShootWatches.this) {
                if (closed || refused || refusals.refused(resource) || (current != null && !current.ended)) {
                    return;
                }
            }
            Map<String, F> known = new HashMap<>();
            seen.apply(observed).forEach(fact -> known.put(name.apply(fact), fact));
            Followed<T, F> followed = new Followed<>(what, known, facts, changed);
            try {
                // a round trip: not under the lock that close() needs
                followed.watch = watch.apply(new ListOptionsBuilder().withResourceVersion(version.apply(observed)).build(), followed);
            } catch (KubernetesClientException e) {
                // no watch: the re-check timer finds the change; the next reconcile tries again, unless refused
                LOG.debug("Could not watch the {} of the shoot cluster of {}: {}", what, shootRef, Failures.kind(e));
                synchronized (ShootWatches.this) {
                    refused |= e.getCode() == 401 || e.getCode() == 403 || e.getCode() == 405;
                }
                return;
            }
            boolean kept;
            synchronized (ShootWatches.this) {
                kept = !closed && (current == null || current.ended);
                if (kept) {
                    current = followed;
                }
            }
            if (!kept) {
                followed.close();
            }
        }

        boolean open() {
            synchronized (ShootWatches.this) {
                return current != null && !current.ended;
            }
        }

        void close() {
            Followed<T, F> open;
            synchronized (ShootWatches.this) {
                open = current;
            }
            if (open != null) {
                open.close();
            }
        }
    }

    /** One watch and the facts it has seen, by name. */
    private final class Followed<T extends HasMetadata, F> implements Watcher<T> {
        // the watch's callbacks come one at a time, in order

        private final String what;
        private final Map<String, F> known;
        private final Function<T, F> facts;
        private final Runnable changed;
        private volatile Watch watch;
        private volatile boolean ended;

        Followed(String what, Map<String, F> known, Function<T, F> facts, Runnable changed) {
            this.what = what;
            this.known = known;
            this.facts = facts;
            this.changed = changed;
        }

        @Override
        public void eventReceived(Action action, T resource) {
            if (action != Action.ADDED && action != Action.MODIFIED && action != Action.DELETED) {
                return;
            }
            String name = resource.getMetadata().getName();
            // a terminating pod has no facts: it counts as gone, as the observation leaves it out
            F now = action == Action.DELETED ? null : facts.apply(resource);
            F before;
            synchronized (known) {
                before = now == null ? known.remove(name) : known.put(name, now);
                if (known.size() > Listing.DEFAULT.maxItems()) {
                    // as many as a listing reads at most: more is a server out to fill the heap; the re-check stands in
                    close();
                    return;
                }
            }
            if (!Objects.equals(before, now)) {
                changed.run();
            }
        }

        @Override
        public void onClose(WatcherException cause) {
            ended = true;
            LOG.debug("The watch of the {} of the shoot cluster of {} ended: {}", what, shootRef, Failures.kind(cause));
        }

        @Override
        public void onClose() {
            ended = true;
        }

        void close() {
            ended = true;
            Watch open = watch;
            if (open != null) {
                open.close();
            }
        }
    }
}
