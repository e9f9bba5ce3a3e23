package io.github.shootdualstack.migration;

/** What a reconcile observes for a step besides the garden. */
public enum Observation {

    /** The garden alone. */
    GARDEN,
    /** The shoot cluster's nodes and CoreDNS. */
    SHOOT_CLUSTER,
    /** The shoot cluster with every pod and Service, for the report at completion. */
    SHOOT_CLUSTER_WITH_SERVICES
}
