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
import java.util.stream.Stream;

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
 * (its version too old, the server gone, a watch refused) is opened again by the next reconcile that
 * follows the cluster; the re-check timer stands in until then.
 */
final class ShootWatches implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ShootWatches.class);

    /**
     * What one observation of the shoot cluster read, and the versions it read it at (of the two lists,
     * and of the Service; none where the Service is missing).
     */
    record Observed(String nodesVersion, List<NodeFacts> nodes, String dnsPodsVersion, List<PodFacts> dnsPods,
                    String kubeDnsVersion, ServiceFacts kubeDns) {
    }

    private final KubernetesClient client;
    private final String shootRef;
    private Followed<Node, NodeFacts> nodes;
    private Followed<Pod, PodFacts> dnsPods;
    private Followed<Service, ServiceFacts> kubeDns;
    private boolean closed;

    ShootWatches(KubernetesClient client, String shootRef) {
        this.client = client;
        this.shootRef = shootRef;
    }

    /** Calls {@code changed} on every change of the facts {@code observed} read, from now until closed. */
    synchronized void follow(Observed observed, Runnable changed) {
        if (closed) {
            return;
        }
        if (nodes == null || nodes.ended) {
            nodes = open("Nodes", observed.nodesVersion(), observed.nodes(), NodeFacts::name, Fabric8ShootCluster::node,
                    (options, watcher) -> client.nodes().watch(options, watcher), changed);
        }
        if (dnsPods == null || dnsPods.ended) {
            dnsPods = open("CoreDNS pods", observed.dnsPodsVersion(), observed.dnsPods(), PodFacts::name, Fabric8ShootCluster::dnsPod,
                    (options, watcher) -> client.pods().inNamespace(Fabric8ShootCluster.KUBE_SYSTEM)
                            .withLabel(Fabric8ShootCluster.DNS_LABEL, Fabric8ShootCluster.KUBE_DNS).watch(options, watcher), changed);
        }
        if (kubeDns == null || kubeDns.ended) {
            kubeDns = open("kube-dns Service", observed.kubeDnsVersion(),
                    observed.kubeDns() == null ? List.of() : List.of(observed.kubeDns()), facts -> Fabric8ShootCluster.KUBE_DNS,
                    Fabric8ShootCluster::service, (options, watcher) -> client.services().inNamespace(Fabric8ShootCluster.KUBE_SYSTEM)
                            .withName(Fabric8ShootCluster.KUBE_DNS).watch(options, watcher), changed);
        }
    }

    /** Whether every watch is open (for tests). */
    synchronized boolean following() {
        return Stream.of(nodes, dnsPods, kubeDns).allMatch(followed -> followed != null && !followed.ended);
    }

    @Override
    public synchronized void close() {
        closed = true;
        Stream.of(nodes, dnsPods, kubeDns).filter(Objects::nonNull).forEach(Followed::close);
    }

    private <T extends HasMetadata, F> Followed<T, F> open(String what, String version, List<F> seen, Function<F, String> name,
                                                           Function<T, F> facts, BiFunction<ListOptions, Watcher<T>, Watch> watch,
                                                           Runnable changed) {
        Map<String, F> known = new HashMap<>();
        seen.forEach(fact -> known.put(name.apply(fact), fact));
        Followed<T, F> followed = new Followed<>(what, known, facts, changed);
        try {
            followed.watch = watch.apply(new ListOptionsBuilder().withResourceVersion(version).build(), followed);
        } catch (KubernetesClientException e) {
            // no watch (refused, say): the re-check timer finds the change; the next reconcile tries again
            LOG.debug("Could not watch the {} of the shoot cluster of {}: {}", what, shootRef, Fabric8ShootCluster.rootMessage(e));
            followed.ended = true;
        }
        return followed;
    }

    /** One watch and the facts it has seen, by name. */
    private final class Followed<T extends HasMetadata, F> implements Watcher<T> {

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
            }
            if (!Objects.equals(before, now)) {
                changed.run();
            }
        }

        @Override
        public void onClose(WatcherException cause) {
            ended = true;
            LOG.debug("The watch of the {} of the shoot cluster of {} ended: {}", what, shootRef, cause.getMessage());
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
