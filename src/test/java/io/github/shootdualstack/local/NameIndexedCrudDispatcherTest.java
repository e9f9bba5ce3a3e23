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

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The indexed store answers every create, read, list, update, patch and delete as the stock mock store
 * does: the same sequence of requests, run on both, gives the same outcomes (but for the version a
 * deletion takes here, as on a real API server). Its watches and paged lists behave as a real API
 * server's do.
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
    @Test
    void aWatchFromTheListsVersion_receivesTheChangesAfterIt_andNoStoredObjectAgain() throws Exception {
        KubernetesClient client = indexed.client();
        for (int i = 0; i < 5; i++) {
            client.configMaps().inNamespace("ns").resource(configMap("cm-" + i, "v")).create();
        }
        String version = client.configMaps().inNamespace("ns").list().getMetadata().getResourceVersion();
        List<String> events = new CopyOnWriteArrayList<>();

        try (var watch = client.configMaps().inNamespace("ns").withResourceVersion(version).watch(recording(events))) {
            client.configMaps().inNamespace("ns").withName("cm-1").edit(cm -> new ConfigMapBuilder(cm).addToData("k", "changed").build());
            client.configMaps().inNamespace("other").resource(configMap("elsewhere", "v")).create();
            client.configMaps().inNamespace("ns").withName("cm-2").delete();
            client.configMaps().inNamespace("ns").resource(configMap("cm-5", "new")).create();
            awaitThenSettle(() -> events.size() >= 3);

            assertThat(events).containsExactly("MODIFIED cm-1 changed", "DELETED cm-2 v", "ADDED cm-5 new");
        }
    }

    @Test
    void aWatchFromAnEarlierVersion_receivesWhatChangedSince_andAWatchFromNone_everyObjectFirst() throws Exception {
        KubernetesClient client = indexed.client();
        client.configMaps().inNamespace("ns").resource(configMap("old", "v")).create();
        client.configMaps().inNamespace("ns").resource(configMap("gone", "v")).create();
        String version = client.configMaps().inNamespace("ns").list().getMetadata().getResourceVersion();
        client.configMaps().inNamespace("ns").resource(configMap("later", "v")).create();
        client.configMaps().inNamespace("ns").withName("gone").delete();
        List<String> since = new CopyOnWriteArrayList<>();
        List<String> all = new CopyOnWriteArrayList<>();

        try (var fromVersion = client.configMaps().inNamespace("ns").withResourceVersion(version).watch(recording(since));
             var fromNone = client.configMaps().inNamespace("ns").watch(recording(all))) {
            awaitThenSettle(() -> since.size() >= 2 && all.size() >= 2);

            assertThat(since).as("in the order they were made").containsExactly("MODIFIED later v", "DELETED gone v");
            assertThat(all).containsExactlyInAnyOrder("ADDED old v", "ADDED later v");
        }
    }

    @Test
    void aWriteThatChangesNothing_takesNoVersion_andAWatchFromBeforeItStillReceivesTheWriteAfterIt() throws Exception {
        KubernetesClient client = indexed.client();
        client.configMaps().inNamespace("ns").resource(configMap("a", "v")).create();
        client.configMaps().inNamespace("ns").resource(configMap("b", "v")).create();
        String version = client.configMaps().inNamespace("ns").list().getMetadata().getResourceVersion();
        client.configMaps().inNamespace("ns").withName("b").patch(PatchContext.of(PatchType.JSON_MERGE), "{\"data\":{\"k\":\"w\"}}");
        client.configMaps().inNamespace("ns").withName("a").patch(PatchContext.of(PatchType.JSON_MERGE), "{\"data\":{\"k\":\"v\"}}");
        List<String> events = new CopyOnWriteArrayList<>();

        try (var watch = client.configMaps().inNamespace("ns").withResourceVersion(version).watch(recording(events))) {
            awaitThenSettle(() -> !events.isEmpty());

            assertThat(events).containsExactly("MODIFIED b w");
        }
    }

    @Test
    void aWatchOfOneName_orOfALabel_receivesOnlyWhatItSelects() throws Exception {
        KubernetesClient client = indexed.client();
        List<String> named = new CopyOnWriteArrayList<>();
        List<String> labelled = new CopyOnWriteArrayList<>();

        try (var one = client.configMaps().inNamespace("ns").withName("wanted").watch(recording(named));
             var selected = client.configMaps().inAnyNamespace().withLabel("tier", "web").watch(recording(labelled))) {
            client.configMaps().inNamespace("ns").resource(configMap("unwanted", "v")).create();
            client.configMaps().inNamespace("ns").resource(configMap("wanted", "v")).create();
            client.configMaps().inNamespace("b").resource(new ConfigMapBuilder(configMap("web", "w"))
                    .editMetadata().addToLabels("tier", "web").endMetadata().build()).create();
            awaitThenSettle(() -> !named.isEmpty() && !labelled.isEmpty());

            assertThat(named).containsExactly("ADDED wanted v");
            assertThat(labelled).containsExactly("ADDED web w");
        }
    }

    @Test
    void aListWithALimit_isServedInPages_fromTheListAsItWasAtItsFirstPage() {
        KubernetesClient client = indexed.client();
        for (int i = 0; i < 7; i++) {
            client.configMaps().inNamespace("ns" + (i % 2)).resource(configMap("cm-" + i, "v")).create();
        }
        var first = client.configMaps().inAnyNamespace().list(new io.fabric8.kubernetes.api.model.ListOptionsBuilder().withLimit(3L).build());
        client.configMaps().inNamespace("ns0").resource(configMap("after-the-first-page", "v")).create();
        client.configMaps().inNamespace("ns1").withName("cm-5").delete();
        List<String> names = new ArrayList<>(first.getItems().stream().map(cm -> cm.getMetadata().getName()).toList());
        String next = first.getMetadata().getContinue();
        int pages = 1;
        while (next != null && !next.isEmpty()) {
            var page = client.configMaps().inAnyNamespace().list(new io.fabric8.kubernetes.api.model.ListOptionsBuilder()
                    .withLimit(3L).withContinue(next).build());
            page.getItems().forEach(cm -> names.add(cm.getMetadata().getName()));
            next = page.getMetadata().getContinue();
            pages++;
        }

        assertThat(pages).isEqualTo(3);
        List<String> watched = new CopyOnWriteArrayList<>();
        try (var watch = client.configMaps().inAnyNamespace().withResourceVersion(first.getMetadata().getResourceVersion())
                .watch(recording(watched))) {
            await().atMost(Duration.ofSeconds(10)).until(() -> watched.size() >= 2);
            assertThat(watched).as("from the version every page carries: what was written while the pages were read")
                    .containsExactly("MODIFIED after-the-first-page v", "DELETED cm-5 v");
        }
        assertThat(names).containsExactly("cm-0", "cm-1", "cm-2", "cm-3", "cm-4", "cm-5", "cm-6");
        assertThat(client.configMaps().inNamespace("ns0").list(new io.fabric8.kubernetes.api.model.ListOptionsBuilder().withLimit(2L).build())
                .getItems()).hasSize(2);
        assertThat(attempt(() -> client.configMaps().inAnyNamespace().list(new io.fabric8.kubernetes.api.model.ListOptionsBuilder()
                .withLimit(3L).withContinue("999:3").build()))).as("an unknown continue token").isEqualTo("410");
    }

    @Test
    void anInformerListingInPages_seesEveryObject() throws Exception {
        KubernetesClient client = indexed.client();
        for (int i = 0; i < 1200; i++) {
            client.configMaps().inNamespace("ns" + (i % 4)).resource(configMap("cm-" + i, "v")).create();
        }
        io.github.shootdualstack.testing.RequestLog requests = new io.github.shootdualstack.testing.RequestLog(indexed.server());
        int mark = requests.mark();
        try (var informer = client.configMaps().inAnyNamespace().withLimit(500L).inform()) {
            assertThat(informer.getStore().list()).hasSize(1200);
            assertThat(requests.since(mark)).as("the list, in three pages")
                    .filteredOn(request -> request.method().equals("GET") && !request.path().contains("watch=true")).hasSize(3)
                    .filteredOn(request -> request.path().contains("continue=")).hasSize(2);
        }
    }

    /** Waits for the events, then gives any that should not come a moment to show. */
    private static void awaitThenSettle(Callable<Boolean> received) throws InterruptedException {
        await().atMost(Duration.ofSeconds(10)).until(received);
        Thread.sleep(200);
    }

    private static io.fabric8.kubernetes.client.Watcher<io.fabric8.kubernetes.api.model.ConfigMap> recording(List<String> events) {
        return new io.fabric8.kubernetes.client.Watcher<>() {
            @Override
            public void eventReceived(Action action, io.fabric8.kubernetes.api.model.ConfigMap configMap) {
                events.add(action + " " + configMap.getMetadata().getName() + " " + configMap.getData().get("k"));
            }

            @Override
            public void onClose(io.fabric8.kubernetes.client.WatcherException cause) {
            }
        };
    }

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

    /** The items' namespaces, names and data in the order served. */
    private static String list(io.fabric8.kubernetes.api.model.ConfigMapList list) {
        return String.valueOf(list.getItems().stream()
                .map(cm -> cm.getMetadata().getNamespace() + "/" + cm.getMetadata().getName() + "=" + cm.getData()).toList());
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
