package io.github.shootdualstack.garden;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/**
 * How the operator's garden client reads objects: without their {@code metadata.managedFields}, which
 * the operator never uses (a JSON patch is computed between two reads of the same object, server-side
 * apply sends only the operator's own fields, and the Cluster's copy of a Shoot leaves them out). They
 * are a third of a Shoot as a real API server returns it, and of every extension resource: skipped
 * while parsed, they cost an informer's list neither the time to read them into maps nor the garbage.
 */
public final class GardenSerialization {

    private GardenSerialization() {
    }

    public static KubernetesSerialization create() {
        return new KubernetesSerialization(new ObjectMapper().addMixIn(ObjectMeta.class, ManagedFieldsUnread.class), true);
    }

    @JsonIgnoreProperties(value = "managedFields", allowGetters = true)
    private abstract static class ManagedFieldsUnread {
    }
}
