package io.github.shootdualstack.demo;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.github.shootdualstack.cli.Main;
import io.github.shootdualstack.garden.ExtensionKind;
import io.github.shootdualstack.local.ExtensionsConfig;
import io.github.shootdualstack.local.Kubeconfigs;
import io.github.shootdualstack.local.LocalApiServer;
import io.github.shootdualstack.local.LocalLandscape;
import io.github.shootdualstack.local.LocalProvider;
import io.github.shootdualstack.local.ShootClusterSimulator;
import io.github.shootdualstack.migration.Migration;
import io.github.shootdualstack.local.GardenletStandIn;
import io.github.shootdualstack.migration.Migrator;
import io.github.shootdualstack.operator.OperatorSettings;
import io.github.shootdualstack.operator.ShootOperator;
import io.github.shootdualstack.shoot.MigrationRecord;
import io.github.shootdualstack.shoot.Shoot;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import java.util.concurrent.Callable;

/**
 * The whole migration on embedded API servers: a garden and a shoot cluster, the local provider
 * playing the extensions and the machines, and the real operator, with a readable timeline.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Migrates a Shoot from IPv4 to dual-stack on embedded garden and shoot API servers.",
                "Prints a timeline of every constraint change and action, then a summary. Needs no cluster."})
final class DemoCommand implements Callable<Integer> {

    @Option(names = "--pools", paramLabel = "N", defaultValue = "2", description = "Worker pools (default: ${DEFAULT-VALUE}).")
    int pools;

    @Option(names = "--nodes", paramLabel = "N", defaultValue = "3", description = "Nodes per pool (default: ${DEFAULT-VALUE}).")
    int nodesPerPool;

    @Option(names = "--speed", paramLabel = "SPEED", defaultValue = "normal",
            description = "How fast the simulated extensions and machines work: fast, normal or slow (default: ${DEFAULT-VALUE}).")
    Speed speed;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "60s",
            description = "Give up after this long (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    enum Speed {
        FAST(Duration.ZERO, Duration.ZERO, Duration.ofMillis(100)),
        NORMAL(Duration.ofMillis(400), Duration.ofMillis(250), Duration.ofMillis(250)),
        SLOW(Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofSeconds(1));

        final Duration extensionDelay;
        final Duration machineDelay;
        final Duration recheck;

        Speed(Duration extensionDelay, Duration machineDelay, Duration recheck) {
            this.extensionDelay = extensionDelay;
            this.machineDelay = machineDelay;
            this.recheck = recheck;
        }
    }

    @Option(names = "--gardenlet", description = "Beside a stand-in of gardenlet v1.138.0, which migrates the Shoot itself: the operator"
            + " only asks it for the node roll and the reconciles the migration guide leaves to people.")
    boolean gardenlet;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Every flag checked before anything starts. */
    List<String> problems() {
        List<String> problems = new java.util.ArrayList<>();
        if (pools < 1 || pools > 26) {
            problems.add("--pools " + pools + " must be between 1 and 26");
        }
        if (nodesPerPool < 1 || nodesPerPool > 250) {
            problems.add("--nodes " + nodesPerPool + " must be between 1 and 250");
        }
        if (timeout.compareTo(Duration.ofSeconds(1)) < 0 || timeout.compareTo(Duration.ofHours(1)) > 0) {
            problems.add("--timeout " + timeout + " must be between 1s and 1h");
        }
        return problems;
    }

    @Override
    public Integer call() throws Exception {
        List<String> problems = problems();
        if (!problems.isEmpty()) {
            throw new CommandLine.ParameterException(spec.commandLine(), String.join("\n", problems));
        }
        ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).setLevel(Level.ERROR);
        PrintStream out = System.out;
        LocalLandscape.Builder builder = LocalLandscape.builder().project("dev").shoot("demo");
        for (int pool = 0; pool < pools; pool++) {
            builder.pool("pool-" + (char) ('a' + pool), nodesPerPool);
        }
        LocalLandscape landscape = builder.build();
        out.printf("Starting an embedded garden and shoot API server: Shoot %s/%s, %d nodes in %d pools%n",
                landscape.projectNamespace(), landscape.shootName(), landscape.nodeCount(), pools);
        Path kubeconfig = Files.createTempFile("demo-garden-", ".kubeconfig");
        try (LocalApiServer garden = LocalApiServer.start();
             LocalProvider local = LocalProvider.start(garden.client(), ExtensionsConfig.succeedingAfter(speed.extensionDelay),
                     new ShootClusterSimulator.Config(speed.machineDelay, speed.machineDelay), List.of(landscape));
             ShootOperator operator = new ShootOperator(garden.client().getConfiguration(), OperatorSettings.defaults()
                     .withMigration(new Migration.Settings(speed.recheck, Duration.ofSeconds(5), 50))
                     .withMigrator(gardenlet ? Migrator.GARDENLET : null)
                     // the embedded shoot server's certificate is self-signed: a development setting, never a default
                     .withAllowInsecureShootConnections(true));
             DemoTimeline timeline = new DemoTimeline(out, garden.client(), local.shootClient(landscape), landscape)) {
            operator.start();
            Files.writeString(kubeconfig, Kubeconfigs.forServer("garden", garden.url()));
            KubernetesClient client = garden.client();
            var shoot = client.resources(Shoot.class).inNamespace(landscape.projectNamespace()).withName(landscape.shootName());

            out.println("\n$ shoot-dualstack-operator plan --allow-insecure-shoot-connections");
            show(out, kubeconfig, "plan", "--allow-insecure-shoot-connections");
            out.println();
            if (gardenlet) {
                return besideGardenlet(local, landscape, shoot, operator, timeline);
            }
            timeline.note("you", "set spec.networking.ipFamilies to [IPv4, IPv6]");
            shoot.edit(s -> {
                s.getSpec().getNetworking().setIpFamilies(List.of("IPv4", "IPv6"));
                return s;
            });
            if (!timeline.awaitStep("Nodes", timeout)) {
                return timeline.gaveUp(timeout);
            }
            timeline.note("you", "annotate the Shoot with gardener.cloud/operation=rollout-workers=*");
            shoot.edit(s -> {
                s.getMetadata().getAnnotations().put(ExtensionKind.OPERATION_ANNOTATION, "rollout-workers=*");
                return s;
            });
            if (!timeline.awaitCompleted(timeout)) {
                return timeline.gaveUp(timeout);
            }
            MigrationRecord record = shoot.get().getStatus().getDualStackMigration();
            timeline.summary(record, local.simulator(landscape).coreDnsRollouts(), operator.metrics());
            String ref = landscape.projectNamespace() + "/" + landscape.shootName();
            out.println("\n$ shoot-dualstack-operator status " + ref);
            show(out, kubeconfig, "status", ref);
            return 0;
        } finally {
            Files.deleteIfExists(kubeconfig);
        }
    }

    /**
     * The Shoot migrated by the gardenlet stand-in: the user edits the families and, as the demo does not wait for
     * the Shoot's maintenance window, asks for the migration at once; the operator does the rest.
     */
    private int besideGardenlet(LocalProvider local, LocalLandscape landscape,
                                io.fabric8.kubernetes.client.dsl.Resource<Shoot> shoot, ShootOperator operator, DemoTimeline timeline)
            throws InterruptedException {
        GardenletStandIn gardenlet = local.startGardenlet(GardenletStandIn.Config.triggeredOnly());
        timeline.note("you", "set spec.networking.ipFamilies to [IPv4, IPv6], and annotate the Shoot "
                + Migration.REQUEST_ANNOTATION + "=" + Migration.REQUEST_MIGRATE_NOW + " (not waiting for its maintenance window)");
        shoot.edit(s -> {
            s.getSpec().getNetworking().setIpFamilies(List.of("IPv4", "IPv6"));
            s.getMetadata().getAnnotations().put(Migration.REQUEST_ANNOTATION, Migration.REQUEST_MIGRATE_NOW);
            return s;
        });
        if (!timeline.awaitEnded(timeout)) {
            return timeline.gaveUp(timeout);
        }
        timeline.summaryBesideGardenlet(local.simulator(landscape).coreDnsRollouts(), gardenlet.reconciles(), operator.metrics());
        return 0;
    }

    /** Runs a read-only command of the operator's against the embedded garden, as a user would: with a kubeconfig. */
    private static void show(PrintStream out, Path kubeconfig, String... args) {
        Main.commandLine().setOut(new PrintWriter(out, true))
                .execute(Stream.concat(Stream.of(args), Stream.of("--kubeconfig", kubeconfig.toString())).toArray(String[]::new));
    }
}
