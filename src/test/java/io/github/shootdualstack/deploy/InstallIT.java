package io.github.shootdualstack.deploy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.Release;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.github.shootdualstack.testing.Kubectl;
import io.github.shootdualstack.testing.RealApiServer;
import io.github.shootdualstack.testing.RealApiServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Installing as users do, into a real API server of its own: deploy/kustomize accepted by
 * {@code kubectl apply -k --dry-run=server}, then the Helm chart installed by Helm with its CRDs,
 * then upgraded to shards.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class InstallIT {

    private RealApiServer server;
    private KubernetesClient client;

    @BeforeAll
    void startAnEmptyCluster() {
        server = RealApiServers.started("install");
        client = server.client();
    }

    @AfterAll
    void stop() {
        server.close();
    }

    @Test
    @Order(1)
    void kustomizeOutputIsAcceptedByTheApiServer() {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(HelmChart.NAMESPACE).endMetadata().build())
                .create();
        String applied = Kubectl.run(Map.of("KUBECONFIG", server.kubeconfigFile().toString()),
                "apply", "-k", DeployFiles.KUSTOMIZE.toString(), "--dry-run=server");
        System.out.println("kubectl apply -k deploy/kustomize --dry-run=server:\n" + applied);
        List<String> objects = DeployFiles.objectsByKey(HelmChart.template()).keySet().stream().toList();
        assertThat(applied.lines().filter(line -> line.endsWith("(server dry run)")).count())
                .as("one line per object of the render %s", objects).isEqualTo(objects.size());
    }

    @Test
    @Order(2)
    void helmInstallsTheChartWithItsCrds() {
        assertThat(release(false, "crds:\n  install: true\n  extensions: true\n").getStatus()).isEqualTo("deployed");
        for (String crd : List.of("shoots.core.gardener.cloud", "infrastructures.extensions.gardener.cloud",
                "controlplanes.extensions.gardener.cloud", "networks.extensions.gardener.cloud",
                "clusters.extensions.gardener.cloud", "machinedeployments.machine.sapcloud.io")) {
            CustomResourceDefinition installed = client.apiextensions().v1().customResourceDefinitions().withName(crd).get();
            assertThat(installed).as("CRD %s", crd).isNotNull();
        }
        assertThat(client.apps().deployments().inNamespace(HelmChart.NAMESPACE).withName(HelmChart.RELEASE).get()).isNotNull();
        assertThat(client.serviceAccounts().inNamespace(HelmChart.NAMESPACE).list().getItems())
                .extracting(account -> account.getMetadata().getName()).contains(ChartRbac.defaultServiceAccount());
        assertThat(client.rbac().clusterRoles().withLabel("app.kubernetes.io/instance", HelmChart.RELEASE).list().getItems())
                .isNotEmpty();
    }

    @Test
    @Order(3)
    void helmUpgradeToShards_replacesTheDeploymentWithOnePerShard() {
        for (String project : List.of("garden-dev", "garden-prod")) {
            client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(project).endMetadata().build()).create();
        }
        assertThat(release(true, """
                crds: {install: true, extensions: true}
                shards:
                  - {name: dev, namespaces: [garden-dev]}
                  - {name: prod, namespaces: [garden-prod], replicas: 1}
                """).getStatus()).isEqualTo("deployed");
        assertThat(client.apps().deployments().inNamespace(HelmChart.NAMESPACE).list().getItems())
                .extracting(deployment -> deployment.getMetadata().getName())
                .containsExactlyInAnyOrder(HelmChart.RELEASE + "-dev", HelmChart.RELEASE + "-prod");
        assertThat(client.policy().v1().podDisruptionBudget().inNamespace(HelmChart.NAMESPACE).list().getItems())
                .extracting(budget -> budget.getMetadata().getName()).containsExactly(HelmChart.RELEASE + "-dev");
        for (String project : List.of("garden-dev", "garden-prod")) {
            assertThat(client.rbac().roles().inNamespace(project).withName(HelmChart.RELEASE).get()).as("Role in %s", project).isNotNull();
        }
    }

    /** Installs the chart (or upgrades the release) on the real server with these values. */
    private Release release(boolean upgrade, String valuesYaml) {
        Helm helm = new Helm(HelmChart.DIR);
        String kubeconfig = server.kubeconfig("install");
        return HelmChart.withValuesFile(valuesYaml, values -> upgrade
                ? helm.upgrade().withName(HelmChart.RELEASE).withNamespace(HelmChart.NAMESPACE)
                        .withKubeConfigContents(kubeconfig).withValuesFile(values).call()
                : helm.install().withName(HelmChart.RELEASE).withNamespace(HelmChart.NAMESPACE)
                        .withKubeConfigContents(kubeconfig).withValuesFile(values).call());
    }
}
