package io.github.shootdualstack.local;

import io.github.shootdualstack.shoot.IpFamily;
import io.github.shootdualstack.shoot.LastOperation;
import io.github.shootdualstack.shoot.Shoot;
import io.github.shootdualstack.shoot.ShootStatus;
import io.github.shootdualstack.shoot.StatusNetworking;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Shoot of a {@link LocalLandscape}, written as a Gardener user would: with the fields the
 * operator reads and a few it does not model, which must survive the operator's writes.
 */
final class ShootManifest {

    private ShootManifest() {
    }

    /** apiVersion, kind and spec of an IPv4-only shoot with native routing, ready to be migrated. */
    static Map<String, Object> spec(LocalLandscape landscape) {
        Map<String, Object> networking = new LinkedHashMap<>();
        networking.put("type", "calico");
        networking.put("pods", LocalNetworks.PODS_V4);
        networking.put("nodes", LocalNetworks.NODES_V4);
        networking.put("services", LocalNetworks.SERVICES_V4);
        networking.put("ipFamilies", IpFamily.SINGLE_STACK_IPV4);
        networking.put("providerConfig", Map.of(
                "apiVersion", "calico.networking.extensions.gardener.cloud/v1alpha1",
                "kind", "NetworkConfig",
                "overlay", Map.of("enabled", false)));

        List<Map<String, Object>> workers = new ArrayList<>();
        landscape.pools().forEach((pool, nodes) -> {
            Map<String, Object> worker = new LinkedHashMap<>();
            worker.put("name", pool);
            worker.put("minimum", nodes);
            worker.put("maximum", nodes);
            worker.put("maxSurge", 1);
            worker.put("maxUnavailable", 0);
            worker.put("machine", Map.of("type", "local", "image", Map.of("name", "local", "version", "1.0.0")));
            workers.add(worker);
        });

        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("cloudProfileName", "local");
        spec.put("region", "local");
        spec.put("secretBindingName", "local");
        spec.put("kubernetes", Map.of("version", "1.31.1"));
        spec.put("networking", networking);
        spec.put("provider", Map.of("type", "local", "workers", workers));
        spec.put("maintenance", Map.of(
                "autoUpdate", Map.of("kubernetesVersion", true, "machineImageVersion", true),
                "timeWindow", Map.of("begin", "220000+0100", "end", "230000+0100"),
                "confineSpecUpdateRollout", false));
        spec.put("purpose", "evaluation");

        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("apiVersion", Shoot.GROUP + "/" + Shoot.VERSION);
        manifest.put("kind", "Shoot");
        manifest.put("spec", spec);
        return manifest;
    }

    /** A shoot that was created successfully: reconciled, its IPv4 ranges in {@code status.networking}. */
    static ShootStatus status(LocalLandscape landscape, Long generation, String now) {
        StatusNetworking networking = new StatusNetworking();
        networking.setNodes(List.of(LocalNetworks.NODES_V4));
        networking.setPods(List.of(LocalNetworks.PODS_V4));
        networking.setServices(List.of(LocalNetworks.SERVICES_V4));

        LastOperation lastOperation = new LastOperation();
        lastOperation.setType("Create");
        lastOperation.setState(LastOperation.STATE_SUCCEEDED);
        lastOperation.setProgress(100);
        lastOperation.setDescription("Shoot cluster has been successfully reconciled.");
        lastOperation.setLastUpdateTime(now);

        ShootStatus status = new ShootStatus();
        status.setTechnicalID(landscape.technicalNamespace());
        status.setNetworking(networking);
        status.setLastOperation(lastOperation);
        status.setObservedGeneration(generation);
        status.setAdditionalProperty("seedName", "local");
        status.setAdditionalProperty("hibernated", false);
        return status;
    }
}
