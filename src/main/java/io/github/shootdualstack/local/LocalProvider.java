package io.github.shootdualstack.local;

import io.fabric8.kubernetes.client.KubernetesClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * The whole local provider around a garden: the CRDs, one embedded shoot API server and
 * {@link LocalLandscape} per shoot, the {@link LocalExtensions} and one
 * {@link ShootClusterSimulator} per shoot. What the demo, the end-to-end tests and the benchmark
 * start before the operator.
 *
 * <pre>{@code
 * try (LocalProvider local = LocalProvider.start(garden,
 *         ExtensionsConfig.succeedingAfter(Duration.ofMillis(200)), ShootClusterSimulator.Config.immediate(),
 *         List.of(LocalLandscape.builder().project("dev").shoot("demo").pool("worker-a", 2).build()))) {
 *     // run the operator against garden; local.shootClient(...) sees the shoot cluster
 * }
 * }</pre>
 *
 * Closing stops the simulators, the extensions and the shoot API servers; the garden is the
 * caller's and stays up.
 */
public final class LocalProvider implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalProvider.class);

    private final LocalExtensions extensions;
    private final Map<String, LocalShoot> shoots;
    private final KubernetesClient garden;
    private GardenletStandIn gardenlet;

    /**
     * A shoot cluster's API server: its client, the kubeconfig its Secret gets (naming the HTTP watch
     * front of an embedded server), and the embedded server behind it when the provider started one
     * (null for a server the caller owns).
     */
    public record ShootApi(KubernetesClient client, String kubeconfig, LocalApiServer embedded) {

        /** An embedded API server started for the shoot, stopped with the provider. */
        public static ShootApi embedded(LocalLandscape landscape) {
            LocalApiServer server = LocalApiServer.start();
            return new ShootApi(server.client(), Kubeconfigs.forServer(landscape.technicalNamespace(), server.httpWatchUrl()), server);
        }
    }

    private record LocalShoot(LocalLandscape landscape, ShootApi api, ShootClusterSimulator simulator) {
    }

    private LocalProvider(KubernetesClient garden, LocalExtensions extensions, Map<String, LocalShoot> shoots) {
        this.garden = garden;
        this.extensions = extensions;
        this.shoots = shoots;
    }

    /**
     * Installs the CRDs, creates the shoots, each on an embedded shoot API server of its own, and
     * starts their controllers; the garden must not hold them yet.
     */
    public static LocalProvider start(KubernetesClient garden, ExtensionsConfig extensionsConfig,
                                      ShootClusterSimulator.Config simulation, List<LocalLandscape> landscapes) {
        return start(garden, extensionsConfig, simulation, landscapes, ShootApi::embedded);
    }

    /**
     * As {@link #start(KubernetesClient, ExtensionsConfig, ShootClusterSimulator.Config, List)}, with
     * each shoot cluster's API server given by {@code shootApis}; servers the provider did not
     * start ({@link ShootApi#embedded()} null) stay up when it closes.
     */
    public static LocalProvider start(KubernetesClient garden, ExtensionsConfig extensionsConfig,
                                      ShootClusterSimulator.Config simulation, List<LocalLandscape> landscapes,
                                      Function<LocalLandscape, ShootApi> shootApis) {
        LocalCrds.install(garden);
        return start(garden, extensionsConfig, simulation, landscapes, shootApis,
                (landscape, api) -> landscape.create(garden, api.client(), api.kubeconfig()));
    }

    /**
     * The provider around Shoots that a garden serving Shoots itself (gardener-apiserver) holds already, each
     * with its {@code status.technicalID}: it seeds their seed halves ({@link LocalLandscape#adopt}) into the
     * garden, which must have Gardener's seed CRDs, and their shoot clusters, and plays their extensions and
     * machines there. It installs no CRD. Each {@code shoots} entry is the Shoot of the landscape at that index.
     */
    public static LocalProvider adopt(KubernetesClient garden, ExtensionsConfig extensionsConfig,
                                      ShootClusterSimulator.Config simulation, List<LocalLandscape> landscapes,
                                      List<io.github.shootdualstack.shoot.Shoot> existing, Function<LocalLandscape, ShootApi> shootApis) {
        if (existing.size() != landscapes.size()) {
            throw new IllegalArgumentException(landscapes.size() + " landscapes but " + existing.size() + " Shoots");
        }
        return start(garden, extensionsConfig, simulation, landscapes, shootApis,
                (landscape, api) -> landscape.adopt(garden, api.client(), existing.get(landscapes.indexOf(landscape))));
    }

    private static LocalProvider start(KubernetesClient garden, ExtensionsConfig extensionsConfig,
                                       ShootClusterSimulator.Config simulation, List<LocalLandscape> landscapes,
                                       Function<LocalLandscape, ShootApi> shootApis,
                                       java.util.function.BiConsumer<LocalLandscape, ShootApi> seed) {
        Map<String, LocalShoot> shoots = new LinkedHashMap<>();
        List<AutoCloseable> started = new ArrayList<>();
        try {
            for (LocalLandscape landscape : landscapes) {
                ShootApi api = shootApis.apply(landscape);
                if (api.embedded() != null) {
                    started.add(api.embedded());
                }
                seed.accept(landscape, api);
                ShootClusterSimulator simulator = new ShootClusterSimulator(garden, api.client(),
                        landscape.technicalNamespace(), simulation).start();
                started.add(simulator);
                shoots.put(landscape.technicalNamespace(), new LocalShoot(landscape, api, simulator));
            }
            LocalExtensions extensions = new LocalExtensions(garden, extensionsConfig, extensionsConfig.clock()).start();
            LOG.info("Local provider started with {} shoot(s): {}", shoots.size(), shoots.keySet());
            return new LocalProvider(garden, extensions, shoots);
        } catch (RuntimeException e) {
            closeAll(started);
            throw e;
        }
    }

    public LocalExtensions extensions() {
        return extensions;
    }

    /**
     * Starts a {@link GardenletStandIn} for this provider's Shoots, which from then on reconciles them as
     * gardenlet v1.138.0 does; without it (the default) nothing reconciles a Shoot. Stopped with the provider.
     */
    public synchronized GardenletStandIn startGardenlet(GardenletStandIn.Config config) {
        if (gardenlet == null) {
            gardenlet = new GardenletStandIn(garden, technicalNamespace -> {
                LocalShoot shoot = shoots.get(technicalNamespace);
                return shoot == null ? null : shoot.api().client();
            }, config).start();
        }
        return gardenlet;
    }

    public List<LocalLandscape> landscapes() {
        return shoots.values().stream().map(LocalShoot::landscape).toList();
    }

    /** A client of the shoot's cluster; it is closed with the provider. */
    public KubernetesClient shootClient(LocalLandscape landscape) {
        return shoot(landscape).api().client();
    }

    /** The URL of the shoot's API server, as its kubeconfig Secret has it. */
    public String shootUrl(LocalLandscape landscape) {
        LocalApiServer embedded = shoot(landscape).api().embedded();
        return embedded != null ? embedded.httpWatchUrl() : shootClient(landscape).getConfiguration().getMasterUrl();
    }

    /** The shoot's embedded API server (to count what was asked of it); only where the provider started it. */
    public io.fabric8.kubernetes.client.server.mock.KubernetesMockServer shootServer(LocalLandscape landscape) {
        LocalApiServer embedded = shoot(landscape).api().embedded();
        if (embedded == null) {
            throw new IllegalStateException("the shoot cluster of " + landscape.technicalNamespace() + " is not an embedded API server");
        }
        return embedded.server();
    }

    public ShootClusterSimulator simulator(LocalLandscape landscape) {
        return shoot(landscape).simulator();
    }

    @Override
    public void close() {
        List<AutoCloseable> all = new ArrayList<>();
        shoots.values().stream().map(shoot -> shoot.api().embedded()).filter(Objects::nonNull).forEach(all::add);
        all.add(extensions);
        shoots.values().forEach(shoot -> all.add(shoot.simulator()));
        synchronized (this) {
            if (gardenlet != null) {
                all.add(gardenlet); // stopped first: it drives all of the above
            }
        }
        closeAll(all);
    }

    private LocalShoot shoot(LocalLandscape landscape) {
        LocalShoot shoot = shoots.get(landscape.technicalNamespace());
        if (shoot == null) {
            throw new IllegalArgumentException("shoot " + landscape.technicalNamespace() + " is not part of this local provider");
        }
        return shoot;
    }

    /** Closes in reverse order of starting: simulators before the servers they talk to. */
    private static void closeAll(List<AutoCloseable> closeables) {
        List<AutoCloseable> reversed = new ArrayList<>(closeables);
        Collections.reverse(reversed);
        for (AutoCloseable closeable : reversed) {
            try {
                closeable.close();
            } catch (Exception e) {
                LOG.warn("Stopping {} failed: {}", closeable.getClass().getSimpleName(), e.getMessage());
            }
        }
    }
}
