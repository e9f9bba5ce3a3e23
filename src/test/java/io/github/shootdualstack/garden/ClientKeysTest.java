package io.github.shootdualstack.garden;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.internal.SSLUtils;
import io.github.shootdualstack.testing.ClientCredentials;
import io.github.shootdualstack.testing.ClientCredentials.KeyForm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.util.Base64;

import static io.github.shootdualstack.testing.ClientCredentials.base64;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A client key's algorithm is the key's own, in every form a kubeconfig may carry it; what is no usable key is named, never quoted. */
class ClientKeysTest {

    @ParameterizedTest
    @EnumSource(KeyForm.class)
    void inlineKey_ofEveryForm_loadsAsItsAlgorithm(KeyForm form) throws Exception {
        ClientCredentials credentials = ClientCredentials.generate(form, "admin");
        Config config = new ConfigBuilder(Config.empty()).withClientCertData(base64(credentials.certificatePem()))
                .withClientKeyData(base64(credentials.keyPem())).build();

        ClientKeys.setAlgorithm(config);

        assertThat(config.getClientKeyAlgo()).isEqualTo(form.algorithm());
        assertLoads(config, credentials);
    }

    @ParameterizedTest
    @EnumSource(KeyForm.class)
    void keyFile_ofEveryForm_loadsAsItsAlgorithm(KeyForm form, @TempDir Path dir) throws Exception {
        ClientCredentials credentials = ClientCredentials.generate(form, "admin");
        Path key = Files.writeString(dir.resolve("admin.key"), credentials.keyPem());
        Config config = new ConfigBuilder(Config.empty()).withClientCertData(base64(credentials.certificatePem()))
                .withClientKeyFile(key.toString()).build();

        ClientKeys.setAlgorithm(config);

        assertThat(config.getClientKeyAlgo()).isEqualTo(form.algorithm());
        assertLoads(config, credentials);
    }

    @Test
    void noClientKey_leavesTheConfigAsItIs() {
        Config config = new ConfigBuilder(Config.empty()).withOauthToken("token").build();

        ClientKeys.setAlgorithm(config);

        assertThat(config.getClientKeyAlgo()).isEqualTo("RSA");
        assertThat(config.getClientKeyData()).isNull();
    }

    @Test
    void whatIsNoUsableKey_isNamed_neverQuoted(@TempDir Path dir) throws Exception {
        String key = ClientCredentials.generate(KeyForm.EC_PKCS8, "admin").keyPem();
        String body = key.lines().filter(line -> !line.startsWith("-----")).findFirst().orElseThrow();
        String ed25519 = "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder().encodeToString(
                KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n";

        assertRefused(base64("not a key"), "holds no PEM private key");
        assertRefused(base64(ClientCredentials.generate(KeyForm.EC_PKCS8, "admin").certificatePem()), "holds no PEM private key");
        assertRefused(base64(key.replace("PRIVATE KEY", "ENCRYPTED PRIVATE KEY")),
                "holds an encrypted private key: only an unencrypted key can be used");
        assertRefused(base64(key.replace("PRIVATE KEY-----\n", "PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\n")
                .replace("PRIVATE KEY", "EC PRIVATE KEY")), "holds an encrypted private key: only an unencrypted key can be used");
        assertRefused(base64(key.replace("PRIVATE KEY", "DSA PRIVATE KEY")), "holds a DSA PRIVATE KEY, which is neither an RSA nor an EC private key");
        assertRefused(base64(ed25519), "holds a PKCS#8 private key that is not a valid RSA or EC key");
        assertRefused(base64(ClientCredentials.generate(KeyForm.RSA_PKCS1, "admin").keyPem().replace("RSA PRIVATE KEY", "PRIVATE KEY")),
                "holds a PKCS#8 private key that is not a valid RSA or EC key");
        assertThatThrownBy(() -> ClientKeys.setAlgorithm(new ConfigBuilder(Config.empty())
                .withClientKeyFile(dir.resolve("missing.key").toString()).build()))
                .isInstanceOf(ClientKeys.Unusable.class).hasMessage("cannot be read (no such file)");
        assertThatThrownBy(() -> ClientKeys.algorithm(key.replace(body, "")))
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(body.substring(0, 16)));
    }

    private static void assertRefused(String keyData, String message) {
        assertThatThrownBy(() -> ClientKeys.setAlgorithm(new ConfigBuilder(Config.empty()).withClientKeyData(keyData).build()))
                .isInstanceOf(ClientKeys.Unusable.class).hasMessage(message);
    }

    /** fabric8 builds the client's key managers from the config: they hold the key generated, with its certificate. */
    private static void assertLoads(Config config, ClientCredentials credentials) throws Exception {
        assertThat(credentials.heldBy(SSLUtils.keyManagers(config))).isTrue();
    }
}
