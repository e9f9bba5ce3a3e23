package io.github.shootdualstack.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.github.shootdualstack.garden.ExtensionKind;
import io.github.shootdualstack.local.ExtensionsConfig;
import io.github.shootdualstack.local.Kubeconfigs;
import io.github.shootdualstack.local.LocalApiServer;
import io.github.shootdualstack.local.LocalLandscape;
import io.github.shootdualstack.local.LocalProvider;
import io.github.shootdualstack.local.ShootClusterSimulator;
import io.github.shootdualstack.migration.Conditions;
import io.github.shootdualstack.shoot.Condition;
import io.github.shootdualstack.shoot.Hibernation;
import io.github.shootdualstack.shoot.Maintenance;
import io.github.shootdualstack.shoot.Overlay;
import io.github.shootdualstack.shoot.Shoot;
import io.github.shootdualstack.shoot.ShootStatus;
import io.github.shootdualstack.shoot.TimeWindow;
import io.github.shootdualstack.testing.RequestLog;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code plan} on a landscape of embedded servers: one Shoot ready and one for each reason a
 * migration cannot go, all planned at once, with no write anywhere.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PlanCommandTest {

    private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");
    private static final List<String> SHOOTS = List.of("ready", "overlay", "nooverlay", "dual", "ipv6", "hibernated",
            "nocontrolplane", "failedinfra", "badrange", "nosecret", "withprogram", "noanswer", "nocoredns", "nokubedns",
            "migrating", "windowed", "large");

    private LocalApiServer garden;
    private LocalProvider provider;
    private final List<LocalLandscape> landscapes = new ArrayList<>();
    private RequestLog gardenRequests;
    /** What the exec kubeconfig's program would create: it must never exist. */
    private java.nio.file.Path marker;
    private final List<RequestLog> shootRequests = new ArrayList<>();

    @BeforeAll
    void landscape() throws java.io.IOException {
        marker = java.nio.file.Files.createTempDirectory("plan").resolve("ran");
        garden = LocalApiServer.start();
        for (String name : SHOOTS) {
            landscapes.add(LocalLandscape.builder().project("dev").shoot(name).pool("pool-a", name.equals("large") ? 4 : 2).build());
        }
        provider = LocalProvider.start(garden.client(), ExtensionsConfig.succeedingAfter(Duration.ZERO),
                ShootClusterSimulator.Config.immediate(), landscapes);
        // the world stands still while it is planned: no extension controller answers the edits below
        provider.extensions().close();
        edit("overlay", shoot -> {
            Overlay overlay = new Overlay();
            overlay.setEnabled(true);
            shoot.getSpec().getNetworking().getProviderConfig().setOverlay(overlay);
            return shoot;
        });
        edit("nooverlay", shoot -> {
            shoot.getSpec().getNetworking().setProviderConfig(null);
            return shoot;
        });
        network("dual", List.of("IPv4", "IPv6"));
        edit("dual", shoot -> {
            shoot.getSpec().getNetworking().setIpFamilies(List.of("IPv4", "IPv6"));
            return shoot;
        });
        network("ipv6", List.of("IPv6"));
        edit("hibernated", shoot -> {
            Hibernation hibernation = new Hibernation();
            hibernation.setEnabled(true);
            shoot.getSpec().setHibernation(hibernation);
            return shoot;
        });
        extension(ExtensionKind.CONTROL_PLANE, "nocontrolplane").delete();
        extension(ExtensionKind.INFRASTRUCTURE, "failedinfra").editStatus(infra -> {
            infra.setAdditionalProperty("status", Map.of("lastOperation", Map.of("state", "Failed", "lastUpdateTime", "2026-12-01T11:00:00Z"),
                    "lastError", Map.of("description", "quota exceeded for subnets"),
                    "observedGeneration", infra.getMetadata().getGeneration() == null ? 1 : infra.getMetadata().getGeneration()));
            return infra;
        });
        extension(ExtensionKind.INFRASTRUCTURE, "badrange").editStatus(infra -> {
            @SuppressWarnings("unchecked")
            Map<String, Object> status = (Map<String, Object>) infra.getAdditionalProperties().get("status");
            status.put("networking", Map.of("nodes", List.of("10.250.0.0/16", "not-a-range")));
            return infra;
        });
        garden.client().secrets().inNamespace("garden-dev").withName("nosecret.kubeconfig").delete();
        garden.client().secrets().inNamespace("garden-dev").withName("withprogram.kubeconfig").edit(secret -> {
            secret.setData(Map.of("kubeconfig", Base64.getEncoder().encodeToString(("apiVersion: v1\nkind: Config\ncurrent-context: c\n"
                    + "contexts: [{name: c, context: {cluster: c, user: u}}]\nclusters: [{name: c, cluster: {server: 'http://127.0.0.1:1'}}]\n"
                    + "users: [{name: u, user: {exec: {command: touch, args: [" + marker + "]}}}]\n").getBytes())));
            return secret;
        });
        garden.client().secrets().inNamespace("garden-dev").withName("noanswer.kubeconfig").edit(secret -> {
            secret.setData(Map.of("kubeconfig", Base64.getEncoder().encodeToString(
                    Kubeconfigs.forServer("noanswer", "http://127.0.0.1:1").getBytes())));
            return secret;
        });
        shootClient("nocoredns").apps().deployments().inNamespace("kube-system").withName("coredns").delete();
        shootClient("nokubedns").services().inNamespace("kube-system").withName("kube-dns").delete();
        edit("migrating", shoot -> {
            shoot.getSpec().getNetworking().setIpFamilies(List.of("IPv4", "IPv6"));
            return shoot;
        });
        garden.client().resources(Shoot.class).inNamespace("garden-dev").withName("migrating").editStatus(shoot -> {
            ShootStatus status = shoot.getStatus() == null ? new ShootStatus() : shoot.getStatus();
            status.setConstraints(List.of(new Condition(Conditions.NODES_TYPE, Condition.PROGRESSING, Conditions.NODES_NOT_MIGRATED,
                    "the infrastructure and the control plane are being prepared")));
            shoot.setStatus(status);
            return shoot;
        });
        edit("windowed", shoot -> {
            TimeWindow window = new TimeWindow();
            window.setBegin("220000+0000");
            window.setEnd("230000+0000");
            Maintenance maintenance = new Maintenance();
            maintenance.setTimeWindow(window);
            maintenance.setConfineSpecUpdateRollout(true);
            shoot.getSpec().setMaintenance(maintenance);
            return shoot;
        });
        gardenRequests = new RequestLog(garden.server());
        landscapes.forEach(landscape -> shootRequests.add(new RequestLog(provider.shootServer(landscape))));
    }

    @AfterAll
    void close() {
        provider.close();
        garden.close();
    }

    @Test
    void aReadyShoot_showsEveryCheckPassing_andTheStepsWithWhatEachWaitsFor() {
        Run run = plan("garden-dev/ready");

        assertThat(run.exit).isZero();
        assertThat(run.out).startsWith("Shoot garden-dev/ready: READY")
                .containsPattern("OK +IP families +\\[IPv4\\] to \\[IPv4, IPv6\\]")
                .containsPattern("OK +shoot cluster +kubeconfig usable, API server reachable")
                .contains("2 nodes in 1 worker pool")
                .contains("the Shoot would show: Step 2/7 Infrastructure: waiting for Infrastructure shoot--dev--ready/ready to allocate IPv6 ranges")
                .contains("the operator would: set the IP families in Cluster shoot--dev--ready to [IPv4, IPv6]; trigger the Infrastructure")
                .contains("Step 4/7 Nodes", "waits for 2 of 2 nodes (pool-a: 2) to be rolled", "rollout-workers=pool-a")
                .contains("Step 6/7 CoreDNS", "restarts Deployment kube-system/coredns once (")
                .contains("Step 7/7 KubeDNS", "patches Service kube-system/kube-dns (")
                .doesNotContain("BLOCKING", "CAUTION");
    }

    @Test
    void eachBlockingReason_isNamedForItsShoot_andTheExitCodeIsOne() {
        Map<String, String> expected = Map.ofEntries(
                Map.entry("overlay", "IP families +dual-stack spec.networking.ipFamilies requires spec.networking.providerConfig.overlay.enabled: false"),
                Map.entry("nooverlay", "IP families +dual-stack spec.networking.ipFamilies requires spec.networking.providerConfig.overlay.enabled: false"),
                Map.entry("dual", "IP families +already runs [IPv4, IPv6]"),
                Map.entry("ipv6", "IP families +unsupported IP family update: oldIPFamilies=[IPv6], newIPFamilies=[IPv4, IPv6]"),
                Map.entry("hibernated", "hibernation +hibernated: the migration would pause until the Shoot wakes up"),
                Map.entry("nocontrolplane", "Step 3/7 ControlPlane +ControlPlane shoot--dev--nocontrolplane/nocontrolplane not found"),
                Map.entry("failedinfra", "Step 2/7 Infrastructure +Infrastructure shoot--dev--failedinfra/failedinfra failed: quota exceeded for subnets"),
                Map.entry("badrange", "Step 2/7 Infrastructure +Step 2/7 Infrastructure: Infrastructure shoot--dev--badrange/badrange status.networking.nodes"),
                Map.entry("nosecret", "shoot cluster +Secret garden-dev/nosecret.kubeconfig not found"),
                Map.entry("withprogram", "shoot cluster +.*Secret garden-dev/withprogram.kubeconfig.*users\\[u\\].user.exec \\(a program to run\\)"),
                Map.entry("noanswer", "shoot cluster +could not read the shoot cluster of Shoot garden-dev/noanswer at http://127.0.0.1:1/: connection refused"),
                Map.entry("nocoredns", "Step 6/7 CoreDNS +Deployment kube-system/coredns not found in the shoot cluster"),
                Map.entry("nokubedns", "Step 7/7 KubeDNS +Service kube-system/kube-dns not found in the shoot cluster"));
        for (var entry : expected.entrySet()) {
            Run run = plan("garden-dev/" + entry.getKey());

            assertThat(run.exit).as(entry.getKey()).isEqualTo(1);
            assertThat(run.out).as(entry.getKey()).startsWith("Shoot garden-dev/" + entry.getKey() + ": BLOCKED")
                    .containsPattern("BLOCKING +" + (entry.getKey().equals("withprogram") ? entry.getValue()
                            : entry.getValue().replace("[", "\\[").replace("]", "\\]").replace("(", "\\(").replace(")", "\\)")));
        }
        assertThat(marker).as("the exec kubeconfig ran nothing").doesNotExist();
    }

    @Test
    void cautions_doNotBlock_butAreShown() {
        Run windowed = plan("garden-dev/windowed");
        Run large = plan("--route-warning-nodes", "3", "garden-dev/large");

        assertThat(windowed.exit).isZero();
        assertThat(windowed.out).contains("READY", "22:00-23:00", "waits 10h", "shootdualstack.io/operation=migrate-now")
                .containsPattern("CAUTION +maintenance window")
                .contains("the Shoot would show: waiting for the maintenance window 22:00-23:00");
        assertThat(large.exit).isZero();
        assertThat(large.out).contains("READY", "the Shoot has 4 nodes", "route quota").containsPattern("CAUTION +nodes");
    }

    @Test
    void aLandscape_isATable_andJson_andNothingIsWritten() throws Exception {
        int gardenMark = gardenRequests.mark();
        List<Integer> shootMarks = shootRequests.stream().map(RequestLog::mark).toList();

        Run table = plan("--namespace", "garden-dev");
        Run json = plan("--output", "json");

        assertThat(table.exit).isEqualTo(1);
        assertThat(table.out).startsWith("SHOOT").containsPattern("garden-dev/ready +READY +-\n")
                .containsPattern("garden-dev/migrating +MIGRATING +migration: underway at Step 2/7 Infrastructure")
                .containsPattern("garden-dev/overlay +BLOCKED +IP families: dual-stack")
                .contains("17 Shoots: 3 ready, 13 blocked, 1 migrating.");
        assertThat(table.out.lines().filter(line -> line.startsWith("garden-dev/"))).hasSize(SHOOTS.size());
        JsonNode shoots = new ObjectMapper().readTree(json.out).get("shoots");
        Map<String, String> verdicts = new java.util.TreeMap<>();
        shoots.forEach(shoot -> verdicts.put(shoot.get("shoot").asText(), shoot.get("verdict").asText()));
        Map<String, String> expected = new java.util.TreeMap<>();
        SHOOTS.forEach(name -> expected.put("garden-dev/" + name, List.of("ready", "windowed", "large").contains(name) ? "READY"
                : name.equals("migrating") ? "MIGRATING" : "BLOCKED"));
        assertThat(verdicts).isEqualTo(expected);
        JsonNode ready = shoots.get(SHOOTS.stream().sorted().toList().indexOf("ready"));
        assertThat(ready.get("steps")).hasSize(7);
        assertThat(ready.get("checks").findValuesAsText("result")).containsOnly("OK");
        JsonNode nokubedns = shoots.get(SHOOTS.stream().sorted().toList().indexOf("nokubedns"));
        assertThat(nokubedns.get("checks").findValuesAsText("detail")).contains("Service kube-system/kube-dns not found in the shoot cluster");

        List<RequestLog.Request> byPlanOnGarden = gardenRequests.since(gardenMark).stream().filter(RequestLog.byOperator()).toList();
        List<RequestLog.Request> byPlanOnShoots = new ArrayList<>();
        for (int i = 0; i < shootRequests.size(); i++) {
            byPlanOnShoots.addAll(shootRequests.get(i).since(shootMarks.get(i)).stream().filter(RequestLog.byOperator()).toList());
        }
        assertThat(byPlanOnGarden).as("plan reads the garden").hasSizeGreaterThan(SHOOTS.size() * 4);
        assertThat(byPlanOnShoots).as("plan reads the shoot clusters").hasSizeGreaterThan(SHOOTS.size() * 2);
        assertThat(byPlanOnGarden).as("plan writes nothing to the garden").noneMatch(RequestLog.Request::isWrite);
        assertThat(byPlanOnShoots).as("plan writes nothing to a shoot cluster").noneMatch(RequestLog.Request::isWrite);
    }

    @Test
    void unknownShootsAndFlags_areUsageErrors() {
        assertThat(plan("garden-dev/nonesuch").exit).isEqualTo(2);
        assertThat(plan("--namespace", "Not_A_Namespace").exit).isEqualTo(2);
        assertThat(plan("--output", "yaml").exit).isEqualTo(2);
        assertThat(plan("/ready").exit).isEqualTo(2);
        assertThat(plan("garden-dev/Not\u0007Valid").exit).isEqualTo(2);
        assertThat(plan("--kubeconfig", "/nonexistent/kubeconfig").exit).isEqualTo(2);
        assertThat(plan("--shoot-access", "token").exit).isEqualTo(2);
        assertThat(plan("--migrator", "operator").exit).isEqualTo(2);
    }

    @Test
    void withMigratorGardenlet_aShootNoGardenletReconcilesYet_isGardenlets() {
        Run run = plan("--migrator", "gardenlet", "garden-dev/ready");

        assertThat(run.exit).as("not READY for the engine").isEqualTo(1);
        assertThat(run.out).startsWith("Shoot garden-dev/ready: GARDENLET")
                .containsPattern("OK +migrated by +gardenlet");
    }

    private record Run(int exit, String out, String err) {
    }

    private Run plan(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = Main.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err));
        PlanCommand command = (PlanCommand) commandLine.getSubcommands().get("plan").getCommand();
        command.selected.gardenConfig = garden.client().getConfiguration();
        command.clock = Clock.fixed(NOW, ZoneOffset.UTC);
        List<String> all = new ArrayList<>(List.of("plan", "--allow-insecure-shoot-connections"));
        all.addAll(List.of(args));
        int exit = commandLine.execute(all.toArray(String[]::new));
        return new Run(exit, out.toString(), err.toString());
    }

    private void edit(String shoot, UnaryOperator<Shoot> change) {
        garden.client().resources(Shoot.class).inNamespace("garden-dev").withName(shoot).edit(change);
    }

    private void network(String shoot, List<String> families) {
        extension(ExtensionKind.NETWORK, shoot).edit(network -> {
            @SuppressWarnings("unchecked")
            Map<String, Object> spec = (Map<String, Object>) network.getAdditionalProperties().get("spec");
            spec.put("ipFamilies", families);
            return network;
        });
    }

    private io.fabric8.kubernetes.client.dsl.Resource<GenericKubernetesResource> extension(ExtensionKind kind, String shoot) {
        return kind.in(garden.client()).inNamespace("shoot--dev--" + shoot).withName(shoot);
    }

    private KubernetesClient shootClient(String shoot) {
        return provider.shootClient(landscapes.get(SHOOTS.indexOf(shoot)));
    }
}
