package io.github.shootdualstack.testing;

import io.fabric8.kubernetes.api.model.APIResourceBuilder;
import io.fabric8.kubernetes.api.model.APIResourceListBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.DefaultMockServer;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A mock garden answering as gardener-apiserver does for shoot access: its discovery of
 * {@code core.gardener.cloud/v1beta1} lists {@code shoots/adminkubeconfig}, and a POST of an
 * {@code AdminKubeconfigRequest} to a Shoot's {@code adminkubeconfig} is answered as Gardener answers it
 * (pkg/apiserver/registry/core/shoot/storage/kubeconfig.go): a kubeconfig with the shoot's server, its
 * CA and a client certificate of group {@code gardener.cloud:system:admins}, valid as long as asked
 * for unless the garden cuts it, in {@code status.kubeconfig} (base64), and its expiry.
 */
public final class GardenerShootAccess {

    public static final String ADMINS = "gardener.cloud:system:admins";
    private static final TestCa CLIENT_CA = TestCa.create("ca-client");

    private GardenerShootAccess() {
    }

    /** Discovery of core.gardener.cloud/v1beta1 as gardener-apiserver answers it (with the subresource), or as a CRD garden does. */
    public static void discovery(DefaultMockServer garden, boolean servesAdminKubeconfig) {
        APIResourceListBuilder list = new APIResourceListBuilder().withGroupVersion("core.gardener.cloud/v1beta1")
                .addToResources(new APIResourceBuilder().withName("shoots").withKind("Shoot").withNamespaced(true)
                        .withVerbs("create", "delete", "get", "list", "patch", "update", "watch").build())
                .addToResources(new APIResourceBuilder().withName("shoots/status").withKind("Shoot").withNamespaced(true)
                        .withVerbs("get", "patch", "update").build());
        if (servesAdminKubeconfig) {
            list.addToResources(new APIResourceBuilder().withName("shoots/adminkubeconfig").withGroup("authentication.gardener.cloud")
                    .withVersion("v1alpha1").withKind("AdminKubeconfigRequest").withNamespaced(true).withVerbs("create").build());
        }
        garden.expect().get().withPath("/apis/core.gardener.cloud/v1beta1").andReturn(200, list.build()).always();
    }

    /**
     * Answers every POST to the Shoot's adminkubeconfig with a kubeconfig for {@code server}, valid for what
     * was asked, at most {@code longest} (Gardener's --shoot-admin-kubeconfig-max-expiration), from {@code clock}'s
     * now; returns the bodies of the requests so far (the server's request log sees them empty: read here).
     */
    public static List<String> adminKubeconfig(DefaultMockServer garden, String namespace, String name, String server, Clock clock,
                                               Duration longest) {
        return adminKubeconfig(garden, namespace, name, server, clock, longest, 0);
    }

    /** As above, for the first {@code times} requests only (0: all); an expectation set after this one answers the next. */
    public static List<String> adminKubeconfig(DefaultMockServer garden, String namespace, String name, String server, Clock clock,
                                               Duration longest, int times) {
        List<String> posts = new CopyOnWriteArrayList<>();
        var answers = garden.expect().post().withPath(path(namespace, name)).andReply(201, request -> {
            String text = request.getUtf8Body();
            posts.add(text);
            long asked = Serialization.unmarshal(text, Map.class) instanceof Map<?, ?> body
                    && body.get("spec") instanceof Map<?, ?> spec && spec.get("expirationSeconds") instanceof Number seconds
                    ? seconds.longValue() : 3600;
            Duration validity = Duration.ofSeconds(Math.min(asked, longest.toSeconds()));
            return answer(namespace, name, kubeconfig(namespace, name, server, validity), clock.instant().plus(validity));
        });
        if (times > 0) {
            answers.times(times);
        } else {
            answers.always();
        }
        return posts;
    }

    /** Answers every POST to the Shoot's adminkubeconfig with this status and body (a refusal, say). */
    public static void refuse(DefaultMockServer garden, String namespace, String name, int code, Object body) {
        garden.expect().post().withPath(path(namespace, name)).andReturn(code, body).always();
    }

    /** Answers every POST to the Shoot's adminkubeconfig with an AdminKubeconfigRequest holding this kubeconfig. */
    public static void answerWith(DefaultMockServer garden, String namespace, String name, String kubeconfig, Instant expiry) {
        garden.expect().post().withPath(path(namespace, name)).andReply(201, request -> answer(namespace, name, kubeconfig, expiry))
                .always();
    }

    public static String path(String namespace, String name) {
        return "/apis/core.gardener.cloud/v1beta1/namespaces/" + namespace + "/shoots/" + name + "/adminkubeconfig";
    }

    /** A kubeconfig as Gardener issues one: one context, the server's CA inline, a client certificate and its key. */
    public static String kubeconfig(String namespace, String name, String server, Duration validity) {
        return kubeconfig(namespace, name, server, CLIENT_CA.certificatePem(), CLIENT_CA.client("random1234:system:admin",
                List.of(ADMINS), validity));
    }

    public static String kubeconfig(String namespace, String name, String server, String caPem, TestCa.Issued client) {
        String auth = namespace + "--" + name;
        Map<String, Object> cluster = new LinkedHashMap<>();
        cluster.put("certificate-authority-data", base64(caPem));
        cluster.put("server", server);
        Map<String, Object> user = new LinkedHashMap<>();
        user.put("client-certificate-data", base64(client.certificatePem()));
        user.put("client-key-data", base64(client.keyPem()));
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("apiVersion", "v1");
        config.put("kind", "Config");
        config.put("clusters", List.of(Map.of("name", auth + "-external", "cluster", cluster)));
        config.put("users", List.of(Map.of("name", auth, "user", user)));
        config.put("contexts", List.of(Map.of("name", auth + "-external", "context", Map.of("cluster", auth + "-external", "user", auth))));
        config.put("current-context", auth + "-external");
        return Serialization.asYaml(config);
    }

    private static Map<String, Object> answer(String namespace, String name, String kubeconfig, Instant expiry) {
        return Map.of("apiVersion", "authentication.gardener.cloud/v1alpha1", "kind", "AdminKubeconfigRequest",
                "metadata", Map.of("name", name, "namespace", namespace),
                "spec", Map.of("expirationSeconds", 3600),
                "status", Map.of("kubeconfig", base64(kubeconfig), "expirationTimestamp",
                        // as metav1.Time has it: to the second
                        expiry.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString()));
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
