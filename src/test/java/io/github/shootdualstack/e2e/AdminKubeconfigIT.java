package io.github.shootdualstack.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.NamedCluster;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.github.shootdualstack.deploy.ChartRbac;
import io.github.shootdualstack.garden.GardenKind;
import io.github.shootdualstack.garden.UserAgent;
import io.github.shootdualstack.migration.ShootClusterFacts;
import io.github.shootdualstack.shoot.Shoot;
import io.github.shootdualstack.shootcluster.ShootAccess;
import io.github.shootdualstack.shootcluster.ShootAccessException;
import io.github.shootdualstack.shootcluster.ShootClusters;
import io.github.shootdualstack.testing.AuditLog;
import io.github.shootdualstack.testing.GardenerGarden;
import io.github.shootdualstack.testing.MovingClock;
import io.github.shootdualstack.testing.RealApiServer;
import io.github.shootdualstack.testing.RealApiServers;
import io.github.shootdualstack.testing.TestCa;
import io.github.shootdualstack.testing.TestShoots;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * Shoot access as Gardener has it, on Gardener's own gardener-apiserver (spec, section 7.1), into a
 * second real kube-apiserver playing the shoot's: it trusts client certificates of the Shoot's
 * {@code ca-client} and binds Gardener's groups {@code gardener.cloud:system:admins} and
 * {@code gardener.cloud:project:admins} to {@code cluster-admin}, as Gardener's shoots do. The garden
 * holds what gardener-apiserver needs to issue admin kubeconfigs ({@code <shoot>.ca-client},
 * {@code <shoot>.ca-cluster}, {@code status.advertisedAddresses}) and no {@code <shoot>.kubeconfig} Secret.
 */
class AdminKubeconfigIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SHOOT = "access";
    private static final String NAMESPACE = GardenerGarden.PROJECT_NAMESPACE;
    private static final String ADMINS = "gardener.cloud:system:admins";
    private static final String PROJECT_ADMINS = "gardener.cloud:project:admins";

    private static GardenerGarden garden;
    private static RealApiServer shootServer;
    private static Shoot shoot;

    @BeforeAll
    static void gardenAndShoot() {
        garden = GardenerGarden.shared();
        TestCa clientCa = TestCa.create(SHOOT + ".ca-client");
        shootServer = RealApiServers.started("shoot-by-admin-kubeconfig", List.of("10.0.0.0/24"), clientCa.certificatePem());
        for (String group : List.of(ADMINS, PROJECT_ADMINS)) {
            shootServer.client().rbac().clusterRoleBindings().resource(new ClusterRoleBindingBuilder().withNewMetadata().withName(group)
                    .endMetadata().withNewRoleRef("rbac.authorization.k8s.io", "ClusterRole", "cluster-admin")
                    .addNewSubject().withApiGroup("rbac.authorization.k8s.io").withKind("Group").withName(group).endSubject()
                    .build()).create();
        }
        garden.createExampleShoot(SHOOT);
        garden.prepareShootAccess(SHOOT, clientCa, shootServer.servingCaPem(), shootServer.url());
        shoot = garden.client().resources(Shoot.class).inNamespace(NAMESPACE).withName(SHOOT).require();
        System.out.println("Gardener garden at " + garden.client().getConfiguration().getMasterUrl() + " (gardener-apiserver of "
                + garden.gardenerVersion() + "); Shoot " + NAMESPACE + "/" + SHOOT + " advertised at " + shootServer.url());
    }

    @AfterAll
    static void stopShootServer() {
        if (shootServer != null) {
            shootServer.close();
        }
    }

    @Test
    void gardenersAnswer_theShootsServerAndCa_aClientCertificateOfItsAdminsGroup_validAnHour() throws Exception {
        JsonNode answer = JSON.readTree(post(garden.client(), "{\"apiVersion\":\"authentication.gardener.cloud/v1alpha1\","
                + "\"kind\":\"AdminKubeconfigRequest\",\"spec\":{\"expirationSeconds\":3600}}"));
        String text = new String(Base64.getDecoder().decode(answer.at("/status/kubeconfig").asText()), StandardCharsets.UTF_8);
        io.fabric8.kubernetes.api.model.Config kubeconfig = Serialization.unmarshal(text, io.fabric8.kubernetes.api.model.Config.class);
        NamedCluster cluster = kubeconfig.getClusters().stream()
                .filter(c -> c.getName().equals(kubeconfig.getContexts().get(0).getContext().getCluster())).findFirst().orElseThrow();
        X509Certificate certificate = certificate(kubeconfig.getUsers().get(0).getUser().getClientCertificateData());
        Instant expiry = Instant.parse(answer.at("/status/expirationTimestamp").asText());

        assertThat(cluster.getCluster().getServer()).isEqualTo("https://" + URI.create(shootServer.url()).getAuthority());
        assertThat(decode(cluster.getCluster().getCertificateAuthorityData())).isEqualTo(shootServer.servingCaPem());
        assertThat(certificate.getSubjectX500Principal().getName()).contains("O=" + ADMINS);
        assertThat(expiry).isEqualTo(certificate.getNotAfter().toInstant());
        assertThat(expiry).isCloseTo(Instant.now().plus(Duration.ofHours(1)), within(2, java.time.temporal.ChronoUnit.MINUTES));
    }

    @Test
    void auto_onGardenerApiserver_takesAdminKubeconfig_readsTheShootAndItsReport_verifiedTls_oneRequest_noSecret() {
        AtomicInteger requests = new AtomicInteger();
        int secretsBefore = garden.client().secrets().inNamespace(NAMESPACE).list().getItems().size();
        int auditMark = shootServer.audit().size();
        try (KubernetesClient operatorGarden = operatorClient(garden.client().getConfiguration(), requests);
             ShootClusters clusters = new ShootClusters(operatorGarden, ShootAccess.AUTO, Clock.systemUTC(), new Interceptor() { },
                     false, UserAgent.VALUE, ShootClusters.DEFAULT_MAX_RESPONSE_BYTES)) {
            assertThat(GardenKind.of(operatorGarden)).isEqualTo(GardenKind.GARDENER_APISERVER);

            ShootClusterFacts facts = clusters.of(shoot).observe(true);
            clusters.of(shoot).observe(false);

            assertThat(facts.report()).as("the report: pods with one address, single-stack Services").isNotNull();
            assertThat(facts.report().singleStackServices()).contains("default/kubernetes");
            assertThat(requests).as("AdminKubeconfigRequests").hasValue(1);
        }
        assertThat(garden.client().secrets().inNamespace(NAMESPACE).withName(SHOOT + ".kubeconfig").get()).isNull();
        assertThat(garden.client().secrets().inNamespace(NAMESPACE).list().getItems()).as("Secrets in " + NAMESPACE).hasSize(secretsBefore);
        List<AuditLog.Entry> byOperator = shootServer.audit().since(auditMark)
                .matching(entry -> entry.userAgent().startsWith("shoot-dualstack-operator/"));
        assertThat(byOperator).as("the operator's requests to the shoot's API server (CoreDNS is not there: 404)").isNotEmpty()
                .extracting(AuditLog.Entry::resource).contains("nodes", "pods", "services", "deployments");
        assertThat(byOperator).allSatisfy(entry -> {
            assertThat(entry.code()).as("authenticated and authorized: " + entry).isNotIn(401, 403);
            assertThat(entry.user()).as("Gardener's user: <random>:<who asked>").matches("[A-Za-z0-9]{10}:envtest-admin");
            assertThat(entry.groups()).contains(ADMINS);
        });
    }

    @Test
    void renewedBeforeItExpires_byTheExpiryGardenerAnswers_aNewCertificateEachTime() {
        AtomicInteger requests = new AtomicInteger();
        MovingClock clock = new MovingClock(Instant.now());
        int auditMark = shootServer.audit().size();
        try (KubernetesClient operatorGarden = operatorClient(garden.client().getConfiguration(), requests);
             ShootClusters clusters = new ShootClusters(operatorGarden, ShootAccess.ADMINKUBECONFIG, clock, new Interceptor() { },
                     false, UserAgent.VALUE, ShootClusters.DEFAULT_MAX_RESPONSE_BYTES)) {
            clusters.of(shoot).observe(false);
            clock.advance(Duration.ofMinutes(39));
            clusters.of(shoot).observe(false);
            assertThat(requests).as("at 39 minutes").hasValue(1);
            clock.advance(Duration.ofMinutes(2));
            clusters.of(shoot).observe(false);
            assertThat(requests).as("at 41 minutes: less than a third of the hour left").hasValue(2);
        }
        assertThat(shootServer.audit().since(auditMark).matching(entry -> entry.userAgent().startsWith("shoot-dualstack-operator/")))
                .extracting(AuditLog.Entry::user).as("one user per certificate: Gardener gives each a random prefix").hasSizeGreaterThan(1)
                .satisfies(users -> assertThat(users.stream().distinct().count()).isEqualTo(2));
    }

    @Test
    void theChartsRolesForShootAccessAdminkubeconfig_letItsServiceAccountAsk_asProjectAdmin_andReadNoSecret() {
        garden.client().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ChartRbac.NAMESPACE).endMetadata()
                .build()).createOr(existing -> existing.update());
        for (HasMetadata object : ChartRbac.identityObjects("shootAccess: adminkubeconfig\nwatch: {namespaces: [" + NAMESPACE + "]}\n")) {
            garden.client().resource(object).createOr(existing -> existing.update());
        }
        Config asAccount = impersonating(garden.client().getConfiguration(),
                "system:serviceaccount:" + ChartRbac.NAMESPACE + ":" + ChartRbac.defaultServiceAccount());
        int auditMark = shootServer.audit().size();
        AtomicInteger requests = new AtomicInteger();
        try (KubernetesClient operatorGarden = operatorClient(asAccount, requests);
             ShootClusters clusters = new ShootClusters(operatorGarden, ShootAccess.AUTO, Clock.systemUTC(), new Interceptor() { },
                     false, UserAgent.VALUE, ShootClusters.DEFAULT_MAX_RESPONSE_BYTES)) {
            assertThat(clusters.of(shoot).observe(true).report()).isNotNull();

            assertThatThrownBy(() -> operatorGarden.secrets().inNamespace(NAMESPACE).withName(SHOOT + ".kubeconfig").get())
                    .as("no Secret, not even by name").isInstanceOf(KubernetesClientException.class)
                    .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(403));
        }
        assertThat(requests).hasValue(1);
        assertThat(shootServer.audit().since(auditMark).matching(entry -> entry.userAgent().startsWith("shoot-dualstack-operator/")))
                .as("a ServiceAccount that may not list every Secret is given the project admins' group").isNotEmpty()
                .allSatisfy(entry -> assertThat(entry.groups()).contains(PROJECT_ADMINS).doesNotContain(ADMINS));
    }

    @Test
    void withoutTheRule_403_namedOnTheShoot_withGardensMessage() {
        Config stranger = impersonating(garden.client().getConfiguration(), "system:serviceaccount:default:stranger");
        try (KubernetesClient operatorGarden = operatorClient(stranger, new AtomicInteger());
             ShootClusters clusters = new ShootClusters(operatorGarden, ShootAccess.ADMINKUBECONFIG, Clock.systemUTC(),
                     new Interceptor() { }, false, UserAgent.VALUE, ShootClusters.DEFAULT_MAX_RESPONSE_BYTES)) {
            assertThatThrownBy(() -> clusters.of(shoot)).isInstanceOf(ShootAccessException.class)
                    .hasMessageStartingWith("could not create shoots/adminkubeconfig of Shoot " + NAMESPACE + "/" + SHOOT + ": HTTP 403 Forbidden: ")
                    .hasMessageContaining("system:serviceaccount:default:stranger")
                    .hasMessageContaining("shoots/adminkubeconfig")
                    .hasMessageEndingWith("(the operator needs create on shoots/adminkubeconfig in the Shoot's namespace)")
                    .message().doesNotContain("\n");
        }
    }

    @Test
    void aShootWithoutAdvertisedAddress_422_andAShootThatIsNot_404_namedOnTheShoot() {
        Shoot unadvertised = garden.createExampleShoot("unadvertised");
        try (KubernetesClient operatorGarden = operatorClient(garden.client().getConfiguration(), new AtomicInteger());
             ShootClusters clusters = new ShootClusters(operatorGarden, ShootAccess.AUTO, Clock.systemUTC(), new Interceptor() { },
                     false, UserAgent.VALUE, ShootClusters.DEFAULT_MAX_RESPONSE_BYTES)) {
            assertThatThrownBy(() -> clusters.of(unadvertised)).isInstanceOf(ShootAccessException.class)
                    .hasMessageStartingWith("could not create shoots/adminkubeconfig of Shoot " + NAMESPACE + "/unadvertised: HTTP 422"
                            + " Unprocessable Entity: ")
                    .hasMessageContaining("no suitable advertised address for kube-apiserver found in .status.advertisedAddresses");
            assertThatThrownBy(() -> clusters.of(TestShoots.ipv4(NAMESPACE, "nonesuch"))).isInstanceOf(ShootAccessException.class)
                    .hasMessage("could not create shoots/adminkubeconfig of Shoot " + NAMESPACE + "/nonesuch: HTTP 404 Not Found:"
                            + " shoots.core.gardener.cloud \"nonesuch\" not found (the Shoot is gone, or the garden does not serve"
                            + " shoots/adminkubeconfig: see --shoot-access)");
        }
    }

    /** A garden client as the operator has one (its User-Agent), counting the AdminKubeconfigRequests it sends. */
    private static KubernetesClient operatorClient(Config config, AtomicInteger adminKubeconfigRequests) {
        return new KubernetesClientBuilder().withConfig(config).withHttpClientBuilderConsumer(builder -> builder
                .addOrReplaceInterceptor("user-agent", UserAgent.interceptor())
                .addOrReplaceInterceptor("count", new Interceptor() {
                    @Override
                    public void before(BasicBuilder request, HttpRequest sent, RequestTags tags) {
                        if (sent.method().equals("POST") && sent.uri().getPath().endsWith("/adminkubeconfig")) {
                            adminKubeconfigRequests.incrementAndGet();
                        }
                    }
                })).build();
    }

    private static Config impersonating(Config admin, String serviceAccount) {
        Config as = new ConfigBuilder(admin).build();
        as.setClientKeyAlgo(admin.getClientKeyAlgo());
        as.setImpersonateUsername(serviceAccount);
        String namespace = serviceAccount.split(":")[2];
        as.setImpersonateGroups("system:serviceaccounts", "system:serviceaccounts:" + namespace, "system:authenticated");
        return as;
    }

    private static String post(KubernetesClient client, String body) throws Exception {
        var http = client.getHttpClient();
        var request = http.newHttpRequestBuilder().uri(io.fabric8.kubernetes.client.utils.URLUtils.join(client.getConfiguration()
                .getMasterUrl(), "apis/core.gardener.cloud/v1beta1/namespaces", NAMESPACE, "shoots", SHOOT, "adminkubeconfig"))
                .post("application/json", body).build();
        var answer = http.sendAsync(request, String.class).get(30, TimeUnit.SECONDS);
        assertThat(answer.code()).as(answer.body()).isEqualTo(201);
        return answer.body();
    }

    private static String decode(String base64) {
        return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
    }

    private static X509Certificate certificate(String base64Pem) throws Exception {
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(Base64.getDecoder().decode(base64Pem)));
    }
}
