package io.github.shootdualstack.shootcluster;

import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.github.shootdualstack.local.Kubeconfigs;
import io.github.shootdualstack.local.LocalApiServer;
import io.github.shootdualstack.shoot.Shoot;
import io.github.shootdualstack.testing.AnsweringServer;
import io.github.shootdualstack.testing.ClientCredentials;
import io.github.shootdualstack.testing.ClientCredentials.KeyForm;
import io.github.shootdualstack.testing.TestShoots;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Shoot clients: reused while the kubeconfig Secret is unchanged, rebuilt when it changes, closed when gone. */
class ShootClustersTest {

    LocalApiServer garden = LocalApiServer.start();
    LocalApiServer first = LocalApiServer.start();
    LocalApiServer second = LocalApiServer.start();
    ShootClusters clusters = new ShootClusters(garden.client(), new Interceptor() { }, true);
    Shoot shoot = TestShoots.ipv4("garden-dev", "prod");

    @AfterEach
    void stop() {
        clusters.close();
        garden.close();
        first.close();
        second.close();
    }

    @Test
    void sameSecret_reusesTheClient_changedSecret_rebuildsIt_goneShoot_closesIt() {
        first.client().nodes().resource(new NodeBuilder().withNewMetadata().withName("first-node").endMetadata().build()).create();
        second.client().nodes().resource(new NodeBuilder().withNewMetadata().withName("second-node").endMetadata().build()).create();
        kubeconfigPointingAt(first);

        assertThat(clusters.of(shoot).observe(false).nodes()).extracting(n -> n.name()).containsExactly("first-node");
        clusters.of(shoot);
        assertThat(clusters.open()).isEqualTo(1);

        kubeconfigPointingAt(second);
        assertThat(clusters.of(shoot).observe(false).nodes()).extracting(n -> n.name()).containsExactly("second-node");
        assertThat(clusters.open()).isEqualTo(1);

        clusters.retainOnly(Set.of("garden-dev/other"));
        assertThat(clusters.open()).isZero();
    }

    @Test
    void execKubeconfig_refusedBeforeAnyClientIsBuilt_andNothingRuns(@TempDir Path dir) {
        Path marker = dir.resolve("ran");
        String exec = Kubeconfigs.forServer("prod", first.url()).replace("token: \"local\"", "token: \"local\"\n"
                + "    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: /bin/sh\n"
                + "      args: [\"-c\", \"touch " + marker + "\"]\n      interactiveMode: Never");
        assertThat(exec).contains("exec:");
        kubeconfig(exec);

        assertThatThrownBy(() -> clusters.of(shoot).observe(false)).isInstanceOf(ShootAccessException.class)
                .hasMessage("the kubeconfig in Secret garden-dev/prod.kubeconfig has users[prod].user.exec (a program to run):"
                        + " only a bearer token or an inline client certificate and key are used; nothing is run and no file is read");
        assertThat(marker).doesNotExist();
        assertThat(clusters.open()).isZero();
    }

    @ParameterizedTest
    @EnumSource(KeyForm.class)
    void clientCertificate_withAKeyOfEveryForm_isPresentedToTheShootsApiServer(KeyForm form) {
        ClientCredentials server = ClientCredentials.generate(KeyForm.RSA_PKCS8, "api.prod.example.com");
        ClientCredentials admin = ClientCredentials.generate(form, "admin");
        // a server that takes only this client certificate, and knows no Node
        try (AnsweringServer shootServer = AnsweringServer.https(server, admin.certificate(), 404,
                AnsweringServer.status(404, "NotFound", "the server could not find the requested resource"))) {
            Map<String, Object> kubeconfig = ShootKubeconfigTest.valid();
            ShootKubeconfigTest.cluster(kubeconfig).put("server", shootServer.url());
            ShootKubeconfigTest.cluster(kubeconfig).put("certificate-authority-data", ClientCredentials.base64(server.certificatePem()));
            ShootKubeconfigTest.user(kubeconfig).remove("token");
            ShootKubeconfigTest.user(kubeconfig).put("client-certificate-data", ClientCredentials.base64(admin.certificatePem()));
            ShootKubeconfigTest.user(kubeconfig).put("client-key-data", ClientCredentials.base64(admin.keyPem()));
            kubeconfig(io.fabric8.kubernetes.client.utils.Serialization.asYaml(kubeconfig));

            assertThatThrownBy(() -> clusters.of(shoot).observe(false)).isInstanceOf(ShootAccessException.class)
                    .hasMessageContaining("Shoot garden-dev/prod at " + shootServer.url() + "/: HTTP 404 Not Found");
            assertThat(shootServer.requests()).as("the requests came with the client certificate").isNotEmpty()
                    .allSatisfy(request -> assertThat(request.clientCertificate()).isEqualTo("O=system:masters,CN=admin"));
        }
    }

    @Test
    void theReportCountsEverySingleStackService_butNamesOnlyWhatKubernetesAcceptsAsNames() {
        for (String name : List.of("web", "Not_A_Name", "x".repeat(300))) {
            first.client().services().inNamespace("app").resource(new io.fabric8.kubernetes.api.model.ServiceBuilder()
                    .withNewMetadata().withNamespace("app").withName(name).endMetadata()
                    .withNewSpec().withClusterIP("100.64.0.20").withClusterIPs("100.64.0.20").endSpec().build()).create();
        }
        kubeconfigPointingAt(first);

        var report = clusters.of(shoot).observe(true).report();

        assertThat(report.singleStackServiceCount()).isEqualTo(3);
        assertThat(report.singleStackServices()).containsExactly("app/web");
    }

    private void kubeconfigPointingAt(LocalApiServer server) {
        kubeconfig(Kubeconfigs.forServer("prod", server.url()));
    }

    private void kubeconfig(String kubeconfig) {
        garden.client().secrets().inNamespace("garden-dev").resource(new SecretBuilder()
                .withNewMetadata().withNamespace("garden-dev").withName("prod.kubeconfig").endMetadata()
                .withStringData(Map.of("kubeconfig", kubeconfig))
                .build()).createOr(op -> op.update());
    }
}
