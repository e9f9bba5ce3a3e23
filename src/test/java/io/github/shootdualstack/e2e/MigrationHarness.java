package io.github.shootdualstack.e2e;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.authorization.v1.ResourceRule;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.github.shootdualstack.garden.ExtensionKind;
import io.github.shootdualstack.local.ExtensionsConfig;
import io.github.shootdualstack.local.LocalApiServer;
import io.github.shootdualstack.local.LocalLandscape;
import io.github.shootdualstack.local.LocalProvider;
import io.github.shootdualstack.local.ShootClusterSimulator;
import io.github.shootdualstack.migration.Migration;
import io.github.shootdualstack.operator.LeaderElectionSettings;
import io.github.shootdualstack.operator.OperatorSettings;
import io.github.shootdualstack.operator.ShootOperator;
import io.github.shootdualstack.shoot.LastOperation;
import io.github.shootdualstack.shoot.MigrationRecord;
import io.github.shootdualstack.shoot.Shoot;
import io.github.shootdualstack.testing.RequestLog;
import org.awaitility.core.ConditionTimeoutException;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

import static org.awaitility.Awaitility.await;

/**
 * A whole world for end-to-end tests: an embedded garden, the local provider with one shoot, the
 * real operator, request logs of both API servers, and a recorder of the Shoot's constraints.
 */
final class MigrationHarness implements AutoCloseable {

    static final Duration TIMEOUT = Duration.ofSeconds(60);
    /** The constraints a whole migration shows, in order, as {@link #constraintStates()} records them. */
    static final List<String> CONSTRAINTS_OF_A_MIGRATION = List.of(
            "none",
            "DualStackNodesMigrationReady=Progressing/NodesNotMigrated",
            "DualStackNodesMigrationReady=True/NodesMigrated",
            "DNSServiceMigrationReady=Progressing/DNSServiceMigration",
            "DNSServiceMigrationReady=True/DNSServiceMigration",
            "none");
    static final Migration.Settings FAST = new Migration.Settings(Duration.ofMillis(100), Duration.ofMillis(800), 50);

    final LocalApiServer garden;
    final LocalProvider local;
    final LocalLandscape landscape;
    final RequestLog gardenRequests;
    final RequestLog shootRequests;
    private final ConstraintRecorder constraints;
    private final UserShoot user;
    private ShootOperator operator;

    MigrationHarness(LocalLandscape landscape, ExtensionsConfig extensions, ShootClusterSimulator.Config simulation) {
        this(landscape, List.of(), extensions, simulation);
    }

    /** The world of {@code landscape}, whose Shoot the tests edit, with the shoots of {@code neighbours} in the same garden. */
    private MigrationHarness(LocalLandscape landscape, List<LocalLandscape> neighbours, ExtensionsConfig extensions,
                             ShootClusterSimulator.Config simulation) {
        this.garden = LocalApiServer.start();
        this.landscape = landscape;
        List<LocalLandscape> all = new ArrayList<>(List.of(landscape));
        all.addAll(neighbours);
        this.local = LocalProvider.start(garden.client(), extensions, simulation, all);
        this.gardenRequests = new RequestLog(garden.server());
        this.shootRequests = new RequestLog(local.shootServer(landscape));
        this.user = new UserShoot(shoots().withName(landscape.shootName()));
        this.constraints = new ConstraintRecorder(shoots().withName(landscape.shootName()));
    }

    static MigrationHarness twoPools() {
        return twoPools(ExtensionsConfig.succeedingAfter(Duration.ZERO), ShootClusterSimulator.Config.immediate());
    }

    /** Shoot garden-dev/prod with pool-a (3 nodes) and pool-b (2 nodes), its extensions and machines as given. */
    static MigrationHarness twoPools(ExtensionsConfig extensions, ShootClusterSimulator.Config simulation) {
        return new MigrationHarness(LocalLandscape.builder().project("dev").shoot("prod").pool("pool-a", 3).pool("pool-b", 2).build(),
                extensions, simulation);
    }

    /** As {@link #twoPools()}, with the shoot of {@code neighbour} (another project's, say) in the same garden. */
    static MigrationHarness twoPoolsBeside(LocalLandscape neighbour) {
        return new MigrationHarness(LocalLandscape.builder().project("dev").shoot("prod").pool("pool-a", 3).pool("pool-b", 2).build(),
                List.of(neighbour), ExtensionsConfig.succeedingAfter(Duration.ZERO), ShootClusterSimulator.Config.immediate());
    }

    KubernetesClient gardenClient() {
        return garden.client();
    }

    KubernetesClient shootClient() {
        return local.shootClient(landscape);
    }

    NonNamespaceOperation<Shoot, KubernetesResourceList<Shoot>, Resource<Shoot>> shoots() {
        return garden.client().resources(Shoot.class).inNamespace(landscape.projectNamespace());
    }

    ShootOperator startOperator() {
        return startOperator(OperatorSettings.defaults().withMigration(FAST));
    }

    ShootOperator startOperator(OperatorSettings settings) {
        // the local shoot servers are reached without verified TLS
        operator = new ShootOperator(garden.client().getConfiguration(), settings.withAllowInsecureShootConnections(true)).start();
        return operator;
    }

    /** A Lease that runs out within seconds; leadership lost ends no process (several operators share this JVM). */
    static LeaderElectionSettings shortLease(String namespace, String identity) {
        return new LeaderElectionSettings(namespace, "shoot-dualstack-operator", identity, Duration.ofSeconds(2),
                Duration.ofMillis(1500), Duration.ofMillis(250), false);
    }

    /**
     * Answers the SelfSubjectRulesReview by which JOSDK checks its Lease access before electing,
     * with these rules: the mock server cannot review rules itself.
     */
    void answerRulesReviews(List<ResourceRule> rules) {
        answerRulesReviews(garden, rules);
    }

    static void answerRulesReviews(LocalApiServer garden, List<ResourceRule> rules) {
        garden.server().expect().post().withPath("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews")
                .andReturn(201, new SelfSubjectRulesReviewBuilder().withNewStatus().withResourceRules(rules)
                        .withIncomplete(false).endStatus().build())
                .always();
    }

    void stopOperator() {
        if (operator != null) {
            operator.close();
            operator = null;
        }
    }

    ShootOperator operator() {
        return operator;
    }

    Shoot shoot() {
        return user.get();
    }

    Shoot edit(UnaryOperator<Shoot> change) {
        return user.edit(change);
    }

    void requestDualStack() {
        user.requestDualStack();
    }

    void annotate(String key, String value) {
        user.annotate(key, value);
    }

    LastOperation lastOperation() {
        return user.lastOperation();
    }

    /** The events on the Shoot with this reason, oldest first. */
    List<Event> events(String reason) {
        return garden.client().v1().events().inNamespace(landscape.projectNamespace()).list().getItems().stream()
                .filter(event -> reason.equals(event.getReason()))
                .filter(event -> landscape.shootName().equals(event.getInvolvedObject().getName()))
                .toList();
    }

    ShootClusterSimulator simulator() {
        return local.simulator(landscape);
    }

    /**
     * Once the migration waits at the Nodes step for the nodes to be rolled, asks the operator to
     * roll the given pools ({@code *} for all), as a user who reads the Shoot would.
     */
    void rollWorkers(String pools) {
        await().atMost(TIMEOUT).until(() -> {
            MigrationRecord record = record();
            LastOperation last = lastOperation();
            return record != null && "Nodes".equals(record.getStep()) && last != null
                    && LastOperation.STATE_PROCESSING.equals(last.getState())
                    && last.getDescription().contains("waiting for the nodes to be rolled");
        });
        annotate(ExtensionKind.OPERATION_ANNOTATION, "rollout-workers=" + pools);
    }

    MigrationRecord record() {
        return user.record();
    }

    void awaitStep(String step) {
        awaitWorld("step " + step, () -> record() != null && step.equals(record().getStep()));
    }

    void awaitCompleted() {
        awaitWorld("the migration's completion", () -> record() != null && record().getCompletedAt() != null);
    }

    /** Waits for the condition; when it does not hold in time, fails with what the world looks like. */
    private void awaitWorld(String what, Callable<Boolean> condition) {
        try {
            await().atMost(TIMEOUT).until(condition);
        } catch (ConditionTimeoutException timeout) {
            throw new AssertionError("no " + what + " within " + TIMEOUT + "; " + worldState(), timeout);
        }
    }

    /** The Shoot as the API server has it and the latest requests of both API servers, for a failure's message. */
    String worldState() {
        String shoot;
        try {
            shoot = Serialization.asJson(shoot());
        } catch (RuntimeException unreadable) {
            shoot = "unreadable (" + unreadable.getMessage() + ")";
        }
        return "Shoot " + shoot + "\nlatest garden requests:\n" + latest(gardenRequests.all())
                + "\nlatest shoot requests:\n" + latest(shootRequests.all());
    }

    private static String latest(List<RequestLog.Request> requests) {
        return requests.subList(Math.max(0, requests.size() - 60), requests.size()).stream()
                .map(request -> "  " + request + " (" + request.userAgent() + ")").collect(Collectors.joining("\n"));
    }

    /** The operator's writes to both API servers since the marks. */
    List<RequestLog.Request> operatorWrites(int gardenMark, int shootMark) {
        List<RequestLog.Request> writes = new ArrayList<>(gardenRequests.writesSince(gardenMark, RequestLog.byOperator()));
        writes.addAll(shootRequests.writesSince(shootMark, RequestLog.byOperator()));
        return writes;
    }

    /** The Shoot's {@code <shoot>.kubeconfig} Secret in the garden. */
    Resource<Secret> kubeconfigSecret() {
        return garden.client().secrets().inNamespace(landscape.projectNamespace()).withName(landscape.kubeconfigSecretName());
    }

    void replaceKubeconfig(String kubeconfig) {
        replaceKubeconfigData(Map.of("kubeconfig", Base64.getEncoder().encodeToString(kubeconfig.getBytes(StandardCharsets.UTF_8))));
    }

    void replaceKubeconfigData(Map<String, String> data) {
        kubeconfigSecret().edit(secret -> {
            secret.setData(data);
            return secret;
        });
    }

    List<String> constraintStates() {
        return constraints.states();
    }

    static Map<String, String> annotationsOf(Shoot shoot) {
        return shoot.getMetadata().getAnnotations() == null ? Map.of() : shoot.getMetadata().getAnnotations();
    }

    @Override
    public void close() {
        stopOperator();
        constraints.close();
        local.close();
        garden.close();
    }
}
