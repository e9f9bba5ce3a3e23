package io.github.shootdualstack.local;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class ReconcileQueueTest {

    @Test
    void aKeyBlockedInItsReconcile_doesNotHoldUpOtherKeys_upToTheConcurrency() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(3);
        try (ReconcileQueue<String> queue = new ReconcileQueue<>("test", 3, key -> {
            started.countDown();
            await(release);
        })) {
            queue.add("a", Duration.ZERO);
            queue.add("b", Duration.ZERO);
            queue.add("c", Duration.ZERO);

            assertThat(started.await(10, TimeUnit.SECONDS)).as("three keys run side by side").isTrue();
            release.countDown();
        }
    }

    @Test
    void aKeyAskedForWhileItRuns_runsAgainAfterwards_neverTwiceAtOnce() throws Exception {
        CountDownLatch first = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch second = new CountDownLatch(2);
        AtomicInteger atOnce = new AtomicInteger();
        List<Integer> seen = new CopyOnWriteArrayList<>();
        try (ReconcileQueue<String> queue = new ReconcileQueue<>("test", 4, key -> {
            seen.add(atOnce.incrementAndGet());
            first.countDown();
            await(release);
            atOnce.decrementAndGet();
            second.countDown();
        })) {
            queue.add("a", Duration.ZERO);
            assertThat(first.await(10, TimeUnit.SECONDS)).isTrue();
            queue.add("a", Duration.ZERO);
            queue.add("a", Duration.ZERO);
            release.countDown();

            assertThat(second.await(10, TimeUnit.SECONDS)).as("run again once after the first").isTrue();
            Thread.sleep(200); // a third run, if the two asks were not merged, would show here
            assertThat(seen).containsExactly(1, 1);
        }
    }

    @Test
    void ofTwoDelayedReconcilesOfAKey_theEarlierRuns_andTheLaterIsMergedIntoIt() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        CountDownLatch ran = new CountDownLatch(1);
        try (ReconcileQueue<String> queue = new ReconcileQueue<>("test", 2, key -> {
            runs.incrementAndGet();
            ran.countDown();
        })) {
            queue.add("a", Duration.ofMinutes(10));
            queue.add("a", Duration.ofMillis(50));
            queue.add("a", Duration.ofMinutes(5));
            queue.add("b", Duration.ofMinutes(10));

            assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
            Thread.sleep(200);
            assertThat(runs).as("a once, after 50 ms; b not within its ten minutes").hasValue(1);
        }
    }

    @Test
    void aReconcileThatThrows_doesNotLoseTheRunAskedForMeanwhile() throws Exception {
        CountDownLatch first = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch second = new CountDownLatch(1);
        AtomicInteger runs = new AtomicInteger();
        try (ReconcileQueue<String> queue = new ReconcileQueue<>("test", 1, key -> {
            if (runs.incrementAndGet() == 1) {
                first.countDown();
                await(release);
                throw new IllegalArgumentException("the first run fails");
            }
            second.countDown();
        })) {
            queue.add("a", Duration.ZERO);
            assertThat(first.await(10, TimeUnit.SECONDS)).isTrue();
            queue.add("a", Duration.ZERO);
            release.countDown();

            assertThat(second.await(10, TimeUnit.SECONDS)).as("the run asked for during the failing one").isTrue();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
