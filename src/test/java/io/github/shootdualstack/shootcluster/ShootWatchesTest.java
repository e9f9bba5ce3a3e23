package io.github.shootdualstack.shootcluster;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.github.shootdualstack.local.LocalApiServer;
import io.github.shootdualstack.testing.RequestLog;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The shoot cluster's watches wake a migrating Shoot for exactly the changes its waiting steps look
 * at, from the version its observation read, and not once closed. Each check makes a change that
 * must not wake before one that must: a watch delivers in order, so once the second has woken the
 * Shoot, the first has been seen.
 */
class ShootWatchesTest {

    LocalApiServer server = LocalApiServer.start();
    KubernetesClient client = server.client();
    WatchRefusals refusals = new WatchRefusals();
    /** As the operator's shoot clients do, it watches over plain HTTP only, and a watch that ends is not asked for again by the client. */
    KubernetesClient operatorClient = new KubernetesClientBuilder().withConfig(new ConfigBuilder(Config.empty())
            .withMasterUrl(server.httpWatchUrl()).withOnlyHttpWatches(true).withWatchReconnectLimit(0).build())
            .withHttpClientBuilderConsumer(builder -> builder.addOrReplaceInterceptor("watch-refusals", refusals)).build();
    ShootWatches watches = new ShootWatches(operatorClient, "Shoot garden-dev/prod", refusals);
    Fabric8ShootCluster cluster = new Fabric8ShootCluster(operatorClient, "Shoot garden-dev/prod", "Secret garden-dev/prod.kubeconfig", watches, Listing.DEFAULT);
    AtomicInteger wakes = new AtomicInteger();

    @BeforeEach
    void world() {
        client.nodes().resource(node("node-a", "100.96.0.0/24")).create();
        client.nodes().resource(node("node-b", "100.96.1.0/24")).create();
        client.pods().inNamespace("kube-system").resource(dnsPod("coredns-1", "100.96.0.5")).create();
        client.pods().inNamespace("kube-system").resource(dnsPod("coredns-2", "100.96.1.5")).create();
        client.services().inNamespace("kube-system").resource(new ServiceBuilder().withNewMetadata().withName("kube-dns")
                .withNamespace("kube-system").endMetadata().withNewSpec().withClusterIP("100.64.0.10").withClusterIPs("100.64.0.10")
                .withIpFamilyPolicy("SingleStack").endSpec().build()).create();
        client.services().inNamespace("kube-system").resource(new ServiceBuilder().withNewMetadata().withName("other")
                .withNamespace("kube-system").endMetadata().withNewSpec().withClusterIP("100.64.0.20").endSpec().build()).create();
    }

    @AfterEach
    void stop() {
        watches.close();
        operatorClient.close();
        server.close();
    }

    @Test
    void nodeChanges_wakeOnlyWhenTheirPodCidrsChange_orANodeComesOrGoes() throws InterruptedException {
        cluster.observe(false);
        cluster.follow(wakes::incrementAndGet);
        assertThat(watches.following()).isTrue();

        client.nodes().withName("node-a").edit(node -> { node.getMetadata().getLabels().put("heartbeat", "1"); return node; });
        client.nodes().withName("node-a").edit(node -> { node.getSpec().setPodCIDRs(List.of("100.96.0.0/24", "fd00:10:96::/64")); return node; });
        awaitWakes(1);

        client.nodes().withName("node-b").edit(node -> { node.getMetadata().getLabels().put("heartbeat", "2"); return node; });
        client.nodes().resource(node("node-c", "100.96.2.0/24", "fd00:10:96:2::/64")).create();
        awaitWakes(2);

        client.nodes().withName("node-b").delete();
        awaitWakes(3);
    }

    @Test
    void dnsPodChanges_wakeOnlyWhenTheirAddressesChange_orAPodComesGoesOrTerminates() throws InterruptedException {
        cluster.observe(false);
        cluster.follow(wakes::incrementAndGet);

        client.pods().inNamespace("kube-system").resource(new PodBuilder().withNewMetadata().withName("other").endMetadata().build()).create();
        client.pods().inNamespace("kube-system").withName("coredns-1").edit(pod -> { pod.getMetadata().getLabels().put("seen", "1"); return pod; });
        client.pods().inNamespace("kube-system").withName("coredns-1").editStatus(pod -> {
            pod.getStatus().getPodIPs().add(new io.fabric8.kubernetes.api.model.PodIP("fd00:10:96::5"));
            return pod;
        });
        awaitWakes(1);

        // a finalizer keeps the deleted pod, terminating, as kubelet does while it stops
        client.pods().inNamespace("kube-system").withName("coredns-2").edit(pod -> {
            pod.getMetadata().setFinalizers(List.of("test/stopping"));
            return pod;
        });
        client.pods().inNamespace("kube-system").withName("coredns-2").delete();
        awaitWakes(2);
        assertThat(client.pods().inNamespace("kube-system").withName("coredns-2").get().getMetadata().getDeletionTimestamp()).isNotNull();

        client.pods().inNamespace("kube-system").resource(dnsPod("coredns-3", "100.96.2.5")).create();
        awaitWakes(3);
    }

    @Test
    void kubeDnsChanges_wakeOnlyWhenItsClusterIpsOrFamilyPolicyChange() throws InterruptedException {
        cluster.observe(false);
        cluster.follow(wakes::incrementAndGet);

        client.services().inNamespace("kube-system").withName("other").edit(service -> {
            service.getSpec().setIpFamilyPolicy("PreferDualStack");
            return service;
        });
        client.services().inNamespace("kube-system").withName("kube-dns").edit(service -> {
            service.getMetadata().setLabels(java.util.Map.of("seen", "1"));
            return service;
        });
        client.services().inNamespace("kube-system").withName("kube-dns").edit(service -> {
            service.getSpec().setIpFamilyPolicy("PreferDualStack");
            service.getSpec().setClusterIPs(List.of("100.64.0.10", "fd00:10:64::a"));
            return service;
        });
        awaitWakes(1);
    }

    @Test
    void aChangeBetweenTheObservationAndTheFollow_isNotMissed() throws InterruptedException {
        cluster.observe(false);
        // a deletion: only a watch from the observation's version is told of it (one from now sees no node-b at all)
        client.nodes().withName("node-b").delete();

        cluster.follow(wakes::incrementAndGet);

        awaitWakes(1);
    }

    @Test
    void aWatchRefusedForTheCredentials_isNotAskedForAgain_andTheOthersAreOpen() {
        // over HTTP, as the operator watches: the client opens a refused watch without an error, and the refusal is seen in its answer
        cluster.observe(false);
        String nodesWatch = "/api/v1/nodes?allowWatchBookmarks=true&resourceVersion="
                + client.nodes().list().getMetadata().getResourceVersion() + "&watch=true";
        server.server().expect().get().withPath(nodesWatch).andReturn(403, new StatusBuilder().withStatus("Failure").withCode(403)
                .withReason("Forbidden").withMessage("nodes is forbidden: cannot watch resource \"nodes\"").build()).always();
        RequestLog requests = new RequestLog(server.server());
        int mark = requests.mark();

        cluster.follow(wakes::incrementAndGet);
        // the refused watch ends, and the client does not ask for it again
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> !watches.following());
        cluster.observe(false);
        cluster.follow(wakes::incrementAndGet);

        assertThat(requests.since(mark)).filteredOn(request -> request.path().equals(nodesWatch)).hasSize(1);
        assertThat(watches.following()).isFalse();
        assertThat(requests.since(mark)).filteredOn(request -> request.path().contains("watch=true"))
                .extracting(request -> request.path().substring(0, request.path().indexOf('?')))
                .containsExactlyInAnyOrder("/api/v1/nodes", "/api/v1/namespaces/kube-system/pods", "/api/v1/namespaces/kube-system/services");
        watches.close();
    }

    @Test
    void followingAgain_keepsTheOpenWatches_andClosed_wakesNothing() throws InterruptedException {
        cluster.observe(false);
        cluster.follow(wakes::incrementAndGet);
        cluster.observe(false);
        cluster.follow(wakes::incrementAndGet);
        client.nodes().resource(node("node-c", "100.96.2.0/24")).create();
        awaitWakes(1);

        watches.close();
        assertThat(watches.following()).isFalse();
        client.nodes().resource(node("node-d", "100.96.3.0/24")).create();
        cluster.follow(wakes::incrementAndGet);
        client.pods().inNamespace("kube-system").resource(dnsPod("coredns-3", "100.96.2.5")).create();
        awaitWakes(1); // no wake comes: closed watches are not opened again
        assertThat(watches.following()).isFalse();
    }

    @Test
    void nothingObserved_followsNothing() {
        cluster.follow(wakes::incrementAndGet);

        assertThat(watches.following()).isFalse();
    }

    /**
     * Waits for the wake of the last change, then for any wake still on its way: a watch delivers in
     * order, so a wrong wake of an earlier change came first and shows as one too many.
     */
    private void awaitWakes(int count) throws InterruptedException {
        await().atMost(Duration.ofSeconds(10)).until(() -> wakes.get() >= count);
        Thread.sleep(200);
        assertThat(wakes).hasValue(count);
    }

    private static Node node(String name, String... podCidrs) {
        return new NodeBuilder().withNewMetadata().withName(name).addToLabels("worker.gardener.cloud/pool", "pool-a").endMetadata()
                .withNewSpec().withPodCIDR(podCidrs[0]).withPodCIDRs(List.of(podCidrs)).endSpec().build();
    }

    private static Pod dnsPod(String name, String ip) {
        return new PodBuilder().withNewMetadata().withName(name).withNamespace("kube-system").addToLabels("k8s-app", "kube-dns").endMetadata()
                .withNewStatus().withPodIP(ip).addNewPodIP(ip).endStatus().build();
    }
}
