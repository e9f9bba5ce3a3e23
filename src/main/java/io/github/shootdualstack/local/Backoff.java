package io.github.shootdualstack.local;

import java.time.Duration;

/** How long a local controller waits before it does failed work again: twice its last wait, from 100 ms up to 5 s. */
final class Backoff {

    static final Duration FIRST = Duration.ofMillis(100);
    static final Duration LONGEST = Duration.ofSeconds(5);

    private Backoff() {
    }

    static Duration after(Duration last) {
        Duration doubled = last.multipliedBy(2);
        return doubled.compareTo(FIRST) < 0 ? FIRST : doubled.compareTo(LONGEST) > 0 ? LONGEST : doubled;
    }
}
