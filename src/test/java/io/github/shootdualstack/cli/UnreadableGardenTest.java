package io.github.shootdualstack.cli;

import io.github.shootdualstack.testing.AnsweringServer;
import io.github.shootdualstack.testing.ClientCredentials;
import io.github.shootdualstack.testing.ClientCredentials.KeyForm;
import io.github.shootdualstack.testing.CommandProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.github.shootdualstack.cli.GardenClientKeysTest.kubeconfig;
import static io.github.shootdualstack.testing.ClientCredentials.base64;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A garden that cannot be read, and a kubeconfig that cannot be used: {@code plan}, {@code status} and
 * {@code run} (as a process) each say it on one line that names the garden and what is wrong, with
 * exit code 3, and no stack trace.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UnreadableGardenTest {

    private static final String FORBIDDEN = "shoots.core.gardener.cloud is forbidden: User \"alice\" cannot list resource"
            + " \"shoots\" in API group \"core.gardener.cloud\" at the cluster scope";

    @TempDir
    static Path dir;
    private final ClientCredentials admin = ClientCredentials.generate(KeyForm.EC_PKCS8, "admin");
    private final ClientCredentials otherServer = ClientCredentials.generate(KeyForm.EC_PKCS8, "garden");
    private AnsweringServer unauthorized;
    private AnsweringServer forbidden;
    private AnsweringServer untrusted;
    private AnsweringServer noShoots;
    /** Each kubeconfig, by name, and the line each command says of it. */
    private final Map<String, Path> kubeconfigs = new LinkedHashMap<>();
    private final Map<String, String> lines = new LinkedHashMap<>();

    @BeforeAll
    void gardens() throws IOException {
        unauthorized = AnsweringServer.http(401, AnsweringServer.status(401, "Unauthorized", "Unauthorized"));
        forbidden = AnsweringServer.http(403, AnsweringServer.status(403, "Forbidden", FORBIDDEN));
        untrusted = AnsweringServer.https(otherServer, null, 200, GardenClientKeysTest.NO_SHOOTS);
        noShoots = AnsweringServer.http(404, AnsweringServer.status(404, "NotFound", "the server could not find the requested resource"));
        Map<String, Object> token = Map.of("token", "t0ken");
        Map<String, Object> certificate = Map.of("client-certificate-data", base64(admin.certificatePem()),
                "client-key-data", base64(admin.keyPem()));

        add("refused", kubeconfig("http://127.0.0.1:1", token), "http://127.0.0.1:1/", "connection refused");
        add("unknownhost", kubeconfig("https://garden.invalid:6443", token), "https://garden.invalid:6443/", "unknown host");
        // the kubeconfig's CA (GardenClientKeysTest's server's) did not sign this server's certificate
        add("untrusted", kubeconfig(untrusted.url(), certificate), untrusted.url() + "/", "TLS handshake failed (the server's"
                + " certificate is not signed by the CA in clusters[garden].cluster.certificate-authority-data)");
        add("unauthorized", kubeconfig(unauthorized.url(), token), unauthorized.url() + "/",
                "HTTP 401 Unauthorized: the garden did not accept the credentials of users[admin]");
        add("forbidden", kubeconfig(forbidden.url(), token), forbidden.url() + "/", "HTTP 403 Forbidden: " + FORBIDDEN);
        add("noshoots", kubeconfig(noShoots.url(), token), noShoots.url() + "/",
                "HTTP 404 Not Found: the garden serves no shoots of core.gardener.cloud/v1beta1");
        add("nokeyfile", kubeconfig("https://127.0.0.1:1", Map.of("client-certificate-data", base64(admin.certificatePem()),
                "client-key", "missing.key")), "https://127.0.0.1:1/", "users[admin].user.client-key " + dir.resolve("missing.key")
                + " cannot be read (no such file)");
        add("badkey", kubeconfig("https://127.0.0.1:1", Map.of("client-certificate-data", base64(admin.certificatePem()),
                "client-key-data", base64("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"))), "https://127.0.0.1:1/",
                "users[admin].user.client-key-data holds no PEM private key");
        add("badcertificate", kubeconfig("https://127.0.0.1:1", Map.of("client-certificate-data", base64(
                "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"), "client-key-data", base64(admin.keyPem()))),
                "https://127.0.0.1:1/", "users[admin].user.client-certificate-data holds no valid X.509 certificate");
        add("badca", kubeconfig("https://127.0.0.1:1", base64("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"), token),
                "https://127.0.0.1:1/", "clusters[garden].cluster.certificate-authority-data holds no valid X.509 certificate");
    }

    @Test
    void aKubeconfigThatIsNoYaml_isNamedWithWhereItIsWrong_notQuoted() throws IOException {
        Path kubeconfig = Files.writeString(dir.resolve("tab.kubeconfig"), "users:\n\t- name: t0ken-in-the-wrong-place\n");

        GardenClientKeysTest.Run plan = GardenClientKeysTest.run("plan", "--kubeconfig", kubeconfig.toString());

        assertThat(plan.err()).isEqualTo("could not read the garden: the kubeconfig " + kubeconfig + " is not valid YAML at line 2, column 1\n");
        assertThat(plan.exit()).isEqualTo(3);
    }

    @AfterAll
    void stop() {
        unauthorized.close();
        forbidden.close();
        untrusted.close();
        noShoots.close();
    }

    @Test
    void plan_saysWhyTheGardenCannotBeRead_onOneLine_exitCode3() {
        for (var kubeconfig : kubeconfigs.entrySet()) {
            GardenClientKeysTest.Run plan = GardenClientKeysTest.run("plan", "--kubeconfig", kubeconfig.getValue().toString());

            assertThat(plan.err()).as(kubeconfig.getKey()).isEqualTo(lines.get(kubeconfig.getKey()) + "\n");
            assertThat(plan.exit()).as(kubeconfig.getKey()).isEqualTo(3);
            assertThat(plan.out()).as(kubeconfig.getKey()).isEmpty();
        }
    }

    @Test
    void status_saysWhyTheGardenCannotBeRead_onOneLine_exitCode3() {
        for (var kubeconfig : kubeconfigs.entrySet()) {
            GardenClientKeysTest.Run status = GardenClientKeysTest.run("status", "--kubeconfig", kubeconfig.getValue().toString());

            assertThat(status.err()).as(kubeconfig.getKey()).isEqualTo(lines.get(kubeconfig.getKey()) + "\n");
            assertThat(status.exit()).as(kubeconfig.getKey()).isEqualTo(3);
            assertThat(status.out()).as(kubeconfig.getKey()).isEmpty();
        }
    }

    @Test
    void run_saysWhyTheGardenCannotBeRead_onOneLine_exitCode3_beforeAnythingStarts() throws Exception {
        Map<String, String> expected = new LinkedHashMap<>();
        for (String name : List.of("refused", "untrusted", "forbidden", "noshoots", "badkey")) {
            expected.put(name, lines.get(name));
        }
        expected.put("nokubeconfig", "could not read the garden: KUBECONFIG names " + dir.resolve("none.kubeconfig")
                + ", which is not a readable file");
        Map<String, Process> runs = new LinkedHashMap<>();
        for (String name : expected.keySet()) {
            Path kubeconfig = kubeconfigs.getOrDefault(name, dir.resolve("none.kubeconfig"));
            runs.put(name, CommandProcess.start(kubeconfig, dir.resolve(name + ".out"), dir.resolve(name + ".err"), "run", "--http-port", "0"));
        }
        for (var run : runs.entrySet()) {
            String name = run.getKey();
            assertThat(run.getValue().waitFor(60, TimeUnit.SECONDS)).as(name + " exited").isTrue();
            String out = Files.readString(dir.resolve(name + ".out"));
            assertThat(Files.readString(dir.resolve(name + ".err"))).as(name + "; its output: " + out)
                    .isEqualTo(expected.get(name) + "\n");
            assertThat(run.getValue().exitValue()).as(name).isEqualTo(3);
            assertThat(out).as(name).doesNotContain("Exception", "\tat ", "Watching Shoots");
        }
    }

    private void add(String name, String kubeconfig, String url, String problem) throws IOException {
        Path file = Files.writeString(dir.resolve(name + ".kubeconfig"), kubeconfig);
        kubeconfigs.put(name, file);
        lines.put(name, "could not read the garden at " + url + " (kubeconfig " + file + "): " + problem);
    }
}
