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
                "migrator: gardenlet\n", "migrator: engine\n", """
                migrator: gardenlet
                rollout:
                  maxRolling: 50
                  maxRollingPerSeed: 5
                  pause: true
                  waveSelector: rollout-wave in (1,2)
                """)) {
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

    @Test
    void rollout_passedAsItsFlags_negativeLimitsRefusedByTheSchema() {
        Container container = Manifests.of(HelmChart.template("""
                rollout:
                  maxRolling: 50
                  pause: true
                  waveSelector: rollout-wave=1
                """)).all(Deployment.class).get(0).getSpec().getTemplate().getSpec().getContainers().get(0);

        assertThat(container.getArgs()).contains("--max-rolling=50", "--max-rolling-per-seed=0", "--pause",
                "--wave-selector=rollout-wave=1");
        assertThat(Manifests.of(HelmChart.template("")).all(Deployment.class).get(0).getSpec().getTemplate().getSpec()
                .getContainers().get(0).getArgs()).doesNotContain("--pause").noneMatch(arg -> arg.startsWith("--wave-selector"));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> HelmChart.template("rollout:\n  maxRolling: -1\n"))
                .hasMessageContaining("maxRolling");
    }
}
