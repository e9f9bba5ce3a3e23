package io.github.shootdualstack.migration;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.github.shootdualstack.garden.ExtensionKind;
import io.github.shootdualstack.migration.ShootClusterFacts.NodeFacts;
import io.github.shootdualstack.migration.ShootClusterFacts.PodFacts;
import io.github.shootdualstack.migration.ShootClusterFacts.ServiceFacts;
import io.github.shootdualstack.shoot.Hibernation;
import io.github.shootdualstack.shoot.IpFamily;
import io.github.shootdualstack.shoot.Maintenance;
import io.github.shootdualstack.shoot.MigrationRecord;
import io.github.shootdualstack.shoot.Shoot;
import io.github.shootdualstack.shoot.ShootStatus;
import io.github.shootdualstack.shoot.TimeWindow;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One Shoot and everything the decision looks at: the Shoot itself, its extension resources in the
 * garden and its shoot cluster. Tests change the world between reconciles; {@link #reconcile()}
 * decides as the reconciler does, carries out the actions' direct effects and writes the status back.
 */
final class World {

    static final String NAMESPACE = "garden-dev";
    static final String NAME = "prod";
    static final String TECHNICAL_NAMESPACE = "shoot--dev--prod";
    static final Instant T0 = Instant.parse("2024-05-06T10:00:00Z");
    static final String GARDENER_RECONCILED_AT = "2024-05-01T08:00:00Z";
    static final List<String> IPV4 = IpFamily.SINGLE_STACK_IPV4;
    static final List<String> DUAL = IpFamily.DUAL_STACK_IPV4_PRIMARY;

    Instant now = T0;
    Migration.Settings settings = Migration.Settings.defaults();
    final Shoot shoot;

    final FakeExtension infrastructure = new FakeExtension("Infrastructure", () -> now, Instant.parse(GARDENER_RECONCILED_AT));
    final FakeExtension controlPlane = new FakeExtension("ControlPlane", () -> now, Instant.parse(GARDENER_RECONCILED_AT));
    final FakeExtension network = new FakeExtension("Network", () -> now, Instant.parse(GARDENER_RECONCILED_AT));
    final Map<String, List<String>> infrastructureNetworking = new LinkedHashMap<>();
    List<String> networkSpecFamilies = IPV4;
    List<String> networkStatusFamilies = IPV4;
    String clusterName = TECHNICAL_NAMESPACE;
    List<String> clusterFamilies = IPV4;
    final Map<String, Integer> pools = new TreeMap<>(Map.of("pool-a", 2, "pool-b", 1));

    List<NodeFacts> nodes = List.of(node("node-a-1", "100.96.0.0/24"), node("node-a-2", "100.96.1.0/24"),
            node("node-b-1", "100.96.2.0/24"));
    boolean coreDnsDeploymentExists = true;
    String coreDnsRestartedAt;
    List<PodFacts> coreDnsPods = List.of(pod("coredns-1", "100.96.0.10"), pod("coredns-2", "100.96.1.10"));
    ServiceFacts kubeDns = new ServiceFacts(List.of("100.64.0.10"), "SingleStack");
    int singleAddressPods = 7;
    List<String> singleStackServices = List.of("default/web", "shop/api");
    String shootProblem;
    /** Whether an observation of the shoot cluster lists every pod and Service too (for the report at completion). */
    boolean reportObserved = true;

    private World() {
        shoot = GardenerShoot.ipv4();
        infrastructureNetworking.put("nodes", List.of("10.250.0.0/16"));
        infrastructureNetworking.put("pods", List.of("100.96.0.0/11"));
        infrastructureNetworking.put("services", List.of("100.64.0.0/13"));
    }

    /** An IPv4 Shoot with native routing as Gardener reconciled it: 3 nodes in two pools, 2 CoreDNS pods. */
    static World ipv4Shoot() {
        return new World();
    }

    static String json(Object value) {
        return Serialization.asJson(value);
    }

    // --- the Shoot -----------------------------------------------------------------------------

    World requestDualStack() {
        return ipFamilies("IPv4", "IPv6");
    }

    World ipFamilies(String... families) {
        shoot.getSpec().getNetworking().setIpFamilies(List.of(families));
        return this;
    }

    World overlay(Boolean enabled) {
        shoot.getSpec().getNetworking().getProviderConfig().getOverlay().setEnabled(enabled);
        return this;
    }

    /** {@code gardener.cloud/operation: <value>} on the Shoot. */
    World operation(String value) {
        shoot.getMetadata().getAnnotations().put(ExtensionKind.OPERATION_ANNOTATION, value);
        return this;
    }

    String operation() {
        return shoot.getMetadata().getAnnotations().get(ExtensionKind.OPERATION_ANNOTATION);
    }

    World confinedToWindow(String begin, String end) {
        TimeWindow window = new TimeWindow();
        window.setBegin(begin);
        window.setEnd(end);
        Maintenance maintenance = new Maintenance();
        maintenance.setTimeWindow(window);
        maintenance.setConfineSpecUpdateRollout(true);
        shoot.getSpec().setMaintenance(maintenance);
        return this;
    }

    World hibernated(boolean enabled) {
        Hibernation hibernation = new Hibernation();
        hibernation.setEnabled(enabled);
        shoot.getSpec().setHibernation(hibernation);
        return this;
    }

    World deleted() {
        shoot.getMetadata().setDeletionTimestamp(Conditions.timestamp(now));
        return this;
    }

    ShootStatus status() {
        return shoot.getStatus();
    }

    MigrationRecord record() {
        return shoot.getStatus().getDualStackMigration();
    }

    // --- time ----------------------------------------------------------------------------------

    World at(String instant) {
        now = Instant.parse(instant);
        return this;
    }

    World later(long seconds) {
        now = now.plusSeconds(seconds);
        return this;
    }

    // --- the garden ----------------------------------------------------------------------------

    /** The Infrastructure allocated IPv6 ranges and succeeded now. */
    World infrastructureAllocatesIpv6() {
        infrastructureNetworking.put("nodes", List.of("10.250.0.0/16", "fd00:250::/64"));
        infrastructureNetworking.put("pods", List.of("100.96.0.0/11", "fd00:96::/56"));
        infrastructureNetworking.put("services", List.of("100.64.0.0/13", "fd00:10:96::/112"));
        infrastructure.succeeds();
        return this;
    }

    /** The CNI runs what Network.spec says and succeeded now. */
    /** The Network runs dual-stack; the operator, seeing it, triggers the ControlPlane, which then succeeds. */
    World controlPlaneReconcilesAfterTheNetwork() {
        networkRunsDualStack().reconcile();
        controlPlane.succeeds();
        return this;
    }

    World networkRunsDualStack() {
        networkStatusFamilies = DUAL;
        network.succeeds();
        return this;
    }

    World pool(String name, int replicas) {
        pools.put(name, replicas);
        return this;
    }

    // --- the shoot cluster ---------------------------------------------------------------------

    static NodeFacts node(String name, String... podCidrs) {
        return new NodeFacts(name, List.of(podCidrs));
    }

    static PodFacts pod(String name, String... ips) {
        return new PodFacts(name, List.of(ips));
    }

    World nodes(NodeFacts... nodes) {
        this.nodes = List.of(nodes);
        return this;
    }

    /** {@code total} nodes, the first {@code migrated} of them with an IPv6 pod CIDR too. */
    World nodes(int migrated, int total) {
        this.nodes = IntStream.range(0, total).mapToObj(i -> i < migrated
                ? node("node-" + i, "100.96." + i + ".0/24", "fd00:96:0:" + Integer.toHexString(i) + "::/64")
                : node("node-" + i, "100.96." + i + ".0/24")).toList();
        return this;
    }

    World allNodesMigrated() {
        return nodes(nodes.size(), nodes.size());
    }

    World coreDnsPods(PodFacts... pods) {
        this.coreDnsPods = List.of(pods);
        return this;
    }

    World coreDnsPodsDualStack() {
        return coreDnsPods(pod("coredns-3", "100.96.0.11", "fd00:96::11"), pod("coredns-4", "100.96.1.11", "fd00:96:0:1::11"));
    }

    World kubeDns(String... clusterIPs) {
        kubeDns = new ServiceFacts(List.of(clusterIPs), clusterIPs.length > 1 ? "PreferDualStack" : "SingleStack");
        return this;
    }

    World shootUnreachable(String problem) {
        shootProblem = problem;
        return this;
    }

    ShootClusterFacts shootClusterFacts() {
        return new ShootClusterFacts(nodes, coreDnsDeploymentExists, coreDnsRestartedAt, coreDnsPods, kubeDns,
                reportObserved ? new ShootClusterFacts.Report(singleAddressPods, singleStackServices) : null);
    }

    GardenFacts gardenFacts() {
        return new GardenFacts(TECHNICAL_NAMESPACE, infrastructure.facts(), new LinkedHashMap<>(infrastructureNetworking), controlPlane.facts(),
                network.facts(), networkSpecFamilies, networkStatusFamilies, clusterName, clusterFamilies, new TreeMap<>(pools));
    }

    /** The preflight of the Shoot as it is, with the world observed as the operator observes it. */
    Preflight preflight() {
        String before = Serialization.asJson(shoot);
        Preflight preflight = Preflight.of(new Migration.Input(shoot, gardenFacts(), shootProblem == null ? shootClusterFacts() : null,
                shootProblem, now, settings));
        assertThat(Serialization.asJson(shoot)).as("the preflight leaves its input Shoot alone").isEqualTo(before);
        return preflight;
    }

    // --- reconciling ---------------------------------------------------------------------------

    /** What the operator remembers between reconciles; {@link Migration.Memory#NONE} plays a restarted operator. */
    Migration.Memory memory = Migration.Memory.NONE;

    /** Decides as the reconciler does: first without the shoot cluster, then with it if the step needs it. */
    Decision decide() {
        String before = Serialization.asJson(shoot);
        GardenFacts garden = gardenFacts();
        Decision decision = Migration.decide(new Migration.Input(shoot, garden, null, null, now, settings, memory));
        if (decision.needsShoot()) {
            decision = shootProblem != null
                    ? Migration.decide(new Migration.Input(shoot, garden, null, shootProblem, now, settings, memory))
                    : Migration.decide(new Migration.Input(shoot, garden, shootClusterFacts(), null, now, settings, memory));
        }
        assertThat(Serialization.asJson(shoot)).as("decide() leaves its input Shoot alone").isEqualTo(before);
        return decision;
    }

    /** One reconcile: decide, carry out the actions (their direct effects only), write the status. */
    Decision reconcile() {
        Decision decision = decide();
        perform(decision.actions());
        shoot.setStatus(Serialization.clone(decision.status()));
        memory = decision.memory();
        return decision;
    }

    private void perform(List<Action> actions) {
        for (Action action : actions) {
            if (action instanceof Action.SyncCluster sync) {
                clusterFamilies = sync.ipFamilies();
            } else if (action instanceof Action.Trigger trigger) {
                extension(ExtensionKind.of(trigger.extension())).triggered();
            } else if (action instanceof Action.EnableDualStackNetwork enable) {
                networkSpecFamilies = enable.ipFamilies();
                network.specChanged().triggered();
            } else if (action instanceof Action.RollWorkers) {
                shoot.getMetadata().getAnnotations().remove(ExtensionKind.OPERATION_ANNOTATION);
            } else if (action instanceof Action.RemoveShootAnnotation removal) {
                shoot.getMetadata().getAnnotations().remove(removal.key());
            } else if (action instanceof Action.RestartCoreDns restart) {
                coreDnsRestartedAt = restart.value();
            } else if (action instanceof Action.PatchKubeDns patch) {
                kubeDns(patch.ipv4ClusterIP(), patch.ipv6ClusterIP());
            }
        }
    }

    FakeExtension extension(ExtensionKind kind) {
        return switch (kind) {
            case INFRASTRUCTURE -> infrastructure;
            case CONTROL_PLANE -> controlPlane;
            case NETWORK -> network;
            default -> throw new IllegalArgumentException(kind + " is not an extension resource");
        };
    }

    /**
     * Starts the migration and walks it, a minute per reconcile, until it stands at {@code target}
     * (with that step's first actions carried out), the world answering each step as expected.
     */
    World walkTo(Step target) {
        requestDualStack().reconcile();
        List<Runnable> answers = new ArrayList<>(Arrays.<Runnable>asList(
                this::infrastructureAllocatesIpv6,
                controlPlane::succeeds,
                this::allNodesMigrated,
                this::controlPlaneReconcilesAfterTheNetwork,
                this::coreDnsPodsDualStack,
                () -> { }));
        for (Step step = Step.INFRASTRUCTURE; step != target; step = step.next()) {
            later(60);
            answers.get(step.ordinal()).run();
            Decision decision = reconcile();
            assertThat(decision.step()).as("walking to %s", target).isEqualTo(step.next());
        }
        return this;
    }
}
