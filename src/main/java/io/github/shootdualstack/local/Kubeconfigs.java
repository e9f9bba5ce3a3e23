package io.github.shootdualstack.local;

import io.fabric8.kubernetes.client.utils.Serialization;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Kubeconfig files for the local API servers, as a shoot's {@code <shoot>.kubeconfig} Secret holds one. */
public final class Kubeconfigs {

    private Kubeconfigs() {
    }

    /**
     * A kubeconfig with one context {@code name} for the server at {@code url}. The local servers
     * do not check credentials, so the user holds a placeholder token; an {@code https} server's
     * self-signed certificate is not verified.
     */
    public static String forServer(String name, String url) {
        Map<String, Object> cluster = new LinkedHashMap<>();
        cluster.put("server", url);
        if (url.startsWith("https:")) {
            cluster.put("insecure-skip-tls-verify", true);
        }
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("apiVersion", "v1");
        config.put("kind", "Config");
        config.put("clusters", List.of(Map.of("name", name, "cluster", cluster)));
        config.put("users", List.of(Map.of("name", name, "user", Map.of("token", "local"))));
        config.put("contexts", List.of(Map.of("name", name,
                "context", Map.of("cluster", name, "user", name, "namespace", "default"))));
        config.put("current-context", name);
        return Serialization.asYaml(config);
    }
}
