package io.github.shootdualstack.deploy;

import io.fabric8.kubernetes.client.dsl.Resource;
import io.github.shootdualstack.garden.ExtensionKind;
import io.github.shootdualstack.local.ExtensionsConfig;
import io.github.shootdualstack.local.Kubeconfigs;
import io.github.shootdualstack.local.LocalApiServer;
import io.github.shootdualstack.local.LocalLandscape;
import io.github.shootdualstack.local.LocalProvider;
import io.github.shootdualstack.local.ShootClusterSimulator;
import io.github.shootdualstack.shoot.MigrationRecord;
import io.github.shootdualstack.shoot.Shoot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The image's jar, target/shoot-dualstack-operator.jar as {@code package} builds it (so in the lane
 * that runs after it): the operator and nothing that only the demo needs. No local provider, no demo
 * or bench command, no mock server and none of what only the mock server brings (Vert.x, Netty,
 * BouncyCastle); its commands are run, plan and status, and its {@code run} migrates a Shoot. The
 * demo jar beside it keeps demo and bench.
 */
class ProductionJarIT {

    private static final Path JAR = Path.of("target/shoot-dualstack-operator.jar");
    private static final Path DEMO_JAR = Path.of("target/shoot-dualstack-operator-demo.jar");

    /** What only the demo, the bench and the tests use: the local provider, its mock server and what that brings. */
    private static final List<String> DEMO_ONLY = List.of(
            "io/github/shootdualstack/local/", "io/github/shootdualstack/demo/",
            "io/fabric8/mockwebserver/", "io/fabric8/kubernetes/client/server/mock/",
            "io/vertx/", "io/netty/", "org/bouncycastle/",
            "crds/");
    /** The demo's and the bench's classes, in whatever package. */
    private static final Pattern DEMO_CLASS = Pattern.compile("io/github/shootdualstack/.*/(Demo|Bench|MigrationBench)[^/]*\\.class");
    /** A multi-release jar keeps other versions of a class under this prefix. */
    private static final Pattern VERSIONED = Pattern.compile("^META-INF/versions/\\d+/");

    @Test
    void imageJar_holdsTheOperator_andNothingOnlyTheDemoNeeds() throws IOException {
        List<String> entries = entries(JAR);

        assertThat(entries).contains("io/github/shootdualstack/cli/Main.class",
                "io/github/shootdualstack/operator/ShootOperator.class", "io/fabric8/kubernetes/client/KubernetesClient.class");
        List<String> demoOnly = entries.stream().filter(ProductionJarIT::demoOnly).toList();
        assertThat(demoOnly).as("%s entries of %s that only the demo needs, e.g. %s", demoOnly.size(), JAR,
                demoOnly.subList(0, Math.min(10, demoOnly.size()))).isEmpty();
    }

    @Test
    void imageJar_offersRunPlanAndStatus_theDemoJarAlsoDemoAndBench() throws Exception {
        assertThat(commands(JAR)).containsExactly("run", "plan", "status", "help");
        assertThat(commands(DEMO_JAR)).containsExactly("run", "plan", "status", "demo", "bench", "help");
    }

    @Test
    void imageJar_runMigratesAShoot(@TempDir Path dir) throws Exception {
        LocalLandscape landscape = LocalLandscape.builder().project("dev").shoot("prod").pool("pool-a", 2).build();
        try (LocalApiServer garden = LocalApiServer.start();
             LocalProvider local = LocalProvider.start(garden.client(), ExtensionsConfig.succeedingAfter(Duration.ZERO),
                     ShootClusterSimulator.Config.immediate(), List.of(landscape))) {
            Path kubeconfig = dir.resolve("kubeconfig");
            Files.writeString(kubeconfig, Kubeconfigs.forServer("garden", garden.url()));
            Path log = dir.resolve("operator.log");
            // the embedded shoot API server speaks plain http
            ProcessBuilder builder = new ProcessBuilder(java(), "-jar", JAR.toString(), "run", "--http-port", "0",
                    "--recheck-interval", "1s", "--allow-insecure-shoot-connections")
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            builder.environment().put("KUBECONFIG", kubeconfig.toString());
            Process operator = builder.start();
            try {
                Resource<Shoot> shoot = garden.client().resources(Shoot.class)
                        .inNamespace(landscape.projectNamespace()).withName(landscape.shootName());
                shoot.edit(s -> {
                    s.getSpec().getNetworking().setIpFamilies(List.of("IPv4", "IPv6"));
                    return s;
                });
                awaitMigration(shoot, log, operator, record -> "Nodes".equals(record.getStep()));
                shoot.edit(s -> {
                    s.getMetadata().getAnnotations().put(ExtensionKind.OPERATION_ANNOTATION, "rollout-workers=*");
                    return s;
                });
                awaitMigration(shoot, log, operator, record -> record.getCompletedAt() != null);

                assertThat(Files.readString(log)).doesNotContain("ClassNotFoundException", "NoClassDefFoundError");
            } finally {
                operator.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    private static void awaitMigration(Resource<Shoot> shoot, Path log, Process operator,
                                       java.util.function.Predicate<MigrationRecord> reached) {
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            assertThat(operator.isAlive()).as("the operator runs: %s", Files.readString(log)).isTrue();
            Shoot current = shoot.get();
            MigrationRecord record = current.getStatus() == null ? null : current.getStatus().getDualStackMigration();
            assertThat(record != null && reached.test(record)).as("the migration's record %s", record == null ? null
                    : record.getStep() + ", completed at " + record.getCompletedAt()).isTrue();
        });
    }

    private static boolean demoOnly(String entry) {
        String name = VERSIONED.matcher(entry).replaceFirst("");
        return DEMO_ONLY.stream().anyMatch(name::startsWith) || DEMO_CLASS.matcher(name).matches();
    }

    private static List<String> entries(Path jar) throws IOException {
        assertThat(jar).as("built by mvn package").isRegularFile();
        try (JarFile file = new JarFile(jar.toFile())) {
            return Collections.list(file.entries()).stream().map(ZipEntry::getName).toList();
        }
    }

    /** The commands {@code java -jar JAR --help} lists, in its order. */
    private static List<String> commands(Path jar) throws Exception {
        assertThat(jar).as("built by mvn package").isRegularFile();
        Process process = new ProcessBuilder(java(), "-jar", jar.toString(), "--help").redirectErrorStream(true).start();
        String help = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(help).isZero();
        List<String> commands = new ArrayList<>();
        boolean listing = false;
        for (String line : help.split("\n")) {
            if (line.startsWith("Commands:")) {
                listing = true;
            } else if (listing && line.matches("  \\S.*")) {
                commands.add(line.strip().split("\\s+")[0]);
            }
        }
        return commands;
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
