package io.github.shootdualstack.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.github.shootdualstack.shootcluster.ShootClusters;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.ControllerConfigurationOverrider;

/**
 * The operator: the JOSDK runtime with the Shoot reconciler, on a garden client it does not own.
 */
public final class ShootOperator implements AutoCloseable {

    private final Operator operator;
    private final ShootClusters shootClusters;

    public ShootOperator(KubernetesClient garden, OperatorSettings settings) {
        this.shootClusters = new ShootClusters(garden);
        this.operator = new Operator(o -> o
                .withKubernetesClient(garden)
                .withCloseClientOnStop(false)
                .withUseSSAToPatchPrimaryResource(settings.serverSideApply())
                .withStopOnInformerErrorDuringStartup(true));
        operator.register(new ShootReconciler(garden, shootClusters, settings),
                (ControllerConfigurationOverrider<io.github.shootdualstack.shoot.Shoot> o) -> {
                    if (!settings.namespaces().isEmpty()) {
                        o.settingNamespaces(settings.namespaces());
                    }
                    if (settings.labelSelector() != null) {
                        o.withLabelSelector(settings.labelSelector());
                    }
                });
    }

    public ShootOperator start() {
        operator.start();
        return this;
    }

    /** Started, and every informer is watching. */
    public boolean ready() {
        var info = operator.getRuntimeInfo();
        return info.isStarted() && info.allEventSourcesAreHealthy();
    }

    public boolean started() {
        return operator.getRuntimeInfo().isStarted();
    }

    public ShootClusters shootClusters() {
        return shootClusters;
    }

    @Override
    public void close() {
        operator.stop();
        shootClusters.close();
    }
}
