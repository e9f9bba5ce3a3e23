package io.github.shootdualstack.e2e;

import io.fabric8.kubernetes.client.dsl.Resource;
import io.github.shootdualstack.shoot.LastOperation;
import io.github.shootdualstack.shoot.MigrationRecord;
import io.github.shootdualstack.shoot.Shoot;

import java.util.List;
import java.util.function.UnaryOperator;

/** One Shoot as its user edits and reads it, on whichever garden API server holds it. */
final class UserShoot {

    private final Resource<Shoot> resource;

    UserShoot(Resource<Shoot> resource) {
        this.resource = resource;
    }

    Shoot get() {
        return resource.get();
    }

    Shoot edit(UnaryOperator<Shoot> change) {
        return resource.edit(change);
    }

    void requestDualStack() {
        edit(shoot -> {
            shoot.getSpec().getNetworking().setIpFamilies(List.of("IPv4", "IPv6"));
            return shoot;
        });
    }

    void annotate(String key, String value) {
        edit(shoot -> {
            shoot.getMetadata().getAnnotations().put(key, value);
            return shoot;
        });
    }

    LastOperation lastOperation() {
        Shoot shoot = get();
        return shoot.getStatus() == null ? null : shoot.getStatus().getLastOperation();
    }

    MigrationRecord record() {
        Shoot shoot = get();
        return shoot.getStatus() == null ? null : shoot.getStatus().getDualStackMigration();
    }
}
