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
}
