package io.github.shootdualstack.local;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** Daemon threads that a local controller spreads its keys over, one key always on the same thread. */
final class Workers {

    private Workers() {
    }

    /** {@code count} single-thread schedulers, named {@code <name>-<i>}. */
    static List<ScheduledExecutorService> start(String name, int count) {
        List<ScheduledExecutorService> workers = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String thread = name + "-" + i;
            workers.add(Executors.newSingleThreadScheduledExecutor(runnable -> {
                Thread daemon = new Thread(runnable, thread);
                daemon.setDaemon(true);
                return daemon;
            }));
        }
        return workers;
    }

    /** Stops them, waiting a little for the work under way. */
    static void stop(List<ScheduledExecutorService> workers) {
        workers.forEach(ScheduledExecutorService::shutdownNow);
        try {
            for (ScheduledExecutorService worker : workers) {
                worker.awaitTermination(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
