package io.github.shootdualstack.shootcluster;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.fabric8.kubernetes.client.internal.SSLUtils;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import io.github.shootdualstack.shoot.Shoot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.KeyManager;
import javax.net.ssl.TrustManager;

/**
 * Clients to shoot clusters, built from each Shoot's kubeconfig read as data ({@link ShootKubeconfig})
 * and got the way {@link ShootAccess} says ({@link ShootKubeconfigs}): from its {@code <shoot>.kubeconfig}
 * Secret, reused while the Secret is unchanged, or from {@code shoots/adminkubeconfig}, reused until it
 * is due for renewal; rebuilt with a new kubeconfig, closed when no longer needed.
 */
public final class ShootClusters implements AutoCloseable {
    /** The most bytes of one response from a shoot API server, unless the operator is told otherwise. */
    public static final long DEFAULT_MAX_RESPONSE_BYTES = 4L * 1024 * 1024;
    /** The longest the body of one response from a shoot API server takes after its headers. */
    static final java.time.Duration RESPONSE_DEADLINE = java.time.Duration.ofSeconds(30);
    // the JDK client of a shoot follows no redirect: fabric8 would follow one to any host, from https to http, with the credentials
    private static final HttpClient.Factory NO_REDIRECTS = new JdkHttpClientFactory() {
        @Override
        protected void additionalConfig(java.net.http.HttpClient.Builder builder) {
            builder.followRedirects(java.net.http.HttpClient.Redirect.NEVER);
        }
    };
    private static final Logger LOG = LoggerFactory.getLogger(ShootClusters.class);

    private final KubernetesClient garden;
    private final ShootAccess access;
    private final Clock clock;
    private final Interceptor requestCounter;
    private final boolean allowInsecure;
    private final String userAgent;
    private final ResponseBounds bounds;
    private final Listing listing;
    private final Map<String, Connection> connections = new ConcurrentHashMap<>();
    // the way into shoot clusters, once decided (for --shoot-access=auto, by the garden, on first need)
    private volatile ShootKubeconfigs kubeconfigs;

    /** A client built from one version of a Shoot's kubeconfig, where that came from, and the watches it has open. */
    private record Connection(ShootKubeconfigs.Version version, String origin, KubernetesClient client, ShootWatches watches)
            implements AutoCloseable {

        @Override
        public void close() {
            watches.close();
            client.close();
        }
    }

    /**
     * Clients from each Shoot's {@code <shoot>.kubeconfig} Secret.
     *
     * @param requestCounter sees every request to a shoot cluster (for the metrics)
     * @param allowInsecure  accept shoot kubeconfigs with {@code insecure-skip-tls-verify: true} or a plain
     *                       {@code http} server (development only)
     */
    public ShootClusters(KubernetesClient garden, Interceptor requestCounter, boolean allowInsecure) {
        this(garden, ShootAccess.SECRET, Clock.systemUTC(), requestCounter, allowInsecure,
                io.github.shootdualstack.garden.UserAgent.VALUE, DEFAULT_MAX_RESPONSE_BYTES);
    }

    /**
     * As above, with the kubeconfigs got as {@code access} says (a short-lived one renewed by {@code
     * clock}); the requests to the shoot clusters carry the User-Agent {@code userAgent}, and a response
     * (or an event of a watch) of more than {@code maxResponseBytes} is cut off and reported.
     */
    public ShootClusters(KubernetesClient garden, ShootAccess access, Clock clock, Interceptor requestCounter, boolean allowInsecure,
                         String userAgent, long maxResponseBytes) {
        this(garden, access, clock, requestCounter, allowInsecure, userAgent, maxResponseBytes, RESPONSE_DEADLINE, Listing.DEFAULT);
    }

    /** As above, with the longest a response's body may take after its headers, and the bounds of a listing (smaller in tests). */
    ShootClusters(KubernetesClient garden, ShootAccess access, Clock clock, Interceptor requestCounter, boolean allowInsecure,
                  String userAgent, long maxResponseBytes, java.time.Duration responseDeadline, Listing listing) {
        this.garden = garden;
        this.access = access;
        this.clock = clock;
        this.listing = listing;
        this.bounds = new ResponseBounds(maxResponseBytes, responseDeadline);
        this.userAgent = userAgent;
        this.requestCounter = requestCounter;
        this.allowInsecure = allowInsecure;
    }

    /** The shoot cluster of a Shoot; throws {@link ShootAccessException} naming what is wrong. */
    public ShootCluster of(Shoot shoot) {
        String key = shoot.getMetadata().getNamespace() + "/" + shoot.getMetadata().getName();
        Connection connection = connections.get(key);
        ShootKubeconfigs.Kubeconfig fresh = kubeconfigs().kubeconfig(shoot, connection == null ? null : connection.version());
        if (fresh != null) {
            WatchRefusals refusals = new WatchRefusals();
            KubernetesClient client = build(fresh, refusals);
            connection = new Connection(fresh.version(), fresh.origin(), client, new ShootWatches(client, "Shoot " + key, refusals));
            Connection previous = connections.put(key, connection);
            if (previous != null) {
                previous.close();
            }
        }
        return new Fabric8ShootCluster(connection.client(), "Shoot " + key, connection.origin(), connection.watches(), listing);
    }

    /**
     * The way into shoot clusters: the one {@code --shoot-access} names, or for {@code auto} the one of
     * this garden, asked once, when a shoot cluster is first needed (an idle operator asks nothing).
     */
    private ShootKubeconfigs kubeconfigs() {
        ShootKubeconfigs chosen = kubeconfigs;
        if (chosen != null) {
            return chosen;
        }
        synchronized (this) {
            if (kubeconfigs == null) {
                ShootAccess way;
                try {
                    way = access.in(garden);
                } catch (KubernetesClientException e) {
                    throw new ShootAccessException("could not tell how to reach shoot clusters (--shoot-access=auto): the garden's"
                            + " discovery of core.gardener.cloud/v1beta1 failed: " + Failures.kind(e), e);
                }
                kubeconfigs = way.kubeconfigs(garden, clock);
                LOG.info("Shoot clusters are reached with {}{}", kubeconfigs.describe(),
                        access == ShootAccess.AUTO ? " (--shoot-access=auto: the garden " + (way == ShootAccess.ADMINKUBECONFIG
                                ? "serves shoots/adminkubeconfig)" : "does not serve shoots/adminkubeconfig)") : "");
            }
            return kubeconfigs;
        }
    }

    /** Closes the client of a Shoot that no longer needs one, and its watches. */
    public void release(String namespace, String name) {
        Connection connection = connections.remove(namespace + "/" + name);
        if (connection != null) {
            connection.close();
        }
    }

    /** Closes the clients of every Shoot not in {@code shootKeys} ({@code namespace/name}). */
    public void retainOnly(java.util.Set<String> shootKeys) {
        for (String key : java.util.List.copyOf(connections.keySet())) {
            if (!shootKeys.contains(key)) {
                Connection gone = connections.remove(key);
                if (gone != null) {
                    gone.close();
                }
            }
        }
    }

    public int open() {
        return connections.size();
    }

    @Override
    public void close() {
        connections.values().forEach(Connection::close);
        connections.clear();
    }

    private KubernetesClient build(ShootKubeconfigs.Kubeconfig kubeconfig, WatchRefusals refusals) {
        String origin = kubeconfig.origin();
        Config config = ShootKubeconfig.clientConfig(kubeconfig.text(), origin, allowInsecure);
        // fail fast: an unreachable shoot is reported and retried with back-off, not waited for here
        config.setConnectionTimeout(5_000);
        config.setRequestTimeout(10_000);
        config.setRequestRetryBackoffLimit(0);
        // watches as plain HTTP responses, which the response bounds see; a WebSocket's messages they would not
        config.setOnlyHttpWatches(true);
        // a watch that ends (refused, expired, cut off) is not asked for again by the client, but by the next
        // reconcile, unless it was refused for the credentials (ShootWatches, WatchRefusals)
        config.setWatchReconnectLimit(0);
        LOG.debug("Connecting to the shoot cluster at {} from {}", config.getMasterUrl(), origin);
        try {
            TrustManager[] trust = ShootKubeconfig.trustManagers(config);
            KeyManager[] keys = trust == null ? null : SSLUtils.keyManagers(config);
            return new KubernetesClientBuilder().withConfig(config).withHttpClientFactory(NO_REDIRECTS)
                    .withHttpClientBuilderConsumer(b -> {
                        b.addOrReplaceInterceptor("bounds", bounds)
                                .addOrReplaceInterceptor("watch-refusals", refusals)
                                .addOrReplaceInterceptor("metrics", requestCounter)
                                .addOrReplaceInterceptor("user-agent", io.github.shootdualstack.garden.UserAgent.interceptor(userAgent))
                                // straight to the shoot's server: no proxy from the operator's JVM settings
                                .proxyType(HttpClient.ProxyType.DIRECT);
                        if (trust != null) {
                            b.sslContext(keys, trust);
                        }
                    }).build();
        } catch (RuntimeException | java.security.GeneralSecurityException | java.io.IOException e) {
            // the key or certificate did not load; the message names where the kubeconfig came from, never its content
            throw new ShootAccessException("the credentials in " + origin + " could not be used: "
                    + ShootAccessException.rootOf(e).getClass().getSimpleName() + " (check client-certificate-data, client-key-data and certificate-authority-data)");
        }
    }
}
