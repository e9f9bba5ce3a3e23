package io.github.shootdualstack.garden;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.github.shootdualstack.shoot.Shoot;
import io.github.shootdualstack.shoot.ShootStatus;
import io.github.shootdualstack.testing.TestShoots;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A Shoot's technical namespace is Gardener's for its project and name: its status.technicalID is
 * taken only in that form (or the legacy one, with a Cluster that holds the Shoot), and a Cluster is
 * the Shoot's only when it holds the Shoot's UID.
 */
class TechnicalNamespaceTest {

    static final String UID = "0f6f3c1e-7d5a-4b8e-9a51-6c2d1e0b9f00";

    @Test
    void technicalIdInGardenersForm_isTheNamespace() {
        assertThat(TechnicalNamespace.of(shoot("garden-dev", "prod", "shoot--dev--prod"), "dev"))
                .isEqualTo(new TechnicalNamespace("shoot--dev--prod", false));
    }

    @Test
    void withoutTechnicalId_theNamespaceComesFromTheProject_notFromTheNamespacesName() {
        assertThat(TechnicalNamespace.of(shoot("garden-foo", "prod", null), "foo").name()).isEqualTo("shoot--foo--prod");
        assertThat(TechnicalNamespace.of(shoot("foo", "prod", null), "bar").name()).isEqualTo("shoot--bar--prod");
        assertThat(TechnicalNamespace.of(shoot("garden", "seed", " "), "garden").name()).isEqualTo("shoot--garden--seed");
    }

    @Test
    void technicalIdOfAnotherProjectOrShoot_isRefused_namingBothValues() {
        assertThatThrownBy(() -> TechnicalNamespace.of(shoot("garden-dev", "prod", "shoot--other--db"), "dev"))
                .isInstanceOf(TechnicalNamespaceException.class)
                .hasMessage("Shoot garden-dev/prod has status.technicalID \"shoot--other--db\", not \"shoot--dev--prod\""
                        + " (project dev): nothing is written to another project");
        assertThatThrownBy(() -> TechnicalNamespace.of(shoot("garden-dev", "prod", "shoot--dev--db"), "dev"))
                .hasMessageContaining("not \"shoot--dev--prod\"");
        assertThatThrownBy(() -> TechnicalNamespace.of(shoot("garden-dev", "prod", "shoot-other-prod"), "dev"))
                .as("the legacy form of another project").hasMessageContaining("\"shoot-other-prod\", not \"shoot--dev--prod\"");
        assertThatThrownBy(() -> TechnicalNamespace.of(shoot("garden-dev", "prod", "kube-system"), "dev"))
                .hasMessageContaining("\"kube-system\"");
    }

    @Test
    void legacyTechnicalId_isTakenWithTheClusterThatHoldsTheShoot_andRefusedWithoutIt() {
        Shoot shoot = shoot("garden-a", "b-c", "shoot-a-b-c");
        TechnicalNamespace legacy = TechnicalNamespace.of(shoot, "a");

        assertThat(legacy).isEqualTo(new TechnicalNamespace("shoot-a-b-c", true));
        legacy.requireOwnCluster(cluster(UID), shoot);
        assertThatThrownBy(() -> legacy.requireOwnCluster(null, shoot))
                .isInstanceOf(TechnicalNamespaceException.class)
                .hasMessage("Shoot garden-a/b-c has the legacy status.technicalID \"shoot-a-b-c\", which a Shoot of another"
                        + " project can have too, and no Cluster shoot-a-b-c holds its UID \"" + UID + "\": nothing is written");
    }

    @Test
    void clusterHoldingAnotherShootOrNone_isRefused_namingBothUids() {
        Shoot shoot = shoot("garden-dev", "prod", "shoot--dev--prod");
        TechnicalNamespace namespace = TechnicalNamespace.of(shoot, "dev");

        namespace.requireOwnCluster(null, shoot);
        namespace.requireOwnCluster(cluster(UID), shoot);
        assertThatThrownBy(() -> namespace.requireOwnCluster(cluster("9d3e-other"), shoot))
                .isInstanceOf(TechnicalNamespaceException.class)
                .hasMessage("Cluster shoot--dev--prod holds the Shoot with UID \"9d3e-other\", not \"" + UID
                        + "\" of Shoot garden-dev/prod: nothing is written");
        GenericKubernetesResource withoutCopy = new GenericKubernetesResource();
        withoutCopy.setAdditionalProperty("spec", Map.of("seed", Map.of()));
        assertThatThrownBy(() -> namespace.requireOwnCluster(withoutCopy, shoot))
                .hasMessage("Cluster shoot--dev--prod holds no Shoot UID (spec.shoot.metadata.uid), not \"" + UID
                        + "\" of Shoot garden-dev/prod: nothing is written");
    }

    private static Shoot shoot(String namespace, String name, String technicalId) {
        Shoot shoot = TestShoots.ipv4(namespace, name);
        shoot.getMetadata().setUid(UID);
        ShootStatus status = new ShootStatus();
        status.setTechnicalID(technicalId);
        shoot.setStatus(status);
        return shoot;
    }

    private static GenericKubernetesResource cluster(String uid) {
        GenericKubernetesResource cluster = new GenericKubernetesResource();
        cluster.setAdditionalProperty("spec", Map.of("shoot", Map.of("metadata", Map.of("uid", uid))));
        return cluster;
    }
}
