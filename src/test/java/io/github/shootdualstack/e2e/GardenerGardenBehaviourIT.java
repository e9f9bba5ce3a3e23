package io.github.shootdualstack.e2e;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.github.shootdualstack.garden.ExtensionKind;
import io.github.shootdualstack.migration.Conditions;
import io.github.shootdualstack.migration.Migration;
import io.github.shootdualstack.operator.OperatorSettings;
import io.github.shootdualstack.operator.ShootOperator;
import io.github.shootdualstack.shoot.Shoot;
import io.github.shootdualstack.testing.AuditLog;
import io.github.shootdualstack.testing.GardenerGarden;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

import static io.github.shootdualstack.e2e.GardenShoots.about;
import static io.github.shootdualstack.e2e.GardenShoots.families;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * What the operator does, and does not do, to Shoots that gardener-apiserver serves (spec, section 7.2), told
 * by the garden's audit log: kube-apiserver logs every request, those it proxies to gardener-apiserver too. The
 * operator runs in process against Gardener's test garden, with a short re-check interval, and sees only the
 * Shoots a test puts in its selection; each test has Shoots of its own names and takes them out again.
 * Counts are asserted, never durations; an idle Shoot is watched for a fixed {@link #QUIET} window.
 */
class GardenerGardenBehaviourIT {

    static final Duration QUIET = Duration.ofSeconds(30);
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    /** Re-checks every 200 ms, back-off at most 1 s: a quiet window holds many of both. */
    private static final Migration.Settings FAST = new Migration.Settings(Duration.ofMillis(200), Duration.ofSeconds(1), 50);
    private static final List<String> V4_V6_NODES = List.of(io.github.shootdualstack.local.LocalNetworks.NODES_V4, "fd00:10:250::/64");

    private static GardenerGarden garden;
    private static GardenShoots shoots;
    private static ShootOperator operator;

    @BeforeAll
    static void operatorOnGardenersGarden() {
        garden = GardenerGarden.shared();
        System.out.println("GardenerGardenBehaviourIT on Gardener's gardener-apiserver of Gardener " + garden.gardenerVersion()
                + " (start-envtest), kube-apiserver /version " + garden.version() + ", audit log of " + garden.audit().size() + " requests so far");
        garden.installSeedCrds(); // the engine's watches of the extension resources need them served
        shoots = new GardenShoots(garden);
        OperatorSettings defaults = OperatorSettings.defaults().withMigration(FAST).withNamespaces(Set.of(GardenShoots.NAMESPACE));
        operator = new ShootOperator(garden.client().getConfiguration(), new OperatorSettings(defaults.namespaces(),
                GardenShoots.LABEL + "=true", defaults.migration(), false, defaults.leaderElection(), defaults.clock(), false,
                defaults.maxShootResponseBytes())).start();
    }

    @AfterAll
    static void stopOperator() {
        if (operator != null) {
            operator.close();
        }
    }

    @Test
    void theAuditLog_holdsTheRequestsKubeApiserverProxiesToGardenerApiserver() {
        int mark = garden.audit().size();
        shoots.create("gbeh-audit", shoot -> shoot, Map.of());

        List<AuditLog.Entry> entries = garden.audit().since(mark).matching(entry -> "core.gardener.cloud".equals(entry.apiGroup())
                && entry.resource().equals("shoots") && (entry.name().equals("gbeh-audit") || entry.verb().equals("create")));
        entries.forEach(entry -> System.out.println("  audit: " + entry));
        assertThat(entries).as("the Shoot's create, its edit and its status write, answered by gardener-apiserver")
                .anySatisfy(e -> assertThat(e.verb() + " " + e.code()).isEqualTo("create 201"))
                .anySatisfy(e -> assertThat(e.verb() + " " + e.subresource() + " " + e.code()).isEqualTo("patch  200"))
                .anySatisfy(e -> assertThat(e.verb() + " " + e.subresource() + " " + e.code()).isEqualTo("patch status 200"));
    }

    /**
     * (i) not migrating, its Network running {@code [IPv4]} as its spec asks; (ii) migrated, as the engine leaves
     * it: spec, Network and {@code status.networking} dual-stack, no constraint left; (iii) migrating, but waiting
     * for its maintenance window (spec updates confined to it, the window six hours away): the operator looks at it
     * on every event (its reads in the technical namespace show each look) and writes nothing, where it once wrote
     * a status patch that changed nothing on every look. Each is woken by a label change every few seconds.
     */
    @Test
    void idleShoots_getNoWriteByTheOperator_inThirtySeconds() throws Exception {
        String notMigrating = "gbeh-idle-v4";
        String migrated = "gbeh-idle-done";
        String waiting = "gbeh-idle-window";
        shoots.create(notMigrating, shoot -> shoot, Map.of());
        shoots.network(notMigrating, "IPv4");
        shoots.create(migrated, shoot -> families(shoot, "IPv4", "IPv6"), Map.of("networking", Map.of("nodes", V4_V6_NODES,
                "pods", List.of(io.github.shootdualstack.local.LocalNetworks.PODS_V4, "fd00:10:96::/56"),
                "services", List.of(io.github.shootdualstack.local.LocalNetworks.SERVICES_V4, "fd00:10:64::/112"))));
        shoots.network(migrated, "IPv4", "IPv6");
        shoots.create(waiting, GardenShoots.confinedToAWindowLater(Instant.now()), Map.of());
        List<String> all = List.of(notMigrating, migrated, waiting);
        try {
            int mark = garden.audit().size();
            all.forEach(name -> shoots.select(name, shoot -> shoot));
            shoots.shoot(waiting).edit(shoot -> families(shoot, "IPv4", "IPv6"));
            Shoot waitingBefore = shoots.shoot(waiting).require();

            for (int poke = 1; poke <= QUIET.toSeconds() / 3; poke++) {
                Thread.sleep(3_000);
                for (String name : all) {
                    shoots.poke(name, poke);
                }
            }
            Thread.sleep(3_000);

            for (String name : all) {
                List<AuditLog.Entry> writes = shoots.operatorRequests(mark, about(name).and(AuditLog.Entry::write));
                if (name.equals(waiting)) {
                    // the pause is said once, by an event (the last operation, which said it on a CRD garden, is gardenlet's)
                    assertThat(writes).as("the operator's writes to " + name + " or its objects: one event")
                            .singleElement().satisfies(write -> assertThat(write.verb() + " " + write.resource()).isEqualTo("create events"));
                } else {
                    assertThat(writes).as("the operator's writes to " + name + " or its objects").isEmpty();
                }
            }
            List<AuditLog.Entry> reads = shoots.operatorRequests(mark, about(waiting));
            // each look reads the Shoot's Network by name once; a wait for the window is re-checked when the window
            // begins (hours away), so the looks here are the wake-ups: one for each label change at least
            long looks = reads.stream().filter(read -> read.verb().equals("get") && read.resource().equals("networks")).count();
            System.out.println("  the operator looked at " + waiting + " " + looks + " times (" + reads.size() + " reads in its technical namespace)");
            assertThat(looks).as("the operator's looks at the waiting Shoot").isGreaterThanOrEqualTo(QUIET.toSeconds() / 3);
            assertThat(shoots.events(waiting)).as("events of the waiting Shoot: the pause, said once")
                    .extracting(io.fabric8.kubernetes.api.model.Event::getReason).containsExactly("DualStackMigrationPaused");
            Shoot waitingAfter = shoots.shoot(waiting).require();
            assertThat(waitingAfter.getStatus().getConstraints()).as("no constraint while it waits").isNullOrEmpty();
            assertThat(waitingAfter.getMetadata().getGeneration()).isEqualTo(waitingBefore.getMetadata().getGeneration());
        } finally {
            all.forEach(shoots::unselect);
        }
    }

    /**
     * The override of the window on gardener-apiserver, both ways: a user's {@code gardener.cloud/operation:
     * reconcile}, which the API server strips itself, raising the generation, once the Shoot has a last
     * operation; and the operator's own {@code shootdualstack.io/operation: migrate-now}, which it removes.
     */
    @Test
    void aShootWaitingForItsWindow_startsOnReconcile_strippedByGardenerApiserver_orOnMigrateNow_removedByTheOperator() {
        String byReconcile = "gbeh-win-rec";
        String byRequest = "gbeh-win-now";
        List<String> both = List.of(byReconcile, byRequest);
        for (String name : both) {
            shoots.create(name, GardenShoots.confinedToAWindowLater(Instant.now()), Map.of());
        }
        try {
            for (String name : both) {
                int mark = garden.audit().size();
                shoots.select(name, shoot -> families(shoot, "IPv4", "IPv6"));
                awaitShoot(name + " looked at by the operator", () -> !shoots.operatorRequests(mark, about(name)).isEmpty());
            }
            Shoot before = shoots.shoot(byReconcile).require();
            assertThat(shoots.events(byReconcile, "DualStackMigrationStarted")).as("waiting for the window").isEmpty();

            Shoot annotated = shoots.shoot(byReconcile).edit(shoot -> {
                shoot.getMetadata().getAnnotations().put(ExtensionKind.OPERATION_ANNOTATION, "reconcile");
                return shoot;
            });
            assertThat(annotated.getMetadata().getAnnotations()).as("stripped by gardener-apiserver").doesNotContainKey(ExtensionKind.OPERATION_ANNOTATION);
            assertThat(annotated.getMetadata().getGeneration()).as("the generation raised instead").isEqualTo(before.getMetadata().getGeneration() + 1);
            awaitShoot(byReconcile + "'s migration started", () -> !shoots.events(byReconcile, "DualStackMigrationStarted").isEmpty());

            assertThat(shoots.events(byRequest, "DualStackMigrationStarted")).as("waiting for the window").isEmpty();
            shoots.shoot(byRequest).edit(shoot -> {
                shoot.getMetadata().getAnnotations().put(Migration.REQUEST_ANNOTATION, Migration.REQUEST_MIGRATE_NOW);
                return shoot;
            });
            awaitShoot(byRequest + "'s migration started", () -> !shoots.events(byRequest, "DualStackMigrationStarted").isEmpty());
            awaitShoot("the request removed", () -> !shoots.shoot(byRequest).require().getMetadata().getAnnotations()
                    .containsKey(Migration.REQUEST_ANNOTATION));
            for (String name : both) {
                assertThat(shoots.events(name, "DualStackMigrationStarted")).as(name + ": started once").hasSize(1);
            }
        } finally {
            both.forEach(shoots::unselect);
        }
    }

    /**
     * gardenlet v1.110.0 does not migrate, and the engine leaves a Shoot a gardenlet reconciles alone: its spec
     * edited to {@code [IPv4, IPv6]} gets exactly one event saying so, and nothing else. gardenlet v1.138.0
     * migrates by itself, the operator only asking for its reconciles once the last one has finished: a Shoot
     * it is migrating (its nodes constraint Progressing) whose reconcile has not finished (no last operation,
     * the generation not observed) is not even read, by name, by the operator: no get of it or its extension
     * resources, no admin kubeconfig, no trigger, no write.
     */
    @Test
    void shootsOfAGardenlet_anOldOneGetsOneEvent_aMigratingOneIsNotTriggeredBeforeItsReconcileFinished() throws Exception {
        String old = "gbeh-gl-old";
        String migrating = "gbeh-gl-new";
        shoots.create(old, shoot -> shoot, GardenShoots.gardenlet("v1.110.0"));
        shoots.create(migrating, shoot -> shoot, Map.of("gardener", GardenShoots.gardenlet("v1.138.0").get("gardener"),
                "constraints", List.of(Map.of("type", Conditions.NODES_TYPE, "status", "Progressing", "reason", "NodesNotMigrated",
                        "message", "Migrating node pod CIDRs to match target network stack.",
                        "lastTransitionTime", "2026-01-01T00:00:00Z", "lastUpdateTime", "2026-01-01T00:00:00Z"))));
        try {
            int mark = garden.audit().size();
            shoots.select(migrating, shoot -> families(shoot, "IPv4", "IPv6"));
            shoots.select(old, shoot -> shoot);
            Shoot oldBefore = shoots.shoot(old).edit(shoot -> families(shoot, "IPv4", "IPv6"));
            awaitShoot("the event on " + old, () -> !shoots.events(old, "DualStackMigrationNotRun").isEmpty());
            for (int poke = 1; poke <= 5; poke++) {
                Thread.sleep(QUIET.toMillis() / 5);
                shoots.poke(old, poke);
                shoots.poke(migrating, poke);
            }

            List<Event> events = shoots.events(old);
            events.forEach(event -> System.out.println("  event: " + event.getType() + " " + event.getReason() + ": " + event.getMessage()));
            assertThat(events).singleElement().satisfies(event -> {
                assertThat(event.getType()).isEqualTo("Warning");
                assertThat(event.getReason()).isEqualTo("DualStackMigrationNotRun");
                assertThat(event.getMessage()).contains("gardenlet v1.110.0");
                assertThat(event.getCount()).isEqualTo(1);
            });
            assertThat(shoots.operatorRequests(mark, about(old).and(AuditLog.Entry::write))).as("the operator's writes for " + old)
                    .singleElement().satisfies(write -> assertThat(write.verb() + " " + write.resource()).isEqualTo("create events"));
            assertThat(shoots.shoot(old).require().getStatus()).as("its status as gardenlet left it")
                    .usingRecursiveComparison().isEqualTo(oldBefore.getStatus());
            assertThat(shoots.operatorRequests(mark, about(migrating))).as("the operator's requests for " + migrating).isEmpty();
            assertThat(shoots.events(migrating)).isEmpty();
        } finally {
            shoots.unselect(old);
            shoots.unselect(migrating);
        }
    }

    /**
     * {@code [IPv4, IPv6]} → {@code [IPv4]}. gardener-apiserver v1.138.0 accepts that change of the families
     * (validateIPFamiliesUpdate), but for a Shoot with workers it has defaulted
     * {@code kubeControllerManager.nodeCIDRMaskSizeIPv6: 64} with the dual-stack families, and then refuses both
     * ways back: with the field kept ("cannot be set for IPv4 single-stack clusters") and with it removed in the
     * same edit ("field is immutable"). A workerless Shoot has no such field, and the change goes through: the
     * operator says once that it does not migrate that way, and leaves the Shoot alone (no status write, so
     * gardenlet's last operation stays as it was, and no other write however often it is woken).
     */
    @Test
    void theReverseChange_refusedByGardenerApiserverWithWorkers_reportedOnceAndLeftAloneWithout() throws Exception {
        String withWorkers = "gbeh-rev-w";
        shoots.create(withWorkers, shoot -> families(shoot, "IPv4", "IPv6"), Map.of());
        assertThat((Object) garden.client().genericKubernetesResources(Shoot.GROUP + "/" + Shoot.VERSION, "Shoot")
                .inNamespace(GardenShoots.NAMESPACE).withName(withWorkers).require()
                .get("spec", "kubernetes", "kubeControllerManager", "nodeCIDRMaskSizeIPv6")).as("defaulted by gardener-apiserver").isEqualTo(64);
        assertThatThrownBy(() -> shoots.shoot(withWorkers).edit(shoot -> families(shoot, "IPv4")))
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(422))
                .hasMessageContaining("nodeCIDRMaskSizeIPv6 cannot be set for IPv4 single-stack clusters");
        assertThatThrownBy(() -> garden.client().genericKubernetesResources(Shoot.GROUP + "/" + Shoot.VERSION, "Shoot")
                .inNamespace(GardenShoots.NAMESPACE).withName(withWorkers).patch(io.fabric8.kubernetes.client.dsl.base.PatchContext.of(
                        io.fabric8.kubernetes.client.dsl.base.PatchType.JSON), """
                        [{"op": "replace", "path": "/spec/networking/ipFamilies", "value": ["IPv4"]},
                         {"op": "remove", "path": "/spec/kubernetes/kubeControllerManager/nodeCIDRMaskSizeIPv6"}]"""))
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(422))
                .hasMessageContaining("field is immutable");

        String workerless = "gbeh-rev-wl";
        shoots.createWorkerless(workerless, "IPv4", "IPv6");
        shoots.writeStatus(workerless, Map.of("technicalID", GardenShoots.technicalNamespace(workerless),
                "networking", Map.of("nodes", V4_V6_NODES),
                "lastOperation", Map.of("type", "Create", "state", "Succeeded", "progress", 100,
                        "description", "Shoot cluster has been successfully reconciled.", "lastUpdateTime", "2026-01-01T00:00:00Z")));
        try {
            shoots.select(workerless, shoot -> shoot);
            // what the operator says of any dual-stack Shoot without overlay.enabled: false (spec, section 3), which a
            // workerless Shoot cannot have (gardener-apiserver forbids a networking providerConfig without workers)
            awaitShoot("the operator's look at " + workerless, () -> !shoots.events(workerless, "InvalidIPFamilies").isEmpty());
            Shoot before = shoots.shoot(workerless).require();
            List<String> earlier = shoots.events(workerless).stream().map(event -> event.getMetadata().getName()).toList();
            int mark = garden.audit().size();

            shoots.shoot(workerless).edit(shoot -> families(shoot, "IPv4"));
            awaitShoot("the event on " + workerless, () -> !shoots.events(workerless, "UnsupportedIPFamilyUpdate").isEmpty());
            for (int poke = 1; poke <= 5; poke++) {
                Thread.sleep(QUIET.toMillis() / 5);
                shoots.poke(workerless, poke);
            }

            shoots.events(workerless).forEach(event -> System.out.println("  event: " + event.getType() + " " + event.getReason()
                    + " (count " + event.getCount() + "): " + event.getMessage()));
            List<Event> events = shoots.events(workerless).stream().filter(event -> !earlier.contains(event.getMetadata().getName())).toList();
            assertThat(events).as("the events since the edit").singleElement().satisfies(event -> {
                assertThat(event.getType()).isEqualTo("Warning");
                assertThat(event.getReason()).isEqualTo("UnsupportedIPFamilyUpdate");
                assertThat(event.getMessage()).contains("oldIPFamilies=[IPv4, IPv6], newIPFamilies=[IPv4]");
                assertThat(event.getCount()).isEqualTo(1);
            });
            assertThat(shoots.operatorRequests(mark, about(workerless).and(AuditLog.Entry::write))).as("the operator's writes since the edit")
                    .singleElement().satisfies(write -> assertThat(write.verb() + " " + write.resource()).isEqualTo("create events"));
            Shoot after = shoots.shoot(workerless).require();
            assertThat(after.getSpec().getNetworking().getIpFamilies()).containsExactly("IPv4");
            assertThat(after.getStatus().getLastOperation()).as("status.lastOperation, gardenlet's")
                    .usingRecursiveComparison().isEqualTo(before.getStatus().getLastOperation());
            assertThat(after.getStatus()).as("the whole status").usingRecursiveComparison().isEqualTo(before.getStatus());
        } finally {
            shoots.unselect(workerless);
        }
    }

    static void awaitShoot(String what, Callable<Boolean> condition) {
        await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(200)).alias(what).until(condition);
    }

}
