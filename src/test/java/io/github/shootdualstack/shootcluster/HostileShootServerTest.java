package io.github.shootdualstack.shootcluster;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.github.shootdualstack.garden.UserAgent;
import io.github.shootdualstack.local.Kubeconfigs;
import io.github.shootdualstack.local.LocalApiServer;
import io.github.shootdualstack.shoot.Shoot;
import io.github.shootdualstack.testing.TestShoots;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A shoot API server that is out to harm the operator: endless or slow answers, redirects to internal
 * addresses, answers that carry secrets. Each is cut off or refused, named on the Shoot by its kind,
 * and nothing it sent is quoted.
 */
class HostileShootServerTest {

    static final String SECRET = "AKIAFAKEACCESSKEY-secret-role";
    static final long LIMIT = 256 * 1024;

    LocalApiServer garden = LocalApiServer.start();
    HttpServer hostile = server();
    HttpServer metadata = server();
    AtomicInteger metadataRequests = new AtomicInteger();
    ShootClusters clusters = new ShootClusters(garden.client(), ShootAccess.SECRET, java.time.Clock.systemUTC(),
            new Interceptor() { }, true, UserAgent.VALUE, LIMIT, Duration.ofSeconds(2), new Listing(50, 5_000, Duration.ofMinutes(1)));
    Shoot shoot = TestShoots.ipv4("garden-dev", "prod");

    @AfterEach
    void stop() {
        clusters.close();
        garden.close();
        hostile.stop(0);
        metadata.stop(0);
    }

    @Test
    void endlessNodeList_isCutOffAtTheLimit_andNamedOnTheShoot() {
        AtomicLong sent = new AtomicLong();
        serve("/api/v1/nodes", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                write(out, "{\"kind\":\"NodeList\",\"apiVersion\":\"v1\",\"metadata\":{},\"items\":[", sent);
                for (long i = 0; sent.get() < 256 * LIMIT; i++) {
                    write(out, "{\"metadata\":{\"name\":\"node-" + i + "\"},\"spec\":{\"podCIDR\":\"10.0.0.0/24\"}},", sent);
                }
            } catch (IOException clientWentAway) {
                // what the operator does at the limit
            }
        });

        assertThatThrownBy(() -> clusters.of(shoot).observe(false)).isInstanceOf(ShootAccessException.class)
                .hasMessage("could not read the shoot cluster of Shoot garden-dev/prod at " + url(hostile)
                        + ": it sent a response larger than 256 KiB (--max-shoot-response-size)");
        // the operator stopped reading soon after the limit, long before the server would have stopped sending
        assertThat(sent.get()).as("bytes sent before the operator stopped reading (socket buffers included)").isLessThan(32 * LIMIT);
    }

    @Test
    void bodyThatNeverEnds_isCutOffAtTheDeadline() {
        serve("/api/v1/nodes", exchange -> {
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write("{\"kind\":\"NodeList\",\"items\":[".getBytes(StandardCharsets.UTF_8));
                out.flush();
                for (int i = 0; i < 600; i++) {
                    Thread.sleep(100);
                    out.write(' ');
                    out.flush();
                }
            } catch (IOException | InterruptedException clientWentAway) {
                // what the operator does at the deadline
            }
        });

        assertThatThrownBy(() -> clusters.of(shoot).observe(false)).isInstanceOf(ShootAccessException.class)
                .hasMessageEndingWith(": it sent a response whose body took longer than 2 s");
    }

    @Test
    void redirectToAnInternalAddress_isNotFollowed_andItsBodyIsNowhere() {
        metadata.createContext("/", exchange -> {
            metadataRequests.incrementAndGet();
            respond(exchange, 200, SECRET);
        });
        serve("/api/v1/nodes", exchange -> {
            exchange.getResponseHeaders().add("Location", url(metadata) + "latest/meta-data/iam/security-credentials/");
            respond(exchange, 302, "redirecting to " + SECRET);
        });

        assertThatThrownBy(() -> clusters.of(shoot).observe(false)).isInstanceOf(ShootAccessException.class)
                .hasMessage("could not read the shoot cluster of Shoot garden-dev/prod at " + url(hostile)
                        + ": HTTP 302 Found: redirects are not followed")
                .hasNoCause();
        assertThat(metadataRequests).hasValue(0);
    }

    @Test
    void errorStatusWithASecretAndLineBreaks_isNamedByCodeAndReasonAlone() {
        serve("/api/v1/nodes", exchange -> respond(exchange, 403, "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\","
                + "\"reason\":\"Forbidden\",\"code\":403,\"message\":\"nodes is forbidden\\n12:00:00.000 INFO forged line " + SECRET + "\"}"));

        assertThatThrownBy(() -> clusters.of(shoot).observe(false)).isInstanceOf(ShootAccessException.class)
                .hasMessage("could not read the shoot cluster of Shoot garden-dev/prod at " + url(hostile) + ": HTTP 403 Forbidden (Forbidden)");
    }

    @Test
    void answerThatIsNoKubernetesObject_isNamedSo_withoutQuotingIt() {
        serve("/api/v1/nodes", exchange -> respond(exchange, 200, SECRET + " {{{"));

        assertThatThrownBy(() -> clusters.of(shoot).observe(false)).isInstanceOf(ShootAccessException.class)
                .hasMessage("could not read the shoot cluster of Shoot garden-dev/prod at " + url(hostile)
                        + ": the answer is not a Kubernetes object");
    }

    @Test
    void objectWithoutItsMetadata_isNamedSo_notAsTheFailureItCauses() {
        serve("/api/v1/nodes", exchange -> respond(exchange, 200, "{\"kind\":\"NodeList\",\"apiVersion\":\"v1\","
                + "\"metadata\":{},\"items\":[{\"spec\":{\"podCIDR\":\"" + SECRET + "\"}}]}"));

        assertThatThrownBy(() -> clusters.of(shoot).observe(false)).isInstanceOf(ShootAccessException.class)
                .hasMessage("could not read the shoot cluster of Shoot garden-dev/prod at " + url(hostile)
                        + ": it sent an object that is not a valid Kubernetes object of its kind")
                .hasNoCause();
    }

    @Test
    void pagesThatNeverEnd_stopAtTheListingsBound() {
        AtomicInteger pages = new AtomicInteger();
        serve("/api/v1/nodes", exchange -> respond(exchange, 200, "{\"kind\":\"NodeList\",\"apiVersion\":\"v1\","
                + "\"metadata\":{\"continue\":\"page-" + pages.incrementAndGet() + "\"},\"items\":[]}"));

        assertThatThrownBy(() -> clusters.of(shoot).observe(false)).isInstanceOf(ShootAccessException.class)
                .hasMessageEndingWith(": it sent a listing of Nodes in more than 100 pages");
        assertThat(pages).hasValue(100);
    }

    @Test
    void watchEventThatNeverEnds_isCutOffAtTheLimit() throws Exception {
        AtomicLong sent = new AtomicLong();
        java.util.concurrent.CountDownLatch cut = new java.util.concurrent.CountDownLatch(1);
        serve("/api/v1/nodes", exchange -> {
            if (!String.valueOf(exchange.getRequestURI().getRawQuery()).contains("watch=true")) {
                respond(exchange, 200, "{\"kind\":\"NodeList\",\"apiVersion\":\"v1\",\"metadata\":{\"resourceVersion\":\"7\"},\"items\":[]}");
                return;
            }
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                write(out, "{\"type\":\"ADDED\",\"object\":{\"kind\":\"Node\",\"metadata\":{\"name\":\"", sent);
                while (sent.get() < 256 * LIMIT) {
                    write(out, "n".repeat(1024), sent);
                }
            } catch (IOException clientWentAway) {
                cut.countDown();
            }
        });
        serve("/api/v1/namespaces/kube-system/pods", exchange -> respond(exchange, 200,
                "{\"kind\":\"PodList\",\"apiVersion\":\"v1\",\"metadata\":{\"resourceVersion\":\"7\"},\"items\":[]}"));
        serve("/api/v1/namespaces/kube-system/services", exchange -> respond(exchange, 200,
                "{\"kind\":\"ServiceList\",\"apiVersion\":\"v1\",\"metadata\":{\"resourceVersion\":\"7\"},\"items\":[]}"));
        ShootCluster cluster = clusters.of(shoot);
        cluster.observe(false);

        cluster.follow(() -> { });

        assertThat(cut.await(30, java.util.concurrent.TimeUnit.SECONDS)).as("the watch was cut off").isTrue();
        assertThat(sent.get()).as("bytes sent before the operator stopped reading (socket buffers included)").isLessThan(32 * LIMIT);
    }

    private void serve(String path, HttpHandler handler) {
        hostile.createContext(path, exchange -> {
            try {
                handler.handle(exchange);
            } finally {
                exchange.close();
            }
        });
        garden.client().secrets().inNamespace("garden-dev").resource(new SecretBuilder()
                .withNewMetadata().withNamespace("garden-dev").withName("prod.kubeconfig").endMetadata()
                .withStringData(Map.of("kubeconfig", Kubeconfigs.forServer("prod", url(hostile))))
                .build()).createOr(op -> op.update());
    }

    private static void respond(HttpExchange exchange, int code, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(code, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static void write(OutputStream out, String text, AtomicLong sent) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        out.write(bytes);
        sent.addAndGet(bytes.length);
    }

    private static String url(HttpServer server) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/";
    }

    private static HttpServer server() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.setExecutor(Executors.newCachedThreadPool());
            server.start();
            return server;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
