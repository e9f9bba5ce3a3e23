package io.github.shootdualstack.migration;

/**
 * The migration's steps, in order, each built with the unit that owns it (its "done when", its
 * actions, its constraints, its progress and what it needs observed). Step 1 of the contract (the
 * spec edit, validated) is the migration's start and has no constant of its own: it adds the first
 * constraint, and the migration then stands at {@link #INFRASTRUCTURE}.
 */
public enum Step {

    /** 2: the Cluster copy is synced and the Infrastructure reconciled; done when it reports an IPv6 node range. */
    INFRASTRUCTURE("Infrastructure", 2, 10, new InfrastructureStep()),
    /** 3: a ControlPlane reconcile is triggered; done when it succeeded after step 2. */
    CONTROL_PLANE("ControlPlane", 3, 25, new ControlPlaneStep()),
    /** 4: waits for the nodes to be rolled; done when every Node has IPv4 and IPv6 pod CIDRs. */
    NODES("Nodes", 4, 35, new NodesStep()),
    /** 5: the CNI runs dual-stack and the control plane is reconciled once more; done when both report it. */
    NETWORK("Network", 5, 60, new NetworkStep()),
    /** 6: CoreDNS is restarted once; done when every CoreDNS pod has an IPv4 and an IPv6 address. */
    CORE_DNS("CoreDNS", 6, 75, new CoreDnsStep()),
    /** 7: kube-dns is patched in place; done when it has an IPv4 and an IPv6 cluster IP. */
    KUBE_DNS("KubeDNS", 7, 90, new KubeDnsStep()),
    /** The end: nothing is left to do. */
    COMPLETED("Completed", 8, 100, new CompletedStep());

    public static final int STEPS = 7;

    private final String displayName;
    private final int number;
    private final int progress;
    private final StepUnit unit;

    Step(String displayName, int number, int progress, StepUnit unit) {
        this.displayName = displayName;
        this.number = number;
        this.progress = progress;
        this.unit = unit;
    }

    StepUnit unit() {
        return unit;
    }

    /** The name users see in the record, events and descriptions. */
    public String displayName() {
        return displayName;
    }

    public int number() {
        return number;
    }

    /** {@code status.lastOperation.progress} when the step begins; its unit may count on from there. */
    public int progress() {
        return progress;
    }

    public Step next() {
        return this == COMPLETED ? COMPLETED : values()[ordinal() + 1];
    }

    public static Step byName(String name) {
        for (Step step : values()) {
            if (step.displayName.equals(name)) {
                return step;
            }
        }
        return null;
    }

    /** "Step 4/7 Nodes". */
    public String label() {
        return this == COMPLETED ? displayName : "Step " + number + "/" + STEPS + " " + displayName;
    }
}
