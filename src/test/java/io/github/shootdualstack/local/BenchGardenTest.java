package io.github.shootdualstack.local;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.github.shootdualstack.garden.ExtensionKind;
import io.github.shootdualstack.shoot.Shoot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class BenchGardenTest {

    private final LocalApiServer garden = LocalApiServer.start();

    @AfterEach
    void stop() {
        garden.close();
    }

    @Test
    void populate_storesEveryShootAndExtensionWithTheStatusItsControllersWrote() {
        LocalCrds.install(garden.client());

        BenchGarden.populate(garden.client(), 0, 3, created -> { });

        Shoot shoot = garden.client().resources(Shoot.class).inNamespace("garden-bench1").withName("shoot-1").require();
        assertThat(shoot.getStatus()).isNotNull();
        assertThat(shoot.getStatus().getTechnicalID()).isEqualTo("shoot--bench1--shoot-1");
        assertThat(shoot.getStatus().getLastOperation().getState()).isEqualTo("Succeeded");
        assertThat(shoot.getStatus().getNetworking()).isNotNull();
        assertThat(shoot.getStatus().getConstraints()).isNotEmpty();
        assertThat(shoot.getSpec().getNetworking().getIpFamilies()).containsExactly("IPv4");
        assertThat(shoot.getMetadata().getManagedFields()).extracting("manager").containsExactly("gardener-dashboard", "gardenlet");
        for (ExtensionKind kind : List.of(ExtensionKind.INFRASTRUCTURE, ExtensionKind.CONTROL_PLANE, ExtensionKind.NETWORK)) {
            GenericKubernetesResource extension = kind.in(garden.client()).inNamespace("shoot--bench1--shoot-1").withName("shoot-1").require();
            assertThat(extension.getAdditionalProperties().get("status")).as(kind.kind())
                    .isInstanceOfSatisfying(Map.class, status -> assertThat(status).containsKeys("lastOperation", "observedGeneration"));
        }
        GenericKubernetesResource network = ExtensionKind.NETWORK.in(garden.client()).inNamespace("shoot--bench1--shoot-1")
                .withName("shoot-1").require();
        assertThat(((Map<?, ?>) network.getAdditionalProperties().get("status")).get("ipFamilies")).isEqualTo(List.of("IPv4"));
    }
    @Test
    void populate_besideGardenlet_storesShootsAV138GardenletReconciled_andNoExtensionResource() {
        LocalCrds.installShoot(garden.client());

        BenchGarden.populate(garden.client(), 0, 3, created -> { }, true);

        Shoot shoot = garden.client().resources(Shoot.class).inNamespace("garden-bench2").withName("shoot-2").require();
        assertThat(shoot.getStatus().getGardener().getVersion()).isEqualTo("v1.138.0");
        assertThat(shoot.getStatus().getLastOperation().getState()).isEqualTo("Succeeded");
        assertThat(shoot.getStatus().getObservedGeneration()).isEqualTo(shoot.getMetadata().getGeneration());
        assertThat(shoot.getStatus().getConditions()).isNotEmpty();
        assertThat(shoot.getStatus().getNetworking()).isNotNull();
        assertThat(shoot.getStatus().getTechnicalID()).isEqualTo("shoot--bench2--shoot-2");
        assertThat(shoot.getStatus().additionalProperties()).containsEntry("uid", shoot.getMetadata().getUid())
                .containsEntry("seedName", "aws-eu3").containsKeys("clusterIdentity", "advertisedAddresses");
        assertThat(shoot.getSpec().getSeedName()).isEqualTo("aws-eu3");
        assertThat(shoot.getMetadata().getLabels()).containsEntry("name.seed.gardener.cloud/aws-eu3", "true")
                .doesNotContainKey("name.seed.gardener.cloud/aws-eu1");
        assertThat(garden.client().apiextensions().v1().customResourceDefinitions().list().getItems())
                .extracting(crd -> crd.getMetadata().getName()).containsExactly("shoots.core.gardener.cloud");
    }
}
