package io.github.shootdualstack.demo;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import io.github.shootdualstack.local.BenchGarden;
import io.github.shootdualstack.local.LocalApiServer;
import io.github.shootdualstack.local.LocalCrds;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * Measures what the operator costs: the heap it keeps per idle Shoot, how long it takes to be ready,
 * and the requests it makes in steady state, on embedded API servers filled with production Shoots;
 * and what concurrent migrations cost, against a floor ({@link MigrationBench}).
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Measures the operator on embedded API servers: for each landscape size the heap",
                "it keeps per idle Shoot, its start to ready and its requests at rest; then M",
                "concurrent migrations, their writes, and their throughput against a bare loop",
                "making the same requests (the floor). Give the JVM heap for the embedded",
                "garden too, e.g. java -Xmx6g -jar shoot-dualstack-operator-demo.jar bench."})
final class BenchCommand implements Callable<Integer> {

    private static final double MIB = 1024 * 1024;

    @Option(names = "--shoots", paramLabel = "N", split = ",", defaultValue = "0,1000,3000,10000",
            description = "Landscape sizes, idle Shoots each (default: ${DEFAULT-VALUE}).")
    List<Integer> sizes;

    @Option(names = "--migrations", paramLabel = "M", split = ",", defaultValue = "1,10,30",
            description = "Numbers of concurrent migrations to run to completion (default: ${DEFAULT-VALUE}; 0 for none).")
    List<Integer> migrations;

    @Option(names = "--steady", paramLabel = "DURATION", defaultValue = "30s",
            description = "How long requests are counted in steady state (default: ${DEFAULT-VALUE}).")
    Duration steady;

    @Option(names = "--operator-jvm-options", paramLabel = "OPTIONS", split = " ", defaultValue = "-Xmx1g",
            description = "JVM options of the measured operator process (default: ${DEFAULT-VALUE}).")
    List<String> jvmOptions;

    @Option(names = "--operator-jar", paramLabel = "FILE",
            description = "The jar the measured operator process runs, the image's (default: shoot-dualstack-operator.jar beside this jar).")
    Path operatorJar;

    @Option(names = "--gardenlet", defaultValue = "false",
            description = {"Beside gardenlet: the idle rows hold Shoots a gardenlet " + BenchGarden.GARDENLET_VERSION + " reconciles,",
                    "no extension CRD or resource in the garden, and the operator runs with --migrator=gardenlet;",
                    "the migration rows run beside the gardenlet stand-in, the operator with --max-rolling, against",
                    "the migration guide followed by hand under the same limit (the floor)."})
    boolean gardenlet;

    @Option(names = "--max-rolling", paramLabel = "L", defaultValue = "10",
            description = "With --gardenlet: the most Shoots rolling nodes at once (default: ${DEFAULT-VALUE}).")
    int maxRolling;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** One landscape's figures. */
    record Idle(int shoots, double retainedMiB, double rssMiB, double startToReadySeconds, double requestsPerShootHour) {
    }

    @Override
    public Integer call() throws Exception {
        int mostMigrations = gardenlet ? 2000 : 500;
        if (sizes.stream().anyMatch(n -> n < 0 || n > 100_000) || migrations.stream().anyMatch(m -> m < 0 || m > mostMigrations)
                || steady.isNegative() || steady.compareTo(Duration.ofHours(1)) > 0 || maxRolling < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--shoots must be between 0 and 100000, --migrations between 0 and "
                    + mostMigrations + ", --steady between 0s and 1h, --max-rolling at least 1");
        }
        Path jar = operatorJar != null ? operatorJar : OperatorProcess.defaultJar();
        if (!Files.isRegularFile(jar)) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "the operator's jar " + jar + " is missing: build it with mvn package, or name it with --operator-jar");
        }
        ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).setLevel(Level.ERROR);
        PrintStream out = System.out;
        out.printf("bench: %d cores, max heap %.0f MiB, Java %s%n", Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory() / MIB, System.getProperty("java.version"));
        List<Idle> results = new ArrayList<>();
        // one garden, filled up from one size to the next: each size is measured with an operator of its own
        try (LocalApiServer garden = LocalApiServer.start()) {
            if (gardenlet) {
                LocalCrds.installShoot(garden.client());
            } else {
                LocalCrds.install(garden.client());
            }
            int filled = 0;
            for (int shoots : sizes.stream().sorted().toList()) {
                out.printf("%n[%,d Shoots] filling the embedded garden%n", shoots);
                long fill = System.nanoTime();
                BenchGarden.populate(garden.client(), filled, shoots - filled, created -> {
                    out.printf("  %,d Shoots created%n", created);
                    garden.forgetRecordedRequests();
                }, gardenlet);
                garden.forgetRecordedRequests();
                filled = shoots;
                out.printf("  filled in %.1f s; starting the operator (%s)%s%n", (System.nanoTime() - fill) / 1e9, String.join(" ", jvmOptions),
                        gardenlet ? " beside gardenlet" : "");
                results.add(idle(jar, garden, shoots, out));
            }
        }
        out.println();
        out.println("| Shoots | heap after full GC | per Shoot above the empty operator | RSS | start → ready | requests per idle Shoot per hour |");
        out.println("|---|---|---|---|---|---|");
        Idle empty = results.stream().filter(r -> r.shoots() == 0).findFirst().orElse(null);
        for (Idle r : results) {
            String perShoot = r.shoots() == 0 || empty == null ? "—"
                    : String.format(Locale.ROOT, "%.2f KiB", (r.retainedMiB() - empty.retainedMiB()) * 1024 / r.shoots());
            out.printf(Locale.ROOT, "| %,d | %.1f MiB | %s | %.0f MiB | %.1f s | %s |%n", r.shoots(), r.retainedMiB(), perShoot,
                    r.rssMiB(), r.startToReadySeconds(), r.shoots() == 0 ? "—" : String.format(Locale.ROOT, "%.3f", r.requestsPerShootHour()));
        }
        if (gardenlet) {
            besideGardenlet(jar, out);
            return 0;
        }
        List<MigrationBench.Result> runs = new ArrayList<>();
        if (migrations.stream().anyMatch(m -> m > 0)) {
            // the code paths of a migration and of the floor compiled before anything is measured, so
            // that the first measured migration is not run cold and then compared with a warm floor
            out.printf("%n[warm-up] one migration and its floors, not measured%n");
            MigrationBench.run(1, Duration.ofSeconds(60));
        }
        for (int m : migrations.stream().filter(m -> m > 0).toList()) {
            out.printf("%n[%d concurrent migrations] starting %d shoot API servers and the operator%n", m, m);
            MigrationBench.Result run = MigrationBench.run(m, Duration.ofSeconds(Math.max(60, m * 3L)));
            out.printf(Locale.ROOT, "  completed in %.1f s; the same requests in a bare loop: %.2f s (the operator's alone: %.2f s)%n",
                    run.seconds(), run.floorSeconds(), run.operatorFloorSeconds());
            runs.add(run);
        }
        if (!runs.isEmpty()) {
            out.println();
            out.println("| migrations | wall time | garden writes / migration (of them events; refused for a conflict) | shoot writes / migration | reads / migration"
                    + " (garden + shoot) | CoreDNS restarts | requests / migration, all (garden + shoot) | throughput | floor (bare loop, all requests)"
                    + " | ratio | floor of the operator's requests alone | ratio to it |");
            out.println("|---|---|---|---|---|---|---|---|---|---|---|---|");
            for (MigrationBench.Result r : runs) {
                MigrationBench.Calls wire = r.wire();
                out.printf(Locale.ROOT, "| %d | %.1f s | %.1f (%.1f; %.1f) | %.1f | %.1f + %.1f | %d | %.1f (%.1f + %.1f) | %.2f /s | %.2f /s | %.2f | %.2f /s | %.2f |%n",
                        r.migrations(), r.seconds(), r.gardenWrites(), r.eventWrites(), r.conflicts(), r.shootWrites(), r.gardenReads(),
                        r.shootReads(), r.coreDnsRestarts(), wire.total(), wire.gardenReads() + wire.gardenWrites(),
                        wire.shootReads() + wire.shootWrites(), r.throughput(), r.floorThroughput(), r.throughput() / r.floorThroughput(),
                        r.operatorFloorThroughput(), r.throughput() / r.operatorFloorThroughput());
            }
        }
        return 0;
    }

    /** The migration rows beside gardenlet ({@link GardenletBench}). */
    private void besideGardenlet(Path jar, PrintStream out) throws Exception {
        List<GardenletBench.Result> runs = new ArrayList<>();
        for (int m : migrations.stream().filter(m -> m > 0).toList()) {
            out.printf("%n[%d Shoots beside gardenlet, at most %d rolling nodes at once]%n", m, maxRolling);
            runs.add(GardenletBench.run(m, maxRolling, jar, jvmOptions, out));
        }
        if (runs.isEmpty()) {
            return;
        }
        out.println();
        out.println("| Shoots | limit | wall time | operator requests / Shoot | operator writes / Shoot (of them triggers) | most rolling at once"
                + " | each pool rolled once | floor: the guide by hand | floor's writes / Shoot | floor's most rolling | pace (floor time / operator time) |");
        out.println("|---|---|---|---|---|---|---|---|---|---|---|");
        for (GardenletBench.Result r : runs) {
            GardenletBench.Run op = r.operator();
            GardenletBench.Run floor = r.floor();
            out.printf(Locale.ROOT, "| %,d | %d | %.1f s | %.1f | %.1f (%.1f) | %d | %d of %d | %.1f s | %.1f | %d | %.2f |%n", r.shoots(), r.limit(),
                    op.seconds(), op.requestsPerShoot(), op.writesPerShoot(), op.triggersPerShoot(), op.maxRolling(), op.rolledOnce(),
                    r.shoots(), floor.seconds(), floor.writesPerShoot(), floor.maxRolling(), r.pace());
        }
    }

    /**
     * A garden of {@code shoots} idle Shoots, and the operator's jar run against it in a process of its
     * own, as a user sizing the chart would see it: its heap after a full GC, its RSS, the time from its
     * start to ready, and the requests it makes at rest, all read from outside (its /metrics, jcmd, /proc).
     */
    private Idle idle(Path jar, LocalApiServer garden, int shoots, PrintStream out) throws Exception {
        try (OperatorProcess operator = OperatorProcess.start(jar, garden.url(), jvmOptions,
                gardenlet ? List.of("--migrator=gardenlet") : List.of())) {
            double ready = operator.awaitReady(Duration.ofMinutes(5));
            out.printf(Locale.ROOT, "  ready %.1f s after its start; waiting for the first reconcile of every Shoot%n", ready);
            operator.awaitReconciled(shoots, Duration.ofMinutes(10));
            double heap = operator.heapAfterFullGc();
            double rss = operator.rss();
            out.printf(Locale.ROOT, "  heap after a full GC %.1f MiB, RSS %.0f MiB; counting requests for %d s%n",
                    heap / MIB, rss / MIB, steady.toSeconds());
            double requestsBefore = operator.requests();
            Thread.sleep(steady.toMillis());
            double requests = operator.requests() - requestsBefore;
            double perShootHour = shoots == 0 || steady.isZero() ? 0 : requests / shoots * 3600.0 / steady.toSeconds();
            out.printf(Locale.ROOT, "  %d requests in steady state%n", (long) requests);
            return new Idle(shoots, heap / MIB, rss / MIB, ready, perShootHour);
        }
    }
}
