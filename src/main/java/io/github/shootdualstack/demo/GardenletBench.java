package io.github.shootdualstack.demo;

import io.github.shootdualstack.local.MigrationGuideByHand;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

/**
 * N Shoots migrated beside the gardenlet v1.138.0 stand-in with at most L of them rolling nodes at
 * once: by the operator's jar in a process of its own ({@code run --migrator=gardenlet --max-rolling=L}),
 * and by the floor: the migration guide followed by hand ({@link MigrationGuideByHand}) for every Shoot
 * at once, under the same limit (a fair semaphore of L slots around each roll). Each on a garden of its
 * own with the same Shoots ({@link GardenletStand}, whose controllers take time as a landscape's do), all
 * edited to [IPv4, IPv6] at once and measured until every Shoot's migration has ended, after
 * {@value #WARM_UP} Shoots migrated the same way first, not measured.
 */
final class GardenletBench {

    /** How often the operator looks again (the shortest run allows), and its longest back-off: short, for a local garden. */
    static final Duration RECHECK = Duration.ofSeconds(1);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(5);
    /**
     * Shoots each run migrates before it is measured: its process's first migrations run code the JIT compiler has
     * not compiled yet, the operator's (a fresh process) and the floor's alike.
     */
    static final int WARM_UP = 10;
    /** How often the guide's follower looks at its watched Shoot. */
    static final Duration POLL = Duration.ofMillis(20);

    /** One way of migrating the N Shoots: its wall time, what it wrote and what the watch saw roll. */
    record Run(double seconds, double requestsPerShoot, double writesPerShoot, double triggersPerShoot,
               double reconcilesPerShoot, int maxRolling, int rolledOnce) {
    }

    record Result(int shoots, int limit, Run operator, Run floor) {

        /** How fast the operator went, the floor's wall time over the operator's: 1 is the floor's pace. */
        double pace() {
            return floor.seconds() / operator.seconds();
        }
    }

    private GardenletBench() {
    }

    static Result run(int shoots, int limit, Path jar, List<String> jvmOptions, PrintStream out) throws Exception {
        Duration timeout = Duration.ofSeconds(Math.max(600, shoots * 3L));
        out.printf("  the operator: %d Shoots, --max-rolling=%d%n", shoots, limit);
        Run operator = operator(shoots, limit, jar, jvmOptions, timeout, out);
        print(out, operator);
        System.gc();
        out.printf("  the floor: the guide by hand for %d Shoots at once, %d rolling at most%n", shoots, limit);
        Run floor = floor(shoots, limit, timeout);
        print(out, floor);
        return new Result(shoots, limit, operator, floor);
    }

    private static Run operator(int shoots, int limit, Path jar, List<String> jvmOptions, Duration timeout, PrintStream out)
            throws Exception {
        try (GardenletStand stand = GardenletStand.start(shoots, WARM_UP);
             OperatorProcess operator = OperatorProcess.start(jar, stand.gardenUrl(), jvmOptions, List.of("--migrator=gardenlet",
                     "--max-rolling=" + limit, "--recheck-interval=" + RECHECK.toSeconds() + "s",
                     "--max-backoff=" + MAX_BACKOFF.toSeconds() + "s"))) {
            operator.awaitReady(Duration.ofMinutes(5));
            operator.awaitReconciled(shoots + WARM_UP, Duration.ofMinutes(10));
            stand.migrateWarmUp(warm -> { }, timeout);
            double requests = operator.requests();
            double writes = operator.writes();
            double triggers = operator.triggers();
            int reconciles = stand.reconciles();
            double operatorCpu = operator.cpuSeconds();
            double benchCpu = benchCpuSeconds();
            long start = System.nanoTime();
            stand.editAll();
            try {
                stand.awaitDone(timeout);
            } catch (IllegalStateException e) {
                String log = operator.log();
                out.println(log.substring(Math.max(0, log.length() - 4000)));
                throw e;
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            out.println("  " + stand.phases());
            out.printf(Locale.ROOT, "  CPU seconds during the run: the operator's process %.1f, the bench's (garden, gardenlet, shoots) %.1f%n",
                    operator.cpuSeconds() - operatorCpu, benchCpuSeconds() - benchCpu);
            out.println("  " + operator.lines("shoot_dualstack_api_requests_total"));
            return new Run(seconds, (operator.requests() - requests) / shoots, (operator.writes() - writes) / shoots,
                    (operator.triggers() - triggers) / shoots, (double) (stand.reconciles() - reconciles) / shoots,
                    stand.sampler().max(), stand.rolledOnce());
        }
    }

    private static Run floor(int shoots, int limit, Duration timeout) throws Exception {
        ExecutorService people = Executors.newFixedThreadPool(shoots + WARM_UP);
        try (GardenletStand stand = GardenletStand.start(shoots, WARM_UP)) {
            Semaphore slots = new Semaphore(limit, true);
            stand.migrateWarmUp(warm -> warm.forEach(key -> people.submit(() -> stand.guideByHand(key, POLL).limitingRollsBy(slots)
                    .run(timeout))), timeout);
            int reconciles = stand.reconciles();
            double benchCpu = benchCpuSeconds();
            long start = System.nanoTime();
            stand.editAll();
            List<Future<MigrationGuideByHand.Result>> guides = new ArrayList<>();
            for (String key : stand.keys()) {
                guides.add(people.submit(() -> stand.guideByHand(key, POLL).limitingRollsBy(slots).run(timeout)));
            }
            int triggers = 0;
            for (Future<MigrationGuideByHand.Result> guide : guides) {
                triggers += guide.get().rollouts() + guide.get().reconciles();
            }
            stand.awaitDone(timeout);
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.println("  " + stand.phases());
            System.out.printf(Locale.ROOT, "  CPU seconds during the run: the bench's (garden, gardenlet, shoots, the guide's followers) %.1f%n",
                    benchCpuSeconds() - benchCpu);
            return new Run(seconds, Double.NaN, (double) triggers / shoots, (double) triggers / shoots,
                    (double) (stand.reconciles() - reconciles) / shoots, stand.sampler().max(), stand.rolledOnce());
        } finally {
            people.shutdownNow();
        }
    }

    private static double benchCpuSeconds() {
        return ProcessHandle.current().info().totalCpuDuration().map(cpu -> cpu.toNanos() / 1e9).orElse(Double.NaN);
    }

    private static void print(PrintStream out, Run run) {
        out.printf(Locale.ROOT, "  done in %.1f s; at most %d Shoots rolling at once; %d Shoots with each pool rolled once;"
                + " %.1f gardenlet reconciles per Shoot%n", run.seconds(), run.maxRolling(), run.rolledOnce(), run.reconcilesPerShoot());
    }
}
