package io.github.shootdualstack.operator;

import io.github.shootdualstack.migration.Migration;

import java.time.Clock;
import java.util.Set;

/**
 * How the operator runs.
 *
 * @param namespaces      the namespaces whose Shoots are watched; empty for all
 * @param labelSelector   only Shoots with these labels; {@code null} for all
 * @param serverSideApply write the status by server-side apply instead of a JSON patch
 * @param leaderElection  {@code null} to run without leader election
 */
public record OperatorSettings(Set<String> namespaces, String labelSelector, Migration.Settings migration,
                               boolean serverSideApply, LeaderElectionSettings leaderElection, Clock clock) {

    public static OperatorSettings defaults() {
        return new OperatorSettings(Set.of(), null, Migration.Settings.defaults(), false, null, Clock.systemUTC());
    }

    public OperatorSettings withMigration(Migration.Settings settings) {
        return new OperatorSettings(namespaces, labelSelector, settings, serverSideApply, leaderElection, clock);
    }

    public OperatorSettings withClock(Clock newClock) {
        return new OperatorSettings(namespaces, labelSelector, migration, serverSideApply, leaderElection, newClock);
    }

    public OperatorSettings withNamespaces(Set<String> watched) {
        return new OperatorSettings(watched, labelSelector, migration, serverSideApply, leaderElection, clock);
    }

    public OperatorSettings withLeaderElection(LeaderElectionSettings election) {
        return new OperatorSettings(namespaces, labelSelector, migration, serverSideApply, election, clock);
    }
}
