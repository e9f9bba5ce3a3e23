package io.github.shootdualstack.local;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A controller's work queue as controller-runtime keeps one: keys reconciled first in, first out by up to
 * {@code concurrency} workers, any free worker taking the next key; a key waits at most once, and never
 * runs on two workers at once: asked for while it runs, it runs again afterwards. A reconcile that throws
 * is logged; the key runs again only when asked for.
 *
 * @param <K> the key of an object
 */
final class ReconcileQueue<K> implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ReconcileQueue.class);

    private final String name;
    private final Consumer<K> reconcile;
    private final ExecutorService workers;
    private final ScheduledExecutorService timer;
    private final Set<K> waiting = new HashSet<>();
    private final Set<K> running = new HashSet<>();
    private final Set<K> again = new HashSet<>();
    // the due time (nanoTime) of each key's delayed reconcile
    private final Map<K, Long> delayed = new HashMap<>();

    ReconcileQueue(String name, int concurrency, Consumer<K> reconcile) {
        this.name = name;
        this.reconcile = reconcile;
        this.workers = Executors.newFixedThreadPool(concurrency, daemons(name));
        this.timer = Executors.newSingleThreadScheduledExecutor(daemons(name + "-timer"));
    }

    /**
     * Reconciles {@code key} after {@code delay}, merged into a reconcile of it already waiting; of two delayed
     * reconciles of a key, the earlier is kept.
     */
    void add(K key, Duration delay) {
        if (delay.isZero() || delay.isNegative()) {
            add(key);
            return;
        }
        long due = System.nanoTime() + delay.toNanos();
        synchronized (this) {
            Long earlier = delayed.get(key);
            if (earlier != null && earlier - due <= 0) {
                return;
            }
            delayed.put(key, due);
        }
        try {
            timer.schedule(() -> {
                synchronized (this) {
                    if (!Long.valueOf(due).equals(delayed.get(key))) {
                        return; // overtaken by an earlier one
                    }
                    delayed.remove(key);
                }
                add(key);
            }, delay.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException stopped) {
            // closed
        }
    }

    private synchronized void add(K key) {
        if (running.contains(key)) {
            again.add(key);
            return;
        }
        if (!waiting.add(key)) {
            return;
        }
        try {
            workers.execute(() -> run(key));
        } catch (RejectedExecutionException stopped) {
            waiting.remove(key);
        }
    }

    private void run(K key) {
        synchronized (this) {
            waiting.remove(key);
            running.add(key);
        }
        try {
            reconcile.accept(key);
        } catch (RuntimeException e) {
            LOG.warn("{}: reconcile of {} failed: {}", name, key, e.toString());
        } finally {
            boolean rerun;
            synchronized (this) {
                running.remove(key);
                rerun = again.remove(key);
            }
            if (rerun) {
                add(key);
            }
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        workers.shutdownNow();
        try {
            workers.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static ThreadFactory daemons(String name) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread daemon = new Thread(runnable, name + "-" + count.getAndIncrement());
            daemon.setDaemon(true);
            return daemon;
        };
    }
}
