package io.github.shootdualstack.e2e;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.github.shootdualstack.local.ExtensionsConfig;
import io.github.shootdualstack.local.LocalLandscape;
import io.github.shootdualstack.local.LocalNetworks;
import io.github.shootdualstack.local.LocalProvider;
import io.github.shootdualstack.local.ShootClusterSimulator;
import io.github.shootdualstack.operator.OperatorSettings;
import io.github.shootdualstack.operator.ShootOperator;
import io.github.shootdualstack.shoot.Shoot;
import io.github.shootdualstack.testing.GardenerGarden;
import io.github.shootdualstack.testing.GardenerShootAccess;
import io.github.shootdualstack.testing.RealApiServer;
import io.github.shootdualstack.testing.RealApiServers;
import io.github.shootdualstack.testing.TestCa;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.UnaryOperator;

import static org.awaitility.Awaitility.await;

/**
 * The engine's whole migration on Gardener's own gardener-apiserver (spec, section 7): a Shoot made from
 * Gardener's provider-local example in project {@code local}, reconciled by no gardenlet (empty
 * {@code status.gardener.version}); Gardener's seed CRDs in the garden, where the local extension stand-ins
 * play Infrastructure, ControlPlane, Network and the machines in the Shoot's technical namespace
 * ({@code status.technicalID}); the shoot cluster a second real kube-apiserver that trusts the Shoot's
 * {@code ca-client}, reached by the operator through {@code shoots/adminkubeconfig} alone (no kubeconfig
 * Secret); the operator in process, watching only this Shoot (by a label).
 *
 * <p>Before the user's edit the Shoot is as gardenlet would have left it after its creation: networking
 * ranges and native routing in its spec, {@code technicalID}, {@code networking} and
 * {@code lastOperation Create/Succeeded} in its status. What the API servers warned about is collected from
 * fabric8's log of warnings, for every client in this JVM ({@link #warnings()}).
 */
final class GardenerMigrationHarness implements AutoCloseable {

    static final Duration TIMEOUT = Duration.ofSeconds(120);
    static final String POOL = "local";
    static final String WORLD_LABEL = "e2e.shoot-dualstack-operator.io/world";
    private static final String ADMINS = GardenerShootAccess.ADMINS;
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Where fabric8 logs the warnings an API server answers with (at debug, unless a request asked for warnings). */
    private static final String WARNINGS_LOGGER = "io.fabric8.kubernetes.client.dsl.internal.OperationSupport";

    final GardenerGarden garden;
    final RealApiServer shootServer;
    final LocalLandscape landscape;
    final LocalProvider local;
    private final ConstraintRecorder constraints;
    private final ListAppender<ILoggingEvent> warningLog = new ListAppender<>();
    private final Level warningLevel;
    private ShootOperator operator;

    /** Shoot garden-local/{name} with its one worker pool {@value #POOL} of two nodes. */
    GardenerMigrationHarness(String name) {
        this(name, List.of(POOL));
    }

    /**
     * Shoot garden-local/{name} with these worker pools of two nodes each: the example's pool {@value #POOL}
     * first, the others copies of it by another name.
     */
    GardenerMigrationHarness(String name, List<String> pools) {
        this.garden = GardenerGarden.shared();
        garden.installSeedCrds();
        LocalLandscape.Builder builder = LocalLandscape.builder().project("local").shoot(name);
        pools.forEach(pool -> builder.pool(pool, 2));
        this.landscape = builder.build();
        TestCa clientCa = TestCa.create(name + ".ca-client");
        this.shootServer = RealApiServers.started("gardener-shoot-" + name, List.of(LocalNetworks.SERVICES_V4,
                LocalNetworks.ipv6For(landscape.technicalNamespace()).services().toString()), clientCa.certificatePem());
        Logger warnings = (Logger) LoggerFactory.getLogger(WARNINGS_LOGGER);
        this.warningLevel = warnings.getLevel();
        try {
            shootServer.client().rbac().clusterRoleBindings().resource(new ClusterRoleBindingBuilder().withNewMetadata()
                    .withName(ADMINS).endMetadata().withNewRoleRef("rbac.authorization.k8s.io", "ClusterRole", "cluster-admin")
                    .addNewSubject().withApiGroup("rbac.authorization.k8s.io").withKind("Group").withName(ADMINS).endSubject()
                    .build()).create();
            warningLog.start();
            warnings.addAppender(warningLog);
            warnings.setLevel(Level.DEBUG);
            warnings.setAdditive(false); // collected here, printed by the test
            Shoot shoot = createdAsGardenletLeavesIt(garden, landscape, name, pools, UnaryOperator.identity());
            garden.prepareShootAccess(name, clientCa, shootServer.servingCaPem(), shootServer.url());
            this.local = LocalProvider.adopt(garden.client(), ExtensionsConfig.succeedingAfter(Duration.ZERO),
                    ShootClusterSimulator.Config.immediate(), List.of(landscape), List.of(shoot),
                    any -> new LocalProvider.ShootApi(shootServer.client(), null, null));
        } catch (RuntimeException e) {
            stopCapturing();
            shootServer.close();
            throw e;
        }
        this.constraints = new ConstraintRecorder(shoot());
    }

    /**
     * Gardener's example Shoot, then what its user and gardenlet would have set by the time it runs: the
     * ranges of the local provider and native routing (which a dual-stack Shoot needs), a label that selects
     * it for this world's operator; {@code technicalID}, {@code networking}, {@code observedGeneration} and
     * {@code lastOperation Create/Succeeded} written through the status subresource as gardenlet writes them.
     */
    /**
     * The example Shoot's networking as the local provider runs it: its IPv4 ranges, and native routing
     * ({@code overlay.enabled: false}), which dual-stack needs.
     */
    static void localNetworking(Shoot shoot) {
        var networking = shoot.getSpec().getNetworking();
        networking.setNodes(LocalNetworks.NODES_V4);
        networking.setPods(LocalNetworks.PODS_V4);
        networking.setServices(LocalNetworks.SERVICES_V4);
        var providerConfig = new io.github.shootdualstack.shoot.NetworkingProviderConfig();
        providerConfig.setAdditionalProperty("apiVersion", "calico.networking.extensions.gardener.cloud/v1alpha1");
        providerConfig.setAdditionalProperty("kind", "NetworkConfig");
        var overlay = new io.github.shootdualstack.shoot.Overlay();
        overlay.setEnabled(false);
        providerConfig.setOverlay(overlay);
        networking.setProviderConfig(providerConfig);
    }

    /**
     * The landscape's Shoot made from Gardener's example as its user and gardenlet would leave it, with these pools
     * (the example's first, the others copies of it by another name), labelled to be seen by the operator of this
     * world ({@link #settings(String)}), and {@code spec} applied to it before gardenlet's status is written.
     */
    static Shoot createdAsGardenletLeavesIt(GardenerGarden garden, LocalLandscape landscape, String world, List<String> pools,
                                            UnaryOperator<Shoot> spec) {
        String name = landscape.shootName();
        garden.createExampleShoot(name);
        Resource<Shoot> stored = garden.client().resources(Shoot.class).inNamespace(landscape.projectNamespace()).withName(name);
        Shoot edited = stored.edit(shoot -> {
            shoot.getMetadata().getLabels().put(WORLD_LABEL, world);
            localNetworking(shoot);
            var example = shoot.getSpec().getProvider().getWorkers().get(0);
            for (String pool : pools.subList(1, pools.size())) {
                var copy = io.fabric8.kubernetes.client.utils.Serialization.unmarshal(
                        io.fabric8.kubernetes.client.utils.Serialization.asJson(example), example.getClass());
                copy.setName(pool);
                shoot.getSpec().getProvider().getWorkers().add(copy);
            }
            return spec.apply(shoot);
        });
        long generation = edited.getMetadata().getGeneration();
        garden.client().genericKubernetesResources(Shoot.GROUP + "/" + Shoot.VERSION, "Shoot")
                .inNamespace(landscape.projectNamespace()).withName(name).editStatus(generic -> {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> status = new LinkedHashMap<>((Map<String, Object>) generic.getAdditionalProperties().get("status"));
                    status.put("technicalID", landscape.technicalNamespace());
                    status.put("observedGeneration", generation);
                    status.put("networking", Map.of("nodes", List.of(LocalNetworks.NODES_V4), "pods", List.of(LocalNetworks.PODS_V4),
                            "services", List.of(LocalNetworks.SERVICES_V4)));
                    status.put("lastOperation", Map.of("type", "Create", "state", "Succeeded", "progress", 100,
                            "description", "Shoot cluster has been successfully reconciled.", "lastUpdateTime", "2026-01-01T00:00:00Z"));
                    generic.setAdditionalProperty("status", status);
                    return generic;
                });
        return stored.require();
    }

    /** The operator's settings for this world: fast re-checks, only this world's Shoot (by its label). */
    OperatorSettings settings(boolean serverSideApply) {
        OperatorSettings settings = settings(landscape.shootName());
        return new OperatorSettings(settings.namespaces(), settings.labelSelector(), settings.migration(),
                serverSideApply, settings.leaderElection(), settings.clock(), false, settings.maxShootResponseBytes());
    }

    /** The operator's settings for the Shoots of this world (by their label) in the project: fast re-checks. */
    static OperatorSettings settings(String world) {
        OperatorSettings defaults = OperatorSettings.defaults().withMigration(MigrationHarness.FAST)
                .withNamespaces(Set.of(GardenerGarden.PROJECT_NAMESPACE));
        return new OperatorSettings(defaults.namespaces(), WORLD_LABEL + "=" + world, defaults.migration(),
                false, defaults.leaderElection(), defaults.clock(), false, defaults.maxShootResponseBytes());
    }

    void startOperator(boolean serverSideApply) {
        startOperator(settings(serverSideApply));
    }

    void startOperator(OperatorSettings settings) {
        operator = new ShootOperator(garden.client().getConfiguration(), settings).start();
    }

    ShootOperator operator() {
        return operator;
    }

    /** Versions of the Shoot seen since this world began (its creation and preparation included). */
    int shootVersions() {
        return constraints.versions();
    }

    /** The operator's requests to the garden that were answered 2xx, by its own request counter, of this verb and resource. */
    long operatorGardenRequests(String verb, String resource) {
        return operator.metrics().registry().find(io.github.shootdualstack.operator.OperatorMetrics.PREFIX + "api_requests")
                .tags("cluster", "garden", "verb", verb, "resource", resource).counters().stream()
                .filter(counter -> counter.getId().getTag("code").startsWith("2"))
                .mapToLong(counter -> (long) counter.count()).sum();
    }

    /** The operator's requests to the garden other than reads, by verb, resource and code, for the test's output. */
    List<String> operatorGardenWrites() {
        return operator.metrics().registry().find(io.github.shootdualstack.operator.OperatorMetrics.PREFIX + "api_requests")
                .tags("cluster", "garden").counters().stream().filter(counter -> !"GET".equals(counter.getId().getTag("verb")))
                .map(counter -> counter.getId().getTag("verb") + " " + counter.getId().getTag("resource") + " -> "
                        + counter.getId().getTag("code") + ": " + (long) counter.count()).sorted().toList();
    }

    Resource<Shoot> shoot() {
        return garden.client().resources(Shoot.class).inNamespace(landscape.projectNamespace()).withName(landscape.shootName());
    }

    /** The Shoot as gardener-apiserver sends it, read through no model. */
    JsonNode shootJson() {
        try {
            return JSON.readTree(garden.client().raw("/apis/" + Shoot.GROUP + "/" + Shoot.VERSION + "/namespaces/"
                    + landscape.projectNamespace() + "/shoots/" + landscape.shootName()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The user's edit, as {@code kubectl patch --type merge} makes it: no resourceVersion, so no conflict with the operator. */
    void requestDualStack() {
        mergePatch(Map.of("spec", Map.of("networking", Map.of("ipFamilies", List.of("IPv4", "IPv6")))));
    }

    /** As {@code kubectl annotate --overwrite}. */
    void annotate(String key, String value) {
        mergePatch(Map.of("metadata", Map.of("annotations", Map.of(key, value))));
    }

    private void mergePatch(Map<String, Object> patch) {
        shoot().patch(io.fabric8.kubernetes.client.dsl.base.PatchContext.of(io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE),
                io.fabric8.kubernetes.client.utils.Serialization.asJson(patch));
    }

    List<String> constraintStates() {
        return constraints.states();
    }

    /** Waits until the operator's constraints have been seen in this state (e.g. {@code "DualStackNodesMigrationReady=Progressing/NodesNotMigrated"}). */
    void awaitConstraints(String state) {
        awaitShoot("the constraints " + state, () -> constraintStates().contains(state));
    }

    /** Waits for the operator's event saying the migration is complete. */
    void awaitCompleted() {
        awaitShoot("the migration's completion (event DualStackMigrationCompleted)",
                () -> events().stream().anyMatch(event -> "DualStackMigrationCompleted".equals(event.getReason())));
    }

    private void awaitShoot(String what, Callable<Boolean> condition) {
        try {
            await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(200)).until(condition);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("waited " + TIMEOUT.toSeconds() + " s in vain for " + what + "; constraints seen: "
                    + constraintStates() + "; events: " + events().stream().map(event -> event.getReason() + ": " + event.getMessage())
                    .toList() + "; warnings: " + warnings(), e);
        }
    }

    /** The events on the Shoot as the garden stores them, oldest first. */
    List<Event> events() {
        return garden.client().v1().events().inNamespace(landscape.projectNamespace()).list().getItems().stream()
                .filter(event -> landscape.shootName().equals(event.getInvolvedObject().getName())).toList();
    }

    /** The warnings any API server answered a client in this JVM with, since this world began, each as "URI: warning". */
    List<String> warnings() {
        return warningLog.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

    /** The extension resource of this kind in the technical namespace, as stored. */
    GenericKubernetesResource extension(io.github.shootdualstack.garden.ExtensionKind kind, String name) {
        return kind.in(garden.client()).inNamespace(landscape.technicalNamespace()).withName(name).get();
    }

    private void stopCapturing() {
        Logger warnings = (Logger) LoggerFactory.getLogger(WARNINGS_LOGGER);
        warnings.detachAppender(warningLog);
        warnings.setLevel(warningLevel);
        warnings.setAdditive(true);
    }

    @Override
    public void close() {
        if (operator != null) {
            operator.close();
        }
        constraints.close();
        local.close();
        shootServer.close();
        stopCapturing();
    }
}
