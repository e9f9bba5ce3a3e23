package io.github.shootdualstack.migration;

/**
 * The extension resources the migration triggers, by the names of the extension contract, and the
 * annotation by which they (and the Shoot) are asked to act. The decision needs no more of them;
 * the garden side knows how to reach them.
 */
public enum Extension {

    INFRASTRUCTURE("Infrastructure"),
    CONTROL_PLANE("ControlPlane"),
    NETWORK("Network");

    /** Extensions start work when this annotation says {@value #OPERATION_RECONCILE}, and remove it then. */
    public static final String OPERATION_ANNOTATION = "gardener.cloud/operation";
    public static final String OPERATION_RECONCILE = "reconcile";

    private final String kind;

    Extension(String kind) {
        this.kind = kind;
    }

    /** The resource's kind, e.g. {@code ControlPlane}. */
    public String kind() {
        return kind;
    }
}
