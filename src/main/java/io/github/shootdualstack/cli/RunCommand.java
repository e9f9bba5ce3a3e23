package io.github.shootdualstack.cli;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.github.shootdualstack.migration.Migration;
import io.github.shootdualstack.operator.HealthServer;
import io.github.shootdualstack.operator.OperatorSettings;
import io.github.shootdualstack.operator.ShootOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** Runs the operator against the garden cluster of {@code KUBECONFIG} (or the in-cluster config). */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Runs the operator against a garden cluster.",
                "Connects with KUBECONFIG (or ~/.kube/config), or the in-cluster config when it runs in a pod.",
                "Stops cleanly on SIGTERM."})
final class RunCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

    @Option(names = "--namespace", paramLabel = "NAMESPACE",
            description = "Watch Shoots in this namespace only; repeatable. Default: all namespaces.")
    List<String> namespaces = List.of();

    @Option(names = "--selector", paramLabel = "SELECTOR",
            description = "Watch only Shoots matching this label selector, e.g. 'dualstack=enabled'.")
    String selector;

    @Option(names = "--recheck-interval", paramLabel = "DURATION", defaultValue = "30s",
            description = "How often a step that waits on the outside world is looked at again (default: ${DEFAULT-VALUE}).")
    Duration recheckInterval;

    @Option(names = "--max-backoff", paramLabel = "DURATION", defaultValue = "5m",
            description = "The longest wait between retries when the world is not as a step needs it (default: ${DEFAULT-VALUE}).")
    Duration maxBackoff;

    @Option(names = "--route-warning-nodes", paramLabel = "N", defaultValue = "50",
            description = "Warn about route quotas when a migrating Shoot has more nodes than this (default: ${DEFAULT-VALUE}).")
    int routeWarningNodes;

    @Option(names = "--server-side-apply", negatable = true, defaultValue = "false",
            description = "Write the Shoot status by server-side apply instead of JSON patch (default: ${DEFAULT-VALUE}).")
    boolean serverSideApply;

    @Option(names = "--health-port", paramLabel = "PORT", defaultValue = "8081",
            description = "Port of /healthz and /readyz (default: ${DEFAULT-VALUE}).")
    int healthPort;

    @Override
    public Integer call() throws Exception {
        OperatorSettings settings = new OperatorSettings(new LinkedHashSet<>(namespaces), selector,
                new Migration.Settings(recheckInterval, maxBackoff, routeWarningNodes), serverSideApply, Clock.systemUTC());
        CountDownLatch stopped = new CountDownLatch(1);
        try (KubernetesClient garden = new KubernetesClientBuilder().build()) {
            LOG.info("Garden cluster: {}", garden.getConfiguration().getMasterUrl());
            ShootOperator operator = new ShootOperator(garden, settings);
            try (HealthServer health = new HealthServer(healthPort, () -> true, operator::ready)) {
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    LOG.info("Stopping");
                    operator.close();
                    stopped.countDown();
                }, "shutdown"));
                operator.start();
                LOG.info("Watching Shoots in {}; health on port {}", namespaces.isEmpty() ? "all namespaces" : namespaces, health.port());
                stopped.await();
            }
        }
        return 0;
    }
}
