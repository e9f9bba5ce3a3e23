package io.github.shootdualstack.local;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.github.shootdualstack.garden.ExtensionKind;
import io.github.shootdualstack.shoot.IpFamily;

import java.util.List;

/** What the simulated shoot-cluster controllers learn from the garden about their shoot. */
final class ShootGardenReads {

    private ShootGardenReads() {
    }

    /** The shoot's Infrastructure; {@code null} when there is none. */
    static GenericKubernetesResource infrastructure(KubernetesClient garden, String technicalNamespace) {
        return ExtensionKind.INFRASTRUCTURE.in(garden).inNamespace(technicalNamespace).list().getItems()
                .stream().findFirst().orElse(null);
    }

    /** The CNI runs IPv6: the shoot's Network reports it in {@code status.ipFamilies}. */
    static boolean cniRunsIpv6(KubernetesClient garden, String technicalNamespace) {
        return ExtensionKind.NETWORK.in(garden).inNamespace(technicalNamespace).list().getItems().stream()
                .map(network -> network.get("status", "ipFamilies"))
                .anyMatch(families -> families instanceof List<?> list && list.contains(IpFamily.IPV6));
    }
}
