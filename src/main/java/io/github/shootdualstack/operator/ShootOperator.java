package io.github.shootdualstack.operator;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.github.shootdualstack.garden.CachedObjects;
import io.github.shootdualstack.garden.GardenSerialization;
import io.github.shootdualstack.garden.UserAgent;
import io.github.shootdualstack.migration.Migrator;
import io.github.shootdualstack.shoot.Shoot;
import io.github.shootdualstack.shootcluster.ShootClusters;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.ControllerConfigurationOverrider;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.javaoperatorsdk.operator.processing.event.source.informer.TransformingItemStore;

/**
 * The operator: the JOSDK runtime with the Shoot reconciler, on a garden client of its own whose
 * requests are counted in the metrics.
 */
public final class ShootOperator implements AutoCloseable {

    private final KubernetesClient garden;
    private final Operator operator;
    private final ShootClusters shootClusters;
    private final OperatorMetrics metrics;

    /** Objects per page when an informer lists a garden. */
    static final long LIST_PAGE = 500;

    public ShootOperator(Config gardenConfig, OperatorSettings settings) {
        this.metrics = new OperatorMetrics(settings.clock());
        this.garden = new KubernetesClientBuilder().withConfig(gardenConfig)
                .withKubernetesSerialization(settings.migrator() == Migrator.GARDENLET ? GardenSerialization.besideGardenlet()
                        : GardenSerialization.create())
                .withHttpClientBuilderConsumer(b -> {
                    b.addOrReplaceInterceptor("metrics", metrics.apiRequests("garden"))
                            .addOrReplaceInterceptor("user-agent", UserAgent.interceptor());
                    if (gardenConfig.getMasterUrl() != null && gardenConfig.getMasterUrl().startsWith("http:")) {
                        // a plain-HTTP garden (embedded, development): HTTP/1.1, no h2c upgrade, whose frames the JDK
                        // client was seen to lose step with on lists of many Shoots; over TLS, HTTP/2 as negotiated
                        b.preferHttp11();
                    }
                })
                .build();
        this.shootClusters = new ShootClusters(garden, settings.shootAccess(), settings.clock(), metrics.apiRequests("shoot"),
                settings.allowInsecureShootConnections(), UserAgent.VALUE, settings.maxShootResponseBytes());
        LeaderElectionSettings election = settings.leaderElection();
        this.operator = new Operator(o -> {
            o.withKubernetesClient(garden)
                    .withCloseClientOnStop(false)
                    .withUseSSAToPatchPrimaryResource(settings.serverSideApply())
                    .withStopOnInformerErrorDuringStartup(true)
                    .withMetrics(MicrometerMetrics.withoutPerResourceMetrics(metrics.registry()));
            if (election != null) {
                o.withLeaderElectionConfiguration(new LeaderElectionConfiguration(election.name(), election.namespace(),
                        election.leaseDuration(), election.renewDeadline(), election.retryPeriod(), election.identity(),
                        null, election.exitOnStopLeading()));
            }
        });
        ShootReconciler reconciler = new ShootReconciler(garden, shootClusters, settings, metrics);
        operator.register(reconciler,
                (ControllerConfigurationOverrider<Shoot> o) -> {
                    // the operator's own status write has nothing to tell the reconcile that made it
                    o.withOnUpdateFilter(reconciler.updateFilter());
                    // the cache keeps only what the operator reads of each Shoot; beside gardenlet alone, only what orchestration
                    // reads; of the labels, those a wave is selected by
                    java.util.Set<String> waveLabels = settings.rollout().wave() == null ? java.util.Set.of() : settings.rollout().wave().keys();
                    o.withItemStore(new TransformingItemStore<>(settings.migrator() == Migrator.GARDENLET
                            ? shoot -> CachedObjects.shootBesideGardenlet(shoot, waveLabels) : shoot -> CachedObjects.shoot(shoot, waveLabels)));
                    // no rate limit, and no state of one per Shoot
                    o.withRateLimiter(NoRateLimit.INSTANCE);
                    // listed in pages: the first list of a large garden never holds every full Shoot at once
                    o.withInformerListLimit(LIST_PAGE);
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

    /** Started, and every informer is watching; independent of leadership. */
    public boolean ready() {
        var info = operator.getRuntimeInfo();
        return info.isStarted() && info.allEventSourcesAreHealthy();
    }

    public OperatorMetrics metrics() {
        return metrics;
    }

    @Override
    public void close() {
        operator.stop();
        shootClusters.close();
        garden.close();
        metrics.close();
    }
}
