package io.github.shootdualstack.testing;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.github.shootdualstack.garden.Projects;
import io.github.shootdualstack.shoot.Networking;
import io.github.shootdualstack.shoot.NetworkingProviderConfig;
import io.github.shootdualstack.shoot.Overlay;
import io.github.shootdualstack.shoot.Shoot;
import io.github.shootdualstack.shoot.ShootSpec;
import io.github.shootdualstack.shoot.ShootStatus;
import io.github.shootdualstack.shoot.StatusNetworking;

import java.util.List;
import java.util.Map;

/** Small Shoots for tests. */
public final class TestShoots {

    private TestShoots() {
    }

    /** An IPv4 Shoot with native routing, as Gardener has reconciled it (status.networking set). */
    public static Shoot ipv4(String namespace, String name) {
        Shoot shoot = new Shoot();
        shoot.setMetadata(new ObjectMetaBuilder().withNamespace(namespace).withName(name).build());
        ShootSpec spec = new ShootSpec();
        Networking networking = new Networking();
        networking.setType("calico");
        networking.setNodes("10.250.0.0/16");
        networking.setPods("100.96.0.0/11");
        networking.setServices("100.64.0.0/13");
        networking.setIpFamilies(List.of("IPv4"));
        Overlay overlay = new Overlay();
        overlay.setEnabled(false);
        NetworkingProviderConfig config = new NetworkingProviderConfig();
        config.setOverlay(overlay);
        networking.setProviderConfig(config);
        spec.setNetworking(networking);
        shoot.setSpec(spec);
        return shoot;
    }

    /**
     * Creates the Shoot and then its status with IPv4 ranges in status.networking; its namespace
     * {@code garden-<project>} first, if it is not there, labelled with its project as Gardener labels it.
     */
    public static Shoot create(KubernetesClient client, Shoot shoot) {
        String namespace = shoot.getMetadata().getNamespace();
        if (namespace.startsWith("garden-") && client.namespaces().withName(namespace).get() == null) {
            client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace)
                    .withLabels(Map.of(Projects.LABEL, namespace.substring("garden-".length()))).endMetadata().build()).create();
        }
        Shoot created = client.resource(shoot).create();
        ShootStatus status = new ShootStatus();
        StatusNetworking networking = new StatusNetworking();
        networking.setNodes(List.of("10.250.0.0/16"));
        networking.setPods(List.of("100.96.0.0/11"));
        networking.setServices(List.of("100.64.0.0/13"));
        status.setNetworking(networking);
        created.setStatus(status);
        return client.resource(created).updateStatus();
    }

    public static Shoot editIpFamilies(KubernetesClient client, Shoot shoot, List<String> families) {
        return client.resources(Shoot.class).inNamespace(shoot.getMetadata().getNamespace())
                .withName(shoot.getMetadata().getName())
                .edit(s -> {
                    s.getSpec().getNetworking().setIpFamilies(families);
                    return s;
                });
    }

    public static Shoot get(KubernetesClient client, Shoot shoot) {
        return client.resources(Shoot.class).inNamespace(shoot.getMetadata().getNamespace())
                .withName(shoot.getMetadata().getName()).get();
    }
}
