package io.github.shootdualstack.e2e;

/** The bound on the operator's writes per migration that docs/migration.md derives from the step table. */
final class WriteBound {

    private WriteBound() {
    }

    static int forMigration(int nodes, int pools, int coreDnsPods) {
        int extensionWrites = 1 /* Cluster sync */ + 1 /* Infrastructure */ + 1 /* ControlPlane */
                + 1 /* Network spec with its trigger */ + 1 /* ControlPlane */;
        int rollout = pools + 1 /* MachineDeployments + removing the annotation */;
        int shootWrites = 1 /* coredns */ + 1 /* kube-dns */;
        int statusWrites = 1 /* start */ + 6 /* each step's end */ + (nodes + 1) /* node count */
                + (coreDnsPods + 1) /* CoreDNS pod count */ + 4 /* waits that change their description */;
        int events = 1 /* started */ + 6 /* each step, one to spare */ + 1 /* completed */;
        return extensionWrites + rollout + shootWrites + statusWrites + events;
    }
}
