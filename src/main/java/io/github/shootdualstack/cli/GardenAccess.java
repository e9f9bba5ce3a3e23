package io.github.shootdualstack.cli;

import com.fasterxml.jackson.core.JacksonException;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.NamedContext;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.http.HttpStatusMessage;
import io.fabric8.kubernetes.client.internal.CertUtils;
import io.fabric8.kubernetes.client.internal.SSLUtils;
import io.fabric8.kubernetes.client.utils.Utils;
import io.github.shootdualstack.garden.ClientKeys;
import io.github.shootdualstack.garden.ExtensionKind;
import io.github.shootdualstack.garden.UserAgent;
import io.github.shootdualstack.shoot.Shoot;
import io.github.shootdualstack.shootcluster.Failures;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

import java.io.File;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.function.Supplier;

/**
 * The garden a command reads: its client configuration ({@code --kubeconfig}, else {@code KUBECONFIG},
 * {@code ~/.kube/config} or the in-cluster config), with the client key's algorithm read from the key;
 * and, when the garden cannot be read, the one line that says so: its URL, where its configuration
 * came from, and what is wrong. Never a stack trace, never a credential.
 */
final class GardenAccess {

    /** The exit code of a command whose garden cannot be read. */
    static final int UNREADABLE = 3;
    private static final int MAX_ANSWER = 300;

    /** The garden cannot be read; the message is the line a user sees. */
    static final class Unreadable extends RuntimeException {
        Unreadable(String line) {
            super(line, null, false, false);
        }
    }

    private final Config config;
    /** Where the configuration came from ("kubeconfig /home/me/.kube/config", "in-cluster config"), or null. */
    private final String source;

    private GardenAccess(Config config, String source) {
        this.config = config;
        this.source = source;
    }

    /** The garden of {@code config} as it is (the tests hand one over). */
    static GardenAccess given(Config config) {
        return new GardenAccess(config, null);
    }

    /**
     * The garden of the kubeconfig {@code kubeconfig}, else of {@code KUBECONFIG}, {@code ~/.kube/config}
     * or the in-cluster config, checked as far as it can be without a request: its files, its client
     * key, certificate and CA.
     *
     * @throws Unreadable naming what is wrong
     */
    static GardenAccess of(Path kubeconfig) {
        if (kubeconfig != null) {
            String source = "kubeconfig " + path(kubeconfig.toString());
            // read from the file, so that paths in it are taken relative to its folder, as kubectl takes them
            return checked(load(() -> Config.fromKubeconfig(kubeconfig.toFile()), source), source);
        }
        String named = Utils.getSystemPropertyOrEnvVar(Config.KUBERNETES_KUBECONFIG_FILE);
        List<String> files = Config.getKubeconfigFilenames().stream().filter(file -> new File(file).isFile()).toList();
        if (named != null && !named.isBlank() && files.isEmpty()) {
            throw new Unreadable("could not read the garden: KUBECONFIG names " + path(named)
                    + (named.contains(File.pathSeparator) ? ", none of them a readable file" : ", which is not a readable file"));
        }
        boolean inCluster = Utils.getSystemPropertyOrEnvVar(Config.KUBERNETES_SERVICE_HOST_PROPERTY) != null;
        if (files.isEmpty() && !inCluster && Utils.getSystemPropertyOrEnvVar(Config.KUBERNETES_MASTER_SYSTEM_PROPERTY) == null) {
            throw new Unreadable("could not read the garden: no kubeconfig (KUBECONFIG is not set and "
                    + path(Config.getKubeconfigFilenames().iterator().next()) + " does not exist) and no in-cluster config (not in a pod)");
        }
        String source = files.isEmpty() ? "in-cluster config" : "kubeconfig " + path(String.join(File.pathSeparator, files));
        return checked(load(() -> Config.autoConfigure(null), source), source);
    }

    Config config() {
        return config;
    }

    /** A client of the garden whose requests carry the User-Agent {@code agent}. */
    KubernetesClient client(String agent) {
        try {
            return UserAgent.client(config, agent);
        } catch (KubernetesClientException e) {
            throw unreadable(e);
        }
    }

    /**
     * Requests that fail are not tried again: a command that only looks says at once, as kubectl does,
     * that the garden cannot be read (fabric8 would retry for about 20 s).
     */
    GardenAccess withoutRetries() {
        config.setRequestRetryBackoffLimit(0);
        return this;
    }

    /**
     * Lists the Shoots (one of them) in each of {@code namespaces}, or in all, and the resources of each
     * of {@code extensions} in all, once: the garden answers, takes the credentials and lets them read
     * what the operator is about to watch. Not tried again: the restart of the operator's pod is the retry.
     *
     * @throws Unreadable naming what is wrong
     */
    void checkWatched(Collection<String> namespaces, Collection<ExtensionKind> extensions) {
        int retries = config.getRequestRetryBackoffLimit();
        config.setRequestRetryBackoffLimit(0);
        var one = new ListOptionsBuilder().withLimit(1L).build();
        try (KubernetesClient client = client(UserAgent.VALUE)) {
            for (String namespace : namespaces.isEmpty() ? Arrays.asList((String) null) : namespaces) {
                var shoots = client.resources(Shoot.class);
                (namespace == null ? shoots.inAnyNamespace() : shoots.inNamespace(namespace)).list(one);
            }
            for (ExtensionKind kind : extensions) {
                kind.in(client).inAnyNamespace().list(one);
            }
        } catch (KubernetesClientException e) {
            throw unreadable(e);
        } finally {
            config.setRequestRetryBackoffLimit(retries);
        }
    }

    /** The line for a failure to read the garden: its URL, the configuration's source, what went wrong. */
    Unreadable unreadable(Throwable failure) {
        return new Unreadable(prefix() + problem(failure));
    }

    private String prefix() {
        return "could not read the garden at " + config.getMasterUrl() + (source == null ? "" : " (" + source + ")") + ": ";
    }

    private String problem(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof KubernetesClientException k && k.getCode() > 0) {
                String status = "HTTP " + k.getCode() + " " + HttpStatusMessage.getMessageForStatus(k.getCode());
                if (k.getCode() == 401) {
                    return status + ": the garden did not accept the credentials" + (user() == null ? "" : " of " + user());
                }
                if (k.getCode() == 404 && k.getName() == null && k.getResourcePlural() != null) {
                    // a list of a kind the garden does not serve
                    return status + ": the garden serves no " + k.getResourcePlural() + " of "
                            + (k.getGroup() == null ? "" : k.getGroup() + "/") + k.getVersion();
                }
                String answer = k.getStatus() == null ? null : k.getStatus().getMessage();
                return answer == null || answer.isBlank() ? status : status + ": " + oneLine(answer);
            }
        }
        String kind = Failures.kind(failure);
        if (Failures.tlsRefused(failure)) {
            return kind + " (the server's certificate is not signed by " + (config.getCaCertData() != null
                    ? "the CA in " + cluster("certificate-authority-data") : config.getCaCertFile() != null
                    ? "the CA in " + cluster("certificate-authority") + " " + path(config.getCaCertFile()) : "a CA the JVM trusts") + ")";
        }
        Throwable root = rootOf(failure);
        return kind.equals(root.getClass().getSimpleName()) && root.getMessage() != null ? kind + ": " + oneLine(root.getMessage()) : kind;
    }

    /** The configuration, checked: the client key's algorithm set from the key, the key, certificate and CA loaded. */
    private static GardenAccess checked(Config config, String source) {
        GardenAccess garden = new GardenAccess(config, source);
        String keyField = config.getClientKeyData() != null ? garden.user("client-key-data")
                : garden.user("client-key") + " " + path(config.getClientKeyFile());
        try {
            ClientKeys.setAlgorithm(config);
        } catch (ClientKeys.Unusable e) {
            throw new Unreadable(garden.prefix() + keyField + " " + e.getMessage());
        }
        try {
            SSLUtils.keyManagers(config);
        } catch (Exception e) {
            String field = config.getClientCertData() != null ? garden.user("client-certificate-data")
                    : garden.user("client-certificate") + " " + path(config.getClientCertFile());
            throw new Unreadable(garden.prefix() + (hasCause(e, CertificateException.class) ? field + " holds no valid X.509 certificate"
                    : hasCause(e, NoSuchFileException.class) ? field + " cannot be read (no such file)"
                    : keyField + " could not be loaded (" + rootOf(e).getClass().getSimpleName() + ")"));
        }
        try {
            if (!config.isTrustCerts() && (config.getCaCertData() != null || config.getCaCertFile() != null)) {
                // fabric8 ignores a CA it cannot read, and would then trust the JVM's CAs instead
                if (CertificateFactory.getInstance("X.509").generateCertificates(
                        CertUtils.getInputStreamFromDataOrFile(config.getCaCertData(), config.getCaCertFile())).isEmpty()) {
                    throw new CertificateException("no certificate");
                }
            }
            SSLUtils.trustManagers(config);
        } catch (Exception e) {
            String field = config.getCaCertData() != null ? garden.cluster("certificate-authority-data")
                    : garden.cluster("certificate-authority") + " " + path(config.getCaCertFile());
            throw new Unreadable(garden.prefix() + field + (hasCause(e, NoSuchFileException.class) ? " cannot be read (no such file)"
                    : " holds no valid X.509 certificate"));
        }
        return garden;
    }

    private static Config load(Supplier<Config> loader, String source) {
        try {
            return loader.get();
        } catch (RuntimeException e) {
            Throwable root = rootOf(e);
            // a parser's message quotes the input, which may hold a credential: only where the problem is
            if (root instanceof MarkedYamlEngineException yaml && yaml.getProblemMark().isPresent()) {
                throw new Unreadable("could not read the garden: the " + source + " is not valid YAML at line "
                        + (yaml.getProblemMark().get().getLine() + 1) + ", column " + (yaml.getProblemMark().get().getColumn() + 1));
            }
            throw new Unreadable("could not read the garden: the " + source + " cannot be used: " + root.getClass().getSimpleName()
                    + (root.getMessage() == null || root instanceof JacksonException || root instanceof YamlEngineException
                    ? "" : ": " + oneLine(root.getMessage())));
        }
    }

    /** The user of the current context, as a kubeconfig names it ("users[admin]"), or null (in-cluster). */
    private String user() {
        NamedContext context = config.getCurrentContext();
        return context == null || context.getContext() == null ? null : "users[" + ShootFilter.shown(context.getContext().getUser()) + "]";
    }

    private String user(String field) {
        return user() == null ? field : user() + ".user." + field;
    }

    private String cluster(String field) {
        NamedContext context = config.getCurrentContext();
        return context == null || context.getContext() == null ? field
                : "clusters[" + ShootFilter.shown(context.getContext().getCluster()) + "].cluster." + field;
    }

    private static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
        for (Throwable cause = e; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (type.isInstance(cause)) {
                return true;
            }
        }
        return false;
    }

    private static Throwable rootOf(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root;
    }

    /** A file's name as a line shows it: whole, any control character replaced. */
    private static String path(String file) {
        return String.valueOf(file).replaceAll("\\p{Cntrl}", "?");
    }

    private static String oneLine(String text) {
        String line = text.replaceAll("\\s+", " ").replaceAll("\\p{Cntrl}", "?").trim();
        return line.length() > MAX_ANSWER ? line.substring(0, MAX_ANSWER) + "…" : line;
    }
}
