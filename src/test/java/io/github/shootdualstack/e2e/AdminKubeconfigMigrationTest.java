package io.github.shootdualstack.e2e;

import io.github.shootdualstack.deploy.ChartRbac;
import io.github.shootdualstack.garden.ExtensionKind;
import io.github.shootdualstack.migration.Step;
import io.github.shootdualstack.operator.OperatorSettings;
import io.github.shootdualstack.shootcluster.ShootAccess;
import io.github.shootdualstack.testing.GardenerShootAccess;
import io.github.shootdualstack.testing.RequestAttributes;
import io.github.shootdualstack.testing.RequestLog;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The engine on a garden whose gardener-apiserver serves {@code shoots/adminkubeconfig} (the mock
 * answering as it does) and keeps no {@code <shoot>.kubeconfig} Secret: the steps, CoreDNS's restart,
 * kube-dns's patch and the report at completion all reach the shoot cluster with one short-lived
 * kubeconfig; nothing is read from or written to a Secret; and every request to the garden is one the
 * chart's roles allow for {@code shootAccess: adminkubeconfig}, which no longer grant Secrets.
 */
class AdminKubeconfigMigrationTest {

    private final MigrationHarness world = MigrationHarness.twoPools();
    private final String namespace = world.landscape.projectNamespace();
    private final String name = world.landscape.shootName();

    @AfterEach
    void stop() {
        world.close();
    }

    @Test
    void wholeMigrationAndItsReport_throughOneAdminKubeconfig_noSecret_everyRequestAllowedByTheChart() {
        world.gardenClient().secrets().inNamespace(namespace).withName(world.landscape.kubeconfigSecretName()).delete();
        GardenerShootAccess.discovery(world.garden.server(), true);
        List<String> posts = GardenerShootAccess.adminKubeconfig(world.garden.server(), namespace, name,
                world.local.shootUrl(world.landscape), Clock.systemUTC(), Duration.ofHours(24));
        int mark = world.gardenRequests.mark();
        world.startOperator(OperatorSettings.defaults().withMigration(MigrationHarness.FAST));

        world.requestDualStack();
        // on a garden whose Shoots gardener-apiserver serves there is no record: the steps are told by events
        await().atMost(MigrationHarness.TIMEOUT).until(() -> world.events("DualStackMigrationStep").stream()
                .anyMatch(event -> event.getMessage().startsWith(Step.NODES.label())));
        world.annotate(ExtensionKind.OPERATION_ANNOTATION, "rollout-workers=*");
        await().atMost(MigrationHarness.TIMEOUT).until(() -> !world.events("DualStackMigrationCompleted").isEmpty());

        assertThat(world.events("DualStackMigrationCompleted")).singleElement().satisfies(event ->
                assertThat(event.getMessage()).contains("pods still have one address").contains("Services are still single-stack"));
        assertThat(world.simulator().coreDnsRollouts()).as("CoreDNS restarted in the shoot cluster").isEqualTo(1);
        assertThat(posts).as("AdminKubeconfigRequests: one kubeconfig, valid an hour, for the whole migration").hasSize(1);

        List<RequestAttributes> garden = world.gardenRequests.since(mark).stream().filter(RequestLog.byOperator())
                .flatMap(request -> RequestAttributes.of(request).stream()).toList();
        ChartRbac chart = ChartRbac.of("shootAccess: adminkubeconfig");
        assertThat(garden).noneMatch(request -> request.resource().equals("secrets"));
        assertThat(garden).filteredOn(request -> request.resourcePath().equals("shoots/adminkubeconfig"))
                .extracting(RequestAttributes::verb).containsExactly("create");
        assertThat(garden).filteredOn(request -> chart.allowing(request).isEmpty() && !ChartRbac.basicUserAllows(request))
                .as("requests the chart's roles for shootAccess: adminkubeconfig would refuse").isEmpty();
        assertThat(world.gardenClient().secrets().inAnyNamespace().list().getItems())
                .as("Secrets in the garden: none written").isEmpty();
    }

    @Test
    void secretForced_onThatGarden_theShootNamesTheMissingSecret_andNoKubeconfigIsAsked() {
        world.gardenClient().secrets().inNamespace(namespace).withName(world.landscape.kubeconfigSecretName()).delete();
        GardenerShootAccess.discovery(world.garden.server(), true);
        List<String> posts = GardenerShootAccess.adminKubeconfig(world.garden.server(), namespace, name,
                world.local.shootUrl(world.landscape), Clock.systemUTC(), Duration.ofHours(24));
        var before = world.lastOperation();
        world.startOperator(OperatorSettings.defaults().withMigration(MigrationHarness.FAST).withShootAccess(ShootAccess.SECRET));

        world.requestDualStack();

        await().atMost(MigrationHarness.TIMEOUT).until(() -> world.events("DualStackMigrationBlocked").stream()
                .anyMatch(event -> event.getMessage().contains("Secret " + namespace + "/" + name + ".kubeconfig not found")));
        assertThat(world.lastOperation()).as("gardenlet's: not written on that garden").usingRecursiveComparison().isEqualTo(before);
        assertThat(posts).isEmpty();
    }
}
