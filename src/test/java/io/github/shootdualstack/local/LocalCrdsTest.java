package io.github.shootdualstack.local;

import io.github.shootdualstack.garden.Patches;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.github.shootdualstack.garden.ExtensionKind;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

@EnableKubernetesMockClient(crud = true)
class LocalCrdsTest {

    KubernetesClient client;
    KubernetesMockServer server;

    @Test
    void install_twice_leavesTheShootAndTheFiveExtensionCrds() {
        LocalCrds.install(client);
        LocalCrds.install(client);

        assertThat(client.apiextensions().v1().customResourceDefinitions().list().getItems())
                .extracting(crd -> crd.getMetadata().getName())
                .containsExactlyInAnyOrder("shoots.core.gardener.cloud",
                        "infrastructures.extensions.gardener.cloud", "controlplanes.extensions.gardener.cloud",
                        "networks.extensions.gardener.cloud", "clusters.extensions.gardener.cloud",
                        "machinedeployments.machine.sapcloud.io");
    }

    @Test
    void extensionCrds_matchTheExtensionKinds() {
        List<CustomResourceDefinition> crds = LocalCrds.install(client);

        for (ExtensionKind kind : ExtensionKind.values()) {
            assertThat(crds).as(kind.kind()).anySatisfy(crd -> {
                assertThat(crd.getSpec().getGroup()).isEqualTo(kind.context().getGroup());
                assertThat(crd.getSpec().getNames().getKind()).isEqualTo(kind.kind());
                assertThat(crd.getSpec().getNames().getPlural()).isEqualTo(kind.context().getPlural());
                assertThat(crd.getSpec().getScope()).isEqualTo(kind.context().isNamespaceScoped() ? "Namespaced" : "Cluster");
                assertThat(crd.getSpec().getVersions()).singleElement().satisfies(version -> {
                    assertThat(version.getName()).isEqualTo(kind.context().getVersion());
                    assertThat(version.getSubresources().getStatus()).isNotNull();
                });
            });
        }
    }

    @Test
    void specUpdate_ofAnExtensionResource_bumpsGenerationAndKeepsStatus() {
        LocalCrds.install(client);
        GenericKubernetesResource created = ExtensionKind.NETWORK.in(client).inNamespace("shoot--dev--demo")
                .resource(new GenericKubernetesResourceBuilder()
                        .withApiVersion(ExtensionKind.NETWORK.apiVersion()).withKind(ExtensionKind.NETWORK.kind())
                        .withNewMetadata().withNamespace("shoot--dev--demo").withName("demo").endMetadata()
                        .addToAdditionalProperties("spec", Map.of("ipFamilies", List.of("IPv4")))
                        .build())
                .create();
        Patches.setStatusFields(ExtensionKind.NETWORK.in(client).inNamespace("shoot--dev--demo").withName("demo"),
                Map.of("ipFamilies", List.of("IPv4")));

        GenericKubernetesResource updated = ExtensionKind.NETWORK.in(client).inNamespace("shoot--dev--demo").withName("demo")
                .edit(network -> {
                    network.setAdditionalProperty("spec", Map.of("ipFamilies", List.of("IPv4", "IPv6")));
                    return network;
                });

        assertThat(updated.getMetadata().getGeneration()).isEqualTo(created.getMetadata().getGeneration() + 1);
        assertThat(Fields.strings(updated, "status", "ipFamilies")).containsExactly("IPv4");
    }
}
