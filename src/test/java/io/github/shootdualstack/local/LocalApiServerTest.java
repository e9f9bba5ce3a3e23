package io.github.shootdualstack.local;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

class LocalApiServerTest {

    private final LocalApiServer server = LocalApiServer.start();

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void jsonPatchWhoseTestFails_isRefusedWith422_asARealApiServerDoes() {
        var configMap = server.client().configMaps().resource(new ConfigMapBuilder()
                .withNewMetadata().withNamespace("default").withName("flags").endMetadata()
                .addToData("mode", "a").build()).create();
        String patch = "[{\"op\":\"test\",\"path\":\"/data/mode\",\"value\":\"b\"},{\"op\":\"remove\",\"path\":\"/data/mode\"}]";

        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> assertThatThrownBy(() -> server.client().configMaps()
                .resource(configMap).patch(PatchContext.of(PatchType.JSON), patch))
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(422)));
        ConfigMap unchanged = server.client().configMaps().inNamespace("default").withName("flags").get();
        assertThat(unchanged.getData()).containsEntry("mode", "a");
    }
}
