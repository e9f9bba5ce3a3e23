package io.github.shootdualstack.garden;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.github.shootdualstack.migration.Conditions;
import io.github.shootdualstack.migration.Migration;
import io.github.shootdualstack.migration.Orchestration;
import io.github.shootdualstack.shoot.Condition;
import io.github.shootdualstack.shoot.Hibernation;
import io.github.shootdualstack.shoot.Shoot;
import io.github.shootdualstack.testing.Resources;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static io.github.shootdualstack.garden.CachedObjectsTest.JSON;
import static io.github.shootdualstack.garden.CachedObjectsTest.MANIFEST;
import static io.github.shootdualstack.garden.CachedObjectsTest.asServedByARealApiServer;
import static io.github.shootdualstack.garden.CachedObjectsTest.fieldNames;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Beside gardenlet alone the cache keeps of a Shoot only what the orchestration of gardenlet's migration
 * reads: a production Shoot that a gardenlet v1.138.0 reconciled, as a real API server serves it, cached
 * with exactly those fields, and deciding as the full one in every phase of a migration.
 */
class CachedShootBesideGardenletTest {

    /** A wave selected by a label of the production Shoot's. */
    private static final io.github.shootdualstack.migration.LabelSelector WAVE =
            io.github.shootdualstack.migration.LabelSelector.parse("provider.shoot.gardener.cloud/aws=true");
    private static final java.util.Set<String> WAVE_LABELS = WAVE.keys();
    private static final Orchestration.Settings SETTINGS = new Orchestration.Settings(Duration.ofSeconds(30), Duration.ofMinutes(5),
            false, WAVE);
    /** The production Shoot's window is 22:00-23:00 +01:00. */
    private static final Instant IN_WINDOW = Instant.parse("2025-06-04T21:30:00Z");
    private static final Instant OUT_OF_WINDOW = Instant.parse("2025-06-04T12:00:00Z");

    @Test
    void keepsExactlyWhatOrchestrationReads() {
        Shoot full = reconciledByGardenlet();
        Map<String, String> annotations = full.getMetadata().getAnnotations();
        annotations.put(ExtensionKind.OPERATION_ANNOTATION, "rollout-workers=system,compute");
        annotations.put(Migration.REQUEST_ANNOTATION, Migration.REQUEST_MIGRATE_NOW);
        annotations.put("shootdualstack.io/pause", "true");
        full.getStatus().setConstraints(List.of(condition(Conditions.NODES_TYPE, Condition.PROGRESSING)));
        full.getStatus().setAdditionalProperty("manualWorkerPoolRollout", Map.of("pendingWorkersRollouts",
                List.of(Map.of("name", "system", "lastInitiationTime", "2025-06-04T21:31:00Z"))));

        JsonNode kept = JSON.valueToTree(CachedObjects.shootBesideGardenlet(full, WAVE_LABELS));

        assertThat(fieldNames(kept.at("/metadata"))).containsExactlyInAnyOrder("name", "namespace", "uid", "resourceVersion",
                "generation", "annotations", "labels");
        assertThat(fieldNames(kept.at("/metadata/annotations"))).containsExactlyInAnyOrder(ExtensionKind.OPERATION_ANNOTATION,
                Migration.REQUEST_ANNOTATION, "shootdualstack.io/pause");
        assertThat(JSON.convertValue(kept.at("/metadata/labels"), Map.class)).as("the labels the wave's selector reads")
                .isEqualTo(Map.of("provider.shoot.gardener.cloud/aws", "true"));
        assertThat(fieldNames(kept.at("/spec"))).containsExactlyInAnyOrder("networking", "maintenance", "hibernation", "provider", "seedName");
        assertThat(fieldNames(kept.at("/spec/networking"))).as("whether the migration has ended").containsExactly("ipFamilies");
        assertThat(fieldNames(kept.at("/spec/maintenance"))).containsExactlyInAnyOrder("timeWindow", "confineSpecUpdateRollout");
        assertThat(fieldNames(kept.at("/spec/provider/workers/1"))).containsExactly("name");
        assertThat(kept.at("/spec/seedName").asText()).isEqualTo("aws-eu1");
        assertThat(fieldNames(kept.at("/status"))).containsExactlyInAnyOrder("constraints", "lastOperation", "observedGeneration",
                "manualWorkerPoolRollout", "gardener");
        assertThat(fieldNames(kept.at("/status/lastOperation"))).containsExactlyInAnyOrder("type", "state");
        assertThat(fieldNames(kept.at("/status/gardener"))).containsExactly("version");
        assertThat(kept.at("/status/manualWorkerPoolRollout/pendingWorkersRollouts").size()).isEqualTo(1);

        int fullBytes = Serialization.asJson(full).length();
        int cachedBytes = Serialization.asJson(CachedObjects.shootBesideGardenlet(full, WAVE_LABELS)).length();
        assertThat(cachedBytes).as("cached bytes of %d", fullBytes).isLessThan(fullBytes / 10);
    }

    @Test
    void readBesideGardenlet_cachesAsTheFullShoot_andIsParsedWithoutWhatItSkips() throws Exception {
        Shoot full = reconciledByGardenlet();
        full.getStatus().setConstraints(List.of(condition(Conditions.NODES_TYPE, Condition.PROGRESSING)));
        full.getStatus().setAdditionalProperty("manualWorkerPoolRollout", Map.of("pendingWorkersRollouts", List.of(Map.of("name", "system"))));
        String served = Serialization.asJson(full);

        Shoot read = GardenSerialization.besideGardenlet().unmarshal(served, Shoot.class);

        assertThat(Serialization.asJson(CachedObjects.shootBesideGardenlet(read, WAVE_LABELS)))
                .isEqualTo(Serialization.asJson(CachedObjects.shootBesideGardenlet(full, WAVE_LABELS)));
        JsonNode parsed = JSON.valueToTree(read);
        assertThat(fieldNames(parsed.at("/spec"))).containsExactlyInAnyOrder("networking", "maintenance", "hibernation", "provider", "seedName");
        assertThat(fieldNames(parsed.at("/spec/networking"))).containsExactly("ipFamilies");
        assertThat(fieldNames(parsed.at("/spec/provider/workers/0"))).containsExactly("name");
        assertThat(fieldNames(parsed.at("/status"))).containsExactlyInAnyOrder("constraints", "lastOperation", "observedGeneration",
                "manualWorkerPoolRollout", "gardener", "seedName");
        assertThat(parsed.at("/metadata/labels")).isEqualTo(JSON.valueToTree(full).at("/metadata/labels"));
    }

    @Test
    void idleShoot_keepsNoConstraintAndNoRollout() {
        JsonNode kept = JSON.valueToTree(CachedObjects.shootBesideGardenlet(reconciledByGardenlet(), WAVE_LABELS));

        assertThat(fieldNames(kept.at("/status"))).as("gardenlet's constraints are none of the migration's")
                .containsExactlyInAnyOrder("lastOperation", "observedGeneration", "gardener");
        assertThat(fieldNames(kept.at("/metadata/annotations"))).isEmpty();
    }

    @Test
    void decidesAsTheFullOne_inEveryPhase() {
        Map<String, Consumer<Shoot>> cases = new LinkedHashMap<>();
        cases.put("idle", shoot -> { });
        cases.put("nodes Progressing", shoot -> constraints(shoot, Condition.PROGRESSING, null));
        cases.put("asked to migrate now", shoot -> {
            constraints(shoot, Condition.PROGRESSING, null);
            shoot.getMetadata().getAnnotations().put(Migration.REQUEST_ANNOTATION, Migration.REQUEST_MIGRATE_NOW);
        });
        cases.put("gardenlet reconciling", shoot -> {
            constraints(shoot, Condition.PROGRESSING, null);
            shoot.getStatus().getLastOperation().setState("Processing");
        });
        cases.put("generation not observed", shoot -> {
            constraints(shoot, Condition.TRUE, null);
            shoot.getMetadata().setGeneration(shoot.getMetadata().getGeneration() + 1);
        });
        cases.put("worker rollout pending", shoot -> {
            constraints(shoot, Condition.TRUE, null);
            shoot.getStatus().setAdditionalProperty("manualWorkerPoolRollout",
                    Map.of("pendingWorkersRollouts", List.of(Map.of("name", "compute"))));
        });
        cases.put("trigger pending beside another operation", shoot -> {
            constraints(shoot, Condition.TRUE, Condition.PROGRESSING);
            shoot.getMetadata().getAnnotations().put(ExtensionKind.OPERATION_ANNOTATION, "rotate-ssh-keypair;reconcile");
        });
        cases.put("another operation", shoot -> {
            constraints(shoot, Condition.TRUE, Condition.PROGRESSING);
            shoot.getMetadata().getAnnotations().put(ExtensionKind.OPERATION_ANNOTATION, "rotate-ssh-keypair");
        });
        cases.put("paused", shoot -> {
            constraints(shoot, Condition.TRUE, null);
            shoot.getMetadata().getAnnotations().put(Orchestration.PAUSE_ANNOTATION, "true");
        });
        cases.put("outside the wave, asked", shoot -> {
            constraints(shoot, Condition.PROGRESSING, null);
            shoot.getMetadata().getLabels().remove("provider.shoot.gardener.cloud/aws");
            shoot.getMetadata().getAnnotations().put(Migration.REQUEST_ANNOTATION, Migration.REQUEST_MIGRATE_NOW);
        });
        cases.put("ended, the request still there", shoot -> {
            shoot.getSpec().getNetworking().setIpFamilies(List.of("IPv4", "IPv6"));
            shoot.getMetadata().getAnnotations().put(Migration.REQUEST_ANNOTATION, Migration.REQUEST_MIGRATE_NOW);
        });
        cases.put("hibernated", shoot -> {
            constraints(shoot, Condition.PROGRESSING, null);
            Hibernation hibernation = new Hibernation();
            hibernation.setEnabled(true);
            shoot.getSpec().setHibernation(hibernation);
        });
        List<Orchestration.Memory> memories = List.of(Orchestration.Memory.NONE,
                new Orchestration.Memory(IN_WINDOW.minusSeconds(60), IN_WINDOW.minusSeconds(600), true,
                        Condition.PROGRESSING + "/" + Conditions.NODES_NOT_MIGRATED + " -"),
                new Orchestration.Memory(IN_WINDOW.minusSeconds(5), IN_WINDOW.minusSeconds(5), true,
                        Condition.TRUE + "/" + Conditions.NODES_NOT_MIGRATED + " -"));
        int triggers = 0;
        for (var each : cases.entrySet()) {
            Shoot full = reconciledByGardenlet();
            each.getValue().accept(full);
            Shoot cached = CachedObjects.shootBesideGardenlet(full, WAVE_LABELS);
            for (Instant now : List.of(IN_WINDOW, OUT_OF_WINDOW)) {
                for (Orchestration.Memory memory : memories) {
                    Orchestration.Decision fromFull = Orchestration.decide(new Orchestration.Input(full, now, SETTINGS, memory));
                    Orchestration.Decision fromCached = Orchestration.decide(new Orchestration.Input(cached, now, SETTINGS, memory));
                    assertThat(fromCached).as("%s at %s after %s", each.getKey(), now, memory).isEqualTo(fromFull);
                    triggers += fromFull.operation() == null ? 0 : 1;
                }
            }
        }
        // a finished reconcile is followed at once when the constraints moved since the last trigger (a new phase), in the
        // window or on request for the roll; the rest wait (busy, paused, hibernated, outside the wave, the back-off of
        // constraints that did not move) or are idle
        assertThat(triggers).as("decisions that trigger gardenlet, among the 72 compared").isEqualTo(17);
    }

    /** The production Shoot as a gardenlet v1.138.0 left it after a successful reconcile, as served. */
    private static Shoot reconciledByGardenlet() {
        Shoot shoot = asServedByARealApiServer(Resources.text(MANIFEST));
        shoot.getStatus().getGardener().setVersion("v1.138.0");
        return shoot;
    }

    private static void constraints(Shoot shoot, String nodes, String dns) {
        List<Condition> constraints = new ArrayList<>(shoot.getStatus().getConstraints());
        constraints.add(condition(Conditions.NODES_TYPE, nodes));
        if (dns != null) {
            constraints.add(condition(Conditions.DNS_TYPE, dns));
        }
        shoot.getStatus().setConstraints(constraints);
    }

    private static Condition condition(String type, String status) {
        Condition condition = new Condition();
        condition.setType(type);
        condition.setStatus(status);
        condition.setReason(type.equals(Conditions.NODES_TYPE) ? Conditions.NODES_NOT_MIGRATED : Conditions.DNS_REASON);
        condition.setLastTransitionTime("2025-06-04T20:00:00Z");
        return condition;
    }
}
