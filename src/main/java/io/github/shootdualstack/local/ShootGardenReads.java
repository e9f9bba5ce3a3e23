package io.github.shootdualstack.local;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.github.shootdualstack.garden.ExtensionKind;
import io.github.shootdualstack.migration.Conditions;
import io.github.shootdualstack.shoot.Condition;
import io.github.shootdualstack.shoot.IpFamily;

import java.util.List;
import java.util.Map;

/** What the simulated shoot-cluster controllers learn from the garden about their shoot. */
final class ShootGardenReads {

    private ShootGardenReads() {
    }

    /** The shoot's Infrastructure; {@code null} when there is none. */
    static GenericKubernetesResource infrastructure(KubernetesClient garden, String technicalNamespace) {
        return ExtensionKind.INFRASTRUCTURE.in(garden).inNamespace(technicalNamespace).list().getItems()
                .stream().findFirst().orElse(null);
    }

    /**
     * The families the CNI of a Network runs, as Gardener's calico extension has them: the Network's
     * {@code spec.ipFamilies}, cut to the first while the Shoot that the Cluster holds carries a
     * {@code DualStackNodesMigrationReady} constraint that is not {@code True} (gardenlet writes the
     * Shoot's families into the Network from the first reconcile of a migration on; its nodes follow later).
     */
    static List<String> cniFamilies(KubernetesClient garden, GenericKubernetesResource network) {
        Object written = network.get("spec", "ipFamilies");
        List<String> families = IpFamily.effective(written instanceof List<?> list ? list.stream().map(String::valueOf).toList() : null);
        GenericKubernetesResource cluster = ExtensionKind.CLUSTER.in(garden).withName(network.getMetadata().getNamespace()).get();
        Object constraints = cluster == null ? null : cluster.get("spec", "shoot", "status", "constraints");
        boolean nodesPending = constraints instanceof List<?> list && list.stream()
                .anyMatch(c -> c instanceof Map<?, ?> condition && Conditions.NODES_TYPE.equals(condition.get("type"))
                        && !Condition.TRUE.equals(condition.get("status")));
        return nodesPending && families.size() > 1 ? families.subList(0, 1) : families;
    }

    /** The CNI runs IPv6: the shoot's Network reports it in {@code status.ipFamilies}. */
    static boolean cniRunsIpv6(KubernetesClient garden, String technicalNamespace) {
        return ExtensionKind.NETWORK.in(garden).inNamespace(technicalNamespace).list().getItems().stream()
                .map(network -> network.get("status", "ipFamilies"))
                .anyMatch(families -> families instanceof List<?> list && list.contains(IpFamily.IPV6));
    }
}
