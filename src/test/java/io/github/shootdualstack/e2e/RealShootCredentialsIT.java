package io.github.shootdualstack.e2e;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.github.shootdualstack.garden.ExtensionKind;
import io.github.shootdualstack.shoot.LastOperation;
import io.github.shootdualstack.testing.Resources;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * TLS to a real shoot API server is verified: a kubeconfig that turns verification off is refused
 * (the operator runs without the development flag), one with a CA that did not sign the server's
 * certificate fails the handshake, and the migration goes on once the Secret holds the right CA.
 */
class RealShootCredentialsIT {

    @Test
    void unverifiedOrWronglyVerifiedTls_isShownNamingTheSecret_andTheMigrationGoesOnWithTheRightCa() {
        try (RealMigrationHarness world = new RealMigrationHarness("credentials")) {
            String secretRef = "Secret " + world.landscape.projectNamespace() + "/" + world.landscape.kubeconfigSecretName();
            String good = world.shootServer.kubeconfig(world.landscape.technicalNamespace());
            world.startOperator(world.garden.config(), world.settings(false));
            world.requestDualStack();
            world.awaitStep("Nodes");

            replaceKubeconfig(world, changed(good, cluster -> {
                cluster.remove("certificate-authority-data");
                cluster.put("insecure-skip-tls-verify", true);
            }));
            awaitError(world, "Step 4/7 Nodes: the kubeconfig in " + secretRef + " has clusters["
                    + world.landscape.technicalNamespace() + "].cluster.insecure-skip-tls-verify: true: the server's certificate must be verified");

            replaceKubeconfig(world, changed(good, cluster -> cluster.put("certificate-authority-data",
                    Base64.getEncoder().encodeToString(Resources.text("/tls/unrelated-ca.crt").getBytes(StandardCharsets.US_ASCII)))));
            String refused = awaitError(world, "Step 4/7 Nodes: could not ");
            System.out.println("With a CA that did not sign the server's certificate, the Shoot shows: " + refused);
            assertThat(refused).endsWith("(the server's certificate is not signed by the CA in certificate-authority-data of "
                    + secretRef + ")");

            replaceKubeconfig(world, good);
            world.annotate(ExtensionKind.OPERATION_ANNOTATION, "rollout-workers=*");
            world.awaitCompleted();
            assertThat(world.local.simulator(world.landscape).coreDnsRollouts()).isEqualTo(1);
        }
    }

    private static String awaitError(RealMigrationHarness world, String prefix) {
        await().atMost(RealMigrationHarness.TIMEOUT).untilAsserted(() -> {
            LastOperation last = world.shoot().getStatus().getLastOperation();
            assertThat(last.getState()).isEqualTo(LastOperation.STATE_ERROR);
            assertThat(last.getDescription()).startsWith(prefix);
        });
        return world.shoot().getStatus().getLastOperation().getDescription();
    }

    @SuppressWarnings("unchecked")
    private static String changed(String kubeconfig, Consumer<Map<String, Object>> change) {
        Map<String, Object> config = Serialization.unmarshal(kubeconfig, Map.class);
        change.accept((Map<String, Object>) ((List<Map<String, Object>>) config.get("clusters")).get(0).get("cluster"));
        return Serialization.asYaml(config);
    }

    private static void replaceKubeconfig(RealMigrationHarness world, String kubeconfig) {
        Resource<Secret> secret = world.garden.client().secrets().inNamespace(world.landscape.projectNamespace())
                .withName(world.landscape.kubeconfigSecretName());
        secret.edit(s -> {
            s.setData(Map.of("kubeconfig", Base64.getEncoder().encodeToString(kubeconfig.getBytes(StandardCharsets.UTF_8))));
            return s;
        });
    }
}
