package io.github.shootdualstack.e2e;

import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.github.shootdualstack.garden.ExtensionKind;
import io.github.shootdualstack.shoot.Condition;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A status write refused for a conflict (another controller wrote the Shoot between the operator's
 * read and its patch) is made again on the Shoot as the API server has it, not on the operator's
 * trimmed cache, which keeps only its own constraints: patched by the cache's indexes, the other
 * controller's constraint, first in the list, would be overwritten (it was: its message became the
 * operator's node count).
 */
class ConflictingStatusWriteTest {

    private static final String OTHER = "HibernationPossible";

    @Test
    void aStatusWriteRefusedForAConflict_isMadeAgainOnTheLatestShoot_andTheOtherControllersConstraintIsKept() {
        try (MigrationHarness world = MigrationHarness.twoPools()) {
            otherControllerReports(world, "before the migration");
            world.startOperator();
            world.requestDualStack();
            world.awaitStep("Nodes");
            assertThat(types(world)).as("the other controller's constraint comes first").first().isEqualTo(OTHER);

            // the operator's next status write is refused, as when another controller wrote meanwhile; then one does
            // (of its own metadata), and the operator makes the write again
            String status = "/apis/core.gardener.cloud/v1beta1/namespaces/" + world.landscape.projectNamespace() + "/shoots/"
                    + world.landscape.shootName() + "/status";
            world.garden.server().expect().patch().withPath(status).andReturn(409, new StatusBuilder().withStatus("Failure")
                    .withCode(409).withReason("Conflict").withMessage("the object has been modified").build()).once();
            int mark = world.gardenRequests.mark();
            world.annotate(ExtensionKind.OPERATION_ANNOTATION, "rollout-workers=*");
            await().atMost(MigrationHarness.TIMEOUT).until(() -> world.gardenRequests.since(mark).stream()
                    .anyMatch(request -> request.method().equals("PATCH") && request.path().equals(status)));
            world.shoots().withName(world.landscape.shootName()).patch(PatchContext.of(PatchType.JSON_MERGE),
                    "{\"metadata\":{\"annotations\":{\"example.com/touched-by\":\"another-controller\"}}}");

            world.awaitCompleted();
            Condition other = world.shoot().getStatus().getConstraints().stream()
                    .filter(c -> c.getType().equals(OTHER)).findFirst().orElseThrow();
            assertThat(other.getStatus()).isEqualTo("True");
            assertThat(other.getReason()).isEqualTo("Reported");
            assertThat(other.getMessage()).isEqualTo("before the migration");
            assertThat(types(world)).as("the operator's constraints removed at completion, the other's kept").containsExactly(OTHER);
            assertThat(world.constraintStates()).containsExactlyElementsOf(MigrationHarness.CONSTRAINTS_OF_A_MIGRATION);
        }
    }

    private static List<String> types(MigrationHarness world) {
        return world.shoot().getStatus().getConstraints().stream().map(Condition::getType).toList();
    }

    /** The other controller puts its own constraint first in the Shoot's list (before the operator runs: nothing races it). */
    private static void otherControllerReports(MigrationHarness world, String message) {
        var shoot = world.shoots().withName(world.landscape.shootName());
        var constraints = shoot.get().getStatus() == null ? null : shoot.get().getStatus().getConstraints();
        Condition mine = new Condition();
        mine.setType(OTHER);
        mine.setStatus("True");
        mine.setReason("Reported");
        mine.setMessage(message);
        mine.setLastTransitionTime("2024-05-06T10:00:00Z");
        mine.setLastUpdateTime("2024-05-06T10:00:00Z");
        String patch = constraints == null || constraints.isEmpty()
                ? "[{\"op\":\"add\",\"path\":\"/status/constraints\",\"value\":[" + Serialization.asJson(mine) + "]}]"
                : "[{\"op\":\"add\",\"path\":\"/status/constraints/0\",\"value\":" + Serialization.asJson(mine) + "}]";
        shoot.subresource("status").patch(PatchContext.of(PatchType.JSON), patch);
    }
}
