package io.github.shootdualstack.shootcluster;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.internal.SSLUtils;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.github.shootdualstack.testing.ClientCredentials;
import io.github.shootdualstack.testing.ClientCredentials.KeyForm;
import io.github.shootdualstack.testing.Resources;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A shoot kubeconfig is data: every hostile or malformed form is refused with a message naming the
 * Secret and the field, and the credentials are never quoted. (That nothing is run or read when a
 * client is built from one is shown by ShootClustersTest and HostileKubeconfigTest.)
 */
class ShootKubeconfigTest {

    static final String SECRET = "Secret garden-dev/prod.kubeconfig";
    static final String TOKEN = "s3cr3t-t0ken-value";
    static final String CA = Resources.text("/tls/unrelated-ca.crt");
    static final String KEY = Resources.text("/tls/unrelated-ca.key");

    @TempDir
    static Path files;

    /** A kubeconfig as Gardener writes one: one context, a token, the CA inline. */
    static Map<String, Object> valid() {
        Map<String, Object> cluster = new LinkedHashMap<>(Map.of("server", "https://api.prod.example.com",
                "certificate-authority-data", base64(CA)));
        Map<String, Object> user = new LinkedHashMap<>(Map.of("token", TOKEN));
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("apiVersion", "v1");
        config.put("kind", "Config");
        config.put("clusters", new ArrayList<>(List.of(new LinkedHashMap<>(Map.of("name", "shoot", "cluster", cluster)))));
        config.put("users", new ArrayList<>(List.of(new LinkedHashMap<>(Map.of("name", "admin", "user", user)))));
        config.put("contexts", new ArrayList<>(List.of(new LinkedHashMap<>(Map.of("name", "prod",
                "context", new LinkedHashMap<>(Map.of("cluster", "shoot", "user", "admin")))))));
        config.put("current-context", "prod");
        return config;
    }

    static Arguments refused(String name, Consumer<Map<String, Object>> change, String message) {
        Map<String, Object> config = valid();
        change.accept(config);
        return Arguments.of(name, Serialization.asYaml(config), message);
    }

    static Arguments refusedText(String name, String kubeconfig, String message) {
        return Arguments.of(name, kubeconfig, message);
    }

    static Stream<Arguments> hostileOrMalformed() {
        String marker = files.resolve("ran").toString();
        return Stream.of(
                refused("exec", c -> user(c).put("exec", Map.of("apiVersion", "client.authentication.k8s.io/v1",
                        "command", "/bin/sh", "args", List.of("-c", "touch " + marker))), "users[admin].user.exec (a program to run)"),
                refused("auth-provider", c -> user(c).put("auth-provider", Map.of("name", "oidc",
                        "config", Map.of("idp-issuer-url", "https://issuer.example.com"))), "users[admin].user.auth-provider (a plugin)"),
                refused("tokenFile", c -> user(c).put("tokenFile", "/var/run/secrets/kubernetes.io/serviceaccount/token"),
                        "users[admin].user.tokenFile (a local file)"),
                refused("client-certificate path", c -> user(c).put("client-certificate", "/etc/shadow"),
                        "users[admin].user.client-certificate (a local file)"),
                refused("client-key path", c -> user(c).put("client-key", "/etc/ssh/ssh_host_ed25519_key"),
                        "users[admin].user.client-key (a local file)"),
                refused("certificate-authority path", c -> cluster(c).put("certificate-authority", "/etc/passwd"),
                        "names a file in clusters[shoot].cluster.certificate-authority"),
                refused("insecure-skip-tls-verify", c -> cluster(c).put("insecure-skip-tls-verify", true),
                        "has clusters[shoot].cluster.insecure-skip-tls-verify: true: the server's certificate must be verified"),
                refused("plain http", c -> cluster(c).put("server", "http://api.prod.example.com"),
                        "has clusters[shoot].cluster.server with scheme \"http\""),
                refused("file URL as server", c -> cluster(c).put("server", "file:///etc/passwd"),
                        "has clusters[shoot].cluster.server with scheme \"file\""),
                refused("server without host", c -> cluster(c).put("server", "https:///api"),
                        "has clusters[shoot].cluster.server with scheme \"https\": only an https URL with a host is used"),
                refused("basic auth", c -> user(c).putAll(Map.of("username", "admin", "password", "hunter2")),
                        "users[admin].user.username/password (basic auth)"),
                refused("impersonation", c -> user(c).put("as", "system:admin"), "users[admin].user.as (impersonation)"),
                refused("proxy", c -> cluster(c).put("proxy-url", "socks5://10.0.0.1:1080"), "has clusters[shoot].cluster.proxy-url"),
                refused("missing server", c -> cluster(c).remove("server"), "names no server (clusters[shoot].cluster.server)"),
                refused("credentials in the server URL", c -> cluster(c).put("server", "https://admin:hunter2@api.prod.example.com"),
                        "has clusters[shoot].cluster.server with user info, a query or a fragment"),
                refused("a token in the server URL's query", c -> cluster(c).put("server", "https://api.prod.example.com/?access_token=" + TOKEN),
                        "has clusters[shoot].cluster.server with user info, a query or a fragment"),
                refused("no CA for an https server", c -> cluster(c).remove("certificate-authority-data"),
                        "has no clusters[shoot].cluster.certificate-authority-data: the server's certificate is verified against that CA alone"),
                refused("a credential as current-context", c -> c.put("current-context", TOKEN + "/" + "x".repeat(80)),
                        "names current-context \"<99 characters>\", which it does not hold"),
                refused("no credentials", c -> user(c).remove("token"), "has no credentials in users[admin].user."),
                refused("token with a line break", c -> user(c).put("token", "abc\r\nX-Injected: yes"),
                        "has a users[admin].user.token with characters a bearer token cannot hold"),
                refused("certificate without key", c -> {
                    user(c).remove("token");
                    user(c).put("client-certificate-data", base64(CA));
                }, "has only one of users[admin].user.client-certificate-data and client-key-data"),
                refused("CA data not base64", c -> cluster(c).put("certificate-authority-data", "%%% not base64 %%%"),
                        "has clusters[shoot].cluster.certificate-authority-data that is not valid base64"),
                refused("CA data not PEM", c -> cluster(c).put("certificate-authority-data", base64("just text")),
                        "has clusters[shoot].cluster.certificate-authority-data that holds no PEM CERTIFICATE"),
                refused("CA data with a broken certificate", c -> cluster(c).put("certificate-authority-data",
                        base64("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")),
                        "has clusters[shoot].cluster.certificate-authority-data that holds no valid X.509 certificate"),
                refused("key data that is a certificate", c -> {
                    user(c).remove("token");
                    user(c).put("client-certificate-data", base64(CA));
                    user(c).put("client-key-data", base64(CA));
                }, "has users[admin].user.client-key-data that holds no PEM PRIVATE KEY"),
                refused("an encrypted client key", c -> {
                    user(c).remove("token");
                    user(c).put("client-certificate-data", base64(CA));
                    user(c).put("client-key-data", base64(KEY.replace("PRIVATE KEY", "ENCRYPTED PRIVATE KEY")));
                }, "has users[admin].user.client-key-data that holds an encrypted private key: only an unencrypted key can be used"),
                refused("a client key neither RSA nor EC", c -> {
                    user(c).remove("token");
                    user(c).put("client-certificate-data", base64(CA));
                    user(c).put("client-key-data", base64(KEY.replace("PRIVATE KEY", "DSA PRIVATE KEY")));
                }, "has users[admin].user.client-key-data that holds a DSA PRIVATE KEY, which is neither an RSA nor an EC private key"),
                refused("current-context names a missing context", c -> c.put("current-context", "staging"),
                        "names current-context \"staging\", which it does not hold"),
                refused("no current-context, two contexts", c -> {
                    c.remove("current-context");
                    contexts(c).add(Map.of("name", "other", "context", Map.of("cluster", "shoot", "user", "admin")));
                }, "has no current-context and 2 contexts"),
                refused("context names a missing cluster", c -> context(c).put("cluster", "elsewhere"),
                        "context \"prod\" names cluster \"elsewhere\", which it does not hold"),
                refused("context names a missing user", c -> context(c).put("user", "root"),
                        "context \"prod\" names user \"root\", which it does not hold"),
                refusedText("binary garbage", garbage(), "is malformed"),
                refusedText("10 MB of YAML", "clusters: []\n# " + "x".repeat(10 * 1024 * 1024) + "\n", "is larger than 1024 KiB"),
                refusedText("a YAML list", "- a\n- b\n", "is malformed: not a kubeconfig"),
                refusedText("600 KB of nested lists", "clusters: " + "[".repeat(600 * 1024), "is malformed: nested too deeply"),
                refusedText("nested maps", "clusters: " + "{a: ".repeat(100_000), "is malformed: nested too deeply"),
                refusedText("YAML with a tab", "clusters:\n\t- name: x\n", "is malformed: not valid YAML at line 2"),
                refusedText("a string", "\"token: " + TOKEN + "\"", "is malformed: not a kubeconfig"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostileOrMalformed")
    void refused_namingTheSecretAndTheField_withoutQuotingTheContent(String name, String kubeconfig, String message) {
        assertThatThrownBy(() -> ShootKubeconfig.clientConfig(kubeconfig, SECRET, false))
                .isInstanceOf(ShootAccessException.class)
                .hasNoCause()
                .hasMessageStartingWith("the kubeconfig in " + SECRET + " ")
                .hasMessageContaining(message)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(TOKEN, "hunter2", "\n"));
    }

    @Test
    void theServerIsTrustedByTheKubeconfigsCaAlone_notByTheJvmsTrustedCas() {
        Config config = ShootKubeconfig.clientConfig(Serialization.asYaml(valid()), SECRET, false);

        javax.net.ssl.TrustManager[] trust = ShootKubeconfig.trustManagers(config);

        assertThat(trust).singleElement().isInstanceOf(javax.net.ssl.X509TrustManager.class);
        assertThat(((javax.net.ssl.X509TrustManager) trust[0]).getAcceptedIssuers()).as("the inline CA, and nothing else")
                .singleElement().satisfies(ca -> assertThat(ca.getSubjectX500Principal().getName()).isEqualTo("CN=unrelated test CA"));
    }

    @Test
    void tokenAndInlineCa_used_andNothingElse() {
        Config config = ShootKubeconfig.clientConfig(Serialization.asYaml(valid()), SECRET, false);

        assertThat(config.getMasterUrl()).startsWith("https://api.prod.example.com");
        assertThat(config.getOauthToken()).isEqualTo(TOKEN);
        assertThat(config.getCaCertData()).isEqualTo(base64(CA));
        assertThat(config.isTrustCerts()).isFalse();
        assertThat(config.isDisableHostnameVerification()).isFalse();
        assertThat(config.getCaCertFile()).isNull();
        assertThat(config.getClientCertFile()).isNull();
        assertThat(config.getFile()).as("no kubeconfig file to re-read").isNull();
        assertThat(config.getAuthProvider()).isNull();
    }

    @Test
    void inlineClientCertificateAndKey_used() {
        Map<String, Object> kubeconfig = valid();
        user(kubeconfig).remove("token");
        user(kubeconfig).put("client-certificate-data", base64(CA));
        user(kubeconfig).put("client-key-data", base64(KEY));

        Config config = ShootKubeconfig.clientConfig(Serialization.asYaml(kubeconfig), SECRET, false);

        assertThat(config.getClientCertData()).isEqualTo(base64(CA));
        assertThat(config.getClientKeyData()).isEqualTo(base64(KEY));
        assertThat(config.getOauthToken()).isNull();
    }

    @ParameterizedTest
    @EnumSource(KeyForm.class)
    void clientKeyOfEveryForm_givesAClientConfigThatLoadsIt(KeyForm form) throws Exception {
        ClientCredentials admin = ClientCredentials.generate(form, "admin");
        Map<String, Object> kubeconfig = valid();
        user(kubeconfig).remove("token");
        user(kubeconfig).put("client-certificate-data", base64(admin.certificatePem()));
        user(kubeconfig).put("client-key-data", base64(admin.keyPem()));

        Config config = ShootKubeconfig.clientConfig(Serialization.asYaml(kubeconfig), SECRET, false);

        assertThat(config.getClientKeyAlgo()).isEqualTo(form.algorithm());
        assertThat(admin.heldBy(SSLUtils.keyManagers(config))).as("fabric8's key managers hold the key").isTrue();
    }

    @Test
    void insecureOrPlainHttp_acceptedOnlyWithTheDevelopmentFlag() {
        Map<String, Object> kubeconfig = valid();
        cluster(kubeconfig).put("insecure-skip-tls-verify", true);
        cluster(kubeconfig).put("server", "http://127.0.0.1:8080");

        Config config = ShootKubeconfig.clientConfig(Serialization.asYaml(kubeconfig), SECRET, true);

        assertThat(config.isTrustCerts()).isTrue();
        assertThat(config.getMasterUrl()).startsWith("http://127.0.0.1:8080");
    }

    @Test
    void oneContextWithoutCurrentContext_isTheOneUsed() {
        Map<String, Object> kubeconfig = valid();
        kubeconfig.remove("current-context");

        assertThat(ShootKubeconfig.clientConfig(Serialization.asYaml(kubeconfig), SECRET, false).getOauthToken()).isEqualTo(TOKEN);
    }

    // --- building kubeconfigs ---------------------------------------------------------------

    @SuppressWarnings("unchecked")
    static Map<String, Object> cluster(Map<String, Object> config) {
        return (Map<String, Object>) ((List<Map<String, Object>>) config.get("clusters")).get(0).get("cluster");
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> user(Map<String, Object> config) {
        return (Map<String, Object>) ((List<Map<String, Object>>) config.get("users")).get(0).get("user");
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> contexts(Map<String, Object> config) {
        return (List<Map<String, Object>>) config.get("contexts");
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> context(Map<String, Object> config) {
        return (Map<String, Object>) contexts(config).get(0).get("context");
    }

    static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String garbage() {
        byte[] bytes = new byte[4096];
        new Random(7).nextBytes(bytes);
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }
}
