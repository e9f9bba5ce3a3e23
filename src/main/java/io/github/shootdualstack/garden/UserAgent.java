package io.github.shootdualstack.garden;

import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;

/** Names the operator in every request, so API server audit logs (and tests) can tell its requests apart. */
public final class UserAgent {

    public static final String VALUE = "shoot-dualstack-operator/"
            + java.util.Objects.requireNonNullElse(UserAgent.class.getPackage().getImplementationVersion(), "dev");

    private UserAgent() {
    }

    /** A client of {@code config} whose requests name the operator. */
    public static io.fabric8.kubernetes.client.KubernetesClient client(io.fabric8.kubernetes.client.Config config) {
        return new io.fabric8.kubernetes.client.KubernetesClientBuilder().withConfig(config)
                .withHttpClientBuilderConsumer(b -> b.addOrReplaceInterceptor("user-agent", interceptor())).build();
    }

    public static Interceptor interceptor() {
        return new Interceptor() {
            @Override
            public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
                builder.setHeader("User-Agent", VALUE);
            }
        };
    }
}
