package io.github.shootdualstack.demo;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.github.shootdualstack.garden.ExtensionKind;
import io.github.shootdualstack.local.ExtensionsConfig;
import io.github.shootdualstack.local.LocalApiServer;
import io.github.shootdualstack.local.LocalLandscape;
import io.github.shootdualstack.local.LocalProvider;
import io.github.shootdualstack.local.ShootClusterSimulator;
import io.github.shootdualstack.migration.Migration;
import io.github.shootdualstack.operator.OperatorSettings;
import io.github.shootdualstack.operator.ShootOperator;
import io.github.shootdualstack.shoot.MigrationRecord;
import io.github.shootdualstack.shoot.Shoot;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * M concurrent migrations, run to completion by the operator (in this JVM) on embedded garden and
 * shoot API servers with the local provider answering at once; and the floor: a bare loop that makes
 * the same number of requests of the same kinds against the same servers, with M threads. The
 * requests are counted where they arrive, on the servers: those of the whole migration (the
 * operator's, the local provider's as the extensions and machines, and the user's two edits), and of
 * them the operator's, each with a floor of its own.
 */
final class MigrationBench {

    /** What M migrations cost. */
    record Result(int migrations, double seconds, double gardenWrites, double conflicts, double shootWrites, double eventWrites,
                  double gardenReads, double shootReads, int coreDnsRestarts, Calls wire, double floorSeconds, double operatorFloorSeconds) {

        double throughput() {
            return migrations / seconds;
        }

        /** Migrations per second of the bare loop making every request the migrations made. */
        double floorThroughput() {
            return migrations / floorSeconds;
        }

        /** Migrations per second of the bare loop making only the requests the operator made. */
        double operatorFloorThroughput() {
            return migrations / operatorFloorSeconds;
        }
    }

    /** Requests per migration, reads (watches left out) and writes, of the garden and of the shoot clusters. */
    record Calls(double gardenReads, double gardenWrites, double shootReads, double shootWrites) {

        double total() {
            return gardenReads + gardenWrites + shootReads + shootWrites;
        }
    }

    private MigrationBench() {
    }

    static Result run(int migrations, Duration timeout) throws Exception {
        List<LocalLandscape> landscapes = new ArrayList<>();
        for (int i = 0; i < migrations; i++) {
            landscapes.add(LocalLandscape.builder().project("m" + i).shoot("prod").pool("pool-a", 2).build());
        }
        Map<String, Shoot> watched = new ConcurrentHashMap<>();
        BlockingQueue<String> changed = new LinkedBlockingQueue<>();
        try (LocalApiServer garden = LocalApiServer.start();
             LocalProvider local = LocalProvider.start(garden.client(), ExtensionsConfig.succeedingAfter(Duration.ZERO),
                     ShootClusterSimulator.Config.immediate(), landscapes);
             SharedIndexInformer<Shoot> watching = watch(garden.client(), watched, changed);
             ShootOperator operator = new ShootOperator(garden.client().getConfiguration(), OperatorSettings.defaults()
                     // re-checks of the shoot clusters every 200 ms; the default longest back-off, which also decides when
                     // an unanswered trigger is repeated (a short one repeats triggers that a loaded provider is slow to take)
                     .withMigration(new Migration.Settings(Duration.ofMillis(200), Migration.Settings.defaults().maxBackoff(), 50))
                     .withAllowInsecureShootConnections(true))) {
            operator.start();
            while (!operator.ready()) {
                Thread.sleep(20);
            }
            Thread.sleep(500); // the first reconcile of every idle Shoot
            Map<Request, Double> before = requests(operator);
            ServedRequests served = new ServedRequests(garden.server(), landscapes.stream().map(local::shootServer).toList());
            served.reset();
            long start = System.nanoTime();
            for (LocalLandscape landscape : landscapes) {
                shoot(garden.client(), landscape).patch(PatchContext.of(PatchType.JSON),
                        "[{\"op\":\"replace\",\"path\":\"/spec/networking/ipFamilies\",\"value\":[\"IPv4\",\"IPv6\"]}]");
            }
            Set<String> rolled = new HashSet<>();
            Set<String> completed = new HashSet<>();
            long deadline = start + timeout.toNanos();
            while (completed.size() < migrations) {
                if (System.nanoTime() > deadline) {
                    Shoot stuck = landscapes.stream().filter(l -> !completed.contains(l.projectNamespace()))
                            .map(l -> watched.get(l.projectNamespace())).filter(java.util.Objects::nonNull).findFirst().orElse(null);
                    throw new IllegalStateException(completed.size() + " of " + migrations + " migrations completed within " + timeout
                            + "; one that did not: " + (stuck == null ? "none seen" : io.fabric8.kubernetes.client.utils.Serialization.asJson(stuck.getStatus())));
                }
                String key = changed.poll(100, TimeUnit.MILLISECONDS);
                Shoot shoot = key == null ? null : watched.get(key);
                if (shoot == null || completed.contains(key)) {
                    continue;
                }
                MigrationRecord record = shoot.getStatus() == null ? null : shoot.getStatus().getDualStackMigration();
                if (record != null && record.getCompletedAt() != null) {
                    completed.add(key);
                } else if (record != null && "Nodes".equals(record.getStep()) && rolled.add(key)) {
                    // the user asks the operator to roll the pools, as the demo does
                    garden.client().resources(Shoot.class).inNamespace(key).withName(shoot.getMetadata().getName())
                            .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"metadata\":{\"annotations\":{\""
                                    + ExtensionKind.OPERATION_ANNOTATION + "\":\"rollout-workers=*\"}}}");
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            Calls wire = served.perMigration(migrations, request -> true);
            Calls operatorCalls = served.perMigration(migrations, ServedRequests::byOperator);
            Map<Request, Double> after = requests(operator);
            double gardenWrites = delta(before, after, r -> r.cluster().equals("garden") && r.write()) / migrations;
            double conflicts = delta(before, after, r -> r.cluster().equals("garden") && r.write() && r.conflict()) / migrations;
            double shootWrites = delta(before, after, r -> r.cluster().equals("shoot") && r.write()) / migrations;
            double gardenReads = delta(before, after, r -> r.cluster().equals("garden") && r.read()) / migrations;
            double shootReads = delta(before, after, r -> r.cluster().equals("shoot") && r.read()) / migrations;
            double eventWrites = eventWrites(garden.client(), landscapes) / migrations;
            int restarts = landscapes.stream().mapToInt(l -> local.simulator(l).coreDnsRollouts()).sum();
            double floor = floor(garden.client(), local, landscapes, wire);
            double operatorFloor = floor(garden.client(), local, landscapes, operatorCalls);
            return new Result(migrations, seconds, gardenWrites, conflicts, shootWrites, eventWrites, gardenReads, shootReads, restarts,
                    wire, floor, operatorFloor);
        }
    }

    /**
     * A floor: per migration, as many writes and reads of each server as counted (a JSON patch of an
     * annotation on the Shoot, on a Deployment of the shoot, and a read of each), interleaved, by M
     * threads at once, nothing between them.
     */
    private static double floor(KubernetesClient garden, LocalProvider local, List<LocalLandscape> landscapes, Calls calls)
            throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(landscapes.size());
        try {
            long start = System.nanoTime();
            List<Future<?>> loops = new ArrayList<>();
            for (LocalLandscape landscape : landscapes) {
                loops.add(threads.submit(() -> {
                    KubernetesClient shootClient = local.shootClient(landscape);
                    var shoot = shoot(garden, landscape);
                    var coreDns = shootClient.apps().deployments().inNamespace("kube-system").withName("coredns");
                    String annotate = "{\"metadata\":{\"annotations\":{\"bench/floor\":\"%d\"}}}";
                    List<Runnable> kinds = List.of(
                            () -> shoot.patch(PatchContext.of(PatchType.JSON_MERGE), annotate.formatted(System.nanoTime())),
                            shoot::get,
                            () -> coreDns.patch(PatchContext.of(PatchType.JSON_MERGE), annotate.formatted(System.nanoTime())),
                            coreDns::get);
                    long[] targets = {Math.round(calls.gardenWrites()), Math.round(calls.gardenReads()),
                            Math.round(calls.shootWrites()), Math.round(calls.shootReads())};
                    long[] made = new long[targets.length];
                    // the kinds interleaved evenly, as a migration mixes them: each request is of the kind furthest behind its share
                    for (long total = java.util.Arrays.stream(targets).sum(), n = 0; n < total; n++) {
                        int next = -1;
                        for (int kind = 0; kind < targets.length; kind++) {
                            if (made[kind] < targets[kind] && (next < 0
                                    || (double) made[kind] / targets[kind] < (double) made[next] / targets[next])) {
                                next = kind;
                            }
                        }
                        kinds.get(next).run();
                        made[next]++;
                    }
                    return null;
                }));
            }
            for (Future<?> loop : loops) {
                loop.get();
            }
            return (System.nanoTime() - start) / 1e9;
        } finally {
            threads.shutdownNow();
        }
    }

    /**
     * The Shoots as they change, by project namespace, and the namespaces in the order they changed.
     * The bench follows them by a watch, as a user's dashboard would: reading M Shoots every 50 ms would
     * load the one garden server that the operator and the local provider need (at 100 migrations, more
     * requests than the operator's own), and would see each change up to 50 ms late.
     */
    private static SharedIndexInformer<Shoot> watch(KubernetesClient garden, Map<String, Shoot> watched, BlockingQueue<String> changed) {
        return garden.resources(Shoot.class).inAnyNamespace().inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Shoot shoot) {
                onUpdate(null, shoot);
            }

            @Override
            public void onUpdate(Shoot old, Shoot shoot) {
                watched.put(shoot.getMetadata().getNamespace(), shoot);
                changed.add(shoot.getMetadata().getNamespace());
            }

            @Override
            public void onDelete(Shoot shoot, boolean finalStateUnknown) {
                watched.remove(shoot.getMetadata().getNamespace());
            }
        });
    }

    private static io.fabric8.kubernetes.client.dsl.Resource<Shoot> shoot(KubernetesClient garden, LocalLandscape landscape) {
        return garden.resources(Shoot.class).inNamespace(landscape.projectNamespace()).withName(landscape.shootName());
    }

    /** Requests so far by cluster, verb and answer code, from the operator's own counter. */
    private static Map<Request, Double> requests(ShootOperator operator) {
        Map<Request, Double> counts = new java.util.HashMap<>();
        for (Meter meter : operator.metrics().registry().getMeters()) {
            if (meter.getId().getName().equals("shoot_dualstack_api_requests") && meter instanceof Counter counter) {
                counts.merge(new Request(meter.getId().getTag("cluster"), meter.getId().getTag("verb"), meter.getId().getTag("code")),
                        counter.count(), Double::sum);
            }
        }
        return counts;
    }

    /** The requests made between the two counts whose cluster, verb and answer code the filter lets through. */
    private static double delta(Map<Request, Double> before, Map<Request, Double> after, Predicate<Request> counted) {
        double total = 0;
        for (var entry : after.entrySet()) {
            if (counted.test(entry.getKey())) {
                total += entry.getValue() - before.getOrDefault(entry.getKey(), 0.0);
            }
        }
        return total;
    }

    /** A kind of request the operator counts: the cluster, the HTTP verb and the answer's code. */
    private record Request(String cluster, String verb, String code) {

        boolean write() {
            return !verb.equals("GET");
        }

        /** A read, not a watch opened (answered 101, switching to a stream of changes): a watch is no round trip. */
        boolean read() {
            return verb.equals("GET") && !code.equals("101");
        }

        /** Refused for a conflict: 409, or 422 for a JSON patch made on an object that changed. */
        boolean conflict() {
            return code.equals("409") || code.equals("422");
        }
    }

    /** Events recorded on the Shoots: one create each, and a patch for every repetition counted on it. */
    private static double eventWrites(KubernetesClient garden, List<LocalLandscape> landscapes) {
        double writes = 0;
        for (LocalLandscape landscape : landscapes) {
            for (var event : garden.v1().events().inNamespace(landscape.projectNamespace()).list().getItems()) {
                writes += event.getCount() == null ? 1 : event.getCount();
            }
        }
        return writes;
    }
}
