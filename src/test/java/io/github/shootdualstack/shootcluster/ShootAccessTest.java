package io.github.shootdualstack.shootcluster;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.github.shootdualstack.garden.GardenKind;
import io.github.shootdualstack.garden.UserAgent;
import io.github.shootdualstack.local.Kubeconfigs;
import io.github.shootdualstack.local.LocalApiServer;
import io.github.shootdualstack.shoot.Shoot;
import io.github.shootdualstack.testing.GardenerShootAccess;
import io.github.shootdualstack.testing.MovingClock;
import io.github.shootdualstack.testing.RequestLog;
import io.github.shootdualstack.testing.TestCa;
import io.github.shootdualstack.testing.TestShoots;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The two ways into a shoot cluster, and which one is taken: on a garden whose gardener-apiserver serves
 * {@code shoots/adminkubeconfig}, a short-lived kubeconfig asked for once per validity and renewed before
 * it expires, nothing written anywhere; on a CRD garden, the {@code <shoot>.kubeconfig} Secret; either
 * forced by {@code --shoot-access}. The garden is a mock that answers as gardener-apiserver does.
 */
class ShootAccessTest {

    private static final Instant START = Instant.parse("2026-12-01T12:00:00Z");
    private static final String ADMIN_KUBECONFIG = GardenerShootAccess.path("garden-dev", "prod");
    private static final String DISCOVERY = "/apis/core.gardener.cloud/v1beta1";

    LocalApiServer garden = LocalApiServer.start();
    LocalApiServer shootServer = LocalApiServer.start();
    MovingClock clock = new MovingClock(START);
    RequestLog gardenRequests = new RequestLog(garden.server());
    Shoot shoot = TestShoots.ipv4("garden-dev", "prod");
    /** The operator's garden client: its requests name it (the test's own do not); a failed request is not retried. */
    KubernetesClient operatorGarden = UserAgent.client(new ConfigBuilder(garden.client().getConfiguration())
            .withRequestRetryBackoffLimit(0).build(), UserAgent.VALUE);
    ShootClusters clusters;

    @AfterEach
    void stop() {
        if (clusters != null) {
            clusters.close();
        }
        operatorGarden.close();
        garden.close();
        shootServer.close();
    }

    @Test
    void gardenerGarden_auto_asksAdminKubeconfigOnce_reachesTheShoot_andReadsNoSecret() {
        GardenerShootAccess.discovery(garden.server(), true);
        List<String> posts = GardenerShootAccess.adminKubeconfig(garden.server(), "garden-dev", "prod", shootServer.url(), clock,
                Duration.ofHours(24));
        node(shootServer, "shoot-node");
        clusters = clusters(ShootAccess.AUTO);

        assertThat(clusters.of(shoot).observe(false).nodes()).extracting(n -> n.name()).containsExactly("shoot-node");
        clock.advance(Duration.ofMinutes(39));
        assertThat(clusters.of(shoot).observe(true).report()).as("the report, read with the same kubeconfig").isNotNull();

        assertThat(posts).as("AdminKubeconfigRequests").hasSize(1);
        assertThat(clusters.open()).isEqualTo(1);
        List<RequestLog.Request> requests = operatorRequests();
        assertThat(requests).extracting(RequestLog.Request::toString).containsExactly("GET " + DISCOVERY, "POST " + ADMIN_KUBECONFIG);
        assertThat(posts.get(0)).isEqualTo("{\"apiVersion\":\"authentication.gardener.cloud/v1alpha1\","
                + "\"kind\":\"AdminKubeconfigRequest\",\"spec\":{\"expirationSeconds\":3600}}");
        assertThat(garden.client().secrets().inAnyNamespace().list().getItems()).as("Secrets in the garden").isEmpty();
    }

    @Test
    void renewedOnceLessThanAThirdIsLeft_oneRequestPerKubeconfig_overThreeHours() {
        GardenerShootAccess.discovery(garden.server(), true);
        List<String> posts = GardenerShootAccess.adminKubeconfig(garden.server(), "garden-dev", "prod", shootServer.url(), clock,
                Duration.ofHours(24));
        node(shootServer, "shoot-node");
        clusters = clusters(ShootAccess.AUTO);

        List<Long> askedAt = minutesOfRequests(posts, Duration.ofHours(3));

        assertThat(askedAt).as("minutes at which a kubeconfig valid 60 minutes was asked for").containsExactly(0L, 40L, 80L, 120L, 160L);
        assertThat(clusters.of(shoot).observe(false).nodes()).isNotEmpty();
        assertThat(clusters.open()).as("one client: the one of the newest kubeconfig").isEqualTo(1);
    }

    @Test
    void gardenCutsTheValidity_renewedByTheExpiryItAnswers() {
        GardenerShootAccess.discovery(garden.server(), true);
        List<String> posts = GardenerShootAccess.adminKubeconfig(garden.server(), "garden-dev", "prod", shootServer.url(), clock,
                Duration.ofMinutes(15));
        clusters = clusters(ShootAccess.AUTO);

        List<Long> askedAt = minutesOfRequests(posts, Duration.ofHours(1));

        assertThat(askedAt).as("valid 15 minutes: renewed with 10 minutes left").containsExactly(0L, 5L, 10L, 15L, 20L, 25L, 30L,
                35L, 40L, 45L, 50L, 55L);
    }

    @Test
    void renewalRefused_theKubeconfigHeldIsUsed_untilAMinuteBeforeItExpires_thenTheRefusalIsShown() {
        GardenerShootAccess.discovery(garden.server(), true);
        List<String> posts = GardenerShootAccess.adminKubeconfig(garden.server(), "garden-dev", "prod", shootServer.url(), clock,
                Duration.ofHours(24), 1);
        GardenerShootAccess.refuse(garden.server(), "garden-dev", "prod", 503, new StatusBuilder().withStatus("Failure").withCode(503)
                .withReason("ServiceUnavailable").withMessage("the server is currently unable to handle the request").build());
        node(shootServer, "shoot-node");
        clusters = clusters(ShootAccess.AUTO);
        clusters.of(shoot);

        clock.advance(Duration.ofMinutes(45));
        assertThat(clusters.of(shoot).observe(false).nodes()).as("at 45 minutes, with the renewal refused").isNotEmpty();
        clock.advance(Duration.ofMinutes(13));
        assertThat(clusters.of(shoot).observe(false).nodes()).as("at 58 minutes").isNotEmpty();
        clock.advance(Duration.ofMinutes(1));

        assertThatThrownBy(() -> clusters.of(shoot)).as("at 59 minutes").isInstanceOf(ShootAccessException.class)
                .hasMessage("could not create shoots/adminkubeconfig of Shoot garden-dev/prod: HTTP 503 Service Unavailable:"
                        + " the server is currently unable to handle the request");
        assertThat(posts).hasSize(1);
        assertThat(operatorRequests()).filteredOn(request -> request.path().equals(ADMIN_KUBECONFIG)).hasSize(4);
    }

    @Test
    void renewalTimes_aThirdOfTheValidity_atLeastTenMinutesBeforeTheExpiry() {
        assertThat(AdminKubeconfigs.renewAt(START, START.plus(Duration.ofHours(1)))).isEqualTo(START.plus(Duration.ofMinutes(40)));
        assertThat(AdminKubeconfigs.renewAt(START, START.plus(Duration.ofHours(24)))).isEqualTo(START.plus(Duration.ofHours(16)));
        assertThat(AdminKubeconfigs.renewAt(START, START.plus(Duration.ofMinutes(20)))).isEqualTo(START.plus(Duration.ofMinutes(10)));
        assertThat(AdminKubeconfigs.renewAt(START, START.plus(Duration.ofMinutes(5)))).as("already due").isBefore(START);
    }

    @Test
    void crdGarden_auto_readsTheSecret() {
        GardenerShootAccess.discovery(garden.server(), false);
        secret(Kubeconfigs.forServer("prod", shootServer.url()));
        node(shootServer, "shoot-node");
        clusters = clusters(ShootAccess.AUTO);

        assertThat(clusters.of(shoot).observe(false).nodes()).isNotEmpty();
        clusters.of(shoot);

        assertThat(operatorRequests()).extracting(RequestLog.Request::toString).containsExactly("GET " + DISCOVERY,
                "GET /api/v1/namespaces/garden-dev/secrets/prod.kubeconfig", "GET /api/v1/namespaces/garden-dev/secrets/prod.kubeconfig");
    }

    @Test
    void theGardenIsAskedOnce_forEveryShoot() {
        GardenerShootAccess.discovery(garden.server(), true);
        GardenerShootAccess.adminKubeconfig(garden.server(), "garden-dev", "prod", shootServer.url(), clock, Duration.ofHours(24));
        GardenerShootAccess.adminKubeconfig(garden.server(), "garden-dev", "staging", shootServer.url(), clock, Duration.ofHours(24));
        clusters = clusters(ShootAccess.AUTO);

        clusters.of(shoot);
        clusters.of(TestShoots.ipv4("garden-dev", "staging"));
        clusters.of(shoot);

        assertThat(operatorRequests()).filteredOn(request -> request.path().equals(DISCOVERY)).hasSize(1);
    }

    @Test
    void plainMockGarden_isACrdGarden() {
        assertThat(GardenKind.of(garden.client())).isEqualTo(GardenKind.CRD);
    }

    @Test
    void secretForced_onAGardenerGarden_readsTheSecret_andAsksNothingElse() {
        GardenerShootAccess.discovery(garden.server(), true);
        List<String> posts = GardenerShootAccess.adminKubeconfig(garden.server(), "garden-dev", "prod", shootServer.url(), clock,
                Duration.ofHours(24));
        secret(Kubeconfigs.forServer("prod", shootServer.url()));
        clusters = clusters(ShootAccess.SECRET);

        clusters.of(shoot).observe(false);

        assertThat(posts).isEmpty();
        assertThat(operatorRequests()).extracting(RequestLog.Request::toString)
                .containsExactly("GET /api/v1/namespaces/garden-dev/secrets/prod.kubeconfig");
    }

    @Test
    void adminKubeconfigForced_onAGardenWhoseDiscoveryDoesNotSayIt_isAskedAll_the_same() {
        GardenerShootAccess.discovery(garden.server(), false);
        List<String> posts = GardenerShootAccess.adminKubeconfig(garden.server(), "garden-dev", "prod", shootServer.url(), clock,
                Duration.ofHours(24));
        secret(Kubeconfigs.forServer("prod", "http://127.0.0.1:1"));
        clusters = clusters(ShootAccess.ADMINKUBECONFIG);

        clusters.of(shoot).observe(false);

        assertThat(posts).hasSize(1);
        assertThat(operatorRequests()).extracting(RequestLog.Request::toString).containsExactly("POST " + ADMIN_KUBECONFIG);
    }

    @ParameterizedTest(name = "HTTP {0}")
    @CsvSource(delimiter = '|', value = {
            "403 | Forbidden | shoots.core.gardener.cloud \"prod\" is forbidden: User \"system:serviceaccount:ops:sdo\" cannot create\\n"
                    + "  resource \"shoots/adminkubeconfig\" | could not create shoots/adminkubeconfig of Shoot garden-dev/prod: HTTP 403"
                    + " Forbidden: shoots.core.gardener.cloud \"prod\" is forbidden: User \"system:serviceaccount:ops:sdo\" cannot create"
                    + " resource \"shoots/adminkubeconfig\" (the operator needs create on shoots/adminkubeconfig in the Shoot's namespace)",
            "422 | Invalid | AdminKubeconfigRequest.authentication.gardener.cloud \"prod\" is invalid: status.status: Invalid value: null:"
                    + " no suitable advertised address for kube-apiserver found in .status.advertisedAddresses"
                    + " | could not create shoots/adminkubeconfig of Shoot garden-dev/prod: HTTP 422 Unprocessable Entity:"
                    + " AdminKubeconfigRequest.authentication.gardener.cloud \"prod\" is invalid: status.status: Invalid value: null:"
                    + " no suitable advertised address for kube-apiserver found in .status.advertisedAddresses",
            "404 | NotFound | shoots.core.gardener.cloud \"prod\" not found | could not create shoots/adminkubeconfig of Shoot"
                    + " garden-dev/prod: HTTP 404 Not Found: shoots.core.gardener.cloud \"prod\" not found (the Shoot is gone, or the"
                    + " garden does not serve shoots/adminkubeconfig: see --shoot-access)",
    })
    void refused_namedOnTheShoot_withTheGardensMessageOnOneLine(int code, String reason, String message, String shown) {
        GardenerShootAccess.refuse(garden.server(), "garden-dev", "prod", code, new StatusBuilder().withStatus("Failure")
                .withCode(code).withReason(reason).withMessage(message.replace("\\n", "\n")).build());
        clusters = clusters(ShootAccess.ADMINKUBECONFIG);

        assertThatThrownBy(() -> clusters.of(shoot)).isInstanceOf(ShootAccessException.class).hasMessage(shown);
        assertThat(clusters.open()).isZero();
    }

    @Test
    void gardenUnreachable_namedByItsKind() {
        garden.close();
        clusters = clusters(ShootAccess.ADMINKUBECONFIG);

        assertThatThrownBy(() -> clusters.of(shoot)).isInstanceOf(ShootAccessException.class)
                .hasMessage("could not create shoots/adminkubeconfig of Shoot garden-dev/prod: connection refused");
    }

    @Test
    void autoWhereDiscoveryFails_saysSo_andAsksAgainNextTime() {
        garden.server().expect().get().withPath(DISCOVERY).andReturn(503, "{}").once();
        GardenerShootAccess.discovery(garden.server(), true);
        List<String> posts = GardenerShootAccess.adminKubeconfig(garden.server(), "garden-dev", "prod", shootServer.url(), clock,
                Duration.ofHours(24));
        clusters = clusters(ShootAccess.AUTO);

        assertThatThrownBy(() -> clusters.of(shoot)).isInstanceOf(ShootAccessException.class)
                .hasMessage("could not tell how to reach shoot clusters (--shoot-access=auto): the garden's discovery of"
                        + " core.gardener.cloud/v1beta1 failed: HTTP 503 Service Unavailable");
        clusters.of(shoot);

        assertThat(posts).hasSize(1);
        assertThat(operatorRequests()).extracting(RequestLog.Request::toString)
                .containsExactly("GET " + DISCOVERY, "GET " + DISCOVERY, "POST " + ADMIN_KUBECONFIG);
    }

    @Test
    void answerWithAProgramToRun_refusedAsAnySecretsWouldBe_andNothingRuns(@TempDir Path dir) {
        Path marker = dir.resolve("ran");
        String exec = Kubeconfigs.forServer("prod", shootServer.url()).replace("token: \"local\"", "token: \"local\"\n"
                + "    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: /bin/sh\n"
                + "      args: [\"-c\", \"touch " + marker + "\"]\n      interactiveMode: Never");
        GardenerShootAccess.answerWith(garden.server(), "garden-dev", "prod", exec, START.plus(Duration.ofHours(1)));
        clusters = clusters(ShootAccess.ADMINKUBECONFIG);

        assertThatThrownBy(() -> clusters.of(shoot).observe(false)).isInstanceOf(ShootAccessException.class)
                .hasMessage("the kubeconfig in shoots/adminkubeconfig of Shoot garden-dev/prod has users[prod].user.exec (a program to"
                        + " run): only a bearer token or an inline client certificate and key are used; nothing is run and no file is read");
        assertThat(marker).doesNotExist();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "{\"status\":{\"expirationTimestamp\":\"2026-12-01T13:00:00Z\",\"token\":\"s3cr3t-token\"}}"
                    + " | the answer of shoots/adminkubeconfig of Shoot garden-dev/prod has no status.kubeconfig",
            "{\"status\":{\"kubeconfig\":\"not base64 s3cr3t-token\",\"expirationTimestamp\":\"2026-12-01T13:00:00Z\"}}"
                    + " | the answer of shoots/adminkubeconfig of Shoot garden-dev/prod has a status.kubeconfig that is not valid base64",
            "{\"status\":{\"kubeconfig\":\"czNjcjN0LXRva2Vu\",\"expirationTimestamp\":\"soon s3cr3t-token\"}}"
                    + " | the answer of shoots/adminkubeconfig of Shoot garden-dev/prod has no valid status.expirationTimestamp",
            "s3cr3t-token {{{ | the answer of shoots/adminkubeconfig of Shoot garden-dev/prod is not an AdminKubeconfigRequest",
    })
    void malformedAnswer_named_withoutQuotingIt(String answer, String shown) {
        garden.server().expect().post().withPath(ADMIN_KUBECONFIG).andReturn(201, answer).always();
        clusters = clusters(ShootAccess.ADMINKUBECONFIG);

        assertThatThrownBy(() -> clusters.of(shoot)).isInstanceOf(ShootAccessException.class).hasMessage(shown)
                .message().doesNotContain("s3cr3t");
    }

    @Test
    void theKubeconfigItsKeyAndCertificate_inNoLogLine_ofTheOperatorAtAnyLevel_norOfTheLibrariesAsConfigured() {
        TestCa ca = TestCa.create("ca-client");
        TestCa.Issued client = ca.client("random:admin", List.of(GardenerShootAccess.ADMINS), Duration.ofHours(1));
        String kubeconfig = GardenerShootAccess.kubeconfig("garden-dev", "prod", shootServer.url(), ca.certificatePem(), client);
        GardenerShootAccess.answerWith(garden.server(), "garden-dev", "prod", kubeconfig, START.plus(Duration.ofHours(1)));
        GardenerShootAccess.discovery(garden.server(), true);
        node(shootServer, "shoot-node");
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        Logger operator = (Logger) LoggerFactory.getLogger("io.github.shootdualstack");
        Level level = operator.getLevel();
        logs.start();
        root.addAppender(logs);
        operator.setLevel(Level.ALL);
        try {
            clusters = clusters(ShootAccess.AUTO);
            clusters.of(shoot).observe(true);
            clock.advance(Duration.ofMinutes(45));
            clusters.of(shoot).observe(false);
        } finally {
            operator.setLevel(level);
            root.detachAppender(logs);
        }

        List<String> secrets = new ArrayList<>(List.of(base64(client.keyPem()), base64(client.certificatePem()),
                client.keyPem().lines().skip(1).findFirst().orElseThrow(), base64(kubeconfig)));
        assertThat(logs.list).as("log events").isNotEmpty();
        assertThat(logs.list).extracting(ILoggingEvent::getFormattedMessage).allSatisfy(line -> assertThat(line)
                .doesNotContain(secrets.toArray(String[]::new)));
        assertThat(logs.list).extracting(ILoggingEvent::getFormattedMessage)
                .contains("Shoot clusters are reached with a short-lived kubeconfig from each Shoot's shoots/adminkubeconfig"
                        + " (valid 60 minutes) (--shoot-access=auto: the garden serves shoots/adminkubeconfig)");
    }

    /** Looks at the shoot every minute for {@code span} and says at which minutes a kubeconfig was asked for. */
    private List<Long> minutesOfRequests(List<String> posts, Duration span) {
        List<Long> askedAt = new ArrayList<>();
        for (long minute = 0; minute < span.toMinutes(); minute++) {
            int before = posts.size();
            clusters.of(shoot);
            if (posts.size() > before) {
                askedAt.add(minute);
            }
            clock.advance(Duration.ofMinutes(1));
        }
        return askedAt;
    }

    private ShootClusters clusters(ShootAccess access) {
        // the local shoot servers are plain http
        return new ShootClusters(operatorGarden, access, clock, new Interceptor() { }, true, UserAgent.VALUE,
                ShootClusters.DEFAULT_MAX_RESPONSE_BYTES);
    }

    private void secret(String kubeconfig) {
        garden.client().secrets().inNamespace("garden-dev").resource(new SecretBuilder()
                .withNewMetadata().withNamespace("garden-dev").withName("prod.kubeconfig").endMetadata()
                .withStringData(Map.of("kubeconfig", kubeconfig)).build()).create();
    }

    /** The operator's requests to the garden so far. */
    private List<RequestLog.Request> operatorRequests() {
        return gardenRequests.all().stream().filter(RequestLog.byOperator()).toList();
    }

    private static void node(LocalApiServer server, String name) {
        server.client().nodes().resource(new NodeBuilder().withNewMetadata().withName(name).endMetadata().build()).create();
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
