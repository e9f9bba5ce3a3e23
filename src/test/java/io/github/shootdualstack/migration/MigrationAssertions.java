package io.github.shootdualstack.migration;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.github.shootdualstack.migration.Decision.Event;
import io.github.shootdualstack.shoot.Condition;
import io.github.shootdualstack.shoot.LastOperation;
import io.github.shootdualstack.shoot.Shoot;
import org.assertj.core.api.AbstractAssert;
import org.assertj.core.api.Assertions;

import java.time.Duration;

/** AssertJ entry point with assertions in the migration's own words. */
class MigrationAssertions extends Assertions {

    static DecisionAssert assertThat(Decision decision) {
        return new DecisionAssert(decision);
    }

    static final class DecisionAssert extends AbstractAssert<DecisionAssert, Decision> {

        DecisionAssert(Decision decision) {
            super(decision, DecisionAssert.class);
        }

        DecisionAssert isAt(Step step) {
            isNotNull();
            Assertions.assertThat(actual.step()).as("step").isEqualTo(step);
            return this;
        }

        DecisionAssert hasActions(Action... actions) {
            Assertions.assertThat(actual.actions()).as("actions").containsExactly(actions);
            return this;
        }

        DecisionAssert hasNoActions() {
            Assertions.assertThat(actual.actions()).as("actions").isEmpty();
            return this;
        }

        DecisionAssert hasEvents(Event... events) {
            Assertions.assertThat(actual.events()).as("events").containsExactly(events);
            return this;
        }

        DecisionAssert hasNoEvents() {
            Assertions.assertThat(actual.events()).as("events").isEmpty();
            return this;
        }

        DecisionAssert hasConstraint(String type, String status, String reason) {
            Condition constraint = constraint(type);
            Assertions.assertThat(constraint).as("constraint %s", type).isNotNull();
            Assertions.assertThat(constraint.getStatus() + "/" + constraint.getReason()).as("constraint %s status/reason", type)
                    .isEqualTo(status + "/" + reason);
            return this;
        }

        DecisionAssert hasConstraint(String type, String status, String reason, String message) {
            hasConstraint(type, status, reason);
            Assertions.assertThat(constraint(type).getMessage()).as("constraint %s message", type).isEqualTo(message);
            return this;
        }

        DecisionAssert hasNoConstraint(String type) {
            Assertions.assertThat(constraint(type)).as("constraint %s", type).isNull();
            return this;
        }

        /** {@code status.lastOperation} is a Reconcile in this state, at this progress, with this description. */
        DecisionAssert hasLastOperation(String state, int progress, String description) {
            LastOperation last = actual.status().getLastOperation();
            Assertions.assertThat(last).as("lastOperation").isNotNull();
            Assertions.assertThat(last.getType() + " " + last.getState() + " " + last.getProgress() + "% " + last.getDescription())
                    .as("lastOperation").isEqualTo("Reconcile " + state + " " + progress + "% " + description);
            return this;
        }

        DecisionAssert isProcessing(int progress, String description) {
            return hasLastOperation(LastOperation.STATE_PROCESSING, progress, description);
        }

        DecisionAssert isBlocked(int progress, String description) {
            return hasLastOperation(LastOperation.STATE_ERROR, progress, description);
        }

        DecisionAssert rechecksAfter(Duration recheck) {
            Assertions.assertThat(actual.recheck()).as("recheck").isEqualTo(recheck);
            return this;
        }

        /** The decision's status is exactly the Shoot's current status: nothing to write. */
        DecisionAssert leavesStatusOf(Shoot shoot) {
            Assertions.assertThat(Serialization.asJson(actual.status())).as("status")
                    .isEqualTo(Serialization.asJson(shoot.getStatus()));
            return this;
        }

        /** Nothing to do at all: same status, no action, no event. */
        DecisionAssert changesNothingOn(Shoot shoot) {
            return leavesStatusOf(shoot).hasNoActions().hasNoEvents();
        }

        private Condition constraint(String type) {
            isNotNull();
            return Conditions.find(actual.status().getConstraints(), type);
        }
    }
}
