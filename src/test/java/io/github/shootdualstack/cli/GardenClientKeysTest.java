package io.github.shootdualstack.cli;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.github.shootdualstack.testing.AnsweringServer;
import io.github.shootdualstack.testing.ClientCredentials;
import io.github.shootdualstack.testing.ClientCredentials.KeyForm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.github.shootdualstack.testing.ClientCredentials.base64;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code plan} and {@code status} read a garden that takes only a client certificate, with the key in
 * every form a kubeconfig may carry it: inline or in a file next to the kubeconfig.
 */
class GardenClientKeysTest {

    static final String NO_SHOOTS = "{\"apiVersion\":\"core.gardener.cloud/v1beta1\",\"kind\":\"ShootList\","
            + "\"metadata\":{\"resourceVersion\":\"1\"},\"items\":[]}";
    private static final ClientCredentials SERVER = ClientCredentials.generate(KeyForm.RSA_PKCS8, "garden");

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(KeyForm.class)
    void planAndStatus_readTheGarden_withAnInlineClientKeyOfEveryForm(KeyForm form) throws Exception {
        ClientCredentials admin = ClientCredentials.generate(form, "admin");
        try (AnsweringServer garden = AnsweringServer.https(SERVER, admin.certificate(), 200, NO_SHOOTS)) {
            Path kubeconfig = Files.writeString(dir.resolve("garden.kubeconfig"), kubeconfig(garden.url(),
                    Map.of("client-certificate-data", base64(admin.certificatePem()), "client-key-data", base64(admin.keyPem()))));

            assertReadsNoShoots(kubeconfig, garden);
        }
    }

    @Test
    void planAndStatus_readTheGarden_withAnEcPkcs8KeyInAFileNextToTheKubeconfig() throws Exception {
        ClientCredentials admin = ClientCredentials.generate(KeyForm.EC_PKCS8, "admin");
        Files.writeString(dir.resolve("admin.crt"), admin.certificatePem());
        Files.writeString(dir.resolve("admin.key"), admin.keyPem());
        try (AnsweringServer garden = AnsweringServer.https(SERVER, admin.certificate(), 200, NO_SHOOTS)) {
            // relative to the kubeconfig's folder, as kubectl reads them
            Path kubeconfig = Files.writeString(dir.resolve("garden.kubeconfig"), kubeconfig(garden.url(),
                    Map.of("client-certificate", "admin.crt", "client-key", "admin.key")));

            assertReadsNoShoots(kubeconfig, garden);
        }
    }

    private static void assertReadsNoShoots(Path kubeconfig, AnsweringServer garden) {
        Run plan = run("plan", "--kubeconfig", kubeconfig.toString());
        Run status = run("status", "--kubeconfig", kubeconfig.toString());

        assertThat(plan.err).isEmpty();
        assertThat(plan.exit).isZero();
        assertThat(plan.out).isEqualTo("No Shoots selected.\n");
        assertThat(status.err).isEmpty();
        assertThat(status.exit).isZero();
        assertThat(status.out).isEqualTo("No Shoot has a dual-stack migration.\n");
        assertThat(garden.requests()).as("every request came with the client certificate").isNotEmpty()
                .allSatisfy(request -> assertThat(request.clientCertificate()).isEqualTo("O=system:masters,CN=admin"));
    }

    /** A garden kubeconfig: the CA of this test's servers inline, the user {@code user}. */
    static String kubeconfig(String server, Map<String, Object> user) {
        return kubeconfig(server, base64(SERVER.certificatePem()), user);
    }

    /** A garden kubeconfig: the CA {@code caData} inline, the user {@code user}. */
    static String kubeconfig(String server, String caData, Map<String, Object> user) {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("apiVersion", "v1");
        config.put("kind", "Config");
        config.put("clusters", List.of(Map.of("name", "garden", "cluster",
                Map.of("server", server, "certificate-authority-data", caData))));
        config.put("users", List.of(Map.of("name", "admin", "user", user)));
        config.put("contexts", List.of(Map.of("name", "garden", "context", Map.of("cluster", "garden", "user", "admin"))));
        config.put("current-context", "garden");
        return Serialization.asYaml(config);
    }

    record Run(int exit, String out, String err) {
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
        return new Run(exit, out.toString(), err.toString());
    }
}
