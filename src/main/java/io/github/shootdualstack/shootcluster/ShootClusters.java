package io.github.shootdualstack.shootcluster;

import io.fabric8.kubernetes.api.model.Secret;
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

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.KeyManager;
import javax.net.ssl.TrustManager;

/**
 * Clients to shoot clusters, built from each Shoot's {@code <shoot>.kubeconfig} Secret read as data
 * ({@link ShootKubeconfig}): reused while the Secret is unchanged, rebuilt when it changes, closed
 * when no longer needed.
 */
public final class ShootClusters implements AutoCloseable {

    public static final String KUBECONFIG_KEY = "kubeconfig";
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
    private final Interceptor requestCounter;
    private final boolean allowInsecure;
    private final String userAgent;
    private final ResponseBounds bounds;
    private final Listing listing;
    private final Map<String, Connection> connections = new ConcurrentHashMap<>();

    /** A client built from one version of the kubeconfig Secret, and the watches it has open. */
    private record Connection(String secretVersion, KubernetesClient client, ShootWatches watches) implements AutoCloseable {

        @Override
        public void close() {
            watches.close();
            client.close();
        }
    }

    /**
     * @param requestCounter sees every request to a shoot cluster (for the metrics)
     * @param allowInsecure  accept shoot kubeconfigs with {@code insecure-skip-tls-verify: true} or a plain
     *                       {@code http} server (development only)
     */
    public ShootClusters(KubernetesClient garden, Interceptor requestCounter, boolean allowInsecure) {
        this(garden, requestCounter, allowInsecure, io.github.shootdualstack.garden.UserAgent.VALUE, DEFAULT_MAX_RESPONSE_BYTES);
    }

    /**
     * As above; the requests to the shoot clusters carry the User-Agent {@code userAgent}, and a response
     * (or an event of a watch) of more than {@code maxResponseBytes} is cut off and reported.
     */
    public ShootClusters(KubernetesClient garden, Interceptor requestCounter, boolean allowInsecure, String userAgent,
                         long maxResponseBytes) {
        this(garden, requestCounter, allowInsecure, userAgent, maxResponseBytes, RESPONSE_DEADLINE, Listing.DEFAULT);
    }

    /** As above, with the longest a response's body may take after its headers, and the bounds of a listing (smaller in tests). */
    ShootClusters(KubernetesClient garden, Interceptor requestCounter, boolean allowInsecure, String userAgent,
                  long maxResponseBytes, java.time.Duration responseDeadline, Listing listing) {
        this.garden = garden;
        this.listing = listing;
        this.bounds = new ResponseBounds(maxResponseBytes, responseDeadline);
        this.userAgent = userAgent;
        this.requestCounter = requestCounter;
        this.allowInsecure = allowInsecure;
    }

    /** The shoot cluster of a Shoot; throws {@link ShootAccessException} naming what is wrong. */
    public ShootCluster of(Shoot shoot) {
        String namespace = shoot.getMetadata().getNamespace();
        String secretName = shoot.getMetadata().getName() + ".kubeconfig";
        String secretRef = "Secret " + namespace + "/" + secretName;
        Secret secret;
        try {
            secret = garden.secrets().inNamespace(namespace).withName(secretName).get();
        } catch (KubernetesClientException e) {
            throw new ShootAccessException("could not read " + secretRef + ": " + Failures.kind(e), e);
        }
        if (secret == null) {
            throw new ShootAccessException(secretRef + " not found: it holds the shoot cluster's kubeconfig");
        }
        String key = namespace + "/" + shoot.getMetadata().getName();
        Connection connection = connections.get(key);
        String version = secret.getMetadata().getResourceVersion();
        if (connection == null || !connection.secretVersion().equals(version)) {
            WatchRefusals refusals = new WatchRefusals();
            KubernetesClient client = build(secret, secretRef, refusals);
            Connection previous = connections.put(key, new Connection(version, client, new ShootWatches(client, "Shoot " + key, refusals)));
            if (previous != null) {
                previous.close();
            }
            connection = connections.get(key);
        }
        return new Fabric8ShootCluster(connection.client(), "Shoot " + key, secretRef, connection.watches(), listing);
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

    private KubernetesClient build(Secret secret, String secretRef, WatchRefusals refusals) {
        String encoded = secret.getData() == null ? null : secret.getData().get(KUBECONFIG_KEY);
        String kubeconfig = encoded != null ? decode(encoded, secretRef)
                : secret.getStringData() == null ? null : secret.getStringData().get(KUBECONFIG_KEY);
        if (kubeconfig == null || kubeconfig.isBlank()) {
            throw new ShootAccessException(secretRef + " has no key \"" + KUBECONFIG_KEY + "\"");
        }
        Config config = ShootKubeconfig.clientConfig(kubeconfig, secretRef, allowInsecure);
        // fail fast: an unreachable shoot is reported and retried with back-off, not waited for here
        config.setConnectionTimeout(5_000);
        config.setRequestTimeout(10_000);
        config.setRequestRetryBackoffLimit(0);
        // watches as plain HTTP responses, which the response bounds see; a WebSocket's messages they would not
        config.setOnlyHttpWatches(true);
        // a watch that ends (refused, expired, cut off) is not asked for again by the client, but by the next
        // reconcile, unless it was refused for the credentials (ShootWatches, WatchRefusals)
        config.setWatchReconnectLimit(0);
        LOG.debug("Connecting to the shoot cluster at {} from {}", config.getMasterUrl(), secretRef);
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
            // the key or certificate did not load; the message names the Secret, never its content
            throw new ShootAccessException("the credentials in " + secretRef + " could not be used: "
                    + ShootAccessException.rootOf(e).getClass().getSimpleName() + " (check client-certificate-data, client-key-data and certificate-authority-data)");
        }
    }

    private static String decode(String encoded, String secretRef) {
        try {
            return new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new ShootAccessException(secretRef + " key \"" + KUBECONFIG_KEY + "\" is not valid base64");
        }
    }
}
