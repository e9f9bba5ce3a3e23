package io.github.shootdualstack.migration;

import java.time.Instant;

/**
 * What an extension resource says of itself, in the terms of the extension contract: a pending
 * trigger, the last operation's state and time, generations, and the last error.
 */
public record ExtensionFacts(String kind, String namespace, String name, boolean exists, boolean triggerPending,
                             String state, Instant lastUpdateTime, long generation, long observedGeneration,
                             String lastError) {

    public static ExtensionFacts missing(String kind, String namespace, String name) {
        return new ExtensionFacts(kind, namespace, name, false, false, null, null, 0, 0, null);
    }

    /** "Infrastructure shoot--dev--prod/prod". */
    public String ref() {
        return kind + " " + (namespace == null ? "" : namespace + "/") + name;
    }

    /** Done: succeeded, caught up with its generation, and no trigger left. */
    public boolean ready() {
        return exists && !triggerPending && "Succeeded".equals(state) && observedGeneration >= generation;
    }

    public boolean failed() {
        return exists && ("Error".equals(state) || "Failed".equals(state));
    }

    /** At work: a trigger waits, or it is processing (what a trigger would only repeat). */
    public boolean atWork() {
        return exists && (triggerPending || "Processing".equals(state));
    }

    /** Busy: a trigger waits, it is processing, or it has not caught up with its generation. */
    public boolean busy() {
        return exists && (triggerPending || "Processing".equals(state) || observedGeneration < generation);
    }

    /**
     * Behind: it has not caught up with its generation, and no trigger waits nor is it processing. Its
     * spec changed without the trigger (extensions reconcile on the trigger, never on a new generation),
     * or it has just taken the trigger away and not yet said Processing.
     */
    public boolean behind() {
        return exists && !atWork() && observedGeneration < generation;
    }

    /**
     * Ready, and its last operation ended not before {@code mark}, a time of the extensions' own
     * clocks (another extension's last update, say): "reconciled after", never judged against the
     * operator's clock.
     */
    public boolean readyNotBefore(Instant mark) {
        return ready() && lastUpdateTime != null && mark != null && !lastUpdateTime.isBefore(mark);
    }

    /** Ready, and its last operation ended after {@code mark}, a time of its own clock. */
    public boolean readyAfter(Instant mark) {
        return ready() && lastUpdateTime != null && mark != null && lastUpdateTime.isAfter(mark);
    }

    public String failure() {
        return ref() + " failed" + (lastError == null || lastError.isBlank() ? "" : ": " + lastError);
    }
}
