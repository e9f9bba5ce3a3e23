package io.github.shootdualstack.shootcluster;

import io.fabric8.kubernetes.client.http.AsyncBody;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.http.Interceptor;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Bounds every response of a shoot API server in bytes and time, on the client that reads it: a
 * response (or, on a watch, one event) larger than the limit is cut off when the limit is passed,
 * and a response whose body has not arrived in whole by the deadline is cut off then (the client's
 * own request timeout covers only the wait for the headers). What is cut off fails the request
 * with a {@link Exceeded}, which names the limit and never the content.
 */
final class ResponseBounds implements Interceptor {

    /** A response was cut off at a limit; the message says which. */
    static final class Exceeded extends RuntimeException {
        Exceeded(String message) {
            super(message, null, false, false);
        }
    }

    // one daemon thread for every client's deadlines: each task only cancels a body; a deadline cancelled
    // (its response arrived whole) leaves the queue at once, not with its body 30 s later
    private static final ScheduledExecutorService DEADLINES = deadlines();

    private static ScheduledExecutorService deadlines() {
        java.util.concurrent.ScheduledThreadPoolExecutor executor = new java.util.concurrent.ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "shoot-response-deadlines");
            thread.setDaemon(true);
            return thread;
        });
        executor.setRemoveOnCancelPolicy(true);
        return executor;
    }

    private final long maxBytes;
    private final Duration deadline;

    /**
     * @param maxBytes the most bytes of one response, or of one event of a watch
     * @param deadline the longest a response's body may take to arrive after its headers (watches have none)
     */
    ResponseBounds(long maxBytes, Duration deadline) {
        this.maxBytes = maxBytes;
        this.deadline = deadline;
    }

    @Override
    public AsyncBody.Consumer<List<ByteBuffer>> consumer(AsyncBody.Consumer<List<ByteBuffer>> consumer, HttpRequest request) {
        boolean watch = watch(request);
        long[] counted = {0};
        return (buffers, body) -> {
            for (ByteBuffer buffer : buffers) {
                counted[0] = watch ? bytesAfterLastNewline(buffer, counted[0]) : counted[0] + buffer.remaining();
                if (counted[0] > maxBytes) {
                    throw new Exceeded((watch ? "an event of a watch" : "a response") + " larger than " + size(maxBytes)
                            + " (--max-shoot-response-size)");
                }
            }
            consumer.consume(buffers, body);
        };
    }

    @Override
    public void after(HttpRequest request, HttpResponse<?> response, AsyncBody.Consumer<List<ByteBuffer>> consumer) {
        if (watch(request) || !(response.body() instanceof AsyncBody body) || body.done().isDone()) {
            return;
        }
        ScheduledFuture<?> timer = DEADLINES.schedule(() -> {
            if (body.done().completeExceptionally(new Exceeded("a response whose body took longer than "
                    + deadline.toSeconds() + " s"))) {
                body.cancel();
            }
        }, deadline.toMillis(), TimeUnit.MILLISECONDS);
        body.done().whenComplete((done, failed) -> timer.cancel(false));
    }

    /** Events of a watch come one per line: what counts is the longest line. */
    private static long bytesAfterLastNewline(ByteBuffer buffer, long before) {
        long count = before;
        for (int i = buffer.position(); i < buffer.limit(); i++) {
            count = buffer.get(i) == '\n' ? 0 : count + 1;
        }
        return count;
    }

    static boolean watch(HttpRequest request) {
        String query = request.uri().getRawQuery();
        return query != null && ("&" + query + "&").contains("&watch=true&");
    }

    /** "4 MiB", "512 KiB", "100 bytes". */
    static String size(long bytes) {
        if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) == 0) {
            return bytes / (1024 * 1024) + " MiB";
        }
        return bytes >= 1024 && bytes % 1024 == 0 ? bytes / 1024 + " KiB" : bytes + " bytes";
    }
}
