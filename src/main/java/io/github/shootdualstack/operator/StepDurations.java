package io.github.shootdualstack.operator;

import io.github.shootdualstack.shoot.MigrationRecord;
import io.github.shootdualstack.shoot.MigrationRecord.StepRecord;
import io.github.shootdualstack.shoot.ShootStatus;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** The steps a status write completes, with how long each took, for the step-duration metric. */
final class StepDurations {

    private StepDurations() {
    }

    static Map<String, Duration> completedSteps(ShootStatus before, ShootStatus after) {
        Map<String, Duration> completed = new LinkedHashMap<>();
        MigrationRecord next = after == null ? null : after.getDualStackMigration();
        if (next == null) {
            return completed;
        }
        MigrationRecord previous = before == null ? null : before.getDualStackMigration();
        for (StepRecord step : next.getSteps()) {
            if (step.getCompletedAt() != null && step.getStartedAt() != null && !wasCompleted(previous, step.getName())) {
                completed.put(step.getName(), Duration.between(Instant.parse(step.getStartedAt()), Instant.parse(step.getCompletedAt())));
            }
        }
        return completed;
    }

    private static boolean wasCompleted(MigrationRecord record, String name) {
        return record != null && record.getSteps().stream()
                .anyMatch(step -> name.equals(step.getName()) && step.getCompletedAt() != null);
    }
}
