package io.github.shootdualstack.e2e;

import io.github.shootdualstack.garden.ClientKeys;
import io.github.shootdualstack.shoot.Shoot;
import io.github.shootdualstack.testing.CommandProcess;
import io.github.shootdualstack.testing.GardenerGarden;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code run}, {@code plan} and {@code status} as processes, as a user starts them on Gardener's garden
 * with the admin kubeconfig start-envtest writes, whose client key is EC in PKCS#8 form. The test of
 * {@code run} on a garden without the extension resources comes first: the next one adds them. A garden
 * of its own, as the other classes install Gardener's seed CRDs in the shared one.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GardenerCommandsIT {

    private static final String LABEL = "shoot-dualstack-operator.test/commands";
    private static final Pattern PORT = Pattern.compile("on port (\\d+)");
    private static final String INFRASTRUCTURES = "infrastructures.extensions.gardener.cloud";

    private static GardenerGarden garden;

    @TempDir
    Path dir;

    @BeforeAll
    static void gardenWithAShoot() {
        garden = GardenerGarden.start("commands");
        garden.prepareForShoots();
        garden.createExampleShoot("commands");
        garden.client().resources(Shoot.class).inNamespace(GardenerGarden.PROJECT_NAMESPACE).withName("commands")
                .edit(shoot -> {
                    java.util.Map<String, String> labels = new java.util.HashMap<>(
                            shoot.getMetadata().getLabels() == null ? java.util.Map.of() : shoot.getMetadata().getLabels());
                    labels.put(LABEL, "true");
                    shoot.getMetadata().setLabels(labels);
                    return shoot;
                });
    }

    @Test
    void planAndStatus_readTheGarden_withEnvtestsKubeconfig_whoseClientKeyIsEcInPkcs8Form() throws Exception {
        Matcher keyData = Pattern.compile("client-key-data: (\\S+)").matcher(Files.readString(garden.kubeconfig()));
        assertThat(keyData.find()).as("an inline client key").isTrue();
        String key = new String(Base64.getDecoder().decode(keyData.group(1)), StandardCharsets.US_ASCII);
        assertThat(key).startsWith("-----BEGIN PRIVATE KEY-----");
        assertThat(ClientKeys.algorithm(key)).isEqualTo("EC");

        CommandProcess.Result plan = command("plan", "--kubeconfig", garden.kubeconfig().toString(), "--selector", LABEL + "=true");
        CommandProcess.Result planOne = command("plan", "--kubeconfig", garden.kubeconfig().toString(), GardenerGarden.PROJECT_NAMESPACE + "/commands");
        CommandProcess.Result status = command("status", "--kubeconfig", garden.kubeconfig().toString(), "--selector", LABEL + "=true");

        System.out.println("plan on Gardener's garden:\n" + plan.out() + planOne.out());
        assertThat(plan.err()).isEmpty();
        assertThat(plan.exit()).as(plan.out()).isIn(0, 1);
        assertThat(plan.out()).startsWith("SHOOT").containsPattern(GardenerGarden.PROJECT_NAMESPACE + "/commands +(READY|BLOCKED)")
                .contains("1 Shoot: ");
        assertThat(planOne.err()).isEmpty();
        assertThat(planOne.exit()).as(planOne.out()).isIn(0, 1);
        assertThat(planOne.out()).startsWith("Shoot " + GardenerGarden.PROJECT_NAMESPACE + "/commands: ");
        assertThat(status.err()).isEmpty();
        assertThat(status.exit()).isZero();
        assertThat(status.out()).isEqualTo("No Shoot has a dual-stack migration.\n");
    }

    @Test
    @Order(1)
    void run_onTheGardenAsGardenerServesIt_saysOnOneLineThatItHasNoExtensionResources() throws Exception {
        assertThat(garden.client().apiextensions().v1().customResourceDefinitions().withName(INFRASTRUCTURES).get())
                .as("Gardener's garden serves no extension resources: they are the seeds'").isNull();
        Path out = dir.resolve("run.out");
        Path err = dir.resolve("run.err");

        Process run = CommandProcess.start(garden.kubeconfig(), out, err, "run", "--http-port", "0",
                "--namespace", GardenerGarden.PROJECT_NAMESPACE, "--selector", LABEL + "=true");

        assertThat(run.waitFor(60, TimeUnit.SECONDS)).as("exited").isTrue();
        assertThat(Files.readString(err)).as(Files.readString(out)).isEqualTo("could not read the garden at "
                + garden.client().getConfiguration().getMasterUrl() + " (kubeconfig " + garden.kubeconfig()
                + "): HTTP 404 Not Found: the garden serves no infrastructures of extensions.gardener.cloud/v1alpha1\n");
        assertThat(run.exitValue()).isEqualTo(3);
        assertThat(Files.readString(out)).doesNotContain("Exception", "\tat ");
    }

    @Test
    @Order(2)
    void run_startsAndWatchesTheGarden_withEnvtestsKubeconfig_onceTheGardenKeepsTheExtensionResources() throws Exception {
        // a garden that keeps the extension resources, as the engine needs them (spec, section 7.2): Gardener's own CRDs
        garden.installSeedCrds();
        Path out = dir.resolve("run.out");
        Path err = dir.resolve("run.err");

        Process run = CommandProcess.start(garden.kubeconfig(), out, err, "run", "--http-port", "0",
                "--namespace", GardenerGarden.PROJECT_NAMESPACE, "--selector", LABEL + "=true");
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> !run.isAlive() || PORT.matcher(Files.readString(out)).find());
            assertThat(run.isAlive()).as("running; its output: " + Files.readString(out) + Files.readString(err)).isTrue();
            Matcher port = PORT.matcher(Files.readString(out));
            assertThat(port.find()).isTrue();
            await().atMost(Duration.ofSeconds(30)).until(() -> get("http://127.0.0.1:" + port.group(1) + "/readyz") == 200);

            run.destroy(); // SIGTERM
            assertThat(run.waitFor(30, TimeUnit.SECONDS)).as("stopped within 30 s").isTrue();
            assertThat(Files.readString(out)).contains("Garden cluster: " + garden.client().getConfiguration().getMasterUrl())
                    .contains("Stopped").doesNotContain("Exception", "\tat ");
            assertThat(Files.readString(err)).isEmpty();
        } finally {
            run.destroyForcibly();
        }
    }

    @AfterAll
    static void stopGarden() {
        garden.close();
    }

    private CommandProcess.Result command(String... args) throws Exception {
        return CommandProcess.run(garden.kubeconfig(), dir, args);
    }

    private static int get(String url) {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }
}
