package io.github.shootdualstack.e2e;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.github.shootdualstack.garden.ExtensionKind;
import io.github.shootdualstack.shoot.Worker;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Cluster's copy of the Shoot, which provider extensions read, gets from the migration the
 * target families and nothing else: a change of the spec the Shoot's own reconcile has not rolled
 * out yet (workers, versions) does not reach the providers with the migration.
 */
class ClusterSyncTest {

    @Test
    void familiesEditedWithWorkersAndVersion_theClusterGetsTheFamiliesAlone() {
        try (MigrationHarness world = MigrationHarness.twoPools()) {
            Map<String, Object> before = clusterShoot(world);
            world.startOperator();

            world.edit(shoot -> {
                shoot.getSpec().getNetworking().setIpFamilies(List.of("IPv4", "IPv6"));
                shoot.getSpec().setAdditionalProperty("kubernetes", Map.of("version", "1.32.0"));
                Worker poolA = shoot.getSpec().getProvider().getWorkers().get(0);
                poolA.setAdditionalProperty("machine", Map.of("type", "local-large", "image", Map.of("name", "local", "version", "2.0.0")));
                return shoot;
            });
            world.awaitStep("Nodes");

            Map<String, Object> expected = Serialization.clone(before);
            networking(expected).put("ipFamilies", List.of("IPv4", "IPv6"));
            assertThat(clusterShoot(world)).as("the copy as Gardener left it, with the target families").isEqualTo(expected);
        }
    }

    private static Map<String, Object> clusterShoot(MigrationHarness world) {
        Object shoot = ExtensionKind.CLUSTER.in(world.gardenClient()).withName(world.landscape.technicalNamespace()).get()
                .get("spec", "shoot");
        @SuppressWarnings("unchecked")
        Map<String, Object> copy = (Map<String, Object>) shoot;
        return copy;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> networking(Map<String, Object> shoot) {
        return (Map<String, Object>) ((Map<String, Object>) shoot.get("spec")).get("networking");
    }
}
