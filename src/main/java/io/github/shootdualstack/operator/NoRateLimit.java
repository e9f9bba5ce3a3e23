package io.github.shootdualstack.operator;

import io.javaoperatorsdk.operator.processing.event.rate.RateLimiter;

import java.time.Duration;
import java.util.Optional;

/**
 * Reconciles are not rate limited, as with JOSDK's default; unlike it, no Shoot gets a state of its own
 * for it (JOSDK's default keeps a counter and three date-time objects for every Shoot it has seen, about
 * 100 bytes each, for a limit that is off). All Shoots share one state that is never read.
 */
final class NoRateLimit implements RateLimiter<NoRateLimit.None> {

    static final NoRateLimit INSTANCE = new NoRateLimit();

    /** The one state of every Shoot. */
    enum None implements RateLimitState {
        STATE
    }

    private NoRateLimit() {
    }

    @Override
    public Optional<Duration> isLimited(RateLimitState state) {
        return Optional.empty();
    }

    @Override
    public None initState() {
        return None.STATE;
    }
}
