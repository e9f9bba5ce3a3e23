package io.github.shootdualstack.garden;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonIncludeProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.github.shootdualstack.shoot.LastOperation;
import io.github.shootdualstack.shoot.Networking;
import io.github.shootdualstack.shoot.Provider;
import io.github.shootdualstack.shoot.ShootSpec;
import io.github.shootdualstack.shoot.ShootStatus;
import io.github.shootdualstack.shoot.Worker;

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

    /**
     * Beside gardenlet alone ({@code --migrator=gardenlet}) the client reads of a Shoot's spec and status
     * only what the orchestration of gardenlet's migration reads ({@link CachedObjects#shootBesideGardenlet}
     * keeps a part of that); every other field is skipped while parsed. There the operator writes nothing
     * of a Shoot but its {@code gardener.cloud/operation} annotation, by a JSON patch, and no status: a
     * Shoot read this way is never written back. An informer's first list of a large garden is then
     * parsed in a fraction of the time, with a fraction of the garbage.
     */
    public static KubernetesSerialization besideGardenlet() {
        return new KubernetesSerialization(new ObjectMapper().addMixIn(ObjectMeta.class, ManagedFieldsUnread.class)
                .addMixIn(ShootSpec.class, SpecOrchestrationReads.class)
                .addMixIn(ShootStatus.class, StatusOrchestrationReads.class)
                .addMixIn(Networking.class, NetworkingOrchestrationReads.class)
                .addMixIn(Provider.class, ProviderOrchestrationReads.class)
                .addMixIn(Worker.class, WorkerOrchestrationReads.class)
                .addMixIn(LastOperation.class, LastOperationOrchestrationReads.class), true);
    }

    @JsonIgnoreProperties(value = "managedFields", allowGetters = true)
    private abstract static class ManagedFieldsUnread {
    }

    @JsonIncludeProperties({"networking", "maintenance", "hibernation", "provider", "seedName"})
    private abstract static class SpecOrchestrationReads {
    }

    @JsonIncludeProperties("ipFamilies")
    private abstract static class NetworkingOrchestrationReads {
    }

    @JsonIncludeProperties({"constraints", "lastOperation", "observedGeneration", "manualWorkerPoolRollout", "gardener", "seedName"})
    private abstract static class StatusOrchestrationReads {
    }

    @JsonIncludeProperties("workers")
    private abstract static class ProviderOrchestrationReads {
    }

    @JsonIncludeProperties("name")
    private abstract static class WorkerOrchestrationReads {
    }

    @JsonIncludeProperties({"type", "state"})
    private abstract static class LastOperationOrchestrationReads {
    }
}
