package io.github.shootdualstack.testing;

import io.fabric8.kubeapitest.KubeAPIServer;
import io.fabric8.kubeapitest.KubeAPIServerConfigBuilder;
import io.fabric8.kubeapitest.cert.CertManager;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A real kube-apiserver with its etcd, built from source by {@code hack/kube-binaries.sh} and run by
 * {@code io.fabric8:kube-api-test}, for the {@code *IT} tests: it enforces what the mock cannot (the
 * CRD's schema and CEL rules, server-side apply, RBAC, event validation, Leases).
 *
 * <p>Each server has a folder of its own under {@code target/kube-api-test} (certificates, the
 * audit log) that holds two small wrappers around the built binaries: kube-api-test starts etcd on
 * every interface and gives kube-apiserver a fixed IPv4 service range, and a shoot's API server needs
 * the shoot's own ranges and nothing but loopback. Every request is written to an
 * {@linkplain #audit() audit log}, so a test can count what a client asked of the server.
 */
public final class RealApiServer implements AutoCloseable {

    private static final AtomicInteger INSTANCES = new AtomicInteger();
    private static final String AUDIT_POLICY = """
            apiVersion: audit.k8s.io/v1
            kind: Policy
            omitStages: [RequestReceived]
            rules:
            - level: Metadata
            """;

    private final Path dir;
    private final KubeAPIServer server;
    private final Config config;
    private final KubernetesClient client;

    private RealApiServer(Path dir, KubeAPIServer server, Config config) {
        this.dir = dir;
        this.server = server;
        this.config = config;
        this.client = new KubernetesClientBuilder().withConfig(config).build();
    }

    /** A server with kube-api-test's service range. */
    public static RealApiServer start(String name) {
        return start(name, List.of("10.0.0.0/24"));
    }

    /** A server whose Services get cluster IPs from these ranges (two for a dual-stack cluster). */
    public static RealApiServer start(String name, List<String> serviceRanges) {
        return start(name, serviceRanges, null);
    }

    /**
     * As above; client certificates signed by {@code clientCaPem} are trusted too (a shoot's API server
     * trusts its Shoot's {@code ca-client}, by which Gardener signs the certificates of admin kubeconfigs),
     * beside kube-api-test's own admin certificate; {@code null} for none.
     */
    public static RealApiServer start(String name, List<String> serviceRanges, String clientCaPem) {
        Path binaries = Kubectl.binaries();
        String version = System.getProperty("kube.version", binaries.getFileName().toString().replaceFirst("-.*", ""));
        Path dir = Path.of("target", "kube-api-test", name + "-" + INSTANCES.incrementAndGet()).toAbsolutePath();
        try {
            deleteRecursively(dir);
            Path wrapped = Files.createDirectories(dir.resolve("k8s").resolve(binaries.getFileName()));
            Files.createSymbolicLink(wrapped.resolve("kubectl"), binaries.resolve("kubectl"));
            writeScript(wrapped.resolve("etcd"), """
                    #!/usr/bin/env bash
                    # etcd on loopback only (kube-api-test asks for every interface)
                    exec "%s" "${@//0.0.0.0/127.0.0.1}"
                    """.formatted(binaries.resolve("etcd")));
            writeScript(wrapped.resolve("kube-apiserver"), """
                    #!/usr/bin/env bash
                    # this server's service ranges instead of kube-api-test's fixed one; etcd on loopback;
                    # client certificates of kube-api-test's client CA and of this server's extra one
                    args=()
                    while [ $# -gt 0 ]; do
                      case "$1" in
                        --service-cluster-ip-range) args+=("$1" "%s"); shift 2 ;;
                        --client-ca-file) { cat "$2"; echo; cat "%s"; } > "%s"; args+=("$1" "%s"); shift 2 ;;
                        --etcd-servers) args+=("$1" "${2//0.0.0.0/127.0.0.1}"); shift 2 ;;
                        *) args+=("$1"); shift ;;
                      esac
                    done
                    exec "%s" "${args[@]}"
                    """.formatted(String.join(",", serviceRanges), dir.resolve("extra-client-ca.crt"), dir.resolve("client-ca-bundle.crt"),
                    dir.resolve("client-ca-bundle.crt"), binaries.resolve("kube-apiserver")));
            Files.writeString(dir.resolve("audit-policy.yaml"), AUDIT_POLICY);
            Files.writeString(dir.resolve("extra-client-ca.crt"), clientCaPem == null ? "" : clientCaPem);
        } catch (IOException e) {
            throw new UncheckedIOException("could not prepare " + dir, e);
        }
        KubeAPIServer server = new KubeAPIServer(KubeAPIServerConfigBuilder.anAPIServerConfig()
                .withTestDir(dir.toString())
                .withApiServerVersion(version)
                .withOfflineMode(true)
                .withStartupTimeout(180_000)
                .withApiServerFlag("--bind-address", "127.0.0.1")
                .withApiServerFlag("--advertise-address", "127.0.0.1")
                .withApiServerFlag("--audit-policy-file", dir.resolve("audit-policy.yaml").toString())
                .withApiServerFlag("--audit-log-path", dir.resolve("audit.log").toString())
                .withApiServerFlag("--audit-log-format", "json")
                .build());
        server.start();
        Config config = Config.fromKubeconfig(server.getKubeConfigYaml());
        return new RealApiServer(dir, server, config);
    }

    /** A client with every right ({@code system:masters}); closed with the server. */
    public KubernetesClient client() {
        return client;
    }

    /** A copy of the admin client configuration, for a client of one's own. */
    public Config config() {
        return new io.fabric8.kubernetes.client.ConfigBuilder(config).build();
    }

    /** A configuration that acts as the given ServiceAccount, as a pod running under it would. */
    public Config configAs(String namespace, String serviceAccount) {
        Config as = config();
        as.setImpersonateUsername("system:serviceaccount:" + namespace + ":" + serviceAccount);
        as.setImpersonateGroups("system:serviceaccounts", "system:serviceaccounts:" + namespace, "system:authenticated");
        return as;
    }

    /** The server's {@code /version}, e.g. {@code v1.34.4}. */
    public String version() {
        return client.getKubernetesVersion().getGitVersion();
    }

    public String url() {
        return config.getMasterUrl();
    }

    /** A kubeconfig with the admin credentials and the server's CA inline (no file references). */
    public String kubeconfig(String name) {
        CertManager certs = new CertManager(dir.toString());
        Map<String, Object> cluster = new LinkedHashMap<>();
        cluster.put("server", url());
        cluster.put("certificate-authority-data", base64(Path.of(certs.getAPIServerCertPath())));
        Map<String, Object> user = new LinkedHashMap<>();
        user.put("client-certificate-data", base64(Path.of(certs.getClientCertPath())));
        user.put("client-key-data", base64(Path.of(certs.getClientKeyPath())));
        Map<String, Object> kubeconfig = new LinkedHashMap<>();
        kubeconfig.put("apiVersion", "v1");
        kubeconfig.put("kind", "Config");
        kubeconfig.put("clusters", List.of(Map.of("name", name, "cluster", cluster)));
        kubeconfig.put("users", List.of(Map.of("name", name, "user", user)));
        kubeconfig.put("contexts", List.of(Map.of("name", name, "context", Map.of("cluster", name, "user", name))));
        kubeconfig.put("current-context", name);
        return Serialization.asYaml(kubeconfig);
    }

    /** The CA of the server's serving certificate (kube-api-test's is self-signed), PEM. */
    public String servingCaPem() {
        try {
            return Files.readString(Path.of(new CertManager(dir.toString()).getAPIServerCertPath()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@link #kubeconfig} written to a file in the server's folder, for kubectl and Helm. */
    public Path kubeconfigFile() {
        Path file = dir.resolve("admin.kubeconfig");
        try {
            Files.writeString(file, kubeconfig("admin"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    /** Every request the server has answered so far. */
    public AuditLog audit() {
        return AuditLog.read(dir.resolve("audit.log"));
    }

    @Override
    public void close() {
        client.close();
        server.stop();
    }

    private static String base64(Path file) {
        try {
            return Base64.getEncoder().encodeToString(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void writeScript(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
