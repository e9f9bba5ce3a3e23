package io.github.shootdualstack.cli;

import io.github.shootdualstack.local.ExtensionsConfig;
import io.github.shootdualstack.local.LocalApiServer;
import io.github.shootdualstack.local.LocalLandscape;
import io.github.shootdualstack.local.LocalProvider;
import io.github.shootdualstack.local.ShootClusterSimulator;
import io.github.shootdualstack.testing.GardenerShootAccess;
import io.github.shootdualstack.testing.RequestLog;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code plan} on a garden whose gardener-apiserver serves {@code shoots/adminkubeconfig} (the mock
 * answering as it does) and keeps no kubeconfig Secret: its checks of the shoot cluster read it with a
 * kubeconfig from {@code shoots/adminkubeconfig}; {@code --shoot-access=secret} makes it look for the
 * Secret instead.
 */
class PlanShootAccessTest {

    private final LocalApiServer garden = LocalApiServer.start();
    private final LocalLandscape landscape = LocalLandscape.builder().project("dev").shoot("ready").pool("pool-a", 2).build();
    private final LocalProvider provider = LocalProvider.start(garden.client(), ExtensionsConfig.succeedingAfter(Duration.ZERO),
            ShootClusterSimulator.Config.immediate(), List.of(landscape));
    private final RequestLog gardenRequests = new RequestLog(garden.server());
    private final RequestLog shootRequests = new RequestLog(provider.shootServer(landscape));

    @AfterEach
    void stop() {
        provider.close();
        garden.close();
    }

    @Test
    void checksOfTheShootCluster_throughAdminKubeconfig_orForcedToTheSecret() {
        garden.client().secrets().inNamespace("garden-dev").withName("ready.kubeconfig").delete();
        GardenerShootAccess.discovery(garden.server(), true);
        List<String> posts = GardenerShootAccess.adminKubeconfig(garden.server(), "garden-dev", "ready", provider.shootUrl(landscape),
                Clock.systemUTC(), Duration.ofHours(24));
        int gardenMark = gardenRequests.mark();
        int shootMark = shootRequests.mark();

        Run auto = plan("garden-dev/ready");

        assertThat(auto.exit).as(auto.out + auto.err).isZero();
        assertThat(auto.out).contains("READY").contains("OK  shoot cluster       kubeconfig usable, API server reachable");
        assertThat(posts).hasSize(1);
        assertThat(shootRequests.since(shootMark)).filteredOn(RequestLog.byOperator()).as("plan's reads of the shoot cluster")
                .isNotEmpty().noneMatch(RequestLog.Request::isWrite);
        assertThat(gardenRequests.since(gardenMark)).filteredOn(RequestLog.byOperator()).filteredOn(RequestLog.Request::isWrite)
                .as("plan's only request to the garden that is not a read: the AdminKubeconfigRequest, which stores nothing")
                .extracting(RequestLog.Request::toString)
                .containsExactly("POST " + GardenerShootAccess.path("garden-dev", "ready"));

        Run secret = plan("--shoot-access=secret", "garden-dev/ready");

        assertThat(secret.exit).isEqualTo(1);
        assertThat(secret.out).contains("Secret garden-dev/ready.kubeconfig not found");
        assertThat(posts).as("no kubeconfig asked for with --shoot-access=secret").hasSize(1);
    }

    private record Run(int exit, String out, String err) {
    }

    private Run plan(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = Main.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err));
        PlanCommand command = (PlanCommand) commandLine.getSubcommands().get("plan").getCommand();
        command.selected.gardenConfig = garden.client().getConfiguration();
        List<String> all = new ArrayList<>(List.of("plan", "--allow-insecure-shoot-connections"));
        all.addAll(List.of(args));
        int exit = commandLine.execute(all.toArray(String[]::new));
        return new Run(exit, out.toString(), err.toString());
    }
}
