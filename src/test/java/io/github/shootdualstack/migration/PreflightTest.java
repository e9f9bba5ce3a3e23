package io.github.shootdualstack.migration;

import io.github.shootdualstack.migration.Preflight.Result;
import io.github.shootdualstack.migration.Preflight.Verdict;
import org.junit.jupiter.api.Test;

import static io.github.shootdualstack.migration.World.ipv4Shoot;
import static org.assertj.core.api.Assertions.assertThat;

/** The preflight judged from observed facts alone: the decision on a copy with [IPv4, IPv6], and each step's preview. */
class PreflightTest {

    @Test
    void anIpv4Shoot_isReady_withSevenStepsPlanned_andTheShootLeftAsItIs() {
        Preflight preflight = ipv4Shoot().preflight();

        assertThat(preflight.verdict()).isEqualTo(Verdict.READY);
        assertThat(preflight.checks()).allMatch(check -> check.result() == Result.OK);
        assertThat(preflight.steps()).hasSize(Step.values().length);
        assertThat(preflight.start()).startsWith("Step 2/7 Infrastructure: waiting for Infrastructure");
        assertThat(preflight.first()).contains("trigger the Infrastructure");
    }

    @Test
    void aShootAskingForDualStackAlready_butNotStarted_isReady() {
        assertThat(ipv4Shoot().requestDualStack().preflight().verdict()).isEqualTo(Verdict.READY);
    }

    @Test
    void aShootBeingDeleted_isBlocked_forThatReason() {
        Preflight preflight = ipv4Shoot().deleted().preflight();

        assertThat(preflight.verdict()).isEqualTo(Verdict.BLOCKED);
        assertThat(preflight.checks()).extracting(Preflight.Check::detail).containsExactly("the Shoot is being deleted");
    }

    @Test
    void overlayAbsent_isBlocked_byTheOperatorsOwnRule() {
        Preflight preflight = ipv4Shoot().overlay(null).preflight();

        assertThat(preflight.verdict()).isEqualTo(Verdict.BLOCKED);
        assertThat(blocking(preflight)).contains("requires spec.networking.providerConfig.overlay.enabled: false");
    }

    @Test
    void aDecisionThatStopsAtOnce_blocks_evenWhenNoPreviewSeesIt() {
        World world = ipv4Shoot();
        world.infrastructureNetworking.put("nodes", java.util.List.of("10.250.0.0/16", "garbage"));

        Preflight preflight = world.preflight();

        assertThat(preflight.verdict()).isEqualTo(Verdict.BLOCKED);
        assertThat(blocking(preflight)).contains("Step 2/7 Infrastructure", "garbage");
    }

    @Test
    void aReconcileOperation_liftsTheClosedWindow_asTheDecisionDoes() {
        World world = ipv4Shoot().at("2024-05-06T10:00:00Z").confinedToWindow("220000+0000", "230000+0000");
        Preflight waiting = world.preflight();
        Preflight lifted = world.operation(Extension.OPERATION_RECONCILE).preflight();

        assertThat(waiting.checks()).anyMatch(check -> check.result() == Result.CAUTION && check.detail().contains("waits 12h"));
        assertThat(waiting.start()).startsWith("waiting for the maintenance window");
        assertThat(lifted.checks()).allMatch(check -> check.result() == Result.OK);
        assertThat(lifted.start()).startsWith("Step 2/7 Infrastructure");
    }

    @Test
    void anUnreachableShootCluster_blocks_andTheStepsStillSayWhatTheyWouldDo() {
        Preflight preflight = ipv4Shoot().shootUnreachable("Secret garden-dev/prod.kubeconfig not found").preflight();

        assertThat(preflight.verdict()).isEqualTo(Verdict.BLOCKED);
        assertThat(blocking(preflight)).isEqualTo("shoot cluster: Secret garden-dev/prod.kubeconfig not found");
        assertThat(preflight.steps()).hasSize(Step.values().length);
    }

    private static String blocking(Preflight preflight) {
        return String.join("; ", preflight.checks().stream().filter(check -> check.result() == Result.BLOCKING)
                .map(check -> check.name() + ": " + check.detail()).toList());
    }
}
