package io.github.shootdualstack.e2e;

import io.github.shootdualstack.garden.ExtensionKind;
import io.github.shootdualstack.garden.UserAgent;
import io.github.shootdualstack.migration.Migration;
import io.github.shootdualstack.testing.AuditLog;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * On a real shoot API server, the operator's watches of the shoot cluster carry a migration through
 * the steps that wait on it: with a re-check of an hour, the rolled nodes and the restarted CoreDNS
 * pods are seen when they change, and so is kube-dns's new cluster IP. The audit log shows the three
 * watches, each from a version the operator had read, opened once per migration, not per reconcile.
 */
class RealShootClusterWakeIT {

    @Test
    void withAnHourlyRecheck_theShootClustersWatches_carryTheMigrationToItsEnd() {
        try (RealMigrationHarness world = new RealMigrationHarness("real-wake")) {
            RealMigrationHarness.Marks start = world.marks();
            Migration.Settings hourly = new Migration.Settings(Duration.ofHours(1), MigrationHarness.FAST.maxBackoff(), 50);
            world.startOperator(world.garden.config(), world.settings(false).withMigration(hourly));

            world.requestDualStack();
            world.awaitStep("Nodes");
            world.annotate(ExtensionKind.OPERATION_ANNOTATION, "rollout-workers=*");
            world.awaitCompleted();

            List<AuditLog.Entry> watches = world.shootServer.audit().since(start.shoot())
                    .matching(entry -> entry.verb().equals("watch") && entry.userAgent().startsWith(UserAgent.VALUE)
                            // a watch is logged when it starts and again when it ends
                            && entry.stage().equals("ResponseStarted"));
            watches.forEach(w -> System.out.println("  " + w));
            assertThat(watches).extracting(AuditLog.Entry::resource).containsExactlyInAnyOrder("nodes", "pods", "services");
            assertThat(watches).allSatisfy(watch -> assertThat(watch.uri()).contains("resourceVersion="));
            assertThat(watches).filteredOn(watch -> watch.resource().equals("pods")).singleElement()
                    .satisfies(watch -> assertThat(watch.uri()).contains("labelSelector=k8s-app%3Dkube-dns"));
            assertThat(watches).filteredOn(watch -> watch.resource().equals("services")).singleElement()
                    .satisfies(watch -> assertThat(watch.uri()).contains("fieldSelector=metadata.name%3Dkube-dns"));
            assertThat(world.local.simulator(world.landscape).coreDnsRollouts()).isEqualTo(1);
        }
    }
}
