package io.github.shootdualstack.migration;

/** The end: nothing is left to do, both constraints are removed, and the report counts what stays single-stack. */
final class CompletedStep implements StepUnit {

    /** The report lists every pod and Service of the shoot: observed once, in the reconcile that completes. */
    @Override
    public Observation needs() {
        return Observation.SHOOT_CLUSTER_WITH_SERVICES;
    }

    @Override
    public Preview preview(Look look) {
        return Preview.clear("reports the pods and Services that stay single-stack until they are recreated or changed");
    }

    @Override
    public Outcome look(Look look) {
        return Outcome.done();
    }

    @Override
    public Constraints constraints(Look look) {
        return new Constraints(null, null);
    }
}
