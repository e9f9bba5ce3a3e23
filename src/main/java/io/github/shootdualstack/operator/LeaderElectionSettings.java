package io.github.shootdualstack.operator;

import java.time.Duration;

/**
 * Leader election by a {@code coordination.k8s.io} Lease: only the leader reconciles; the others
 * stay ready and take over when the lease runs out.
 *
 * @param exitOnStopLeading end the process when leadership is lost (so a fresh pod rejoins);
 *                          off in tests, where several operators share one JVM
 */
public record LeaderElectionSettings(String namespace, String name, String identity, Duration leaseDuration,
                                     Duration renewDeadline, Duration retryPeriod, boolean exitOnStopLeading) {

    public static LeaderElectionSettings of(String namespace, String name, String identity) {
        return new LeaderElectionSettings(namespace, name, identity, Duration.ofSeconds(15), Duration.ofSeconds(10),
                Duration.ofSeconds(2), true);
    }
}
