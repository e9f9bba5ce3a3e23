package io.github.shootdualstack.testing;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.AsyncBody;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.github.shootdualstack.garden.ClientKeys;
import io.github.shootdualstack.shoot.Shoot;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real Gardener garden for the {@code *IT} tests: Gardener's {@code test/start-envtest} (built from
 * source by {@code hack/gardener-envtest.sh}, its path the system property {@value #ENVTEST_PROPERTY})
 * runs kube-apiserver and etcd from {@value Kubectl#BINARIES_PROPERTY} and Gardener's own
 * gardener-apiserver, which serves Shoots as the typed, aggregated API a CRD garden only imitates:
 * its defaulting, validation and admission, its pruning of unknown fields.
 *
 * <p>Nothing reconciles there (no gardenlet, no controller manager, no extension). The garden gets
 * what admission needs for a Shoot of Gardener's provider-local example ({@link #prepareForShoots()},
 * see {@code src/test/resources/gardener/README.md}). The client records the warnings the API server
 * answers with ({@link #warnings()}). start-envtest's output goes to a log file that a failure to start
 * quotes.
 *
 * <p>kube-apiserver writes every request to an {@linkplain #audit() audit log}, those to Gardener's APIs
 * included (it proxies them to gardener-apiserver, which it registered as an APIService). start-envtest
 * takes no kube-apiserver flags; it runs {@code $KUBEBUILDER_ASSETS/kube-apiserver}, so it gets a folder of
 * its own where that is a wrapper adding the audit flags to the built binary's.
 */
public final class GardenerGarden implements AutoCloseable {

    public static final String ENVTEST_PROPERTY = "gardener.envtest";
    /** The namespace of Gardener's project {@code local}, where its example Shoot lives. */
    public static final String PROJECT_NAMESPACE = "garden-local";
    static final String ISSUER_ANNOTATION = "authentication.gardener.cloud/issuer";
    /** Where Gardener's module keeps the CRDs a seed has. */
    static final String SEED_CRDS = "example/seed-crds";
    private static final java.util.regex.Pattern SEED_CRD_FILE =
            java.util.regex.Pattern.compile("10-crd-(extensions\\.gardener\\.cloud|machine\\.sapcloud\\.io)_.*\\.yaml");

    private static final long START_SECONDS = 120;
    private static final long STOP_SECONDS = 30;
    private static final AtomicInteger INSTANCES = new AtomicInteger();
    private static GardenerGarden shared;

    /** A warning the API server answered a request with ({@code Warning: 299 - "…"}). */
    public record Warning(String request, String text) {
    }

    private static final String AUDIT_POLICY = """
            apiVersion: audit.k8s.io/v1
            kind: Policy
            omitStages: [RequestReceived]
            rules:
            - level: Metadata
            """;

    private final Process process;
    private final Path dir;
    private final Path kubeconfig;
    private final KubernetesClient client;
    private final List<Warning> warnings = new ArrayList<>();
    private final Path binary;
    private String gardenerVersion;
    private GardenerModule module;

    private GardenerGarden(Process process, Path binary, Path dir, Path kubeconfig, Config config) {
        this.process = process;
        this.dir = dir;
        this.binary = binary;
        this.kubeconfig = kubeconfig;
        this.client = new KubernetesClientBuilder().withConfig(config)
                .withHttpClientBuilderConsumer(builder -> builder.addOrReplaceInterceptor("warnings", new Interceptor() {
                    @Override
                    public void after(HttpRequest request, HttpResponse<?> response, AsyncBody.Consumer<List<ByteBuffer>> consumer) {
                        record(request, response.headers("Warning"));
                    }
                })).build();
    }

    /**
     * The garden the {@code *IT} classes share in one test JVM, prepared for Shoots: it starts on first
     * use and stops when the JVM exits. Tests keep apart by the names of their Shoots.
     */
    public static synchronized GardenerGarden shared() {
        if (shared == null) {
            GardenerGarden garden = start("garden");
            Runtime.getRuntime().addShutdownHook(new Thread(garden::close, "stop-gardener-garden"));
            garden.prepareForShoots();
            shared = garden;
        }
        return shared;
    }

    /** Starts start-envtest and waits until it has written its kubeconfig and Gardener's APIs answer. */
    public static GardenerGarden start(String name) {
        Path binary = envtest();
        Path dir = Path.of("target", "gardener-envtest", name + "-" + INSTANCES.incrementAndGet()).toAbsolutePath();
        Path kubeconfig = dir.resolve("admin.kubeconfig");
        Path log = dir.resolve("start-envtest.log");
        Process process;
        try {
            Files.createDirectories(dir);
            Files.deleteIfExists(kubeconfig);
            Path assets = auditedAssets(dir);
            ProcessBuilder builder = new ProcessBuilder(binary.toString(), "--environment-type=gardener", "--kubeconfig",
                    kubeconfig.toString()).redirectErrorStream(true).redirectOutput(log.toFile());
            builder.environment().put("KUBEBUILDER_ASSETS", assets.toString());
            process = builder.start();
        } catch (IOException e) {
            throw new IllegalStateException("could not start " + binary + ": " + e.getMessage(), e);
        }
        try {
            return new GardenerGarden(process, binary, dir, kubeconfig, awaitReady(process, kubeconfig, log));
        } catch (RuntimeException e) {
            stop(process);
            throw e;
        }
    }

    /**
     * The folder start-envtest takes as {@code KUBEBUILDER_ASSETS}: etcd and kubectl the built ones, kube-apiserver
     * a wrapper that runs the built one with start-envtest's flags and those of an audit log ({@code audit.log}
     * in {@code dir}, JSON, every request at level Metadata, as {@link RealApiServer} writes it).
     */
    private static Path auditedAssets(Path dir) throws IOException {
        Path binaries = Kubectl.binaries();
        Path assets = dir.resolve("assets");
        if (Files.exists(assets)) {
            try (var old = Files.list(assets)) {
                for (Path file : old.toList()) {
                    Files.delete(file);
                }
            }
        }
        Files.createDirectories(assets);
        Files.createSymbolicLink(assets.resolve("etcd"), binaries.resolve("etcd"));
        Files.createSymbolicLink(assets.resolve("kubectl"), binaries.resolve("kubectl"));
        Files.writeString(dir.resolve("audit-policy.yaml"), AUDIT_POLICY);
        Files.deleteIfExists(dir.resolve("audit.log"));
        Path wrapper = assets.resolve("kube-apiserver");
        Files.writeString(wrapper, """
                #!/usr/bin/env bash
                # start-envtest's flags, and an audit log of every request (those gardener-apiserver answers too)
                exec "%s" "$@" --audit-policy-file "%s" --audit-log-path "%s" --audit-log-format json
                """.formatted(binaries.resolve("kube-apiserver"), dir.resolve("audit-policy.yaml"), dir.resolve("audit.log")));
        Files.setPosixFilePermissions(wrapper, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        return assets;
    }

    /**
     * Every request kube-apiserver has answered so far, by its audit log: Gardener's kinds (Shoots,
     * {@code shoots/status}, {@code shoots/adminkubeconfig}) as well, which it proxies to gardener-apiserver.
     */
    public AuditLog audit() {
        return AuditLog.read(dir.resolve("audit.log"));
    }

    /** A client with every right ({@code system:masters}); closed with the garden. */
    public KubernetesClient client() {
        return client;
    }

    /** The admin kubeconfig start-envtest wrote (it removes it when it stops). */
    public Path kubeconfig() {
        return kubeconfig;
    }

    /** kube-apiserver's {@code /version}, e.g. {@code v1.34.4}. */
    public String version() {
        return client.getKubernetesVersion().getGitVersion();
    }

    /**
     * The Gardener release gardener-apiserver was built from, e.g. {@code v1.138.0}, by the binary's build
     * information: the server's own {@code /version} names no release (the build stamps none).
     */
    public synchronized String gardenerVersion() {
        if (gardenerVersion == null) {
            gardenerVersion = GardenerModule.builtFrom(binary);
        }
        return gardenerVersion;
    }

    /** Gardener's module at the version start-envtest was built from. */
    public synchronized GardenerModule module() {
        if (module == null) {
            module = GardenerModule.download(gardenerVersion().substring(1));
        }
        return module;
    }

    /**
     * Applies what Gardener's admission needs for a Shoot of its provider-local example, in the order
     * of {@code src/test/resources/gardener/README.md}: the CloudProfile {@code local}, the project
     * {@code local} with its namespace, credentials and CredentialsBinding (Gardener's own manifests),
     * then the ControllerRegistrations of the test resources.
     */
    public void prepareForShoots() {
        for (String file : List.of("dev-setup/gardenconfig/components/cloudprofile/cloudprofile.yaml",
                "dev-setup/gardenconfig/components/projects/local/namespace.yaml",
                "dev-setup/gardenconfig/components/projects/local/project.yaml",
                "dev-setup/gardenconfig/components/credentials/secret-project-local/secret.yaml",
                "dev-setup/gardenconfig/components/credentials/secret-project-local/credentialsbinding.yaml")) {
            try (InputStream in = Files.newInputStream(module().file(file))) {
                client.load(in).serverSideApply();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        for (String resource : List.of("/gardener/controllerregistration-provider-local.yaml",
                "/gardener/controllerregistration-networking-calico.yaml")) {
            try (InputStream in = GardenerGarden.class.getResourceAsStream(resource)) {
                client.load(in).serverSideApply();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /**
     * Installs Gardener's own seed CRDs of the kinds the operator and the local extensions read and write,
     * read at run time from the module's {@code example/seed-crds/}: every {@code extensions.gardener.cloud}
     * kind (Infrastructure, ControlPlane, Network, Worker, Cluster and the rest) and every
     * {@code machine.sapcloud.io} kind (MachineDeployment and its MachineSets, Machines, MachineClasses), with
     * their structural schemas, which prune what they do not name. Waits until each is served; returns
     * the names of the CRDs. Installing them again changes nothing.
     */
    public List<String> installSeedCrds() {
        List<Path> files;
        try (var listing = Files.list(module().dir().resolve(SEED_CRDS))) {
            files = listing.filter(file -> SEED_CRD_FILE.matcher(file.getFileName().toString()).matches()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("could not list " + SEED_CRDS + " of Gardener's module", e);
        }
        if (files.isEmpty()) {
            throw new IllegalStateException("Gardener v" + module().version() + " has no extension or machine CRDs in " + SEED_CRDS);
        }
        List<CustomResourceDefinition> installed = new ArrayList<>();
        for (Path file : files) {
            try (InputStream in = Files.newInputStream(file)) {
                CustomResourceDefinition crd = client.apiextensions().v1().customResourceDefinitions().load(in).item();
                installed.add(client.apiextensions().v1().customResourceDefinitions().resource(crd).forceConflicts().serverSideApply());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        for (CustomResourceDefinition crd : installed) {
            awaitEstablished(crd.getMetadata().getName());
        }
        return installed.stream().map(crd -> crd.getMetadata().getName()).toList();
    }

    private void awaitEstablished(String name) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            CustomResourceDefinition crd = client.apiextensions().v1().customResourceDefinitions().withName(name).get();
            if (crd != null && crd.getStatus() != null && crd.getStatus().getConditions().stream()
                    .anyMatch(c -> "Established".equals(c.getType()) && "True".equals(c.getStatus()))) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("CRD " + name + " was not Established in 30 s");
            }
            sleep(100);
        }
    }

    /**
     * Creates Gardener's example Shoot ({@code example/provider-local/shoot.yaml}) under this name in
     * {@value #PROJECT_NAMESPACE}, without its annotation {@value #ISSUER_ANNOTATION} (a managed issuer
     * is not supported in this garden), and returns it as the API server stored it (defaulted).
     */
    public Shoot createExampleShoot(String name) {
        GenericKubernetesResource example;
        try (InputStream in = Files.newInputStream(module().file("example/provider-local/shoot.yaml"))) {
            example = client.getKubernetesSerialization().unmarshal(in, GenericKubernetesResource.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        example.getMetadata().setName(name);
        example.getMetadata().getAnnotations().remove(ISSUER_ANNOTATION);
        client.resource(example).create();
        return client.resources(Shoot.class).inNamespace(PROJECT_NAMESPACE).withName(name).require();
    }

    /**
     * What gardener-apiserver needs to answer {@code shoots/adminkubeconfig} of this Shoot, as gardenlet keeps
     * it (pkg/apiserver/registry/core/shoot/storage/kubeconfig.go): the InternalSecret {@code <shoot>.ca-client}
     * (the CA that signs the kubeconfigs' client certificates; its key in PKCS#1 form), the ConfigMap
     * {@code <shoot>.ca-cluster} (the CA of the shoot API server's serving certificate) and, on the Shoot's
     * status, {@code advertisedAddresses: [{name: external, url}]}.
     */
    public void prepareShootAccess(String shoot, TestCa clientCa, String clusterCaPem, String url) {
        GenericKubernetesResource caClient = new GenericKubernetesResource();
        caClient.setApiVersion("core.gardener.cloud/v1beta1");
        caClient.setKind("InternalSecret");
        caClient.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withNamespace(PROJECT_NAMESPACE)
                .withName(shoot + ".ca-client").build());
        caClient.setAdditionalProperty("data", java.util.Map.of("ca.crt", base64(clientCa.certificatePem()),
                "ca.key", base64(clientCa.keyPem())));
        client.resource(caClient).create();
        client.configMaps().inNamespace(PROJECT_NAMESPACE).resource(new io.fabric8.kubernetes.api.model.ConfigMapBuilder()
                .withNewMetadata().withNamespace(PROJECT_NAMESPACE).withName(shoot + ".ca-cluster").endMetadata()
                .withData(java.util.Map.of("ca.crt", clusterCaPem)).build()).create();
        client.genericKubernetesResources("core.gardener.cloud/v1beta1", "Shoot").inNamespace(PROJECT_NAMESPACE).withName(shoot)
                .editStatus(stored -> {
                    @SuppressWarnings("unchecked")
                    java.util.Map<String, Object> status = stored.getAdditionalProperties().get("status") instanceof java.util.Map<?, ?> map
                            ? new java.util.LinkedHashMap<>((java.util.Map<String, Object>) map) : new java.util.LinkedHashMap<>();
                    status.put("advertisedAddresses", List.of(java.util.Map.of("name", "external", "url", url)));
                    stored.setAdditionalProperty("status", status);
                    return stored;
                });
    }

    /** Every warning the API server has answered this garden's client with so far, oldest first. */
    public synchronized List<Warning> warnings() {
        return List.copyOf(warnings);
    }

    @Override
    public void close() {
        client.close();
        stop(process);
    }

    private synchronized void record(HttpRequest request, List<String> headers) {
        if (headers != null) {
            for (String header : headers) {
                warnings.add(new Warning(request.method() + " " + request.uri().getPath(), text(header)));
            }
        }
    }

    /** The text of a warning header, {@code 299 - "unknown field \"status.x\""} giving {@code unknown field "status.x"}. */
    static String text(String header) {
        int open = header.indexOf('"');
        if (open < 0 || !header.endsWith("\"") || header.length() - 1 <= open) {
            return header;
        }
        return header.substring(open + 1, header.length() - 1).replace("\\\"", "\"").replace("\\\\", "\\");
    }

    private static String base64(String text) {
        return java.util.Base64.getEncoder().encodeToString(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private static Path envtest() {
        String path = System.getProperty(ENVTEST_PROPERTY);
        if (path == null || !Files.isExecutable(Path.of(path))) {
            throw new IllegalStateException("Gardener's start-envtest, built from source, is needed and was not found at " + path
                    + " (system property " + ENVTEST_PROPERTY + "): run hack/gardener-envtest.sh, or mvn verify, which runs it");
        }
        return Path.of(path);
    }

    /** Waits for the kubeconfig (written once everything is ready) and for Gardener's core API to answer through it. */
    private static Config awaitReady(Process process, Path kubeconfig, Path log) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_SECONDS);
        String waitingFor = "start-envtest to write " + kubeconfig;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Gardener's start-envtest exited with code " + process.exitValue()
                        + " while waiting for " + waitingFor + "; " + tail(log));
            }
            if (Files.exists(kubeconfig)) {
                waitingFor = "core.gardener.cloud/v1beta1 to answer";
                try {
                    // envtest's client key is EC in PKCS#8 form ("BEGIN PRIVATE KEY"), which fabric8 alone reads as RSA
                    Config config = ClientKeys.setAlgorithm(Config.fromKubeconfig(Files.readString(kubeconfig)));
                    try (KubernetesClient probe = new KubernetesClientBuilder().withConfig(config).build()) {
                        if (probe.raw("/apis/core.gardener.cloud/v1beta1") != null) {
                            return config;
                        }
                    }
                } catch (IOException | RuntimeException e) {
                    Throwable cause = e;
                    while (cause.getCause() != null) {
                        cause = cause.getCause(); // fabric8's own message is "An error has occurred."
                    }
                    waitingFor = "core.gardener.cloud/v1beta1 to answer (last: " + cause + ")";
                }
            }
            sleep(250);
        }
        throw new IllegalStateException("Gardener's garden was not ready in " + START_SECONDS + " s: waited for " + waitingFor
                + "; " + tail(log));
    }

    /** SIGTERM (start-envtest then stops kube-apiserver and etcd), SIGKILL after {@value #STOP_SECONDS} s. */
    private static void stop(Process process) {
        List<ProcessHandle> started = process.descendants().toList();
        process.destroy();
        try {
            if (!process.waitFor(STOP_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        // kube-apiserver and etcd outlive a start-envtest that had to be killed
        started.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }

    /** The last lines of start-envtest's log, each cut short (Go stack traces are long), for a failure message. */
    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            if (lines.isEmpty()) {
                return "its log " + log + " is empty";
            }
            List<String> last = lines.subList(Math.max(0, lines.size() - 15), lines.size());
            return "its log " + log + " ends with:\n" + String.join("\n",
                    last.stream().map(line -> line.length() > 300 ? line.substring(0, 300) + " …" : line).toList());
        } catch (IOException | UncheckedIOException e) {
            return "its log " + log + " could not be read: " + e.getMessage();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for Gardener's garden to start", e);
        }
    }
}
