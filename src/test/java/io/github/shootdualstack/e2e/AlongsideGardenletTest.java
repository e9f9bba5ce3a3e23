package io.github.shootdualstack.e2e;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.github.shootdualstack.garden.ExtensionKind;
import io.github.shootdualstack.local.GardenletStandIn;
import io.github.shootdualstack.migration.Migrator;
import io.github.shootdualstack.migration.Orchestration;
import io.github.shootdualstack.operator.OperatorSettings;
import io.github.shootdualstack.shoot.IpFamily;
import io.github.shootdualstack.shoot.LastOperation;
import io.github.shootdualstack.shoot.Shoot;
import io.github.shootdualstack.testing.RequestLog;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The operator beside the gardenlet v1.138.0 stand-in (the mock lane): after the user's edit it does what
 * the migration guide leaves to people, and nothing else: only the Shoot's operation annotation and events.
 */
class AlongsideGardenletTest {

    private final MigrationHarness world = MigrationHarness.twoPools();
    /** What the Shoot looked like each time a trigger appeared on it. */
    private final List<String> triggeredOn = new CopyOnWriteArrayList<>();
    /** Anything but annotations that changed with a trigger (its spec, its status): nothing, expected. */
    private final List<String> triggerChanges = new CopyOnWriteArrayList<>();
    private SharedIndexInformer<Shoot> watch;
    private GardenletStandIn gardenlet;

    @AfterEach
    void stop() {
        if (watch != null) {
            watch.close();
        }
        world.close();
    }

    @Test
    void withMigratorGardenlet_aShootIsTakenToTheEnd_byTriggersAlone_eachPoolRolledOnce_readingShootsAlone() {
        gardenlet = world.local.startGardenlet(GardenletStandIn.Config.triggeredOnly());
        int gardenMark = world.gardenRequests.mark();
        int shootMark = world.shootRequests.mark();
        world.startOperator(OperatorSettings.defaults().withMigration(MigrationHarness.FAST).withMigrator(Migrator.GARDENLET)
                .withClock(insideTheShootsWindow()));

        migratesToTheEnd_byTriggersAlone(gardenMark, shootMark);

        assertThat(world.gardenRequests.since(gardenMark)).filteredOn(RequestLog.byOperator())
                .as("the operator reads Shoots alone: no extension resource, no MachineDeployment, no Secret")
                .noneMatch(request -> request.path().contains("gardener.cloud/") && !request.path().contains("/core.gardener.cloud/")
                        || request.path().contains("/secrets"));
    }

    @Test
    void inAutoMode_aShootOfGardenlet_1_138_isGardenlets_onACrdGardenToo() {
        gardenlet = world.local.startGardenlet(GardenletStandIn.Config.triggeredOnly());
        // gardenlet has reconciled the Shoot once: it shows its version
        world.annotate(ExtensionKind.OPERATION_ANNOTATION, ExtensionKind.OPERATION_RECONCILE);
        await().atMost(MigrationHarness.TIMEOUT).until(() -> gardenlet.reconciles() == 1 && GardenletStandIn.upToDate(world.shoot()));
        int gardenMark = world.gardenRequests.mark();
        int shootMark = world.shootRequests.mark();
        world.startOperator(OperatorSettings.defaults().withMigration(MigrationHarness.FAST).withClock(insideTheShootsWindow()));

        migratesToTheEnd_byTriggersAlone(gardenMark, shootMark);
    }

    private void migratesToTheEnd_byTriggersAlone(int gardenMark, int shootMark) {
        watchTriggers();
        world.edit(shoot -> {
            shoot.getSpec().getNetworking().setIpFamilies(IpFamily.DUAL_STACK_IPV4_PRIMARY);
            return shoot;
        });

        await().atMost(MigrationHarness.TIMEOUT).until(() -> {
            Shoot shoot = world.shoot();
            return GardenletStandIn.upToDate(shoot) && (shoot.getStatus().getConstraints() == null || shoot.getStatus().getConstraints().isEmpty())
                    && world.shootClient().services().inNamespace("kube-system").withName("kube-dns").get().getSpec().getClusterIPs().size() == 2;
        });

        Shoot shoot = world.shoot();
        assertThat(shoot.getMetadata().getAnnotations()).doesNotContainKey(ExtensionKind.OPERATION_ANNOTATION);
        assertThat(world.simulator().nodeReplacements()).as("each node replaced once").isEqualTo(world.landscape.nodeCount());
        for (String pool : world.landscape.pools().keySet()) {
            GenericKubernetesResource deployment = ExtensionKind.MACHINE_DEPLOYMENT.in(world.gardenClient())
                    .inNamespace(world.landscape.technicalNamespace()).withName(world.landscape.machineDeploymentName(pool)).get();
            assertThat(String.valueOf(deployment.getAdditionalProperties().get("spec"))).as(pool).contains("rollout-workers");
        }
        assertThat(world.simulator().coreDnsRollouts()).isEqualTo(1);
        Service kubeDns = world.shootClient().services().inNamespace("kube-system").withName("kube-dns").get();
        assertThat(kubeDns.getSpec().getIpFamilyPolicy()).isEqualTo("PreferDualStack");

        assertThat(world.events(Orchestration.ROLLOUT_REQUESTED)).singleElement()
                .satisfies(event -> assertThat(event.getMessage()).contains("pool-a, pool-b"));
        assertThat(triggers(Orchestration.RECONCILE_REQUESTED)).as("about one per gardenlet phase").isBetween(2, 6);
        assertThat(triggeredOn).as("no trigger while a reconcile runs or is due").isNotEmpty().allMatch("Succeeded, generation observed"::equals);
        assertThat(world.operator().metrics().scrape()).contains("gardenlet_triggers_total{phase=\"ROLL_NODES\"} 1.0");

        List<RequestLog.Request> writes = world.operatorWrites(gardenMark, shootMark);
        String shootPath = "/namespaces/" + world.landscape.projectNamespace() + "/shoots/" + world.landscape.shootName();
        assertThat(writes).as("the operator's writes: events and the Shoot's triggers").isNotEmpty()
                .allMatch(request -> request.path().contains("/events") || request.method().equals("PATCH") && request.path().endsWith(shootPath));
        assertThat(writes).filteredOn(request -> request.path().endsWith(shootPath)).as("one patch per trigger")
                .hasSize(triggers(Orchestration.ROLLOUT_REQUESTED) + triggers(Orchestration.RECONCILE_REQUESTED));
        assertThat(triggerChanges).as("what else the triggers changed on the Shoot").isEmpty();
        assertThat(world.shootRequests.since(shootMark)).as("requests to the shoot cluster").noneMatch(RequestLog.byOperator());
    }

    /** The triggers told by events of this reason (the same event repeated is counted on it). */
    private int triggers(String reason) {
        return world.events(reason).stream().mapToInt(event -> event.getCount() == null ? 1 : event.getCount()).sum();
    }

    /** The operator's clock moved into the Shoot's maintenance window (22:00-23:00 +01:00), today. */
    private static Clock insideTheShootsWindow() {
        Instant inside = LocalDate.now(ZoneOffset.UTC).atTime(21, 10).toInstant(ZoneOffset.UTC);
        return Clock.offset(Clock.systemUTC(), Duration.between(Instant.now(), inside));
    }

    private void watchTriggers() {
        watch = world.shoots().withName(world.landscape.shootName()).inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Shoot shoot) {
            }

            @Override
            public void onUpdate(Shoot old, Shoot shoot) {
                String before = MigrationHarness.annotationsOf(old).get(ExtensionKind.OPERATION_ANNOTATION);
                String after = MigrationHarness.annotationsOf(shoot).get(ExtensionKind.OPERATION_ANNOTATION);
                if (after != null && !after.equals(before)) {
                    for (String part : List.of("spec", "status")) {
                        Object was = part.equals("spec") ? old.getSpec() : old.getStatus();
                        Object is = part.equals("spec") ? shoot.getSpec() : shoot.getStatus();
                        if (!Serialization.asJson(was).equals(Serialization.asJson(is))) {
                            triggerChanges.add(part + " changed with " + after);
                        }
                    }
                    LastOperation last = shoot.getStatus().getLastOperation();
                    triggeredOn.add((last == null ? "none" : last.getState()) + ", generation "
                            + (Objects.equals(shoot.getStatus().getObservedGeneration(), shoot.getMetadata().getGeneration()) ? "observed" : "not observed"));
                }
            }

            @Override
            public void onDelete(Shoot shoot, boolean finalStateUnknown) {
            }
        });
    }
}
