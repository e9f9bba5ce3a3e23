package io.github.shootdualstack.local;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The indexed store answers every create, read, list, update, patch and delete as the stock mock store
 * does: the same sequence of requests, run on both, gives the same outcomes.
 */
class NameIndexedCrudDispatcherTest {

    private final LocalApiServer indexed = LocalApiServer.start();
    private final KubernetesMockServer stock = stockMock();
    private final KubernetesClient stockClient = stock.createClient();

    @AfterEach
    void stop() {
        indexed.close();
        stockClient.close();
        stock.destroy();
    }

    @Test
    void requestsOnObjectsSharingNamesAndNamespaces_areAnsweredAsTheStockMockAnswersThem() {
        assertThat(outcomes(indexed.client())).isEqualTo(outcomes(stockClient)).hasSize(20);
    }

    @Test
    void objectsOfManyNames_areCreatedOnceEach_andASecondCreateConflicts() {
        KubernetesClient client = indexed.client();
        for (int i = 0; i < 300; i++) {
            client.configMaps().inNamespace("ns" + (i % 3)).resource(configMap("cm-" + i, "v")).create();
        }

        assertThat(attempt(() -> client.configMaps().inNamespace("ns1").resource(configMap("cm-1", "again")).create())).isEqualTo("409");
        assertThat(client.configMaps().inNamespace("ns1").withName("cm-1").get().getData()).containsEntry("k", "v");
        assertThat(client.configMaps().inAnyNamespace().list().getItems()).hasSize(300);
    }

    /** Creates, conflicts, patches, updates and deletes of objects that share a name, each outcome as text. */
    private static List<String> outcomes(KubernetesClient client) {
        List<String> outcomes = new ArrayList<>();
        Function<String, String> data = ns -> {
            var cm = client.configMaps().inNamespace(ns).withName("shared").get();
            return cm == null ? "absent" : String.valueOf(cm.getData());
        };
        outcomes.add(attempt(() -> client.configMaps().inNamespace("a").resource(configMap("shared", "a1")).create()));
        outcomes.add(attempt(() -> client.configMaps().inNamespace("b").resource(configMap("shared", "b1")).create()));
        outcomes.add(attempt(() -> client.secrets().inNamespace("a").resource(new SecretBuilder()
                .withNewMetadata().withName("shared").endMetadata().addToStringData("k", "s").build()).create()));
        outcomes.add(attempt(() -> client.configMaps().inNamespace("a").resource(configMap("shared", "again")).create()));
        outcomes.add(attempt(() -> client.configMaps().inNamespace("b").withName("shared")
                .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"data\":{\"k\":\"b2\"}}")));
        outcomes.add(attempt(() -> client.configMaps().inNamespace("a").withName("shared").edit(cm -> {
            cm.getData().put("k", "a2");
            return cm;
        })));
        outcomes.add(data.apply("a"));
        outcomes.add(data.apply("b"));
        outcomes.add(attempt(() -> client.configMaps().inNamespace("a").withName("shared").delete()));
        outcomes.add(data.apply("a"));
        outcomes.add(attempt(() -> client.configMaps().inNamespace("a").withName("shared")
                .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"data\":{\"k\":\"gone\"}}")));
        outcomes.add(attempt(() -> client.configMaps().inNamespace("a").resource(configMap("shared", "a3")).create()));
        outcomes.add(data.apply("a"));
        outcomes.add(data.apply("b"));
        outcomes.add(String.valueOf(client.secrets().inNamespace("a").withName("shared").get().getStringData()));
        outcomes.add(attempt(() -> client.configMaps().inNamespace("b").resource(new ConfigMapBuilder(configMap("labelled", "l"))
                .editMetadata().addToLabels("team", "x").endMetadata().build()).create()));
        outcomes.add(list(client.configMaps().inNamespace("b").list()));
        outcomes.add(list(client.configMaps().inNamespace("b").withLabel("team", "x").list()));
        outcomes.add(list(client.configMaps().inNamespace("nobody").list()));
        outcomes.add(list(client.configMaps().inAnyNamespace().list()));
        return outcomes;
    }

    /** The items' namespaces, names and data in the order served, and the list's resource version. */
    private static String list(io.fabric8.kubernetes.api.model.ConfigMapList list) {
        return list.getMetadata().getResourceVersion() + " " + list.getItems().stream()
                .map(cm -> cm.getMetadata().getNamespace() + "/" + cm.getMetadata().getName() + "=" + cm.getData()).toList();
    }

    private static String attempt(Runnable request) {
        try {
            request.run();
            return "ok";
        } catch (KubernetesClientException e) {
            return String.valueOf(e.getCode());
        }
    }

    private static io.fabric8.kubernetes.api.model.ConfigMap configMap(String name, String value) {
        return new ConfigMapBuilder().withNewMetadata().withName(name).endMetadata().addToData("k", value).build();
    }

    /** fabric8's mock in CRUD mode as it comes. */
    private static KubernetesMockServer stockMock() {
        Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
        KubernetesMockServer server = new KubernetesMockServer(new Context(Serialization.jsonMapper()), new MockWebServer(),
                responses, new KubernetesMixedDispatcher(responses), false);
        server.init();
        return server;
    }
}
