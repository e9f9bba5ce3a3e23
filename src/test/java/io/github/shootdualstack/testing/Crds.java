package io.github.shootdualstack.testing;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** The generated Shoot CRD, installed into a mock API server for status-subresource semantics. */
public final class Crds {

    public static final String SHOOT_CRD = "/META-INF/fabric8/shoots.core.gardener.cloud-v1.yml";

    private Crds() {
    }

    public static CustomResourceDefinition shootCrd(KubernetesClient client) {
        try (InputStream in = Crds.class.getResourceAsStream(SHOOT_CRD)) {
            return client.apiextensions().v1().customResourceDefinitions().load(in).item();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void installShootCrd(KubernetesClient client) {
        client.apiextensions().v1().customResourceDefinitions().resource(shootCrd(client)).create();
    }

    /** The Shoot CRD and the minimal extension CRDs (which also make their kinds discoverable). */
    public static void installAll(KubernetesClient client) {
        installShootCrd(client);
        for (String name : java.util.List.of("infrastructures.extensions.gardener.cloud", "controlplanes.extensions.gardener.cloud",
                "networks.extensions.gardener.cloud", "clusters.extensions.gardener.cloud", "machinedeployments.machine.sapcloud.io")) {
            try (InputStream in = Crds.class.getResourceAsStream("/crds/extensions/" + name + ".yaml")) {
                client.apiextensions().v1().customResourceDefinitions()
                        .resource(client.apiextensions().v1().customResourceDefinitions().load(in).item()).create();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
