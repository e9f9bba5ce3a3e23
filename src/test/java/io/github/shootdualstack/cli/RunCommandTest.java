package io.github.shootdualstack.cli;

import io.github.shootdualstack.local.LocalApiServer;
import io.github.shootdualstack.local.LocalCrds;
import io.github.shootdualstack.local.Kubeconfigs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@code run} as a process: it serves health and metrics, and stops cleanly on SIGTERM. */
class RunCommandTest {

    private static final Pattern PORT = Pattern.compile("on port (\\d+)");

    @Test
    void run_servesHealthReadinessAndMetrics_andStopsCleanlyOnSigterm(@TempDir Path dir) throws Exception {
        try (LocalApiServer garden = LocalApiServer.start()) {
            LocalCrds.install(garden.client());
            Path kubeconfig = dir.resolve("kubeconfig");
            Files.writeString(kubeconfig, Kubeconfigs.forServer("garden", garden.url()));
            ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"),
                    // the product's logging, not the tests' quieter one
                    "-Dlogback.configurationFile=" + RunCommandTest.class.getResource("/logback.xml"),
                    Main.class.getName(), "run", "--http-port", "0",
                    "--recheck-interval", "1s").redirectErrorStream(true)
                    .redirectOutput(dir.resolve("operator.log").toFile());
            builder.environment().put("KUBECONFIG", kubeconfig.toString());
            Process process = builder.start();
            List<String> output = new CopyOnWriteArrayList<>();
            Thread reader = new Thread(() -> {
                // the operator's log, read as it is written
                try (BufferedReader log = Files.newBufferedReader(dir.resolve("operator.log"))) {
                    while (true) {
                        String line = log.readLine();
                        if (line != null) {
                            output.add(line);
                        } else if (!process.isAlive()) {
                            log.lines().forEach(output::add);
                            return;
                        } else {
                            Thread.sleep(20);
                        }
                    }
                } catch (Exception e) {
                    output.add("reading the log failed: " + e);
                }
            });
            reader.start();
            try {
                await().atMost(Duration.ofSeconds(60)).until(() -> output.stream().anyMatch(line -> PORT.matcher(line).find()));
                Matcher port = output.stream().map(PORT::matcher).filter(Matcher::find).findFirst().orElseThrow();
                String base = "http://127.0.0.1:" + port.group(1);

                assertThat(get(base + "/healthz")).isEqualTo(200);
                await().atMost(Duration.ofSeconds(30)).until(() -> get(base + "/readyz") == 200);
                HttpResponse<String> metrics = HttpClient.newHttpClient().send(
                        HttpRequest.newBuilder(URI.create(base + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(metrics.body()).contains("shoot_dualstack_shoots").contains("shoot_dualstack_api_requests_total");

                process.destroy(); // SIGTERM
                assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("stopped within 30 s").isTrue();
                reader.join(5_000);
                assertThat(output).as(String.join("\n", output)).anyMatch(line -> line.contains("Stopping"))
                        .anyMatch(line -> line.contains("Stopped"));
                assertThat(output).noneMatch(line -> line.contains("Exception"));
            } finally {
                process.destroyForcibly();
            }
        }
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
