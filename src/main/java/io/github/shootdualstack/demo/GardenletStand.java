package io.github.shootdualstack.demo;

import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.github.shootdualstack.garden.ExtensionKind;
import io.github.shootdualstack.local.ExtensionsConfig;
import io.github.shootdualstack.local.GardenletStandIn;
import io.github.shootdualstack.local.Kubeconfigs;
import io.github.shootdualstack.local.LocalApiServer;
import io.github.shootdualstack.local.LocalLandscape;
import io.github.shootdualstack.local.LocalProvider;
import io.github.shootdualstack.local.MigrationGuideByHand;
import io.github.shootdualstack.local.ShootClusterSimulator;
import io.github.shootdualstack.migration.Migration;
import io.github.shootdualstack.migration.Orchestration;
import io.github.shootdualstack.shoot.Shoot;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * N IPv4 Shoots of two one-node pools on an embedded garden, with the local provider and the gardenlet
 * stand-in, followed by a watch of Shoots: what rolls at once ({@link RollingSampler}) and whose
 * migration has ended. The Shoots are keyed by project namespace, one Shoot each.
 */
final class GardenletStand implements AutoCloseable {

    /**
     * The user's edit: both families, and the owner's request to migrate now rather than in the maintenance window (the
     * landscape's Shoots have no annotation before). A JSON patch: the local garden's merge patch appends to lists.
     */
    private static final String EDIT = "[{\"op\":\"replace\",\"path\":\"/spec/networking/ipFamilies\",\"value\":[\"IPv4\",\"IPv6\"]},"
            + "{\"op\":\"add\",\"path\":\"/metadata/annotations\",\"value\":{\"" + Migration.REQUEST_ANNOTATION + "\":\""
            + Migration.REQUEST_MIGRATE_NOW + "\"}}]";

    /**
     * The stand-in looks at what its reconcile waits for every 50 ms: its 20 reconciles polling the one embedded
     * garden every 10 ms (the tests' pace) would make that garden, which serves one request at a time, what all wait for.
     */
    private static final GardenletStandIn.Config GARDENLET = GardenletStandIn.Config.triggeredOnly().withPollInterval(Duration.ofMillis(50));

    /**
     * How long a landscape's controllers take: an extension's reconcile, a node's replacement, a pod's rollout. A real
     * landscape's migration waits for its infrastructure (minutes per node), not for the CPU of the machine that drives
     * it; here a little time of each keeps the stand waiting on its controllers, as a landscape does, rather than on
     * the bench's two cores, which all the processes of the stand share.
     */
    static final Duration EXTENSION_TIME = Duration.ofMillis(500);
    static final Duration NODE_TIME = Duration.ofSeconds(3);
    static final Duration POD_TIME = Duration.ofMillis(500);

    private final List<LocalLandscape> landscapes;
    // migrated first, not measured: a process's first migrations run code its JIT compiler has not compiled yet
    private final List<LocalLandscape> warmUp;
    private final LocalApiServer garden;
    private final LocalProvider local;
    private final GardenletStandIn gardenlet;
    private final Map<String, Shoot> watched = new ConcurrentHashMap<>();
    private final Map<String, Long> edited = new ConcurrentHashMap<>();
    private final Set<String> done = ConcurrentHashMap.newKeySet();
    private final RollingSampler sampler = new RollingSampler();
    private final SharedIndexInformer<Shoot> watch;
    // per Shoot, when gardenlet's last reconcile finished with work left; and the reactions measured
    private final Map<String, Long> finishedAt = new ConcurrentHashMap<>();
    private final List<Double> reactions = java.util.Collections.synchronizedList(new ArrayList<>());
    // per Shoot, the nanoTime of: the edit, the roll asked, the roll ended, the migration ended, the roll taken up by gardenlet
    private final Map<String, long[]> times = new ConcurrentHashMap<>();

    private GardenletStand(List<LocalLandscape> landscapes, List<LocalLandscape> warmUp, LocalApiServer garden, LocalProvider local) {
        this.landscapes = landscapes;
        this.warmUp = warmUp;
        this.garden = garden;
        this.local = local;
        this.gardenlet = local.startGardenlet(GARDENLET);
        this.watch = garden.client().resources(Shoot.class).inAnyNamespace().inform(handler());
    }

    /** {@code shoots} Shoots to measure, and {@code warmUp} more to migrate before them ({@link #migrateWarmUp}). */
    static GardenletStand start(int shoots, int warmUp) {
        List<LocalLandscape> landscapes = new ArrayList<>();
        for (int i = 0; i < shoots; i++) {
            landscapes.add(LocalLandscape.builder().project("g" + i).shoot("prod").pool("pool-a", 1).pool("pool-b", 1).build());
        }
        List<LocalLandscape> warm = new ArrayList<>();
        for (int i = 0; i < warmUp; i++) {
            warm.add(LocalLandscape.builder().project("warm" + i).shoot("prod").pool("pool-a", 1).pool("pool-b", 1).build());
        }
        List<LocalLandscape> all = new ArrayList<>(warm);
        all.addAll(landscapes);
        LocalApiServer garden = LocalApiServer.start();
        try {
            LocalProvider local = LocalProvider.start(garden.client(), ExtensionsConfig.succeedingAfter(EXTENSION_TIME),
                    new ShootClusterSimulator.Config(NODE_TIME, POD_TIME), all, GardenletStand::shootApi);
            return new GardenletStand(landscapes, warm, garden, local);
        } catch (RuntimeException e) {
            garden.close();
            throw e;
        }
    }

    /**
     * A shoot cluster on an embedded API server without the HTTP watch front the provider adds by default:
     * beside gardenlet the operator reaches no shoot cluster, and gardenlet and the simulator watch over
     * the server's own WebSockets. A thread pool and a server fewer per shoot.
     */
    private static LocalProvider.ShootApi shootApi(LocalLandscape landscape) {
        LocalApiServer server = LocalApiServer.start();
        return new LocalProvider.ShootApi(server.client(), Kubeconfigs.forServer(landscape.technicalNamespace(), server.url()), server);
    }

    String gardenUrl() {
        return garden.url();
    }

    List<String> keys() {
        return landscapes.stream().map(LocalLandscape::projectNamespace).toList();
    }

    RollingSampler sampler() {
        return sampler;
    }

    int reconciles() {
        return gardenlet.reconciles();
    }

    /**
     * The warm-up Shoots edited to [IPv4, IPv6] and migrated by {@code driver} (given their keys), before anything is measured.
     */
    void migrateWarmUp(java.util.function.Consumer<List<String>> driver, Duration timeout) throws InterruptedException {
        edit(warmUp);
        driver.accept(warmUp.stream().map(LocalLandscape::projectNamespace).toList());
        await(warmUp, timeout);
    }

    /** Every measured Shoot edited to [IPv4, IPv6], one after the other. */
    void editAll() {
        edit(landscapes);
    }

    private void edit(List<LocalLandscape> shoots) {
        for (LocalLandscape landscape : shoots) {
            Shoot patched = garden.client().resources(Shoot.class).inNamespace(landscape.projectNamespace()).withName(landscape.shootName())
                    .patch(PatchContext.of(PatchType.JSON), EDIT);
            edited.put(landscape.projectNamespace(), version(patched));
            times.computeIfAbsent(landscape.projectNamespace(), k -> new long[5])[0] = System.nanoTime();
        }
    }

    /** The guide followed by hand for one Shoot, reading it from this stand's watch (at the user's edit or later). */
    MigrationGuideByHand guideByHand(String key, Duration pollInterval) {
        return new MigrationGuideByHand(garden.client(), key, "prod", pollInterval).watching(() -> {
            Shoot shoot = watched.get(key);
            Long edit = edited.get(key);
            return shoot == null || edit == null || version(shoot) < edit ? null : shoot;
        });
    }

    void awaitDone(Duration timeout) throws InterruptedException {
        await(landscapes, timeout);
    }

    private void await(List<LocalLandscape> shoots, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<String> keys = shoots.stream().map(LocalLandscape::projectNamespace).toList();
        while (!done.containsAll(keys)) {
            if (System.nanoTime() > deadline) {
                String stuck = keys.stream().filter(key -> !done.contains(key)).findFirst().orElseThrow();
                throw new IllegalStateException(keys.stream().filter(done::contains).count() + " of " + keys.size()
                        + " migrations ended within " + timeout + "; one that did not: " + Serialization.asJson(watched.get(stuck)));
            }
            Thread.sleep(50);
        }
    }

    /** Median seconds from the edit to the roll asked, of the roll (and until gardenlet took it up), from the roll's end to the migration's. */
    String phases() {
        List<long[]> all = keys().stream().map(times::get).filter(java.util.Objects::nonNull).toList();
        List<Double> reacted;
        synchronized (reactions) {
            reacted = reactions.stream().sorted().toList();
        }
        return String.format(java.util.Locale.ROOT, "median s: edit->roll asked %.2f, rolling %.2f (taken up after %.2f), roll end->end %.2f;"
                        + " reconcile finished->next reconcile asked %.2f (90th percentile %.2f, %d measured)",
                median(all, 0, 1), median(all, 1, 2), median(all, 1, 4), median(all, 2, 3),
                reacted.isEmpty() ? Double.NaN : reacted.get(reacted.size() / 2),
                reacted.isEmpty() ? Double.NaN : reacted.get(reacted.size() * 9 / 10), reacted.size());
    }

    private static double median(List<long[]> all, int from, int to) {
        List<Double> d = all.stream().filter(a -> a[from] > 0 && a[to] > 0).map(a -> (a[to] - a[from]) / 1e9).sorted().toList();
        return d.isEmpty() ? Double.NaN : d.get(d.size() / 2);
    }

    /** The Shoots whose nodes were asked to roll once, each of their nodes replaced once: each pool rolled once. */
    int rolledOnce() {
        return (int) landscapes.stream().filter(landscape -> sampler.rollsAsked(landscape.projectNamespace()) == 1
                && local.simulator(landscape).nodeReplacements() == landscape.nodeCount()).count();
    }

    private ResourceEventHandler<Shoot> handler() {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(Shoot shoot) {
                onUpdate(null, shoot);
            }

            @Override
            public void onUpdate(Shoot old, Shoot shoot) {
                String key = shoot.getMetadata().getNamespace();
                watched.put(key, shoot);
                sampler.observe(key, rollAsked(shoot), Orchestration.rollingNodes(shoot));
                Long edit = edited.get(key);
                long[] at = times.computeIfAbsent(key, k -> new long[5]);
                if (at[1] != 0 && at[4] == 0 && !rollAsked(shoot)) {
                    at[4] = System.nanoTime();
                }
                if (rollAsked(shoot) && at[1] == 0) {
                    at[1] = System.nanoTime();
                } else if (at[1] != 0 && at[2] == 0 && !Orchestration.rollingNodes(shoot)) {
                    at[2] = System.nanoTime();
                }
                reaction(key, shoot);
                if (edit != null && version(shoot) >= edit && ended(shoot)) {
                    if (done.add(key)) {
                        at[3] = System.nanoTime();
                    }
                }
            }

            @Override
            public void onDelete(Shoot shoot, boolean finalStateUnknown) {
                sampler.forget(shoot.getMetadata().getNamespace());
            }
        };
    }

    /**
     * From a reconcile of gardenlet's that finished with work left (a migration constraint, no roll pending) to the
     * {@code reconcile} asked for next: how soon the driver (the operator, or the guide's person) reacts.
     */
    private void reaction(String key, Shoot shoot) {
        boolean finished = GardenletStandIn.upToDate(shoot) && Orchestration.migrating(shoot) && GardenletStandIn.operations(shoot).isEmpty()
                && !Orchestration.rollingNodes(shoot);
        long now = System.nanoTime();
        if (finished) {
            finishedAt.putIfAbsent(key, now);
        } else {
            Long since = finishedAt.remove(key);
            if (since != null && GardenletStandIn.operations(shoot).contains(ExtensionKind.OPERATION_RECONCILE)) {
                reactions.add((now - since) / 1e9);
            }
        }
    }

    /** Both families, gardenlet's last reconcile of this generation succeeded, no constraint left, nothing asked of gardenlet. */
    static boolean ended(Shoot shoot) {
        List<String> families = shoot.getSpec().getNetworking().getIpFamilies();
        return families != null && families.size() == 2 && GardenletStandIn.upToDate(shoot) && !Orchestration.migrating(shoot)
                && GardenletStandIn.operations(shoot).isEmpty();
    }

    private static boolean rollAsked(Shoot shoot) {
        return GardenletStandIn.operations(shoot).stream().anyMatch(part -> part.startsWith(Orchestration.ROLLOUT_WORKERS + "="));
    }

    private static long version(Shoot shoot) {
        return Long.parseLong(shoot.getMetadata().getResourceVersion());
    }

    @Override
    public void close() {
        watch.close();
        local.close();
        garden.close();
    }
}
