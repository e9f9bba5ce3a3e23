package io.github.shootdualstack.migration;

import io.github.shootdualstack.shoot.Condition;
import io.github.shootdualstack.shoot.LastOperation;
import io.github.shootdualstack.shoot.ShootStatus;
import io.github.shootdualstack.shoot.Texts;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static io.github.shootdualstack.migration.World.node;
import static io.github.shootdualstack.migration.World.pod;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Malformed Shoots, extension statuses, nodes and pods: the decision never throws, says what is
 * wrong naming the object (or waits, where the input is odd but not wrong), asks for no write it
 * should not, and keeps every status field it does not own.
 */
class BadInputTest {

    private static final String OTHER_CONSTRAINT = "HibernationPossible";

    /** What the last operation says afterwards. */
    enum Shows { ERROR, PROCESSING, NOTHING }

    static Arguments at(String name, Step step, Consumer<World> change, Shows shows, String fragment) {
        return Arguments.of(name, step, change, shows, fragment);
    }

    static Stream<Arguments> badInput() {
        return Stream.of(
                // --- the Shoot ---
                at("ipFamilies IPv6 first", null, w -> w.ipFamilies("IPv6", "IPv4"), Shows.ERROR,
                        "unsupported IP family update: oldIPFamilies=[IPv4], newIPFamilies=[IPv6, IPv4]"),
                at("ipFamilies twice IPv4", null, w -> w.ipFamilies("IPv4", "IPv4"), Shows.ERROR, "must not be listed twice"),
                at("ipFamilies in lower case", null, w -> w.ipFamilies("ipv4", "ipv6"), Shows.ERROR, "only IPv4 and IPv6 are supported"),
                at("ipFamilies as numbers", null, w -> w.ipFamilies("1", "2"), Shows.ERROR, "only IPv4 and IPv6 are supported"),
                at("three ipFamilies", null, w -> w.ipFamilies("IPv4", "IPv6", "IPv4"), Shows.ERROR, "spec.networking.ipFamilies"),
                at("networking missing", null, w -> w.shoot.getSpec().setNetworking(null), Shows.NOTHING, null),
                at("a 200 KB rollout-workers annotation", Step.NODES, w -> {
                    w.nodes(0, 3);
                    w.operation("rollout-workers=" + "pool-x,".repeat(30_000));
                }, Shows.ERROR, "names no known worker pool"),
                at("a maintenance window that does not parse", null, w -> w.requestDualStack().confinedToWindow("25:00", "later"),
                        Shows.ERROR, "Shoot garden-dev/prod: spec.maintenance.timeWindow \"25:00\" is not HHMMSS+ZZZZ"),
                at("an unknown status of the nodes constraint", Step.NODES, w -> {
                    w.nodes(1, 3);
                    Conditions.find(w.status().getConstraints(), Conditions.NODES_TYPE).setStatus("Maybe");
                }, Shows.PROCESSING, "Step 4/7 Nodes: waiting for the nodes to be rolled: 1 of 3 nodes"),
                at("an unknown status of another controller's constraint", Step.CONTROL_PLANE, w ->
                        Conditions.find(w.status().getConstraints(), OTHER_CONSTRAINT).setStatus("Sideways"),
                        Shows.PROCESSING, "Step 3/7 ControlPlane"),
                // --- the extension resources ---
                at("a node CIDR with prefix /33", Step.INFRASTRUCTURE, w -> w.infrastructureNetworking.put("nodes",
                        List.of("10.250.0.0/33")), Shows.ERROR,
                        "Infrastructure shoot--dev--prod/prod status.networking.nodes has a malformed entry \"10.250.0.0/33\""),
                at("a pod range that is no CIDR", Step.INFRASTRUCTURE, w -> w.infrastructureNetworking.put("pods",
                        List.of("100.96.0.0/11", "not-a-cidr")), Shows.ERROR, "status.networking.pods has a malformed entry \"not-a-cidr\""),
                at("an empty service range", Step.INFRASTRUCTURE, w -> w.infrastructureNetworking.put("services", List.of("")),
                        Shows.ERROR, "status.networking.services has a malformed entry \"\""),
                at("an IPv6 service range /125, too small for base + 10", Step.KUBE_DNS, w -> w.kubeDns("100.64.0.10")
                        .infrastructureNetworking.put("services", List.of("100.64.0.0/13", "fd00:10:96::/125")), Shows.ERROR,
                        "reports the IPv6 service range fd00:10:96::/125, too small for the kube-dns address"),
                at("an IPv6 service range of one address", Step.KUBE_DNS, w -> w.kubeDns("100.64.0.10")
                        .infrastructureNetworking.put("services", List.of("100.64.0.0/13", "fd00:10:96::1")), Shows.ERROR,
                        "too small for the kube-dns address"),
                at("a last operation without a state", Step.INFRASTRUCTURE, w -> w.infrastructure.withoutState(), Shows.PROCESSING,
                        "waiting for Infrastructure shoot--dev--prod/prod to allocate IPv6 ranges"),
                at("a last error of 100 KB", Step.INFRASTRUCTURE, w -> w.infrastructure.fails("quota ".repeat(20_000)), Shows.ERROR,
                        "Infrastructure shoot--dev--prod/prod failed: quota quota"),
                at("a control plane in a state no one knows", Step.CONTROL_PLANE, w -> w.controlPlane.fails("x")
                        .succeeds().withoutState(), Shows.PROCESSING, "waiting for ControlPlane shoot--dev--prod/prod"),
                // --- nodes and pods ---
                at("an IPv4-mapped IPv6 pod CIDR", Step.NODES, w -> w.nodes(node("n-1", "100.96.0.0/24", "::ffff:100.96.1.0/120")),
                        Shows.ERROR, "Node n-1 spec.podCIDRs has a malformed entry \"::ffff:100.96.1.0/120\""),
                at("an IPv4-mapped IPv6 pod IP (IPv4 twice)", Step.CORE_DNS, w -> w.coreDnsPods(pod("coredns-1", "100.96.0.10",
                        "::ffff:100.96.0.11")), Shows.PROCESSING, "0 of 1 CoreDNS pods have IPv4 and IPv6 addresses"),
                at("the same pod CIDR twice", Step.NODES, w -> w.nodes(node("n-1", "100.96.0.0/24", "100.96.0.0/24")),
                        Shows.PROCESSING, "0 of 1 nodes have IPv4 and IPv6 pod CIDRs"),
                at("an empty pod CIDR", Step.NODES, w -> w.nodes(node("n-1", "100.96.0.0/24", "")),
                        Shows.ERROR, "Node n-1 spec.podCIDRs has a malformed entry \"\""),
                at("a pod IP with a zone suffix", Step.CORE_DNS, w -> w.coreDnsPods(pod("coredns-1", "100.96.0.10", "fe80::1%eth0")),
                        Shows.ERROR, "Pod kube-system/coredns-1 status.podIPs has a malformed entry \"fe80::1%eth0\""),
                at("the same pod IP twice", Step.CORE_DNS, w -> w.coreDnsPods(pod("coredns-1", "100.96.0.10", "100.96.0.10")),
                        Shows.PROCESSING, "0 of 1 CoreDNS pods have IPv4 and IPv6 addresses"),
                at("kube-dns headless", Step.KUBE_DNS, w -> w.kubeDns("None"), Shows.ERROR,
                        "Service kube-system/kube-dns spec.clusterIPs has a malformed entry \"None\""),
                at("kube-dns with an IPv6 cluster IP only", Step.KUBE_DNS, w -> w.kubeDns("fd00:10:96::a"), Shows.ERROR,
                        "Service kube-system/kube-dns has no IPv4 cluster IP"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badInput")
    void badInput_namedClearly_nothingWrittenThatShouldNotBe_nothingLost(String name, Step step, Consumer<World> change,
                                                                          Shows shows, String fragment) {
        World world = World.ipv4Shoot();
        keepOthersFields(world);
        if (step != null) {
            world.walkTo(step);
        }
        change.accept(world);

        Decision decision = world.decide();

        LastOperation last = decision.status().getLastOperation();
        switch (shows) {
            case ERROR -> {
                assertThat(last.getState()).isEqualTo(LastOperation.STATE_ERROR);
                assertThat(last.getDescription()).contains(fragment);
                assertThat(decision.actions()).as("only a due retry trigger, if any")
                        .allMatch(action -> action instanceof Action.Trigger);
            }
            case PROCESSING -> {
                assertThat(last.getState()).isEqualTo(LastOperation.STATE_PROCESSING);
                assertThat(last.getDescription()).contains(fragment);
            }
            case NOTHING -> assertThat(decision.actions()).isEmpty();
        }
        if (last != null) {
            assertThat(last.getDescription().getBytes(StandardCharsets.UTF_8).length).as("within the API server's limit")
                    .isLessThanOrEqualTo(Texts.STATUS_MESSAGE_LIMIT);
        }
        decision.events().forEach(event -> assertThat(event.message()).doesNotContain("Exception"));
        ShootStatus status = decision.status();
        assertThat(status.additionalProperties()).as("a status field of another controller").containsEntry("clusterIdentity", "prod-7f3a");
        assertThat(status.getConstraints()).extracting(Condition::getType).contains(OTHER_CONSTRAINT);
    }

    static Arguments behind(String name, Step step, Consumer<World> change, Action... expected) {
        return Arguments.of(name, step, change, List.of(expected));
    }

    /** Extension resources whose generation is ahead of the one they observed, each five minutes (the longest back-off) into its step. */
    static Stream<Arguments> behindTheirGeneration() {
        return Stream.of(
                behind("a Network whose families were written without their trigger", Step.NODES, w -> {
                    w.networkSpecFamilies = World.DUAL;
                    w.network.specChanged();
                    w.allNodesMigrated();
                }, new Action.Trigger(Extension.NETWORK)),
                behind("that Network with a trigger pending", Step.NODES, w -> {
                    w.networkSpecFamilies = World.DUAL;
                    w.network.specChanged().triggered();
                    w.allNodesMigrated();
                }),
                behind("that Network at work", Step.NODES, w -> {
                    w.networkSpecFamilies = World.DUAL;
                    w.network.specChanged().processes();
                    w.allNodesMigrated();
                }),
                behind("a Network that succeeded for its generation and still runs IPv4", Step.NETWORK, w -> w.network.succeeds()),
                behind("an Infrastructure that took its trigger away unanswered, its spec changed", Step.INFRASTRUCTURE,
                        w -> w.infrastructure.takesTheTrigger().specChanged(), new Action.Trigger(Extension.INFRASTRUCTURE)),
                behind("a ControlPlane that succeeded for an older generation", Step.CONTROL_PLANE,
                        w -> w.controlPlane.succeeds().specChanged(), new Action.Trigger(Extension.CONTROL_PLANE)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("behindTheirGeneration")
    void behindItsGeneration_isTriggeredOnlyWithNothingPendingOrAtWork(String name, Step step, Consumer<World> change,
                                                                        List<Action> expected) {
        World world = World.ipv4Shoot().walkTo(step);
        change.accept(world.later(300));

        Decision decision = world.decide();

        assertThat(decision.actions()).isEqualTo(expected);
        assertThat(decision.status().getLastOperation().getState()).isEqualTo(LastOperation.STATE_PROCESSING);
    }

    /** Another controller's status: a field the operator does not model, and a constraint of its own. */
    private static void keepOthersFields(World world) {
        ShootStatus status = world.status() == null ? new ShootStatus() : world.status();
        status.setAdditionalProperty("clusterIdentity", "prod-7f3a");
        List<Condition> constraints = new ArrayList<>(status.getConstraints() == null ? List.of() : status.getConstraints());
        Condition other = new Condition(OTHER_CONSTRAINT, "True", "NoPods", "hibernation is possible");
        other.setLastTransitionTime("2024-05-01T08:00:00Z");
        other.setLastUpdateTime("2024-05-01T08:00:00Z");
        constraints.add(other);
        status.setConstraints(constraints);
        world.shoot.setStatus(status);
    }
}
