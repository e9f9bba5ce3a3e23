package io.github.shootdualstack.local;

import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.zjsonpatch.JsonPatchException;

import java.util.HashMap;
import java.util.Map;
import java.util.Queue;

/**
 * An embedded in-memory Kubernetes API server (fabric8's mock server in CRUD mode, plain HTTP on
 * a free local port), for the demo's garden and shoot clusters and for tests. It stores what it is
 * sent and serves watches, but has no server-side apply, no strategic merge patch and no schema
 * validation. Canned answers ({@link KubernetesMockServer#expect()}) can be mixed in.
 */
public final class LocalApiServer implements AutoCloseable {

    // The mock logs every request at JUL INFO; kept referenced so the level sticks.
    private static final java.util.logging.Logger MOCK_LOG = java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

    static {
        MOCK_LOG.setLevel(java.util.logging.Level.WARNING);
    }

    private final KubernetesMockServer server;
    private final KubernetesClient client;

    private LocalApiServer(KubernetesMockServer server) {
        this.server = server;
        this.client = server.createClient();
    }

    public static LocalApiServer start() {
        Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
        KubernetesMockServer server = new KubernetesMockServer(new Context(Serialization.jsonMapper()),
                new MockWebServer(), responses, new Dispatcher(responses), false);
        server.init();
        return new LocalApiServer(server);
    }

    /**
     * The mock's dispatcher, answering a JSON patch it cannot apply (a failed {@code test}
     * operation, a missing path) with 422 as a real API server does: the mock leaves such a
     * request unanswered, and the client waits for its timeout and then sends it again.
     */
    private static final class Dispatcher extends KubernetesMixedDispatcher {

        Dispatcher(Map<ServerRequest, Queue<ServerResponse>> responses) {
            super(responses);
        }

        @Override
        public MockResponse dispatch(RecordedRequest request) {
            try {
                return super.dispatch(request);
            } catch (JsonPatchException e) {
                Status status = new StatusBuilder().withStatus("Failure").withCode(422).withReason("Invalid")
                        .withMessage(e.getMessage()).build();
                return new MockResponse().setResponseCode(422).setHeader("Content-Type", "application/json")
                        .setBody(Serialization.asJson(status));
            }
        }
    }

    /** A client of this server; it is closed with the server. */
    public KubernetesClient client() {
        return client;
    }

    /** The URL a kubeconfig for this server points at. */
    public String url() {
        return client.getConfiguration().getMasterUrl();
    }

    public KubernetesMockServer server() {
        return server;
    }

    @Override
    public void close() {
        client.close();
        server.destroy();
    }
}
