package io.github.shootdualstack.demo;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** The README's first command: the demo migrates its Shoot and says what happened; impossible flags stop it first. */
class DemoCommandTest {

    @Test
    void demo_completesTheMigration_andPrintsTimelineAndSummary() {
        Run run = run("demo", "--speed", "fast", "--pools", "2", "--nodes", "2");
        String output = run.output();

        assertThat(run.exitCode()).as(output).isZero();
        assertThat(output)
                .contains("constraints DualStackNodesMigrationReady=Progressing (NodesNotMigrated")
                .contains("constraints DualStackNodesMigrationReady=True (NodesMigrated")
                .contains("constraints DNSServiceMigrationReady=Progressing (DNSServiceMigration")
                .contains("constraints DNSServiceMigrationReady=True (DNSServiceMigration")
                .contains("you         annotate the Shoot with gardener.cloud/operation=rollout-workers=*")
                .contains("Summary")
                .contains("nodes            4 of 4 have IPv4 and IPv6 pod CIDRs")
                .contains("CoreDNS          restarted 1 time(s)")
                .containsPattern("kube-dns         PreferDualStack, cluster IPs 100\\.64\\.0\\.10, fd02:[0-9a-f]+::a");
        // it begins with what plan says and ends with what status says
        assertThat(output.indexOf("$ shoot-dualstack-operator plan")).isBetween(0, output.indexOf("you         set spec.networking.ipFamilies"));
        assertThat(output).containsPattern("garden-dev/demo +READY")
                .containsPattern("\\$ shoot-dualstack-operator status garden-dev/demo\\nShoot garden-dev/demo\\n")
                .containsPattern("Step: +Completed")
                .containsPattern("Step 7/7 KubeDNS +\\S+ +- +\\S+ +\\d+s")
                .containsPattern("Normal +DualStackMigrationCompleted +1 +dual-stack migration to \\[IPv4, IPv6\\] completed");
        assertThat(output.stripTrailing()).endsWith("still single-stack until changed: default/kubernetes, app/web, app/api");
    }

    @Test
    void demoBesideGardenlet_theStandInMigrates_theOperatorAsksForTheRollAndTheReconciles() {
        Run run = run("demo", "--gardenlet", "--speed", "fast", "--pools", "2", "--nodes", "2");
        String output = run.output();

        assertThat(run.exitCode()).as(output).isZero();
        assertThat(output)
                .contains("you         set spec.networking.ipFamilies to [IPv4, IPv6], and annotate the Shoot shootdualstack.io/operation=migrate-now")
                .doesNotContain("you         annotate the Shoot with gardener.cloud/operation")
                .contains("event       Normal DualStackRolloutRequested: Shoot garden-dev/demo: asked gardenlet to roll the nodes of worker pools pool-a, pool-b")
                .contains("constraints DualStackNodesMigrationReady=True (NodesMigrated")
                .contains("constraints DNSServiceMigrationReady=True (DNSServiceMigration")
                .contains("nodes            4 of 4 have IPv4 and IPv6 pod CIDRs")
                .contains("CoreDNS          restarted 1 time(s)")
                .containsPattern("asked of it      ROLL_NODES 1, NODES_MIGRATED 1, DNS [12] ")
                .containsPattern("kube-dns         PreferDualStack, cluster IPs 100\\.64\\.0\\.10, fd02:[0-9a-f]+::a");
    }

    @ParameterizedTest(name = "demo {0}")
    @CsvSource(delimiter = '|', value = {
            "--pools=0        | --pools 0 must be between 1 and 26",
            "--nodes=-3       | --nodes -3 must be between 1 and 250",
            "--timeout=0s     | --timeout PT0S must be between 1s and 1h",
    })
    void demo_impossibleValue_refusedBeforeAnythingStarts(String flag, String message) {
        StringWriter err = new StringWriter();

        int exit = DemoMain.commandLine().setErr(new PrintWriter(err)).execute("demo", flag);

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains(message);
    }

    private record Run(int exitCode, String output) {
    }

    /** Runs the demo jar's command line with its standard output captured. */
    private static Run run(String... args) {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.out;
        try {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            return new Run(DemoMain.commandLine().execute(args), captured.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(original);
        }
    }
}
