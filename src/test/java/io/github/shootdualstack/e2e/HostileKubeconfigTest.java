package io.github.shootdualstack.e2e;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.github.shootdualstack.local.Kubeconfigs;
import io.github.shootdualstack.shoot.LastOperation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A Shoot's kubeconfig Secret cannot make the operator run a program or read a file: each refused
 * form is shown on the Shoot as an Error naming the Secret and the field, nothing runs, and the
 * migration goes on once the Secret is fixed. The Secret's content reaches no log line, event or status.
 */
class HostileKubeconfigTest {

    private static final String SECRET = "Secret garden-dev/prod.kubeconfig";
    private static final String TOKEN = "tok-9f8e7d6c5b4a-never-shown";

    @TempDir
    Path dir;

    @Test
    void refusedKubeconfigs_runNothing_showTheSecretAndField_andTheMigrationGoesOnOnceFixed() {
        Path marker = dir.resolve("ran");
        ListAppender<ILoggingEvent> logs = captureLogs();
        try (MigrationHarness world = MigrationHarness.twoPools()) {
            String server = world.local.shootUrl(world.landscape);
            world.startOperator();
            world.requestDualStack();
            world.awaitStep("Nodes");

            Map<String, String> refusedFields = new LinkedHashMap<>();
            refusedFields.put("exec", "users[shoot].user.exec (a program to run)");
            refusedFields.put("auth-provider", "users[shoot].user.auth-provider (a plugin)");
            refusedFields.put("tokenFile", "users[shoot].user.tokenFile (a local file)");
            refusedFields.put("client-certificate", "users[shoot].user.client-certificate (a local file)");
            refusedFields.put("certificate-authority", "names a file in clusters[shoot].cluster.certificate-authority");
            refusedFields.put("nested", "is malformed: nested too deeply");
            for (var form : refusedFields.entrySet()) {
                world.replaceKubeconfig(hostile(server, form.getKey(), marker));
                await().atMost(MigrationHarness.TIMEOUT).untilAsserted(() -> {
                    LastOperation last = world.lastOperation();
                    assertThat(last.getState()).isEqualTo(LastOperation.STATE_ERROR);
                    assertThat(last.getDescription()).startsWith("Step 4/7 Nodes: the kubeconfig in " + SECRET + " ")
                            .contains(form.getValue());
                });
                assertThat(marker).as("%s: nothing was run", form.getKey()).doesNotExist();
            }

            world.replaceKubeconfig(withToken(server));
            world.rollWorkers("*");
            world.awaitCompleted();

            assertThat(world.simulator().coreDnsRollouts()).isEqualTo(1);
            assertThat(marker).doesNotExist();
            List<Event> events = world.gardenClient().v1().events().inAnyNamespace().list().getItems();
            assertThat(events).extracting(Event::getMessage).anyMatch(m -> m.contains("users[shoot].user.exec"))
                    .noneMatch(m -> m.contains(TOKEN));
            assertThat(Serialization.asJson(world.shoot().getStatus())).doesNotContain(TOKEN);
            assertThat(logs.list).as("log lines").isNotEmpty()
                    .noneMatch(line -> line.getFormattedMessage().contains(TOKEN)
                            || line.getThrowableProxy() != null && line.getThrowableProxy().getMessage() != null
                            && line.getThrowableProxy().getMessage().contains(TOKEN));
        } finally {
            stopCapturing(logs);
        }
    }

    /** The local shoot server's kubeconfig, with a token that must never be shown. */
    @SuppressWarnings("unchecked")
    private static String withToken(String server) {
        Map<String, Object> config = Serialization.unmarshal(Kubeconfigs.forServer("shoot", server), Map.class);
        ((Map<String, Object>) ((List<Map<String, Object>>) config.get("users")).get(0)).put("user", Map.of("token", TOKEN));
        return Serialization.asYaml(config);
    }

    @SuppressWarnings("unchecked")
    private static String hostile(String server, String form, Path marker) {
        if (form.equals("nested")) {
            return "clusters: " + "[".repeat(600 * 1024); // the parser recurses once per level
        }
        Map<String, Object> config = Serialization.unmarshal(withToken(server), Map.class);
        Map<String, Object> user = new LinkedHashMap<>((Map<String, Object>) ((List<Map<String, Object>>) config.get("users")).get(0).get("user"));
        Map<String, Object> cluster = (Map<String, Object>) ((List<Map<String, Object>>) config.get("clusters")).get(0).get("cluster");
        switch (form) {
            case "exec" -> user.put("exec", Map.of("apiVersion", "client.authentication.k8s.io/v1", "command", "/bin/sh",
                    "args", List.of("-c", "touch " + marker), "interactiveMode", "Never"));
            case "auth-provider" -> user.put("auth-provider", Map.of("name", "gcp", "config", Map.of("cmd-path", "/bin/sh",
                    "cmd-args", "-c 'touch " + marker + "'")));
            case "tokenFile" -> user.put("tokenFile", "/var/run/secrets/kubernetes.io/serviceaccount/token");
            case "client-certificate" -> user.put("client-certificate", "/etc/ssl/private/shoot.crt");
            case "certificate-authority" -> cluster.put("certificate-authority", "/etc/kubernetes/pki/ca.crt");
            default -> throw new IllegalArgumentException(form);
        }
        ((List<Map<String, Object>>) config.get("users")).set(0, Map.of("name", "shoot", "user", user));
        return Serialization.asYaml(config);
    }

    /** Every log line of the operator (at DEBUG) and of the libraries (as configured), from now on. */
    private static ListAppender<ILoggingEvent> captureLogs() {
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(appender);
        ((Logger) LoggerFactory.getLogger("io.github.shootdualstack")).setLevel(Level.DEBUG);
        return appender;
    }

    private static void stopCapturing(ListAppender<ILoggingEvent> appender) {
        ((Logger) LoggerFactory.getLogger("io.github.shootdualstack")).setLevel(Level.ERROR);
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(appender);
    }
}
