package io.github.shootdualstack.e2e;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.github.shootdualstack.local.ExtensionsConfig;
import io.github.shootdualstack.local.LocalLandscape;
import io.github.shootdualstack.local.LocalNetworks;
import io.github.shootdualstack.local.LocalProvider;
import io.github.shootdualstack.local.ShootClusterSimulator;
import io.github.shootdualstack.operator.OperatorSettings;
import io.github.shootdualstack.operator.ShootOperator;
import io.github.shootdualstack.garden.UserAgent;
import io.github.shootdualstack.shoot.MigrationRecord;
import io.github.shootdualstack.shoot.Shoot;
import io.github.shootdualstack.testing.AuditLog;
import io.github.shootdualstack.testing.RealApiServer;
import io.github.shootdualstack.testing.RealApiServers;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;

import static org.awaitility.Awaitility.await;

/**
 * A whole world on real API servers: the shared real garden, a real shoot API server of its own
 * (dual-stack service ranges, as the shoot's control plane has them after the migration), the local
 * provider with one shoot in a project of its own, and the real operator watching only that project.
 * What the operator asked of each server is read from the servers' audit logs.
 */
final class RealMigrationHarness implements AutoCloseable {

    static final Duration TIMEOUT = Duration.ofSeconds(120);

    final RealApiServer garden;
    final RealApiServer shootServer;
    final LocalLandscape landscape;
    final LocalProvider local;
    private final ConstraintRecorder constraints;
    private final UserShoot user;
    private final List<ShootOperator> operators = new ArrayList<>();

    /** Shoot garden-{project}/prod with pool-a (3 nodes) and pool-b (2 nodes). */
    RealMigrationHarness(String project) {
        this(project, ExtensionsConfig.succeedingAfter(Duration.ZERO));
    }

    /** As {@link #RealMigrationHarness(String)}, with extensions that behave as configured. */
    RealMigrationHarness(String project, ExtensionsConfig extensions) {
        this.garden = RealApiServers.garden();
        this.landscape = LocalLandscape.builder().project(project).shoot("prod").pool("pool-a", 3).pool("pool-b", 2).build();
        this.shootServer = RealApiServers.started("shoot-" + project, List.of(LocalNetworks.SERVICES_V4,
                LocalNetworks.ipv6For(landscape.technicalNamespace()).services().toString()));
        try {
            this.local = LocalProvider.start(garden.client(), extensions,
                    ShootClusterSimulator.Config.immediate(), List.of(landscape),
                    shoot -> new LocalProvider.ShootApi(shootServer.client(), shootServer.kubeconfig(shoot.technicalNamespace()), null));
        } catch (RuntimeException e) {
            shootServer.close();
            throw e;
        }
        this.user = new UserShoot(shoots().withName(landscape.shootName()));
        this.constraints = new ConstraintRecorder(shoots().withName(landscape.shootName()));
    }

    /** The operator's settings for this world: fast re-checks, and only this world's project watched. */
    OperatorSettings settings(boolean serverSideApply) {
        OperatorSettings defaults = OperatorSettings.defaults().withMigration(MigrationHarness.FAST)
                .withNamespaces(Set.of(landscape.projectNamespace()));
        return new OperatorSettings(defaults.namespaces(), defaults.labelSelector(), defaults.migration(), serverSideApply,
                defaults.leaderElection(), defaults.clock(), false, defaults.maxShootResponseBytes());
    }

    ShootOperator startOperator(Config gardenConfig, OperatorSettings settings) {
        ShootOperator operator = new ShootOperator(gardenConfig, settings).start();
        operators.add(operator);
        return operator;
    }

    NonNamespaceOperation<Shoot, KubernetesResourceList<Shoot>, Resource<Shoot>> shoots() {
        return garden.client().resources(Shoot.class).inNamespace(landscape.projectNamespace());
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

    MigrationRecord record() {
        return user.record();
    }

    void awaitStep(String step) {
        awaitShoot("step " + step, () -> record() != null && step.equals(record().getStep()));
    }

    void awaitCompleted() {
        awaitShoot("the migration's completion", () -> record() != null && record().getCompletedAt() != null);
    }

    /** Waits, and when it waited in vain says where the Shoot stands. */
    private void awaitShoot(String what, java.util.concurrent.Callable<Boolean> condition) {
        try {
            await().atMost(TIMEOUT).until(condition);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            Shoot shoot = shoot();
            throw new AssertionError("waited " + TIMEOUT.toSeconds() + " s in vain for " + what + "; the Shoot's last operation: "
                    + (shoot.getStatus() == null ? null : io.fabric8.kubernetes.client.utils.Serialization.asJson(shoot.getStatus().getLastOperation()))
                    + ", constraints seen: " + constraintStates(), e);
        }
    }

    List<String> constraintStates() {
        return constraints.states();
    }

    /** The events on the Shoot as the garden API server stores them, oldest first. */
    List<Event> events() {
        return garden.client().v1().events().inNamespace(landscape.projectNamespace()).list().getItems().stream()
                .filter(event -> landscape.shootName().equals(event.getInvolvedObject().getName()))
                .toList();
    }

    /** Marks in both audit logs, to count from. */
    record Marks(int garden, int shoot) {
    }

    Marks marks() {
        return new Marks(garden.audit().size(), shootServer.audit().size());
    }

    /** The write requests the operator made to either server since the marks, as the servers' audit logs have them. */
    List<AuditLog.Entry> operatorWrites(Marks since) {
        List<AuditLog.Entry> writes = new ArrayList<>(garden.audit().since(since.garden()).matching(this::operatorWrite));
        writes.addAll(shootServer.audit().since(since.shoot()).matching(this::operatorWrite));
        return writes;
    }

    private boolean operatorWrite(AuditLog.Entry entry) {
        // the garden is shared: only requests about this world's project and shoot
        boolean ours = entry.namespace().isEmpty() || entry.namespace().equals(landscape.projectNamespace())
                || entry.namespace().equals(landscape.technicalNamespace()) || entry.namespace().equals("kube-system");
        return entry.write() && entry.userAgent().startsWith(UserAgent.VALUE.substring(0, UserAgent.VALUE.indexOf('/') + 1)) && ours;
    }

    void stopOperators() {
        operators.forEach(ShootOperator::close);
        operators.clear();
    }

    @Override
    public void close() {
        stopOperators();
        constraints.close();
        local.close();
        shootServer.close();
    }
}
