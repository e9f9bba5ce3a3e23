package io.github.shootdualstack.migration;


import java.util.List;

/**
 * A write the reconciler carries out for the decision; each one is idempotent. Each action hands
 * itself to the {@link Handler}'s method for its kind, so a new action does not compile until every
 * handler carries it out.
 */
public sealed interface Action {

    /** Hands this action to the handler's method for its kind. */
    void handBy(Handler handler);

    /** Carries out every kind of action. */
    interface Handler {
        void syncCluster(SyncCluster action);

        void trigger(Trigger action);

        void enableDualStackNetwork(EnableDualStackNetwork action);

        void rollWorkers(RollWorkers action);

        void restartCoreDns(RestartCoreDns action);

        void patchKubeDns(PatchKubeDns action);

        void removeShootAnnotation(RemoveShootAnnotation action);
    }

    /**
     * Set {@code Cluster.spec.shoot.spec.networking.ipFamilies} to the target families: of the Shoot's copy
     * the provider extensions read, the one field the migration changes.
     */
    record SyncCluster(String clusterName, List<String> ipFamilies) implements Action {
        @Override
        public void handBy(Handler handler) {
            handler.syncCluster(this);
        }
    }

    /** Annotate an extension resource with {@code gardener.cloud/operation: reconcile}. */
    record Trigger(Extension extension) implements Action {
        @Override
        public void handBy(Handler handler) {
            handler.trigger(this);
        }
    }

    /** Set {@code Network.spec.ipFamilies} to the target families and trigger the Network, in one write. */
    record EnableDualStackNetwork(List<String> ipFamilies) implements Action {
        @Override
        public void handBy(Handler handler) {
            handler.enableDualStackNetwork(this);
        }
    }

    /** Change the pod template of these pools' MachineDeployments, then drop the Shoot's annotation. */
    record RollWorkers(List<String> pools, String value) implements Action {
        @Override
        public void handBy(Handler handler) {
            handler.rollWorkers(this);
        }
    }

    /** Set the coredns pod template's {@code gardener.cloud/restarted-at} to this value. */
    record RestartCoreDns(String value) implements Action {
        @Override
        public void handBy(Handler handler) {
            handler.restartCoreDns(this);
        }
    }

    /** Patch kube-dns in place to {@code PreferDualStack} with these cluster IPs. */
    record PatchKubeDns(String ipv4ClusterIP, String ipv6ClusterIP) implements Action {
        @Override
        public void handBy(Handler handler) {
            handler.patchKubeDns(this);
        }
    }

    /** Remove the Shoot's annotation {@code key}, whose value was acted on, if it still has that value. */
    record RemoveShootAnnotation(String key, String value) implements Action {

        /** Remove the Shoot's {@code gardener.cloud/operation} annotation with this value. */
        public static RemoveShootAnnotation operation(String value) {
            return new RemoveShootAnnotation(Extension.OPERATION_ANNOTATION, value);
        }

        @Override
        public void handBy(Handler handler) {
            handler.removeShootAnnotation(this);
        }
    }
}
