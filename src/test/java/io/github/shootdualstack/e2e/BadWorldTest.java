package io.github.shootdualstack.e2e;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.github.shootdualstack.garden.ExtensionKind;
import io.github.shootdualstack.garden.Patches;
import io.github.shootdualstack.garden.Projects;
import io.github.shootdualstack.local.ExtensionBehaviour;
import io.github.shootdualstack.local.Kubeconfigs;
import io.github.shootdualstack.local.LocalLandscape;
import io.github.shootdualstack.shoot.LastOperation;
import io.github.shootdualstack.shoot.Shoot;
import io.github.shootdualstack.testing.Reconciles;
import io.github.shootdualstack.testing.RequestLog;
import io.github.shootdualstack.testing.TestShoots;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static io.github.shootdualstack.e2e.MigrationHarness.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The bad worlds of the contract (spec section 5), end to end. Each one stops the migration with
 * a last operation in {@code Error} that names the object and what is wrong, and a Warning event;
 * while it stands, retries write nothing to the shoot cluster; once the world is fixed the
 * migration resumes where it stood and completes with exactly one CoreDNS rollout. Beside the Shoot
 * garden-dev/prod the garden holds a Shoot of the same name in another project, garden-foo/prod,
 * whose technical namespace no bad world may steer a write into.
 */
class BadWorldTest {

    static final LocalLandscape NEIGHBOUR = LocalLandscape.builder().project("foo").shoot("prod").pool("worker", 1).build();

    static final String KUBE_SYSTEM = "kube-system";
    static final String COREDNS_RESTART = "PATCH /apis/apps/v1/namespaces/kube-system/deployments/coredns";
    static final String BROKEN_YAML = """
            apiVersion: v1
            kind: Config
            users:
            - name: shoot
              user: {token: s3cr3t-t0ken: oops}
            """;
    static final String WITHOUT_SERVER = """
            apiVersion: v1
            kind: Config
            clusters:
            - name: shoot
              cluster:
                insecure-skip-tls-verify: true
            contexts:
            - name: shoot
              context: {cluster: shoot, user: shoot}
            users:
            - name: shoot
              user: {token: local}
            current-context: shoot
            """;

    MigrationHarness world;
    int gardenStart;
    int shootStart;

    @BeforeEach
    void startWorld() {
        world = MigrationHarness.twoPoolsBeside(NEIGHBOUR);
        gardenStart = world.gardenRequests.mark();
        shootStart = world.shootRequests.mark();
        world.startOperator();
    }

    @AfterEach
    void closeWorld() {
        world.close();
    }

    // --- the kubeconfig Secret and the shoot API --------------------------------------------

    @Test
    void missingKubeconfigSecret_blocksAtNodes_andResumesWhenItIsBack() {
        Secret secret = kubeconfigSecret().get();
        kubeconfigSecret().delete();

        world.requestDualStack();

        assertBlocked("Step 4/7 Nodes: Secret garden-dev/prod.kubeconfig not found: it holds the shoot cluster's kubeconfig");
        assertThat(operatorShootWrites()).isEmpty();

        world.gardenClient().resource(fresh(secret)).create();
        rollAllWorkers();
        assertCompletesWithOneCoreDnsRollout();
    }

    @Test
    void kubeconfigSecretWithoutItsKey_blocksAtNodes_andResumesWhenTheKeyIsBack() {
        Secret secret = kubeconfigSecret().get();
        replaceKubeconfigData(Map.of("config", secret.getData().get("kubeconfig")));

        world.requestDualStack();

        assertBlocked("Step 4/7 Nodes: Secret garden-dev/prod.kubeconfig has no key \"kubeconfig\"");
        assertThat(operatorShootWrites()).isEmpty();

        replaceKubeconfigData(secret.getData());
        rollAllWorkers();
        assertCompletesWithOneCoreDnsRollout();
    }

    @Test
    void malformedKubeconfig_brokenYamlThenNoServer_eachNamedWithoutQuotingIt_andResumesWhenRepaired() {
        Secret secret = kubeconfigSecret().get();
        replaceKubeconfig(BROKEN_YAML);

        world.requestDualStack();

        assertBlocked("Step 4/7 Nodes: the kubeconfig in Secret garden-dev/prod.kubeconfig is malformed:"
                + " not valid YAML at line 5, column 29: expected ',' or '}', but got :");
        assertThat(world.events("DualStackMigrationBlocked")).as("the credentials in it are not quoted")
                .extracting(Event::getMessage).noneMatch(message -> message.contains("s3cr3t"));

        replaceKubeconfig(WITHOUT_SERVER);

        assertBlocked("Step 4/7 Nodes: the kubeconfig in Secret garden-dev/prod.kubeconfig names no server"
                + " (clusters[shoot].cluster.server)");
        assertThat(operatorShootWrites()).isEmpty();

        replaceKubeconfigData(secret.getData());
        rollAllWorkers();
        assertCompletesWithOneCoreDnsRollout();
    }

    @Test
    void unreachableShootApi_blocksAtNodes_namingTheServer_andResumesWhenReachable() {
        Secret secret = kubeconfigSecret().get();
        replaceKubeconfig(Kubeconfigs.forServer("shoot", "http://127.0.0.1:1"));

        world.requestDualStack();

        assertBlocked("Step 4/7 Nodes: could not read the shoot cluster of Shoot garden-dev/prod at http://127.0.0.1:1/: connection refused");
        assertThat(operatorShootWrites()).isEmpty();

        replaceKubeconfigData(secret.getData());
        rollAllWorkers();
        assertCompletesWithOneCoreDnsRollout();
    }

    // --- the extensions --------------------------------------------------------------------

    @Test
    void missingControlPlane_blocksAtControlPlane_andResumesWhenItIsRecreated() {
        GenericKubernetesResource controlPlane = extension(ExtensionKind.CONTROL_PLANE).get();
        extension(ExtensionKind.CONTROL_PLANE).delete();

        world.requestDualStack();

        assertBlocked("Step 3/7 ControlPlane: ControlPlane shoot--dev--prod/prod not found");
        assertThat(operatorShootWrites()).isEmpty();

        GenericKubernetesResource recreated = fresh(controlPlane);
        recreated.getAdditionalProperties().remove("status");
        ExtensionKind.CONTROL_PLANE.in(world.gardenClient()).resource(recreated).create();
        rollAllWorkers();
        assertCompletesWithOneCoreDnsRollout();
    }

    @Test
    void infrastructureInError_blocksWithItsLastError_andResumesWhenItSucceeds() {
        world.local.extensions().setBehaviour(ExtensionKind.INFRASTRUCTURE,
                ExtensionBehaviour.failing(Duration.ZERO, "quota exceeded for VPCs in region local"));

        world.requestDualStack();

        String blocked = "Step 2/7 Infrastructure: Infrastructure shoot--dev--prod/prod failed: quota exceeded for VPCs in region local";
        assertBlocked(blocked);
        await().atMost(TIMEOUT).until(() -> infrastructureTriggers() >= 3);
        assertThat(blockedEvents(blocked)).as("triggered again after the back-off, reported once").containsExactly("Warning");
        assertThat(operatorShootWrites()).isEmpty();

        world.local.extensions().setBehaviour(ExtensionKind.INFRASTRUCTURE, ExtensionBehaviour.succeeding(Duration.ZERO));
        rollAllWorkers();
        assertCompletesWithOneCoreDnsRollout();
    }

    @Test
    void infrastructureWithoutAnIpv6Range_blocksAtInfrastructure_andResumesOnceItAllocatesOne() {
        world.local.extensions().setIpv6Allocation(false);

        world.requestDualStack();

        String blocked = "Step 2/7 Infrastructure: Infrastructure shoot--dev--prod/prod succeeded but reports no IPv6 range"
                + " in status.networking.nodes";
        assertBlocked(blocked);
        await().atMost(TIMEOUT).until(() -> infrastructureTriggers() >= 3);
        assertThat(blockedEvents(blocked)).as("triggered again after the back-off, reported once").containsExactly("Warning");
        assertThat(operatorShootWrites()).isEmpty();

        world.local.extensions().setIpv6Allocation(true);
        rollAllWorkers();
        assertCompletesWithOneCoreDnsRollout();
    }

    @Test
    void networkSpecLeftWithoutItsTrigger_whileTheOperatorWasDown_isTriggered_andCompletesWithOneCoreDnsRollout() {
        world.requestDualStack();
        world.awaitStep("Nodes");
        world.stopOperator();
        // what an operator killed between the Network's spec and its trigger (or an older one whose trigger
        // was refused) leaves behind: the families written, the generation ahead, nothing asking the CNI to act
        GenericKubernetesResource network = extension(ExtensionKind.NETWORK).edit(n -> {
            n.<Map<String, Object>>get("spec").put("ipFamilies", List.of("IPv4", "IPv6"));
            return n;
        });
        assertThat(network.getMetadata().getAnnotations()).doesNotContainKey(ExtensionKind.OPERATION_ANNOTATION);
        world.startOperator();

        rollAllWorkers();
        assertCompletesWithOneCoreDnsRollout();
        assertThat((Object) extension(ExtensionKind.NETWORK).get().get("status", "ipFamilies")).isEqualTo(List.of("IPv4", "IPv6"));
    }

    @Test
    void networkSpecAndTriggerRefusedWithAConflict_isRetried_inOneWrite_andCompletesWithOneCoreDnsRollout() {
        world.garden.server().expect().patch().withPath(networkPath())
                .andReturn(409, new StatusBuilder().withStatus("Failure").withReason("Conflict").withCode(409)
                        .withMessage("Operation cannot be fulfilled on networks.extensions.gardener.cloud \"prod\":"
                                + " the object has been modified; please apply your changes to the latest version and try again")
                        .build())
                .once();

        world.requestDualStack();
        rollAllWorkers();

        assertCompletesWithOneCoreDnsRollout();
        List<RequestLog.Request> networkWrites = world.gardenRequests.writesSince(gardenStart, RequestLog.byOperator()).stream()
                .filter(write -> write.path().equals(networkPath())).toList();
        assertThat(networkWrites).as("the refused write of the families with their trigger, and its retry").hasSize(2);
    }

    // --- the technical namespace and the Cluster -------------------------------------------

    @Test
    void technicalIdOfAnotherProject_writesNothingThere_namesBothValues_andResumesWhenItIsTheShootsOwn() {
        Map<String, String> neighbourBefore = neighbourVersions();
        setTechnicalId(NEIGHBOUR.technicalNamespace());

        world.requestDualStack();

        assertRefused("Shoot garden-dev/prod has status.technicalID \"shoot--foo--prod\", not \"shoot--dev--prod\""
                + " (project dev): nothing is written to another project");
        assertThat(operatorGardenWrites()).as("nothing but the Shoot's own status and events, in no cluster")
                .isNotEmpty().allMatch(BadWorldTest::statusOrEvent);
        assertThat(operatorShootWrites()).isEmpty();
        assertThat(neighbourVersions()).as("the other project's Cluster, extension resources and machines").isEqualTo(neighbourBefore);

        setTechnicalId(world.landscape.technicalNamespace());
        rollAllWorkers();
        assertCompletesWithOneCoreDnsRollout();
        assertThat(neighbourVersions()).isEqualTo(neighbourBefore);
    }

    @Test
    void namespaceFooBesideGardenFoo_isNotProjectFoo_itsProjectComesFromTheGardenOrItIsAnError() {
        Map<String, String> neighbourBefore = neighbourVersions();
        // the operator first sees Shoot foo/prod as it is stored, with the status Gardener gave it
        world.stopOperator();
        world.gardenClient().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("foo").endMetadata().build()).create();
        Shoot foo = TestShoots.create(world.gardenClient(), TestShoots.ipv4("foo", "prod"));
        TestShoots.editIpFamilies(world.gardenClient(), foo, List.of("IPv4", "IPv6"));

        world.startOperator();

        awaitError(foo, "Namespace foo has no label project.gardener.cloud/name and no Project has spec.namespace foo:"
                + " the project of Shoot foo/prod is unknown, so its technical namespace cannot be checked: nothing is written");

        GenericKubernetesResource project = new GenericKubernetesResource();
        project.setApiVersion("core.gardener.cloud/v1beta1");
        project.setKind("Project");
        project.setMetadata(new ObjectMetaBuilder().withName("bar").build());
        project.setAdditionalProperty("spec", Map.of("namespace", "foo"));
        world.gardenClient().genericKubernetesResources(Projects.PROJECT).resource(project).create();

        awaitError(foo, "Step 2/7 Infrastructure: Infrastructure shoot--bar--prod/prod not found");
        assertThat(operatorGardenWrites()).as("nothing in shoot--foo--prod, the technical namespace of garden-foo/prod")
                .noneMatch(write -> write.contains(NEIGHBOUR.technicalNamespace()));
        assertThat(neighbourVersions()).isEqualTo(neighbourBefore);
    }

    @Test
    void clusterHoldingAnotherShoot_isNotWritten_namesBothUids_andResumesWhenItHoldsThisOne() {
        String uid = world.shoot().getMetadata().getUid();
        setClusterShootUid("6c1f0e7a-another-shoot");
        String clusterVersion = cluster().get().getMetadata().getResourceVersion();

        world.requestDualStack();

        assertRefused("Cluster shoot--dev--prod holds the Shoot with UID \"6c1f0e7a-another-shoot\", not \"" + uid
                + "\" of Shoot garden-dev/prod: nothing is written");
        assertThat(cluster().get().getMetadata().getResourceVersion()).isEqualTo(clusterVersion);
        assertThat(operatorGardenWrites()).isNotEmpty().allMatch(BadWorldTest::statusOrEvent);
        assertThat(operatorShootWrites()).isEmpty();

        setClusterShootUid(uid);
        rollAllWorkers();
        assertCompletesWithOneCoreDnsRollout();
        assertThat((Object) cluster().get().get("spec", "shoot", "spec", "networking", "ipFamilies")).isEqualTo(List.of("IPv4", "IPv6"));
    }

    // --- the shoot cluster -----------------------------------------------------------------

    @Test
    void noNodes_blocksAtNodes_andResumesWhenTheNodesAreBack() {
        List<Node> nodes = world.shootClient().nodes().list().getItems();
        nodes.forEach(node -> world.shootClient().resource(node).delete());

        world.requestDualStack();

        assertBlocked("Step 4/7 Nodes: the shoot cluster has no Nodes");
        assertThat(operatorShootWrites()).isEmpty();

        nodes.forEach(node -> world.shootClient().resource(fresh(node)).create());
        rollAllWorkers();
        assertCompletesWithOneCoreDnsRollout();
    }

    @Test
    void malformedPodCidrOnANode_blocksAtNodesNamingNodeAndValue_andResumesWhenRepaired() {
        Node node = world.shootClient().nodes().list().getItems().get(0);
        String name = node.getMetadata().getName();
        List<String> podCidrs = node.getSpec().getPodCIDRs();
        setPodCidrs(name, List.of("not-a-cidr"));

        world.requestDualStack();

        assertBlocked("Step 4/7 Nodes: Node " + name + " spec.podCIDRs has a malformed entry \"not-a-cidr\"");
        assertThat(operatorShootWrites()).isEmpty();

        setPodCidrs(name, podCidrs);
        rollAllWorkers();
        assertCompletesWithOneCoreDnsRollout();
    }

    @Test
    void noCoreDnsPods_blocksAtCoreDns_withoutRestartingIt_andResumesWhenThePodsAreBack() {
        var dnsPods = world.shootClient().pods().inNamespace(KUBE_SYSTEM).withLabel("k8s-app", "kube-dns");
        List<Pod> pods = dnsPods.list().getItems();
        pods.forEach(pod -> world.shootClient().resource(pod).delete());

        world.requestDualStack();
        rollAllWorkers();

        assertBlocked("Step 6/7 CoreDNS: no CoreDNS pods (kube-system, k8s-app=kube-dns) in the shoot cluster");
        assertThat(operatorShootWrites()).as("CoreDNS is not restarted without pods").isEmpty();
        assertThat(world.simulator().coreDnsRollouts()).isZero();

        pods.forEach(pod -> world.shootClient().resource(fresh(pod)).create());
        assertCompletesWithOneCoreDnsRollout();
    }

    @Test
    void missingKubeDns_blocksAtKubeDns_neverCreatingIt_andResumesWhenItIsRecreatedWithItsClusterIP() {
        Resource<Service> kubeDns = world.shootClient().services().inNamespace(KUBE_SYSTEM).withName("kube-dns");
        Service service = kubeDns.get();
        kubeDns.delete();

        world.requestDualStack();
        rollAllWorkers();

        assertBlocked("Step 7/7 KubeDNS: Service kube-system/kube-dns not found in the shoot cluster");
        assertThat(operatorShootWrites()).as("only the CoreDNS restart of step 6, which does not need kube-dns")
                .containsExactly(COREDNS_RESTART);

        world.shootClient().resource(fresh(service)).create();
        assertCompletesWithOneCoreDnsRollout();
        Service after = kubeDns.get();
        assertThat(after.getSpec().getClusterIPs()).hasSize(2).first().isEqualTo("100.64.0.10");
        assertThat(after.getSpec().getIpFamilyPolicy()).isEqualTo("PreferDualStack");
    }

    // --- helpers ---------------------------------------------------------------------------

    /**
     * The last operation turns {@code Error} with this description and a Warning event says the
     * same; a retry keeps it as it is, repeats no event, and writes nothing to the shoot cluster.
     */
    private void assertBlocked(String description) {
        await().atMost(TIMEOUT).until(this::errorDescription, description::equals);
        assertThat(description).as("a message, not a stack trace").doesNotContain("\n", "Exception:", "\tat ");
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(blockedEvents(description)).containsExactly("Warning"));

        int mark = world.shootRequests.mark();
        Reconciles.awaitMore(world.operator(), 1);
        await().atMost(TIMEOUT).until(this::errorDescription, description::equals);
        assertThat(blockedEvents(description)).as("one event, however often it is retried").containsExactly("Warning");
        assertThat(world.shootRequests.writesSince(mark, RequestLog.byOperator())).as("retries write nothing to the shoot").isEmpty();
    }

    /**
     * As {@link #assertBlocked}, for a reconcile that stops before it writes anything: it fails, and
     * is retried with the reconciler's back-off. Two more looks at the Shoot's namespace, so that the
     * first of them has ended, keep the description and repeat no event.
     */
    private void assertRefused(String description) {
        await().atMost(TIMEOUT).until(this::errorDescription, description::equals);
        assertThat(description).as("a message, not a stack trace").doesNotContain("\n", "Exception:", "\tat ");
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(blockedEvents(description)).containsExactly("Warning"));

        int mark = world.gardenRequests.mark();
        await().atMost(TIMEOUT).until(() -> world.gardenRequests.since(mark).stream().filter(RequestLog.byOperator())
                .filter(request -> request.method().equals("GET") && request.path().equals("/api/v1/namespaces/garden-dev")).count() >= 2);
        assertThat(errorDescription()).isEqualTo(description);
        assertThat(blockedEvents(description)).as("one event, however often it is retried").containsExactly("Warning");
    }

    /** The types of the DualStackMigrationBlocked events with this message. */
    private List<String> blockedEvents(String message) {
        return world.events("DualStackMigrationBlocked").stream().filter(event -> message.equals(event.getMessage()))
                .map(Event::getType).toList();
    }

    private String errorDescription() {
        LastOperation last = world.lastOperation();
        return last != null && LastOperation.STATE_ERROR.equals(last.getState()) ? last.getDescription() : null;
    }

    /** Another Shoot than the world's shows this Error. */
    private void awaitError(Shoot shoot, String description) {
        await().atMost(TIMEOUT).untilAsserted(() -> {
            LastOperation last = TestShoots.get(world.gardenClient(), shoot).getStatus().getLastOperation();
            assertThat(last).isNotNull();
            assertThat(last.getState()).isEqualTo(LastOperation.STATE_ERROR);
            assertThat(last.getDescription()).isEqualTo(description);
        });
    }

    /** The operator's writes to the garden since the test began, as "METHOD /path". */
    private List<String> operatorGardenWrites() {
        return world.gardenRequests.writesSince(gardenStart, RequestLog.byOperator()).stream().map(RequestLog.Request::toString).toList();
    }

    private static boolean statusOrEvent(String write) {
        return write.startsWith("PATCH /apis/core.gardener.cloud/v1beta1/namespaces/garden-dev/shoots/prod/status")
                || write.startsWith("POST /api/v1/namespaces/garden-dev/events")
                || write.startsWith("PATCH /api/v1/namespaces/garden-dev/events/");
    }

    /** The resourceVersions of everything in the neighbour's technical namespace, and of its Cluster. */
    private Map<String, String> neighbourVersions() {
        Map<String, String> versions = new TreeMap<>();
        String namespace = NEIGHBOUR.technicalNamespace();
        versions.put("Cluster", ExtensionKind.CLUSTER.in(world.gardenClient()).withName(namespace).get().getMetadata().getResourceVersion());
        for (ExtensionKind kind : List.of(ExtensionKind.INFRASTRUCTURE, ExtensionKind.CONTROL_PLANE, ExtensionKind.NETWORK,
                ExtensionKind.MACHINE_DEPLOYMENT)) {
            kind.in(world.gardenClient()).inNamespace(namespace).list().getItems().forEach(resource ->
                    versions.put(kind.kind() + " " + resource.getMetadata().getName(), resource.getMetadata().getResourceVersion()));
        }
        return versions;
    }

    /** Writes the Shoot's status.technicalID, as whoever may write a Shoot's status could. */
    private void setTechnicalId(String technicalId) {
        Patches.setStatusFields(world.shoots().withName(world.landscape.shootName()), Map.of("technicalID", technicalId));
    }

    private Resource<GenericKubernetesResource> cluster() {
        return ExtensionKind.CLUSTER.in(world.gardenClient()).withName(world.landscape.technicalNamespace());
    }

    private void setClusterShootUid(String uid) {
        cluster().patch(Patches.JSON, Patches.body(List.of(Map.of("op", "replace", "path", "/spec/shoot/metadata/uid", "value", uid))));
    }

    private void rollAllWorkers() {
        world.rollWorkers("*");
    }

    private void assertCompletesWithOneCoreDnsRollout() {
        world.awaitCompleted();
        assertThat(world.lastOperation().getState()).isEqualTo(LastOperation.STATE_SUCCEEDED);
        assertThat(world.simulator().coreDnsRollouts()).isEqualTo(1);
        assertThat(operatorShootWrites()).filteredOn(COREDNS_RESTART::equals).hasSize(1);
    }

    /** The operator's writes to the shoot cluster since the test began, as "METHOD /path". */
    private List<String> operatorShootWrites() {
        return world.shootRequests.writesSince(shootStart, RequestLog.byOperator()).stream().map(RequestLog.Request::toString).toList();
    }

    /** How often the operator triggered the Infrastructure since the test began. */
    private long infrastructureTriggers() {
        return world.gardenRequests.writesSince(gardenStart, RequestLog.byOperator()).stream()
                .filter(write -> write.path().endsWith("/infrastructures/prod")).count();
    }

    private Resource<Secret> kubeconfigSecret() {
        return world.kubeconfigSecret();
    }

    private void replaceKubeconfig(String kubeconfig) {
        world.replaceKubeconfig(kubeconfig);
    }

    private void replaceKubeconfigData(Map<String, String> data) {
        world.replaceKubeconfigData(data);
    }

    private String networkPath() {
        return "/apis/extensions.gardener.cloud/v1alpha1/namespaces/" + world.landscape.technicalNamespace()
                + "/networks/" + world.landscape.shootName();
    }

    private Resource<GenericKubernetesResource> extension(ExtensionKind kind) {
        return kind.in(world.gardenClient()).inNamespace(world.landscape.technicalNamespace()).withName(world.landscape.shootName());
    }

    private void setPodCidrs(String node, List<String> podCidrs) {
        world.shootClient().nodes().withName(node).edit(n -> {
            n.getSpec().setPodCIDRs(podCidrs);
            return n;
        });
    }

    /** A deleted object as its owner creates it again: the same content under a new identity. */
    private static <T extends HasMetadata> T fresh(T deleted) {
        T copy = Serialization.clone(deleted);
        copy.getMetadata().setResourceVersion(null);
        copy.getMetadata().setUid(null);
        copy.getMetadata().setCreationTimestamp(null);
        return copy;
    }
}
