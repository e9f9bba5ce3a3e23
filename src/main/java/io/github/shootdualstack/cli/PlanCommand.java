package io.github.shootdualstack.cli;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.github.shootdualstack.garden.GardenKind;
import io.github.shootdualstack.garden.GardenObserver;
import io.github.shootdualstack.garden.TechnicalNamespaceException;
import io.github.shootdualstack.garden.UserAgent;
import io.github.shootdualstack.migration.Migration;
import io.github.shootdualstack.migration.Migrator;
import io.github.shootdualstack.migration.Preflight;
import io.github.shootdualstack.migration.ShootClusterFacts;
import io.github.shootdualstack.operator.ErrorMessages;
import io.github.shootdualstack.shoot.Shoot;
import io.github.shootdualstack.shootcluster.ShootAccess;
import io.github.shootdualstack.shootcluster.ShootAccessException;
import io.github.shootdualstack.shootcluster.ShootClusters;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The preflight of a landscape: for each selected Shoot, the operator's own observation and decision
 * as if its families were changed to {@code [IPv4, IPv6]} now. Reads the garden and the shoot
 * clusters; writes nothing anywhere.
 */
@Command(name = "plan", mixinStandardHelpOptions = true,
        description = {"Shows, without changing anything, which Shoots can migrate to dual-stack, which cannot and why,",
                "and what each step would do and wait for. Connects to the garden with --kubeconfig, KUBECONFIG or the in-cluster config.",
                "Exit code: 0 when every selected Shoot is ready, 1 when any is not (blocked, or migrating already),",
                "2 on a usage error, 3 when the garden cannot be read."})
final class PlanCommand implements Callable<Integer> {

    private static final int LOOKERS = 8;

    @CommandLine.Mixin
    SelectedShoots selected = new SelectedShoots();

    @Option(names = "--route-warning-nodes", paramLabel = "N", defaultValue = "50",
            description = "Caution about route quotas for a Shoot of more nodes than this (default: ${DEFAULT-VALUE}).")
    int routeWarningNodes;

    @Option(names = "--allow-insecure-shoot-connections", defaultValue = "false",
            description = "Development only: accept shoot kubeconfigs with insecure-skip-tls-verify: true or a plain http server.")
    boolean allowInsecureShootConnections;

    @Option(names = "--shoot-access", paramLabel = "WAY", defaultValue = "auto", converter = ShootAccessFlag.class,
            description = {"How shoot clusters are reached, as the operator's run reaches them: secret, adminkubeconfig,",
                    "or auto (adminkubeconfig where gardener-apiserver serves the Shoots; default: ${DEFAULT-VALUE})."})
    ShootAccess shootAccess;

    @Option(names = "--migrator", paramLabel = "WHO", defaultValue = "auto",
            description = {"Who migrates the Shoots, as the operator's run is told: auto (by each Shoot's gardenlet),",
                    "engine or gardenlet (default: ${DEFAULT-VALUE})."})
    String migrator;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** The time the decision is taken at; the tests fix it. */
    Clock clock = Clock.systemUTC();

    @Override
    public Integer call() {
        List<String> problems = new ArrayList<>(selected.problems());
        if (routeWarningNodes < 0) {
            problems.add("--route-warning-nodes " + routeWarningNodes + " must not be negative");
        }
        if (MigratorFlag.problem(migrator) != null) {
            problems.add(MigratorFlag.problem(migrator));
        }
        if (!problems.isEmpty()) {
            throw new CommandLine.ParameterException(spec.commandLine(), String.join("\n", problems));
        }
        CommandLine command = spec.commandLine();
        return selected.withGarden(command, client -> {
            List<Preflight> plans = plan(client, selected.read(client, command));
            PrintWriter out = command.getOut();
            if (selected.output == SelectedShoots.Output.JSON) {
                out.println(Json.pretty(new Plans(plans)));
            } else if (plans.size() == 1 && selected.one()) {
                out.print(PlanText.details(plans.get(0)));
            } else {
                out.print(PlanText.table(plans));
            }
            out.flush();
            return plans.stream().allMatch(plan -> plan.verdict() == Preflight.Verdict.READY) ? 0 : 1;
        });
    }

    /** What {@code --output json} prints. */
    record Plans(List<Preflight> shoots) {
    }

    private List<Preflight> plan(KubernetesClient client, List<Shoot> shoots) {
        Migration.Settings settings = new Migration.Settings(Migration.Settings.defaults().recheckInterval(),
                Migration.Settings.defaults().maxBackoff(), routeWarningNodes,
                !shoots.isEmpty() && GardenKind.of(client) == GardenKind.GARDENER_APISERVER);
        GardenObserver observer = new GardenObserver(client);
        ExecutorService lookers = Executors.newFixedThreadPool(Math.max(1, Math.min(LOOKERS, shoots.size())));
        try (ShootClusters clusters = new ShootClusters(client, shootAccess, clock, new Interceptor() { }, allowInsecureShootConnections,
                UserAgent.of(spec.name()), ShootClusters.DEFAULT_MAX_RESPONSE_BYTES)) {
            List<Future<Preflight>> looks = new ArrayList<>();
            for (Shoot shoot : shoots) {
                looks.add(lookers.submit(() -> look(shoot, observer, clusters, settings)));
            }
            List<Preflight> plans = new ArrayList<>();
            for (Future<Preflight> look : looks) {
                plans.add(look.get());
            }
            return plans;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(ErrorMessages.of(e.getCause()), e.getCause());
        } finally {
            lookers.shutdownNow();
        }
    }

    /** One Shoot observed as the operator observes it, then the preflight; the shoot cluster's client is let go. */
    private Preflight look(Shoot shoot, GardenObserver observer, ShootClusters clusters, Migration.Settings settings) {
        String namespace = shoot.getMetadata().getNamespace();
        String name = shoot.getMetadata().getName();
        Migrator who = Migrator.of(shoot, settings.gardenerApiServer(), MigratorFlag.forced(migrator));
        if (who != Migrator.ENGINE) {
            // the engine leaves it alone: nothing of the garden or the shoot cluster to look at
            return Preflight.of(new Migration.Input(shoot, null, null, null, clock.instant(), settings), who);
        }
        try {
            var gardenFacts = observer.observe(shoot);
            ShootClusterFacts facts = null;
            String problem = null;
            try {
                facts = clusters.of(shoot).observe(false);
            } catch (ShootAccessException e) {
                problem = e.getMessage();
            } finally {
                clusters.release(namespace, name);
            }
            return Preflight.of(new Migration.Input(shoot, gardenFacts, facts, problem, clock.instant(), settings), who);
        } catch (KubernetesClientException e) {
            return Preflight.unobserved(namespace + "/" + name, "could not read its extension resources: " + ErrorMessages.of(e));
        } catch (TechnicalNamespaceException e) {
            return Preflight.unobserved(namespace + "/" + name, e.getMessage());
        }
    }
}
