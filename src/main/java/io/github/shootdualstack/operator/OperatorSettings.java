package io.github.shootdualstack.operator;

import io.github.shootdualstack.migration.Migration;
import io.github.shootdualstack.migration.Migrator;
import io.github.shootdualstack.shootcluster.ShootAccess;
import io.github.shootdualstack.shootcluster.ShootClusters;

import java.time.Clock;
import java.util.Set;

/**
 * How the operator runs.
 *
 * @param namespaces      the namespaces whose Shoots are watched; empty for all
 * @param labelSelector   only Shoots with these labels; {@code null} for all
 * @param serverSideApply write the status by server-side apply instead of a JSON patch
 * @param leaderElection  {@code null} to run without leader election
 * @param allowInsecureShootConnections accept shoot kubeconfigs whose server's certificate is not verified
 *                        ({@code insecure-skip-tls-verify: true}) or that use plain {@code http}: for development
 *                        and the embedded local servers only
 * @param maxShootResponseBytes the most bytes of one response (or watch event) from a shoot API server
 * @param shootAccess     how shoot clusters are reached: each Shoot's kubeconfig Secret, {@code shoots/adminkubeconfig},
 *                        or as the garden serves Shoots
 * @param migrator        who migrates every Shoot ({@link Migrator#ENGINE} or {@link Migrator#GARDENLET}); {@code null}
 *                        to decide per Shoot by its gardenlet's version
 * @param rollout         limits, pause and wave for the Shoots gardenlet migrates
 */
public record OperatorSettings(Set<String> namespaces, String labelSelector, Migration.Settings migration,
                               boolean serverSideApply, LeaderElectionSettings leaderElection, Clock clock,
                               boolean allowInsecureShootConnections, long maxShootResponseBytes, ShootAccess shootAccess,
                               Migrator migrator, RolloutPolicy rollout) {

    /** Who migrates a Shoot decided per Shoot. */
    public OperatorSettings(Set<String> namespaces, String labelSelector, Migration.Settings migration, boolean serverSideApply,
                            LeaderElectionSettings leaderElection, Clock clock, boolean allowInsecureShootConnections,
                            long maxShootResponseBytes, ShootAccess shootAccess) {
        this(namespaces, labelSelector, migration, serverSideApply, leaderElection, clock, allowInsecureShootConnections,
                maxShootResponseBytes, shootAccess, null, RolloutPolicy.NONE);
    }

    public OperatorSettings withMigrator(Migrator forced) {
        return new OperatorSettings(namespaces, labelSelector, migration, serverSideApply, leaderElection, clock,
                allowInsecureShootConnections, maxShootResponseBytes, shootAccess, forced, rollout);
    }

    /** With shoot access as the garden serves Shoots ({@link ShootAccess#AUTO}). */
    public OperatorSettings(Set<String> namespaces, String labelSelector, Migration.Settings migration, boolean serverSideApply,
                            LeaderElectionSettings leaderElection, Clock clock, boolean allowInsecureShootConnections,
                            long maxShootResponseBytes) {
        this(namespaces, labelSelector, migration, serverSideApply, leaderElection, clock, allowInsecureShootConnections,
                maxShootResponseBytes, ShootAccess.AUTO);
    }

    public static OperatorSettings defaults() {
        return new OperatorSettings(Set.of(), null, Migration.Settings.defaults(), false, null, Clock.systemUTC(), false,
                ShootClusters.DEFAULT_MAX_RESPONSE_BYTES, ShootAccess.AUTO, null, RolloutPolicy.NONE);
    }

    public OperatorSettings withShootAccess(ShootAccess access) {
        return new OperatorSettings(namespaces, labelSelector, migration, serverSideApply, leaderElection, clock,
                allowInsecureShootConnections, maxShootResponseBytes, access, migrator, rollout);
    }

    public OperatorSettings withAllowInsecureShootConnections(boolean allow) {
        return new OperatorSettings(namespaces, labelSelector, migration, serverSideApply, leaderElection, clock, allow, maxShootResponseBytes, shootAccess, migrator, rollout);
    }

    public OperatorSettings withMigration(Migration.Settings settings) {
        return new OperatorSettings(namespaces, labelSelector, settings, serverSideApply, leaderElection, clock, allowInsecureShootConnections,
                maxShootResponseBytes, shootAccess, migrator, rollout);
    }

    public OperatorSettings withClock(Clock newClock) {
        return new OperatorSettings(namespaces, labelSelector, migration, serverSideApply, leaderElection, newClock, allowInsecureShootConnections,
                maxShootResponseBytes, shootAccess, migrator, rollout);
    }

    public OperatorSettings withNamespaces(Set<String> watched) {
        return new OperatorSettings(watched, labelSelector, migration, serverSideApply, leaderElection, clock, allowInsecureShootConnections,
                maxShootResponseBytes, shootAccess, migrator, rollout);
    }

    public OperatorSettings withLeaderElection(LeaderElectionSettings election) {
        return new OperatorSettings(namespaces, labelSelector, migration, serverSideApply, election, clock, allowInsecureShootConnections,
                maxShootResponseBytes, shootAccess, migrator, rollout);
    }

    public OperatorSettings withRollout(RolloutPolicy policy) {
        return new OperatorSettings(namespaces, labelSelector, migration, serverSideApply, leaderElection, clock, allowInsecureShootConnections,
                maxShootResponseBytes, shootAccess, migrator, policy);
    }
}
