package io.github.shootdualstack.e2e;

import io.github.shootdualstack.cli.Main;
import io.github.shootdualstack.garden.ExtensionKind;
import io.github.shootdualstack.garden.UserAgent;
import io.github.shootdualstack.testing.AuditLog;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code plan} and {@code status} as a user runs them against a real kube-apiserver (paged lists,
 * the shoot's TLS verified by its kubeconfig's CA), before, during and after a migration: every
 * request they make is a read, as the servers' audit logs have it.
 */
class RealPlanAndStatusIT {

    @Test
    void planBeforeAndStatusDuringAndAfter_readOnly_onRealApiServers() {
        try (RealMigrationHarness world = new RealMigrationHarness("real-plan")) {
            String project = world.landscape.projectNamespace();
            String shoot = project + "/prod";
            RealMigrationHarness.Marks start = world.marks();

            Run plan = run("plan", "--kubeconfig", world.garden.kubeconfigFile().toString(), "--namespace", project);
            Run planOne = run("plan", "--kubeconfig", world.garden.kubeconfigFile().toString(), shoot);
            assertReadsOnly(world, start);
            assertThat(plan.exit).as(plan.err).isZero();
            assertThat(plan.out).containsPattern(shoot + " +READY");
            assertThat(planOne.out).containsPattern("OK +shoot cluster +kubeconfig usable, API server reachable")
                    .contains("waits for 5 of 5 nodes (pool-a: 3, pool-b: 2)");

            world.startOperator(world.garden.config(), world.settings(false));
            world.requestDualStack();
            world.awaitStep("Nodes");
            world.stopOperators();
            RealMigrationHarness.Marks during = world.marks();
            Run status = run("status", "--kubeconfig", world.garden.kubeconfigFile().toString(), "--namespace", project);
            Run planDuring = run("plan", "--kubeconfig", world.garden.kubeconfigFile().toString(), shoot);
            assertReadsOnly(world, during);
            assertThat(status.out).containsPattern(shoot + " +engine +Step 4/7 Nodes +35% +Processing");
            assertThat(planDuring.exit).isEqualTo(1);
            assertThat(planDuring.out).contains("MIGRATING", "underway at Step 4/7 Nodes");

            world.startOperator(world.garden.config(), world.settings(false));
            world.annotate(ExtensionKind.OPERATION_ANNOTATION, "rollout-workers=*");
            world.awaitCompleted();
            world.stopOperators();
            RealMigrationHarness.Marks after = world.marks();
            Run statusOne = run("status", "--kubeconfig", world.garden.kubeconfigFile().toString(), shoot);
            assertReadsOnly(world, after);
            assertThat(statusOne.out).containsPattern("Step: +Completed")
                    .containsPattern("Normal +DualStackMigrationCompleted +1 +dual-stack migration to \\[IPv4, IPv6\\] completed");
        }
    }

    private record Run(int exit, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    /**
     * The commands' requests since the marks, told from the operator's (whose last requests may reach the
     * audit log after the marks) by the command named in their User-Agent: some, and every one a read.
     */
    private static void assertReadsOnly(RealMigrationHarness world, RealMigrationHarness.Marks since) {
        java.util.function.Predicate<AuditLog.Entry> command = entry -> entry.userAgent().equals(UserAgent.of("plan"))
                || entry.userAgent().equals(UserAgent.of("status"));
        List<AuditLog.Entry> requests = new ArrayList<>(world.garden.audit().since(since.garden()).matching(command));
        requests.addAll(world.shootServer.audit().since(since.shoot()).matching(command));
        assertThat(requests).as("the commands read").isNotEmpty();
        assertThat(requests).as("the commands write nothing").noneMatch(AuditLog.Entry::write);
    }
}
