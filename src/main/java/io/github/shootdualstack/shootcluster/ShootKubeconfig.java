package io.github.shootdualstack.shootcluster;

import io.fabric8.kubernetes.api.model.AuthInfo;
import io.fabric8.kubernetes.api.model.Cluster;
import io.fabric8.kubernetes.api.model.Context;
import io.fabric8.kubernetes.api.model.NamedAuthInfo;
import io.fabric8.kubernetes.api.model.NamedCluster;
import io.fabric8.kubernetes.api.model.NamedContext;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.github.shootdualstack.garden.ClientKeys;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * A shoot kubeconfig read as data, never as code: of the current context only the server, the
 * server's CA (inline) and static credentials (a bearer token, or an inline client certificate and
 * key) are used. A user that runs a program ({@code exec}) or a plugin ({@code auth-provider}), any
 * reference to a local file, basic auth, impersonation and proxies are refused with a message that
 * names the Secret and the field; nothing is executed and no file is read. The client configuration
 * starts empty: nothing comes from the operator's environment, system properties or files.
 * Messages never quote the kubeconfig's content.
 */
public final class ShootKubeconfig {

    /** The largest kubeconfig read, as the API server's limit for a whole Secret. */
    public static final int MAX_BYTES = 1024 * 1024;

    private final String secretRef;
    private final boolean allowInsecure;

    private ShootKubeconfig(String secretRef, boolean allowInsecure) {
        this.secretRef = secretRef;
        this.allowInsecure = allowInsecure;
    }

    /**
     * The client configuration of a shoot kubeconfig; throws {@link ShootAccessException} naming the
     * Secret and what is wrong.
     *
     * @param allowInsecure accept {@code insecure-skip-tls-verify: true} and plain {@code http} servers
     *                      (development only)
     */
    public static Config clientConfig(String kubeconfig, String secretRef, boolean allowInsecure) {
        return new ShootKubeconfig(secretRef, allowInsecure).read(kubeconfig);
    }

    private Config read(String kubeconfig) {
        if (kubeconfig.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
            throw refused("is larger than " + MAX_BYTES / 1024 + " KiB");
        }
        io.fabric8.kubernetes.api.model.Config parsed;
        try {
            parsed = Serialization.unmarshal(kubeconfig, io.fabric8.kubernetes.api.model.Config.class);
        } catch (RuntimeException e) {
            // without the cause: the parser's message quotes the input, which holds credentials
            throw refused("is malformed: " + parseProblem(e));
        } catch (StackOverflowError e) {
            // the parser recurses per level of nesting: a few hundred KiB of "[[[" exhaust the stack
            throw refused("is malformed: nested too deeply");
        } catch (OutOfMemoryError e) {
            throw e;
        } catch (Error e) {
            throw refused("is malformed: not a kubeconfig (" + e.getClass().getSimpleName() + ")");
        }
        if (parsed == null) {
            throw refused("is malformed: not a kubeconfig");
        }
        NamedContext context = currentContext(parsed);
        String contextName = context.getName();
        Context chosen = Objects.requireNonNull(context.getContext());
        NamedCluster cluster = find(parsed.getClusters(), NamedCluster::getName, chosen.getCluster(),
                "context \"" + shown(contextName) + "\" names cluster \"" + shown(chosen.getCluster()) + "\", which it does not hold");
        NamedAuthInfo user = find(parsed.getUsers(), NamedAuthInfo::getName, chosen.getUser(),
                "context \"" + shown(contextName) + "\" names user \"" + shown(chosen.getUser()) + "\", which it does not hold");
        ConfigBuilder config = new ConfigBuilder(Config.empty());
        server(cluster, config);
        credentials(user, config);
        try {
            // fabric8 reads a client key as RSA unless its PEM block is "EC PRIVATE KEY": the algorithm is the key's
            return ClientKeys.setAlgorithm(config.build());
        } catch (ClientKeys.Unusable e) {
            throw refused("has users[" + shown(user.getName()) + "].user.client-key-data that " + e.getMessage());
        }
    }

    private NamedContext currentContext(io.fabric8.kubernetes.api.model.Config parsed) {
        List<NamedContext> contexts = parsed.getContexts() == null ? List.of() : parsed.getContexts();
        String current = parsed.getCurrentContext();
        if (current == null || current.isBlank()) {
            if (contexts.size() != 1 || contexts.get(0).getContext() == null) {
                throw refused("has no current-context" + (contexts.isEmpty() ? " and no context" : " and " + contexts.size() + " contexts"));
            }
            return contexts.get(0);
        }
        return contexts.stream().filter(c -> current.equals(c.getName()) && c.getContext() != null).findFirst()
                .orElseThrow(() -> refused("names current-context \"" + shown(current) + "\", which it does not hold"));
    }

    private <T> T find(List<T> items, Function<T, String> name, String wanted, String missing) {
        return (items == null ? List.<T>of() : items).stream().filter(item -> Objects.equals(wanted, name.apply(item)))
                .findFirst().orElseThrow(() -> refused(missing));
    }

    private void server(NamedCluster named, ConfigBuilder config) {
        String field = "clusters[" + shown(named.getName()) + "].cluster.";
        Cluster cluster = named.getCluster();
        if (cluster == null || cluster.getServer() == null || cluster.getServer().isBlank()) {
            throw refused("names no server (" + field + "server)");
        }
        URI server;
        try {
            server = new URI(cluster.getServer().trim());
        } catch (URISyntaxException e) {
            throw refused("has a malformed " + field + "server: " + e.getReason());
        }
        boolean https = "https".equalsIgnoreCase(server.getScheme());
        boolean http = "http".equalsIgnoreCase(server.getScheme());
        if (!(https || http && allowInsecure) || server.getHost() == null) {
            throw refused("has " + field + "server with scheme \"" + shown(String.valueOf(server.getScheme())) + "\": only an https URL"
                    + " with a host is used" + (http ? " (plain http only for development, with --allow-insecure-shoot-connections)" : ""));
        }
        if (server.getRawUserInfo() != null || server.getRawQuery() != null || server.getRawFragment() != null) {
            // credentials in a URL would be quoted wherever the server is named
            throw refused("has " + field + "server with user info, a query or a fragment: only scheme, host, port and path are used");
        }
        if (cluster.getCertificateAuthority() != null) {
            throw refused("names a file in " + field + "certificate-authority: no local file is read; give the CA inline"
                    + " in certificate-authority-data");
        }
        if (cluster.getProxyUrl() != null) {
            throw refused("has " + field + "proxy-url: a proxy is not supported");
        }
        boolean insecure = Boolean.TRUE.equals(cluster.getInsecureSkipTlsVerify());
        if (insecure && !allowInsecure) {
            throw refused("has " + field + "insecure-skip-tls-verify: true: the server's certificate must be verified"
                    + " (for development only, with --allow-insecure-shoot-connections)");
        }
        config.withMasterUrl(server.toString()).withTrustCerts(insecure).withDisableHostnameVerification(insecure);
        if (cluster.getCertificateAuthorityData() != null) {
            config.withCaCertData(pem(cluster.getCertificateAuthorityData(), field + "certificate-authority-data", "CERTIFICATE"));
        } else if (https && !insecure) {
            throw refused("has no " + field + "certificate-authority-data: the server's certificate is verified against that CA alone");
        }
    }

    /**
     * Trust in the kubeconfig's CA alone (the client's default would add the JVM's trusted CAs);
     * {@code null} when the server's certificate is not verified (development only) or not used (http).
     */
    public static TrustManager[] trustManagers(Config config) {
        if (config.isTrustCerts() || config.getCaCertData() == null) {
            return null;
        }
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int i = 0;
            for (Certificate ca : CertificateFactory.getInstance("X.509").generateCertificates(
                    new ByteArrayInputStream(Base64.getMimeDecoder().decode(config.getCaCertData())))) {
                store.setCertificateEntry("ca-" + i++, ca);
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            return factory.getTrustManagers();
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("a CA the kubeconfig check accepted did not load", e);
        }
    }

    private void credentials(NamedAuthInfo named, ConfigBuilder config) {
        String field = "users[" + shown(named.getName()) + "].user.";
        AuthInfo user = named.getUser() == null ? new AuthInfo() : named.getUser();
        List<String> refusedFields = new ArrayList<>();
        if (user.getExec() != null) {
            refusedFields.add(field + "exec (a program to run)");
        }
        if (user.getAuthProvider() != null) {
            refusedFields.add(field + "auth-provider (a plugin)");
        }
        if (user.getTokenFile() != null) {
            refusedFields.add(field + "tokenFile (a local file)");
        }
        if (user.getClientCertificate() != null) {
            refusedFields.add(field + "client-certificate (a local file)");
        }
        if (user.getClientKey() != null) {
            refusedFields.add(field + "client-key (a local file)");
        }
        if (user.getUsername() != null || user.getPassword() != null) {
            refusedFields.add(field + "username/password (basic auth)");
        }
        if (user.getAs() != null || user.getAsUid() != null || user.getAsGroups() != null && !user.getAsGroups().isEmpty()
                || user.getAsUserExtra() != null && !user.getAsUserExtra().isEmpty()) {
            refusedFields.add(field + "as (impersonation)");
        }
        if (!refusedFields.isEmpty()) {
            throw refused("has " + String.join(", ", refusedFields)
                    + ": only a bearer token or an inline client certificate and key are used; nothing is run and no file is read");
        }
        boolean token = user.getToken() != null && !user.getToken().isBlank();
        boolean certificate = user.getClientCertificateData() != null || user.getClientKeyData() != null;
        if (!token && !certificate) {
            throw refused("has no credentials in " + field + ": give token, or client-certificate-data and client-key-data");
        }
        if (token) {
            if (!user.getToken().chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
                throw refused("has a " + field + "token with characters a bearer token cannot hold");
            }
            config.withOauthToken(user.getToken());
        }
        if (certificate) {
            if (user.getClientCertificateData() == null || user.getClientKeyData() == null) {
                throw refused("has only one of " + field + "client-certificate-data and client-key-data: both are needed");
            }
            config.withClientCertData(pem(user.getClientCertificateData(), field + "client-certificate-data", "CERTIFICATE"))
                    .withClientKeyData(pem(user.getClientKeyData(), field + "client-key-data", "PRIVATE KEY"));
        }
    }

    /** Inline data must be base64 of PEM text with the expected block; returned as given. */
    private String pem(String data, String field, String block) {
        String decoded;
        try {
            decoded = new String(Base64.getMimeDecoder().decode(data.trim()), StandardCharsets.US_ASCII);
        } catch (IllegalArgumentException e) {
            throw refused("has " + field + " that is not valid base64");
        }
        if (!decoded.contains("-----BEGIN ") || !decoded.contains(block + "-----")) {
            throw refused("has " + field + " that holds no PEM " + block);
        }
        if (block.equals("CERTIFICATE")) {
            try {
                if (CertificateFactory.getInstance("X.509")
                        .generateCertificates(new ByteArrayInputStream(decoded.getBytes(StandardCharsets.US_ASCII))).isEmpty()) {
                    throw refused("has " + field + " that holds no certificate");
                }
            } catch (CertificateException e) {
                throw refused("has " + field + " that holds no valid X.509 certificate");
            }
        }
        return data.trim();
    }

    /**
     * A name from the kubeconfig as a message shows it: as it is when it looks like a name, else only
     * its length (a value in the wrong place may be a credential).
     */
    static String shown(String name) {
        return name != null && name.matches("[A-Za-z0-9._:@/-]{1,63}") ? name : "<" + (name == null ? 0 : name.length()) + " characters>";
    }

    private static String shortened(String text) {
        return text.length() <= 120 ? text : text.substring(0, 120) + "...";
    }

    private String prefix() {
        return "the kubeconfig in " + secretRef + " ";
    }

    private ShootAccessException refused(String problem) {
        return new ShootAccessException(prefix() + problem);
    }

    /**
     * What the parser found wrong, on one line and without the excerpt of the input that its
     * message quotes: a kubeconfig holds credentials, and this text goes to the Shoot and its events.
     */
    private static String parseProblem(RuntimeException e) {
        Throwable root = ShootAccessException.rootOf(e);
        return root instanceof MarkedYamlEngineException yaml && yaml.getProblem() != null
                ? "not valid YAML" + yaml.getProblemMark()
                        .map(mark -> " at line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1)).orElse("")
                        + ": " + shortened(yaml.getProblem().replaceAll("[^\\x20-\\x7e]", "?"))
                : "not a kubeconfig (" + root.getClass().getSimpleName() + ")";
    }
}
