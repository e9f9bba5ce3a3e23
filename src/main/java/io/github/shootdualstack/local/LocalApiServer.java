package io.github.shootdualstack.local;

import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.CustomResourceAware;
import io.fabric8.kubernetes.client.server.mock.Resetable;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.internal.MockDispatcher;
import io.fabric8.mockwebserver.internal.SimpleRequest;
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
    private HttpWatchFront front;

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
     * The mock's mixed dispatcher (canned answers first, then the CRUD store), on a store indexed by
     * name, and answering a JSON patch it cannot apply (a failed {@code test} operation, a missing
     * path) with 422 as a real API server does: the mock leaves such a request unanswered, and the
     * client waits for its timeout and then sends it again.
     */
    private static final class Dispatcher extends io.fabric8.mockwebserver.http.Dispatcher implements Resetable, CustomResourceAware {

        private final Map<ServerRequest, Queue<ServerResponse>> responses;
        private final MockDispatcher canned;
        private final NameIndexedCrudDispatcher store = new NameIndexedCrudDispatcher();

        Dispatcher(Map<ServerRequest, Queue<ServerResponse>> responses) {
            this.responses = responses;
            this.canned = new MockDispatcher(responses);
        }

        @Override
        public MockResponse dispatch(RecordedRequest request) {
            Queue<ServerResponse> answers = responses.get(new SimpleRequest(HttpMethod.valueOf(request.getMethod()), request.getPath()));
            if (answers != null && !answers.isEmpty()) {
                return canned.dispatch(request);
            }
            try {
                return store.dispatch(request);
            } catch (JsonPatchException e) {
                Status status = new StatusBuilder().withStatus("Failure").withCode(422).withReason("Invalid")
                        .withMessage(e.getMessage()).build();
                return new MockResponse().setResponseCode(422).setHeader("Content-Type", "application/json")
                        .setBody(Serialization.asJson(status));
            }
        }

        @Override
        public void reset() {
            store.reset();
        }

        @Override
        public void expectCustomResource(CustomResourceDefinitionContext resource) {
            store.expectCustomResource(resource);
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

    /**
     * The URL of a front of this server that serves watches as plain HTTP responses, as a real API
     * server does (this server serves them as WebSocket upgrades only), and passes all else on; for
     * clients that watch over HTTP only, as the operator's shoot clients do. Started when first asked for.
     */
    public synchronized String httpWatchUrl() {
        if (front == null) {
            front = HttpWatchFront.start(url());
        }
        return front.url();
    }

    public KubernetesMockServer server() {
        return server;
    }

    /**
     * Drops the requests the server recorded so far, bodies and all: a garden filled with 100,000 Shoots
     * would otherwise keep every create and status write it was sent, four times the objects it stores.
     */
    public void forgetRecordedRequests() {
        try {
            while (server.takeRequest(0, java.util.concurrent.TimeUnit.MILLISECONDS) != null) {
                // dropped
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            if (front != null) {
                front.close();
            }
        }
        client.close();
        server.destroy();
    }
}
