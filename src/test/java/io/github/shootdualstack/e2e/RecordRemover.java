package io.github.shootdualstack.e2e;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.github.shootdualstack.shoot.Shoot;

/**
 * Removes {@code status.dualStackMigration} each time the Shoot is seen with one, as an API server
 * that does not know the field drops it on every write.
 */
final class RecordRemover {

    private RecordRemover() {
    }

    static Watch watch(Resource<Shoot> shoot) {
        return shoot.watch(new Watcher<>() {
            @Override
            public void eventReceived(Action action, Shoot seen) {
                if (seen.getStatus() != null && seen.getStatus().getDualStackMigration() != null) {
                    try {
                        shoot.subresource("status").patch(PatchContext.of(PatchType.JSON),
                                "[{\"op\": \"remove\", \"path\": \"/status/dualStackMigration\"}]");
                    } catch (KubernetesClientException gone) {
                        // removed already by an earlier event
                    }
                }
            }

            @Override
            public void onClose(WatcherException cause) {
            }
        });
    }
}
