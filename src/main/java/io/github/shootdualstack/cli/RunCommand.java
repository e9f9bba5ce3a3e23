package io.github.shootdualstack.cli;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.github.shootdualstack.migration.LabelSelector;
import io.github.shootdualstack.migration.Migration;
import io.github.shootdualstack.migration.Orchestration;
import io.github.shootdualstack.operator.RolloutPolicy;
import io.github.shootdualstack.migration.Migrator;
import io.github.shootdualstack.operator.OperatorHttpServer;
import io.github.shootdualstack.operator.LeaderElectionSettings;
import io.github.shootdualstack.operator.OperatorSettings;
import io.github.shootdualstack.operator.ShootOperator;
import io.github.shootdualstack.shootcluster.ShootAccess;
import io.github.shootdualstack.operator.ShootReconciler;
import io.javaoperatorsdk.operator.OperatorException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** Runs the operator against the garden cluster of {@code KUBECONFIG} (or the in-cluster config). */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Runs the operator against a garden cluster.",
                "Connects with KUBECONFIG (or ~/.kube/config), or the in-cluster config when it runs in a pod.",
                "Serves /healthz, /readyz and /metrics; stops cleanly on SIGTERM.",
                "Exit code 2 on a usage error, 3 when the garden cannot be read at start (said on one line)."})
final class RunCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

    @CommandLine.Mixin
    ShootFilter watched = new ShootFilter();

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

    @Option(names = "--http-port", paramLabel = "PORT", defaultValue = "8080",
            description = "Port of /healthz, /readyz and /metrics (default: ${DEFAULT-VALUE}).")
    int httpPort;

    @Option(names = "--leader-election", defaultValue = "false",
            description = "Elect a leader by a Lease, so several replicas can run and only one reconciles.")
    boolean leaderElection;

    @Option(names = "--leader-election-namespace", paramLabel = "NAMESPACE", defaultValue = "${env:POD_NAMESPACE}",
            description = "Namespace of the Lease (default: $POD_NAMESPACE).")
    String leaderElectionNamespace;

    @Option(names = "--leader-election-name", paramLabel = "NAME", defaultValue = "shoot-dualstack-operator",
            description = "Name of the Lease (default: ${DEFAULT-VALUE}).")
    String leaderElectionName;

    @Option(names = "--allow-insecure-shoot-connections", defaultValue = "false",
            description = {"Development only: accept shoot kubeconfigs with insecure-skip-tls-verify: true or a plain http server.",
                    "Without it such a Shoot is shown an error naming its Secret."})
    boolean allowInsecureShootConnections;

    @Option(names = "--shoot-access", paramLabel = "WAY", defaultValue = "auto", converter = ShootAccessFlag.class,
            description = {"How shoot clusters are reached: secret (each Shoot's <shoot>.kubeconfig Secret), adminkubeconfig",
                    "(a short-lived kubeconfig from Gardener's shoots/adminkubeconfig), or auto: adminkubeconfig where",
                    "gardener-apiserver serves the Shoots, else the Secret (default: ${DEFAULT-VALUE})."})
    ShootAccess shootAccess;

    @Option(names = "--migrator", paramLabel = "WHO", defaultValue = "auto",
            description = "Who migrates the Shoots: auto (gardenlet where its version is " + Migrator.FIRST_MIGRATING_GARDENLET
                    + " or newer, with the operator triggering its reconciles; else the operator's engine), engine, or gardenlet"
                    + " (the operator then needs only Shoots: no extension resources) (default: ${DEFAULT-VALUE}).")
    String migrator;

    @Option(names = "--max-rolling", paramLabel = "N", defaultValue = "0",
            description = "Beside gardenlet: the most Shoots whose nodes roll at once in the whole installation; 0 for no limit"
                    + " (default: ${DEFAULT-VALUE}).")
    int maxRolling;

    @Option(names = "--max-rolling-per-seed", paramLabel = "N", defaultValue = "0",
            description = "Beside gardenlet: the most Shoots whose nodes roll at once on one seed; 0 for no limit (default: ${DEFAULT-VALUE}).")
    int maxRollingPerSeed;

    @Option(names = "--pause", description = "Beside gardenlet: ask gardenlet for no node roll and no reconcile on any Shoot"
            + " (one Shoot pauses with the annotation " + Orchestration.PAUSE_ANNOTATION + "=true).")
    boolean pause;

    @Option(names = "--wave-selector", paramLabel = "SELECTOR",
            description = "Beside gardenlet: a label selector naming the migrating Shoots the operator drives by itself; others only"
                    + " when their owner annotates them " + Migration.REQUEST_ANNOTATION + "=" + Migration.REQUEST_MIGRATE_NOW
                    + " (default: every Shoot).")
    String waveSelector;

    @Option(names = "--max-shoot-response-size", paramLabel = "SIZE", defaultValue = "4Mi",
            description = {"The most one response from a shoot API server may hold (and one event of a watch), e.g. 512Ki or 4Mi",
                    "(default: ${DEFAULT-VALUE}). A larger one is cut off and shown on its Shoot; lists are read in pages."})
    String maxShootResponseSize;

    @Option(names = "--log-format", paramLabel = "FORMAT", defaultValue = "plain",
            description = "plain or json (default: ${DEFAULT-VALUE}).")
    LogFormat logFormat;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private static final Duration LONGEST = Duration.ofHours(24);

    /** Every flag checked before anything starts: each impossible value named with what is allowed. */
    List<String> problems() {
        List<String> problems = new ArrayList<>();
        if (recheckInterval.compareTo(Duration.ofSeconds(1)) < 0 || recheckInterval.compareTo(LONGEST) > 0) {
            problems.add("--recheck-interval " + recheckInterval + " must be between 1s and 24h");
        }
        if (maxBackoff.compareTo(recheckInterval) < 0 || maxBackoff.compareTo(LONGEST) > 0) {
            problems.add("--max-backoff " + maxBackoff + " must be at least --recheck-interval and at most 24h");
        }
        if (routeWarningNodes < 0) {
            problems.add("--route-warning-nodes " + routeWarningNodes + " must not be negative");
        }
        if (httpPort < 0 || httpPort > 65535) {
            problems.add("--http-port " + httpPort + " must be between 0 (any free port) and 65535");
        }
        if (ByteSizes.parse(maxShootResponseSize) < 64 * 1024 || ByteSizes.parse(maxShootResponseSize) > 1024L * 1024 * 1024) {
            problems.add("--max-shoot-response-size \"" + ShootFilter.shown(maxShootResponseSize) + "\" must be a size between 64Ki and 1Gi");
        }
        if (maxRolling < 0 || maxRollingPerSeed < 0) {
            problems.add("--max-rolling " + maxRolling + " and --max-rolling-per-seed " + maxRollingPerSeed
                    + " must be 0 (no limit) or more");
        }
        if (waveSelector != null) {
            try {
                LabelSelector.parse(waveSelector);
            } catch (IllegalArgumentException e) {
                problems.add("--wave-selector: " + ShootFilter.shown(e.getMessage()));
            }
        }
        if (MigratorFlag.problem(migrator) != null) {
            problems.add(MigratorFlag.problem(migrator));
        }
        problems.addAll(watched.problems());
        if (leaderElection) {
            if (leaderElectionNamespace != null && !leaderElectionNamespace.isBlank() && !ShootFilter.DNS_LABEL.matcher(leaderElectionNamespace).matches()) {
                problems.add("--leader-election-namespace \"" + ShootFilter.shown(leaderElectionNamespace) + "\" is not a namespace name");
            }
            if (!ShootFilter.DNS_SUBDOMAIN.matcher(leaderElectionName).matches()) {
                problems.add("--leader-election-name \"" + ShootFilter.shown(leaderElectionName) + "\" is not a Lease name (a DNS subdomain)");
            }
        }
        return problems;
    }

    @Override
    public Integer call() throws Exception {
        List<String> problems = problems();
        if (!problems.isEmpty()) {
            throw new CommandLine.ParameterException(spec.commandLine(), String.join("\n", problems));
        }
        logFormat.apply();
        LeaderElectionSettings election = null;
        if (leaderElection) {
            if (leaderElectionNamespace == null || leaderElectionNamespace.isBlank()) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "--leader-election needs --leader-election-namespace (or POD_NAMESPACE)");
            }
            String identity = System.getenv().getOrDefault("POD_NAME", InetAddress.getLocalHost().getHostName());
            election = LeaderElectionSettings.of(leaderElectionNamespace, leaderElectionName, identity);
        }
        OperatorSettings settings = new OperatorSettings(new LinkedHashSet<>(watched.namespaces), watched.selector,
                new Migration.Settings(recheckInterval, maxBackoff, routeWarningNodes), serverSideApply, election,
                Clock.systemUTC(), allowInsecureShootConnections, ByteSizes.parse(maxShootResponseSize), shootAccess,
                MigratorFlag.forced(migrator), new RolloutPolicy(maxRolling, maxRollingPerSeed, pause,
                waveSelector == null ? null : LabelSelector.parse(waveSelector)));
        if (allowInsecureShootConnections) {
            LOG.warn("--allow-insecure-shoot-connections: shoot API servers are reached without verifying their certificates");
        }
        GardenAccess garden;
        try {
            garden = GardenAccess.of(null);
            LOG.info("Garden cluster: {}", garden.config().getMasterUrl());
            garden.checkWatched(settings.namespaces(), settings.migrator() == Migrator.GARDENLET ? List.of()
                    : ShootReconciler.WATCHED_EXTENSIONS);
        } catch (GardenAccess.Unreadable e) {
            return unreadable(e);
        }
        CountDownLatch stopped = new CountDownLatch(1);
        ShootOperator operator;
        try {
            operator = new ShootOperator(garden.config(), settings);
        } catch (KubernetesClientException e) {
            return unreadable(garden.unreadable(e));
        }
        try (OperatorHttpServer http = new OperatorHttpServer(httpPort, operator)) {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                LOG.info("Stopping");
                operator.close();
                LOG.info("Stopped");
                stopped.countDown();
            }, "shutdown"));
            try {
                operator.start();
            } catch (OperatorException e) {
                // the garden went away, or its answers changed, between the check and the informers' start
                if (!causedByGarden(e)) {
                    throw e;
                }
                return unreadable(garden.unreadable(e));
            }
            LOG.info("Watching Shoots in {}; /healthz, /readyz and /metrics on port {}",
                    watched.namespaces.isEmpty() ? "all namespaces" : watched.namespaces, http.port());
            stopped.await();
        }
        return 0;
    }

    /** The garden cannot be read: said on one line, with the exit code of plan and status for it. */
    private int unreadable(GardenAccess.Unreadable e) {
        spec.commandLine().getErr().println(e.getMessage());
        spec.commandLine().getErr().flush();
        return GardenAccess.UNREADABLE;
    }

    private static boolean causedByGarden(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof KubernetesClientException) {
                return true;
            }
        }
        return false;
    }
}
