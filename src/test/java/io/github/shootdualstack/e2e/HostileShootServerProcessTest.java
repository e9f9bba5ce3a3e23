package io.github.shootdualstack.e2e;

import com.sun.net.httpserver.HttpServer;
import io.github.shootdualstack.cli.Main;
import io.github.shootdualstack.garden.ExtensionKind;
import io.github.shootdualstack.local.ExtensionsConfig;
import io.github.shootdualstack.local.Kubeconfigs;
import io.github.shootdualstack.local.LocalApiServer;
import io.github.shootdualstack.local.LocalLandscape;
import io.github.shootdualstack.local.LocalProvider;
import io.github.shootdualstack.local.ShootClusterSimulator;
import io.github.shootdualstack.shoot.LastOperation;
import io.github.shootdualstack.shoot.Shoot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One shoot API server that answers the list of Nodes with a list that never ends, beside a Shoot
 * whose shoot is sound, with the operator in a JVM of its own at a 256 MiB heap that exits on
 * running out of memory, as the chart runs it: the operator stays up, the sound Shoot migrates, and
 * the hostile one shows the limit its server broke.
 */
class HostileShootServerProcessTest {

    static final Duration TIMEOUT = Duration.ofMinutes(3);

    final LocalApiServer garden = LocalApiServer.start();
    final LocalLandscape sound = LocalLandscape.builder().project("dev").shoot("prod").pool("pool-a", 2).build();
    final LocalLandscape hostile = LocalLandscape.builder().project("evil").shoot("db").pool("pool-a", 2).build();
    final LocalProvider local = LocalProvider.start(garden.client(), ExtensionsConfig.succeedingAfter(Duration.ZERO),
            ShootClusterSimulator.Config.immediate(), List.of(sound, hostile));
    final AtomicInteger endlessLists = new AtomicInteger();
    final HttpServer endless = endlessNodeList();
    Process operator;

    @AfterEach
    void stop() throws InterruptedException {
        if (operator != null) {
            operator.destroyForcibly();
            operator.waitFor(30, TimeUnit.SECONDS);
        }
        endless.stop(0);
        local.close();
        garden.close();
    }

    @Test
    void endlessNodeList_operatorStaysUpAt256MiB_soundShootMigrates_hostileShootShowsTheLimit(@TempDir Path dir) throws Exception {
        garden.client().secrets().inNamespace(hostile.projectNamespace()).withName(hostile.kubeconfigSecretName())
                .edit(secret -> {
                    secret.setData(null);
                    secret.setStringData(Map.of("kubeconfig", Kubeconfigs.forServer("db",
                            "http://127.0.0.1:" + endless.getAddress().getPort())));
                    return secret;
                });
        operator = startOperator(dir);
        UserShoot soundShoot = new UserShoot(shoots(sound));
        UserShoot hostileShoot = new UserShoot(shoots(hostile));
        soundShoot.requestDualStack();
        hostileShoot.requestDualStack();

        await().atMost(TIMEOUT).until(() -> soundShoot.record() != null && "Nodes".equals(soundShoot.record().getStep()));
        soundShoot.annotate(ExtensionKind.OPERATION_ANNOTATION, "rollout-workers=*");
        await().atMost(TIMEOUT).untilAsserted(() -> {
            assertThat(operator.isAlive()).as("operator alive; its log:\n%s", log(dir)).isTrue();
            assertThat(soundShoot.record()).isNotNull();
            assertThat(soundShoot.record().getCompletedAt()).as("the sound Shoot's migration completed").isNotNull();
            LastOperation last = hostileShoot.lastOperation();
            assertThat(last).isNotNull();
            assertThat(last.getState()).isEqualTo(LastOperation.STATE_ERROR);
            assertThat(last.getDescription()).isEqualTo("Step 4/7 Nodes: could not read the shoot cluster of Shoot garden-evil/db at "
                    + "http://127.0.0.1:" + endless.getAddress().getPort() + "/: it sent a response larger than 4 MiB"
                    + " (--max-shoot-response-size)");
        });
        // the endless list is asked for again (back-off) and cut off again, and the operator is still there
        int lists = endlessLists.get();
        await().atMost(TIMEOUT).until(() -> endlessLists.get() > lists + 1);
        assertThat(operator.isAlive()).as("operator alive; its log:\n%s", log(dir)).isTrue();
        assertThat(local.simulator(sound).coreDnsRollouts()).isEqualTo(1);
    }

    private io.fabric8.kubernetes.client.dsl.Resource<Shoot> shoots(LocalLandscape landscape) {
        return garden.client().resources(Shoot.class).inNamespace(landscape.projectNamespace()).withName(landscape.shootName());
    }

    private Process startOperator(Path dir) throws IOException {
        Path kubeconfig = dir.resolve("kubeconfig");
        Files.writeString(kubeconfig, Kubeconfigs.forServer("garden", garden.url()));
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // as the chart runs it, with a small heap: a list read whole would exhaust it and end the process
                "-Xmx256m", "-XX:+ExitOnOutOfMemoryError",
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "run", "--http-port", "0",
                "--allow-insecure-shoot-connections", "--recheck-interval", "1s", "--max-backoff", "2s")
                .redirectErrorStream(true).redirectOutput(dir.resolve("operator.log").toFile());
        builder.environment().put("KUBECONFIG", kubeconfig.toString());
        return builder.start();
    }

    private static String log(Path dir) {
        try {
            return Files.readString(dir.resolve("operator.log"));
        } catch (IOException e) {
            return "unreadable: " + e;
        }
    }

    /** Answers every list of Nodes with a NodeList whose items never end (until the reader goes away). */
    private HttpServer endlessNodeList() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.setExecutor(Executors.newCachedThreadPool());
            server.createContext("/api/v1/nodes", exchange -> {
                endlessLists.incrementAndGet();
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, 0);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write("{\"kind\":\"NodeList\",\"apiVersion\":\"v1\",\"metadata\":{},\"items\":[".getBytes(StandardCharsets.UTF_8));
                    byte[] node = ("{\"metadata\":{\"name\":\"node-" + "x".repeat(200) + "\"},\"spec\":{\"podCIDR\":\"10.0.0.0/24\"}},")
                            .getBytes(StandardCharsets.UTF_8);
                    while (true) {
                        out.write(node);
                    }
                } catch (IOException readerWentAway) {
                    // the operator stopped reading
                } finally {
                    exchange.close();
                }
            });
            server.start();
            return server;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
