package io.github.shootdualstack.e2e;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.github.shootdualstack.shoot.LastOperation;
import io.github.shootdualstack.shoot.MigrationRecord;
import io.github.shootdualstack.shoot.Shoot;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
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

    /** As {@code kubectl annotate --overwrite}; a null value removes the annotation. */
    void annotate(String key, String value) {
        edit(shoot -> {
            Map<String, String> annotations = shoot.getMetadata().getAnnotations() == null ? new HashMap<>()
                    : new HashMap<>(shoot.getMetadata().getAnnotations());
            if (value == null) {
                annotations.remove(key);
            } else {
                annotations.put(key, value);
            }
            shoot.getMetadata().setAnnotations(annotations);
            return shoot;
        });
    }

    /**
     * As {@code kubectl annotate --overwrite}: a merge patch with no resourceVersion, so no conflict with what the
     * operator or gardenlet write meanwhile; a null value removes the annotation.
     */
    void annotateByMergePatch(String key, String value) {
        Map<String, String> annotations = new HashMap<>();
        annotations.put(key, value);
        try {
            // Jackson's own mapper writes the null that removes the key
            resource.patch(PatchContext.of(PatchType.JSON_MERGE),
                    new ObjectMapper().writeValueAsString(Map.of("metadata", Map.of("annotations", annotations))));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
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
