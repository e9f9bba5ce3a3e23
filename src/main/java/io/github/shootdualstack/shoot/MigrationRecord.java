package io.github.shootdualstack.shoot;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code status.dualStackMigration}: the kept record of a migration, a report for people that the
 * operator never reads back to decide. It outlives the constraints.
 */
public class MigrationRecord extends OpenObject {

    private List<String> fromIPFamilies;
    private List<String> toIPFamilies;
    private String startedAt;
    private String completedAt;
    /** The step the migration is at; {@code Completed} at the end. */
    private String step;
    private String windowLiftedAt;
    private Integer singleAddressPods;
    private List<String> singleStackServices;
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
    /** When {@code gardener.cloud/operation: reconcile} let the migration run outside the maintenance window. */
    public String getWindowLiftedAt() { return windowLiftedAt; }
    public void setWindowLiftedAt(String windowLiftedAt) { this.windowLiftedAt = windowLiftedAt; }
    /** At completion: pods of the shoot that still have one address. */
    public Integer getSingleAddressPods() { return singleAddressPods; }
    public void setSingleAddressPods(Integer singleAddressPods) { this.singleAddressPods = singleAddressPods; }
    /** At completion: Services of the shoot that are still single-stack. */
    public List<String> getSingleStackServices() { return singleStackServices; }
    public void setSingleStackServices(List<String> singleStackServices) { this.singleStackServices = singleStackServices; }
    public List<StepRecord> getSteps() { return steps; }
    public void setSteps(List<StepRecord> steps) { this.steps = steps; }

    /** One step of the record: when it started and when it finished. */
    public static class StepRecord extends OpenObject {
        private String name;
        private String startedAt;
        private String completedAt;
        private String triggeredAt;

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
        /** When the operator last triggered the step's extensions. */
        public String getTriggeredAt() { return triggeredAt; }
        public void setTriggeredAt(String triggeredAt) { this.triggeredAt = triggeredAt; }
    }
}
