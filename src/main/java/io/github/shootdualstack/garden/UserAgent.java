package io.github.shootdualstack.garden;

import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;

/**
 * Names the operator in every request, so API server audit logs (and tests) can tell its requests apart;
 * the commands that only look ({@code plan}, {@code status}) add their name as a comment, so an audit log
 * tells a person's look from the operator's work.
 */
public final class UserAgent {

    public static final String VALUE = "shoot-dualstack-operator/"
            + java.util.Objects.requireNonNullElse(UserAgent.class.getPackage().getImplementationVersion(), "dev");

    private UserAgent() {
    }

    /** The User-Agent of the command {@code command}: the operator's, with the command's name as a comment. */
    public static String of(String command) {
        return VALUE + " (" + command + ")";
    }

    /** A client of {@code config} whose requests carry the User-Agent {@code agent}. */
    public static io.fabric8.kubernetes.client.KubernetesClient client(io.fabric8.kubernetes.client.Config config, String agent) {
        return new io.fabric8.kubernetes.client.KubernetesClientBuilder().withConfig(config)
                .withHttpClientBuilderConsumer(b -> b.addOrReplaceInterceptor("user-agent", interceptor(agent))).build();
    }

    /** Sets the operator's User-Agent on every request. */
    public static Interceptor interceptor() {
        return interceptor(VALUE);
    }

    /** Sets the User-Agent {@code agent} on every request. */
    public static Interceptor interceptor(String agent) {
        return new Interceptor() {
            @Override
            public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
                builder.setHeader("User-Agent", agent);
            }
        };
    }
}
