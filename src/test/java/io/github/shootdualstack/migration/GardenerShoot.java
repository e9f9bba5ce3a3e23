package io.github.shootdualstack.migration;

import io.github.shootdualstack.shoot.Condition;
import io.github.shootdualstack.shoot.LastOperation;
import io.github.shootdualstack.shoot.Shoot;
import io.github.shootdualstack.shoot.ShootStatus;
import io.github.shootdualstack.shoot.StatusNetworking;
import io.github.shootdualstack.testing.TestShoots;

import java.util.HashMap;
import java.util.List;

import static io.github.shootdualstack.migration.World.GARDENER_RECONCILED_AT;
import static io.github.shootdualstack.migration.World.NAME;
import static io.github.shootdualstack.migration.World.NAMESPACE;
import static io.github.shootdualstack.migration.World.TECHNICAL_NAMESPACE;

/** A Shoot as Gardener leaves it after a reconcile, with fields the operator does not own. */
final class GardenerShoot {

    private GardenerShoot() {
    }

    /** IPv4, native routing (overlay disabled), status.networking copied from the Infrastructure. */
    static Shoot ipv4() {
        Shoot shoot = TestShoots.ipv4(NAMESPACE, NAME);
        shoot.getMetadata().setGeneration(3L);
        shoot.getMetadata().setAnnotations(new HashMap<>());
        shoot.getSpec().setAdditionalProperty("region", "local");
        shoot.setStatus(gardenerStatus());
        return shoot;
    }

    private static ShootStatus gardenerStatus() {
        ShootStatus status = new ShootStatus();
        StatusNetworking networking = new StatusNetworking();
        networking.setNodes(List.of("10.250.0.0/16"));
        networking.setPods(List.of("100.96.0.0/11"));
        networking.setServices(List.of("100.64.0.0/13"));
        status.setNetworking(networking);
        LastOperation last = new LastOperation();
        last.setType("Reconcile");
        last.setState("Succeeded");
        last.setProgress(100);
        last.setDescription("Shoot cluster has been successfully reconciled.");
        last.setLastUpdateTime(GARDENER_RECONCILED_AT);
        status.setLastOperation(last);
        Condition api = new Condition("APIServerAvailable", "True", "HealthzRequestSucceeded", "API server /healthz endpoint responded with success status code.");
        api.setLastTransitionTime(GARDENER_RECONCILED_AT);
        api.setLastUpdateTime(GARDENER_RECONCILED_AT);
        status.setConditions(List.of(api));
        status.setObservedGeneration(3L);
        status.setTechnicalID(TECHNICAL_NAMESPACE);
        status.setAdditionalProperty("hibernated", false);
        return status;
    }
}
