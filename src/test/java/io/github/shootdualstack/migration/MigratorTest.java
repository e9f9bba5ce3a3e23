package io.github.shootdualstack.migration;

import io.github.shootdualstack.shoot.GardenerInfo;
import io.github.shootdualstack.shoot.IpFamily;
import io.github.shootdualstack.shoot.Shoot;
import io.github.shootdualstack.shoot.ShootStatus;
import io.github.shootdualstack.shoot.StatusNetworking;
import io.github.shootdualstack.testing.TestShoots;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Who migrates a Shoot: by what serves the garden's Shoots and the version of the gardenlet that reconciles it. */
class MigratorTest {

    @ParameterizedTest(name = "gardenlet {0} on gardener-apiserver: {1}")
    @CsvSource({
            "'', ENGINE",
            "v1.110.0, NOBODY",
            "v1.116.9, NOBODY",
            "v0.999.999, NOBODY",
            "v1.117.0, GARDENLET",
            "1.117.0, GARDENLET",
            "v1.138.0, GARDENLET",
            "v1.138.0-dev, GARDENLET",
            "v2.0.0, GARDENLET",
            "latest, NOBODY",
            "v1.117, NOBODY",
    })
    void onGardenerApiServer_byTheGardenletsVersion(String version, Migrator expected) {
        assertThat(Migrator.of(shoot(version), true)).isEqualTo(expected);
    }

    @Test
    void onACrdGarden_gardenletFrom_1_117_on_elseTheEngine() {
        assertThat(Migrator.of(shoot("v1.138.0"), false)).isEqualTo(Migrator.GARDENLET);
        assertThat(Migrator.of(shoot("v1.110.0"), false)).isEqualTo(Migrator.ENGINE);
        assertThat(Migrator.of(shoot("latest"), false)).isEqualTo(Migrator.ENGINE);
        assertThat(Migrator.of(TestShoots.ipv4("garden-dev", "prod"), true)).as("no status").isEqualTo(Migrator.ENGINE);
    }

    @Test
    void forcedByTheInstallation_thatOneWhateverTheVersionAndTheGarden() {
        for (boolean gardenerApiServer : new boolean[] {true, false}) {
            assertThat(Migrator.of(shoot("v1.110.0"), gardenerApiServer, Migrator.GARDENLET)).isEqualTo(Migrator.GARDENLET);
            assertThat(Migrator.of(shoot("v1.138.0"), gardenerApiServer, Migrator.ENGINE)).isEqualTo(Migrator.ENGINE);
        }
    }

    @Test
    void notMigrated_saidOfAShootAskingForDualStack_thatRunsIpv4_namingTheGardenletAndTheFirstThatMigrates() {
        Shoot shoot = shoot("v1.110.0");
        shoot.getSpec().getNetworking().setIpFamilies(IpFamily.DUAL_STACK_IPV4_PRIMARY);

        Decision.Event event = Migrator.notMigrated(shoot);

        assertThat(event.warning()).isTrue();
        assertThat(event.reason()).isEqualTo(Migrator.NOT_MIGRATED_REASON);
        assertThat(event.message()).contains("Shoot garden-dev/prod", "[IPv4, IPv6]", "gardenlet v1.110.0", "v1.117.0 or newer",
                "leaves this Shoot alone");
    }

    @Test
    void notMigrated_nothingToSay_whenTheSpecAsksForWhatRuns_orWhenWhatRunsIsUnknown() {
        assertThat(Migrator.notMigrated(shoot("v1.110.0"))).as("[IPv4] asked, [IPv4] runs").isNull();
        Shoot dual = shoot("v1.110.0");
        dual.getSpec().getNetworking().setIpFamilies(IpFamily.DUAL_STACK_IPV4_PRIMARY);
        dual.getStatus().getNetworking().setPods(List.of("10.1.0.0/16", "fd00:10:1::/56"));
        assertThat(Migrator.notMigrated(dual)).as("runs dual-stack").isNull();
        dual.getStatus().setNetworking(null);
        assertThat(Migrator.notMigrated(dual)).as("nothing says what runs").isNull();
    }

    @Test
    void notMigrated_aVersionThatIsNone_isNotRepeated() {
        Shoot shoot = shoot("v1.110.0\nforged line");
        shoot.getSpec().getNetworking().setIpFamilies(IpFamily.DUAL_STACK_IPV4_PRIMARY);

        assertThat(Migrator.of(shoot, true)).isEqualTo(Migrator.NOBODY);
        assertThat(Migrator.notMigrated(shoot).message()).doesNotContain("forged").contains("is not a version");
    }

    @Test
    void plan_onGardenerApiServer_saysWhoMigrates() {
        Migration.Settings gardener = Migration.Settings.defaults().onGardenerApiServer(true);
        java.time.Instant now = java.time.Instant.parse("2026-12-06T10:00:00Z");

        Preflight byGardenlet = Preflight.of(new Migration.Input(shoot("v1.138.0"), null, null, null, now, gardener));
        Preflight byNobody = Preflight.of(new Migration.Input(shoot("v1.110.0"), null, null, null, now, gardener));

        assertThat(byGardenlet.verdict()).isEqualTo(Preflight.Verdict.GARDENLET);
        assertThat(byGardenlet.checks()).singleElement().satisfies(check -> assertThat(check.detail())
                .contains("gardenlet v1.138.0", "migrates the Shoot by itself"));
        assertThat(byNobody.verdict()).isEqualTo(Preflight.Verdict.BLOCKED);
        assertThat(byNobody.checks()).singleElement().satisfies(check -> assertThat(check.detail()).contains("older than v1.117.0"));
    }

    private static Shoot shoot(String version) {
        Shoot shoot = TestShoots.ipv4("garden-dev", "prod");
        ShootStatus status = new ShootStatus();
        GardenerInfo gardener = new GardenerInfo();
        gardener.setVersion(version);
        status.setGardener(gardener);
        StatusNetworking networking = new StatusNetworking();
        networking.setNodes(List.of("10.0.0.0/16"));
        networking.setPods(List.of("10.1.0.0/16"));
        status.setNetworking(networking);
        shoot.setStatus(status);
        return shoot;
    }
}
