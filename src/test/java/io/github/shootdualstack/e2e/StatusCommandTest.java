package io.github.shootdualstack.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.shootdualstack.cli.Main;
import io.github.shootdualstack.local.Kubeconfigs;
import io.github.shootdualstack.testing.RequestLog;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code status} as a user runs it (the command line with {@code --kubeconfig}) during a migration
 * and after it, against a whole local world; it writes nothing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StatusCommandTest {

    private MigrationHarness world;
    private Path kubeconfig;

    @BeforeAll
    void world(@TempDir Path dir) throws IOException {
        world = MigrationHarness.twoPools();
        kubeconfig = dir.resolve("garden.kubeconfig");
        Files.writeString(kubeconfig, Kubeconfigs.forServer("garden", world.gardenClient().getConfiguration().getMasterUrl()));
    }

    @AfterAll
    void close() {
        world.close();
    }

    @Test
    void duringAndAfterAMigration_showsStepProgressWaitTimelineAndEvents_andWritesNothing() throws Exception {
        assertThat(status()).isEqualTo("No Shoot has a dual-stack migration.\n");
        world.startOperator();
        world.requestDualStack();
        await().atMost(MigrationHarness.TIMEOUT).until(() -> status().contains("waiting for the nodes to be rolled"));
        world.stopOperator();

        int gardenMark = world.gardenRequests.mark();
        String during = status();
        String duringOne = status("garden-dev/prod");
        JsonNode duringJson = new ObjectMapper().readTree(status("--output", "json"));
        assertNoWritesButReadsSince(gardenMark);

        assertThat(during).startsWith("SHOOT").containsPattern("garden-dev/prod +engine +Step 4/7 Nodes +35% +Processing +\\d+s +Step 4/7 Nodes: waiting");
        assertThat(duringOne).startsWith("Shoot garden-dev/prod\n")
                .containsPattern("Migrated by: +engine")
                .containsPattern("Migration: +\\[IPv4\\] to \\[IPv4, IPv6\\]")
                .containsPattern("Step: +Step 4/7 Nodes, for \\d+")
                .containsPattern("DualStackNodesMigrationReady +Progressing +NodesNotMigrated .*0 of 5 nodes")
                .containsPattern("Step 2/7 Infrastructure +\\S+ +\\S+ +\\S+ +\\d+")
                .containsPattern("Step 3/7 ControlPlane +\\S+ +\\S+ +\\S+ +\\d+")
                .containsPattern("Step 4/7 Nodes +\\S+ +- +- +-")
                .containsPattern("Normal +DualStackMigrationStarted +1 +migration of spec.networking.ipFamilies from \\[IPv4\\] to \\[IPv4, IPv6\\]");
        JsonNode shoot = duringJson.get("shoots").get(0);
        assertThat(shoot.get("step").asText()).isEqualTo("Step 4/7 Nodes");
        assertThat(shoot.get("state").asText()).isEqualTo("Processing");
        assertThat(shoot.get("timeline")).hasSize(3);

        // blocked: the kubeconfig Secret loses its key while the nodes roll
        java.util.Map<String, String> kubeconfigData = world.kubeconfigSecret().get().getData();
        world.startOperator();
        world.replaceKubeconfigData(java.util.Map.of("other", "eA=="));
        await().atMost(MigrationHarness.TIMEOUT).until(() -> status().contains("Error"));
        String blocked = status();
        assertThat(blocked).containsPattern("garden-dev/prod +engine +Step 4/7 Nodes +35% +Error +\\d+s +Step 4/7 Nodes: Secret garden-dev/prod.kubeconfig");
        world.replaceKubeconfigData(kubeconfigData);
        world.rollWorkers("*");
        world.awaitCompleted();
        world.stopOperator();

        gardenMark = world.gardenRequests.mark();
        String after = status();
        String afterOne = status("prod");
        assertNoWritesButReadsSince(gardenMark);

        assertThat(after).containsPattern("garden-dev/prod +engine +Completed +100% +Succeeded +- +dual-stack migration to \\[IPv4, IPv6\\] completed");
        assertThat(afterOne).containsPattern("Completed: +\\S+")
                .contains("Constraints\n  none\n")
                .containsPattern("Step 7/7 KubeDNS +\\S+ +\\S+ +\\S+ +\\d+")
                .contains("DualStackMigrationStep", "Step 6/7 CoreDNS started", "DualStackMigrationCompleted");
    }

    @Test
    void aShootThatIsNotThere_isAUsageError() {
        StringWriter err = new StringWriter();
        int exit = Main.commandLine().setErr(new PrintWriter(err))
                .execute("status", "--kubeconfig", kubeconfig.toString(), "garden-dev/nonesuch");

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("Shoot garden-dev/nonesuch not found");
    }

    @Test
    void aGardenThatCannotBeRead_isSaidOnOneLine_withItsOwnExitCode(@TempDir Path dir) throws IOException {
        Path nowhere = dir.resolve("nowhere.kubeconfig");
        Files.writeString(nowhere, Kubeconfigs.forServer("nowhere", "http://127.0.0.1:1"));
        StringWriter err = new StringWriter();

        int exit = Main.commandLine().setErr(new PrintWriter(err)).execute("status", "--kubeconfig", nowhere.toString());

        assertThat(exit).isEqualTo(3);
        assertThat(err.toString()).isEqualTo("could not read the garden at http://127.0.0.1:1/ (kubeconfig " + nowhere + "): connection refused\n");
    }

    private void assertNoWritesButReadsSince(int gardenMark) {
        List<RequestLog.Request> byStatus = new ArrayList<>(world.gardenRequests.since(gardenMark).stream()
                .filter(RequestLog.byOperator()).toList());
        assertThat(byStatus).as("status reads the garden").isNotEmpty();
        assertThat(byStatus).as("status writes nothing").noneMatch(RequestLog.Request::isWrite);
    }

    private String status(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<String> all = new ArrayList<>(List.of("status", "--kubeconfig", kubeconfig.toString()));
        all.addAll(List.of(args));
        int exit = Main.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(all.toArray(String[]::new));
        assertThat(exit).as(err.toString()).isZero();
        return out.toString();
    }
}
