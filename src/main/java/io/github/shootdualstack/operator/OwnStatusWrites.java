package io.github.shootdualstack.operator;

import io.github.shootdualstack.shoot.Shoot;
import io.javaoperatorsdk.operator.processing.event.source.filter.OnUpdateFilter;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The Shoot updates that are nothing but the operator's own status write: from the resource version
 * the write started from to the one it produced. The status patch is made with optimistic locking,
 * so such an update holds no change of anyone else; the reconcile that wrote it has already decided
 * on everything it shows, and reconciling it again would read the whole garden side of the Shoot once
 * more to come to the same decision. Every other update is let through: one from another version (a
 * change by someone else in between, seen or not), one to another version, and one whose write failed
 * or is not answered in time.
 *
 * <p>The watch may deliver the update before the write's own answer: an update from the version a
 * write started from waits for that answer (a few milliseconds; at most {@link #ANSWER_WAIT}).
 */
final class OwnStatusWrites implements OnUpdateFilter<Shoot> {

    static final long ANSWER_WAIT = TimeUnit.SECONDS.toMillis(5);

    /** A status write: the version it started from and, once answered, the version it made (null if it failed). */
    record Write(String from, CompletableFuture<String> made) {
    }

    private final Map<String, Write> latest = new ConcurrentHashMap<>();

    /** A status write of the Shoot from version {@code from} is about to be sent. */
    Write starting(Shoot shoot, String from) {
        Write write = new Write(from, new CompletableFuture<>());
        latest.put(key(shoot), write);
        return write;
    }

    /** The write was answered with this Shoot, or failed ({@code written} null). */
    void answered(Write write, Shoot written) {
        write.made().complete(written == null ? null : written.getMetadata().getResourceVersion());
    }

    @Override
    public boolean accept(Shoot updated, Shoot old) {
        String key = key(updated);
        Write write = latest.get(key);
        if (write == null || old == null || !write.from().equals(old.getMetadata().getResourceVersion())) {
            return true;
        }
        String made;
        try {
            made = write.made().get(ANSWER_WAIT, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        } catch (ExecutionException | TimeoutException e) {
            return true;
        }
        boolean own = made != null && made.equals(updated.getMetadata().getResourceVersion());
        if (own) {
            latest.remove(key, write);
        }
        return !own;
    }

    /** Forgets the Shoots that are gone. */
    void retainOnly(Set<String> present) {
        latest.keySet().retainAll(present);
    }

    private static String key(Shoot shoot) {
        return shoot.getMetadata().getNamespace() + "/" + shoot.getMetadata().getName();
    }
}
