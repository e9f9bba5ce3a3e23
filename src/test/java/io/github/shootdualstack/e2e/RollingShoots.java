package io.github.shootdualstack.e2e;

import io.fabric8.kubernetes.client.dsl.Informable;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.github.shootdualstack.migration.Orchestration;
import io.github.shootdualstack.shoot.Shoot;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * One watch on a landscape's Shoots that keeps the most Shoots ever seen rolling nodes at once (a roll asked
 * for or pending, while the Shoot migrates). One watch sees every change in order, so the count at each
 * change is exact.
 */
final class RollingShoots implements AutoCloseable {

    private final SharedIndexInformer<Shoot> watch;
    private final AtomicInteger most = new AtomicInteger();

    RollingShoots(Informable<Shoot> shoots) {
        watch = shoots.runnableInformer(0);
        watch.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Shoot shoot) {
                count();
            }

            @Override
            public void onUpdate(Shoot old, Shoot now) {
                count();
            }

            @Override
            public void onDelete(Shoot shoot, boolean finalStateUnknown) {
                count();
            }
        });
        watch.run();
    }

    private void count() {
        int rolling = (int) watch.getStore().list().stream()
                .filter(shoot -> Orchestration.rollingNodes(shoot) && Orchestration.migrating(shoot)).count();
        most.accumulateAndGet(rolling, Math::max);
    }

    /** The most Shoots seen rolling nodes at once so far. */
    int most() {
        return most.get();
    }

    @Override
    public void close() {
        watch.close();
    }
}
