package io.github.shootdualstack.shoot;

import io.fabric8.crdv2.generator.v1.SchemaCustomizer;

import java.util.List;

/**
 * {@code status}. The operator owns {@code constraints} of its two types, {@code lastOperation},
 * {@code networking} and {@code dualStackMigration}; on a garden whose Shoots gardener-apiserver serves,
 * only the constraints and {@code networking} (its typed API has no record, and gardenlet owns the last
 * operation). Everything else is somebody else's and kept; {@code gardener} is read.
 */
@SchemaCustomizer(value = ConditionListsByType.class, input = "constraints, conditions")
public class ShootStatus extends OpenObject {

    private List<Condition> constraints;
    private List<Condition> conditions;
    private LastOperation lastOperation;
    private StatusNetworking networking;
    private Long observedGeneration;
    private String technicalID;
    private MigrationRecord dualStackMigration;
    private GardenerInfo gardener;

    public List<Condition> getConstraints() { return constraints; }
    public void setConstraints(List<Condition> constraints) { this.constraints = constraints; }
    public List<Condition> getConditions() { return conditions; }
    public void setConditions(List<Condition> conditions) { this.conditions = conditions; }
    public LastOperation getLastOperation() { return lastOperation; }
    public void setLastOperation(LastOperation lastOperation) { this.lastOperation = lastOperation; }
    public StatusNetworking getNetworking() { return networking; }
    public void setNetworking(StatusNetworking networking) { this.networking = networking; }
    public Long getObservedGeneration() { return observedGeneration; }
    public void setObservedGeneration(Long observedGeneration) { this.observedGeneration = observedGeneration; }
    public String getTechnicalID() { return technicalID; }
    public void setTechnicalID(String technicalID) { this.technicalID = technicalID; }
    public MigrationRecord getDualStackMigration() { return dualStackMigration; }
    public void setDualStackMigration(MigrationRecord dualStackMigration) { this.dualStackMigration = dualStackMigration; }
    public GardenerInfo getGardener() { return gardener; }
    public void setGardener(GardenerInfo gardener) { this.gardener = gardener; }
}
