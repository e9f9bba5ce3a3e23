package io.github.shootdualstack.shoot;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code status.dualStackMigration}: the kept record of a migration. It outlives the constraints,
 * and its {@code startedAt} is what makes the CoreDNS restart of a migration happen once only.
 */
public class MigrationRecord extends OpenObject {

    private List<String> fromIPFamilies;
    private List<String> toIPFamilies;
    private String startedAt;
    private String completedAt;
    /** The step the migration is at; {@code Completed} at the end. */
    private String step;
    private List<StepRecord> steps = new ArrayList<>();

    public List<String> getFromIPFamilies() { return fromIPFamilies; }
    public void setFromIPFamilies(List<String> fromIPFamilies) { this.fromIPFamilies = fromIPFamilies; }
    public List<String> getToIPFamilies() { return toIPFamilies; }
    public void setToIPFamilies(List<String> toIPFamilies) { this.toIPFamilies = toIPFamilies; }
    public String getStartedAt() { return startedAt; }
    public void setStartedAt(String startedAt) { this.startedAt = startedAt; }
    public String getCompletedAt() { return completedAt; }
    public void setCompletedAt(String completedAt) { this.completedAt = completedAt; }
    public String getStep() { return step; }
    public void setStep(String step) { this.step = step; }
    public List<StepRecord> getSteps() { return steps; }
    public void setSteps(List<StepRecord> steps) { this.steps = steps; }

    /** One step of the record: when it started and when it finished. */
    public static class StepRecord extends OpenObject {
        private String name;
        private String startedAt;
        private String completedAt;

        public StepRecord() {
        }

        public StepRecord(String name, String startedAt) {
            this.name = name;
            this.startedAt = startedAt;
        }

        public String getName() { return name; }
        public void setName(String name) { this.name = name; }
        public String getStartedAt() { return startedAt; }
        public void setStartedAt(String startedAt) { this.startedAt = startedAt; }
        public String getCompletedAt() { return completedAt; }
        public void setCompletedAt(String completedAt) { this.completedAt = completedAt; }
    }
}
