package io.github.shootdualstack.local;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.WatchEvent;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/** The embedded API server's front serves a watch as a real API server does: a plain HTTP response, one event a line. */
class HttpWatchFrontTest {

    private static final String CONFIG_MAPS = "api/v1/namespaces/default/configmaps";

    private final LocalApiServer server = LocalApiServer.start();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void anHttpWatchFromAVersion_deliversWhatChangedSinceThen_andThenEachChange_oneEventALine() {
        var configMaps = server.client().configMaps().inNamespace("default");
        String version = configMaps.resource(configMap("before", "a")).create().getMetadata().getResourceVersion();
        configMaps.withName("before").edit(map -> new ConfigMapBuilder(map).addToData("mode", "b").build());

        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            HttpResponse<InputStream> watch = http.send(HttpRequest.newBuilder(
                    URI.create(server.httpWatchUrl() + CONFIG_MAPS + "?resourceVersion=" + version + "&watch=true")).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            assertThat(watch.statusCode()).isEqualTo(200);
            assertThat(watch.headers().firstValue("Content-Type")).hasValue("application/json");
            assertThat(watch.headers().firstValue("Transfer-Encoding")).hasValue("chunked");
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(watch.body(), StandardCharsets.UTF_8))) {
                // the mock tells of a change since the version as the object now is
                assertThat(event(lines.readLine())).isEqualTo("MODIFIED before b");

                configMaps.resource(configMap("flags", "a")).create();
                assertThat(event(lines.readLine())).isEqualTo("ADDED flags a");
                configMaps.withName("flags").edit(map -> new ConfigMapBuilder(map).addToData("mode", "b").build());
                assertThat(event(lines.readLine())).isEqualTo("MODIFIED flags b");
                configMaps.withName("flags").delete();
                assertThat(event(lines.readLine())).isEqualTo("DELETED flags b");
            }
        });
    }

    @Test
    void aWatchTheServerRefuses_isAnsweredWithItsStatus_andOtherRequestsArePassedOn() throws Exception {
        server.server().expect().get().withPath("/" + CONFIG_MAPS + "?watch=true").andReturn(403, new StatusBuilder()
                .withStatus("Failure").withCode(403).withReason("Forbidden").build()).always();
        server.client().configMaps().inNamespace("default").resource(configMap("flags", "a")).create();

        HttpResponse<String> watch = http.send(HttpRequest.newBuilder(URI.create(server.httpWatchUrl() + CONFIG_MAPS + "?watch=true"))
                .build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> get = http.send(HttpRequest.newBuilder(URI.create(server.httpWatchUrl() + CONFIG_MAPS + "/flags"))
                .build(), HttpResponse.BodyHandlers.ofString());

        assertThat(watch.statusCode()).isEqualTo(403);
        assertThat(get.statusCode()).isEqualTo(200);
        assertThat(Serialization.unmarshal(get.body(), ConfigMap.class).getData()).containsEntry("mode", "a");
    }

    private static String event(String line) {
        WatchEvent event = Serialization.unmarshal(line, WatchEvent.class);
        ConfigMap map = (ConfigMap) event.getObject();
        return event.getType() + " " + map.getMetadata().getName() + " " + map.getData().get("mode");
    }

    private static ConfigMap configMap(String name, String mode) {
        return new ConfigMapBuilder().withNewMetadata().withNamespace("default").withName(name).endMetadata()
                .addToData("mode", mode).build();
    }
}
