package io.github.shootdualstack.deploy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.github.shootdualstack.cli.Main;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The arguments the chart gives the container are ones the operator's command line accepts. */
class ChartArgsTest {

    @Test
    void everyChartVariant_passesArgumentsTheRunCommandAccepts() {
        for (String values : List.of("", """
                watch:
                  namespaces: [garden-dev, garden-prod]
                  selector: dualstack=enabled
                logFormat: json
                recheckInterval: 10s
                """, ChartShardsTest.THREE_SHARDS, "shootAccess: adminkubeconfig\n", "shootAccess: secret\n",
                "migrator: gardenlet\n", "migrator: engine\n")) {
            for (Deployment deployment : Manifests.of(HelmChart.template(values)).all(Deployment.class)) {
                Container container = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
                List<String> args = new ArrayList<>(container.getArgs() == null ? List.of() : container.getArgs());
                if (container.getCommand() == null && !args.isEmpty() && !args.get(0).equals("run")) {
                    args.add(0, "run");
                }
                CommandLine.ParseResult parsed = Main.commandLine().parseArgs(args.toArray(String[]::new));
                assertThat(parsed.hasSubcommand()).as("args %s select the run command", args).isTrue();
                assertThat(parsed.subcommand().commandSpec().name()).isEqualTo("run");
                assertThat(parsed.subcommand().unmatched()).as("args %s", args).isEmpty();
            }
        }
    }

    @Test
    void migrator_passedAsTheFlag_anyOtherValueRefusedByTheSchema() {
        Container container = Manifests.of(HelmChart.template("migrator: gardenlet\n")).all(Deployment.class).get(0)
                .getSpec().getTemplate().getSpec().getContainers().get(0);

        assertThat(container.getArgs()).contains("--migrator=gardenlet").doesNotContain("--migrator=auto");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> HelmChart.template("migrator: operator\n"))
                .hasMessageContaining("migrator");
    }
}
