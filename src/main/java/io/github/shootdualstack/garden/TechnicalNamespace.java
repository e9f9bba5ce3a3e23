package io.github.shootdualstack.garden;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.github.shootdualstack.shoot.Shoot;

/**
 * Where a Shoot's extension resources, Cluster and MachineDeployments live, checked before anything
 * there is written: {@code status.technicalID} is accepted only in the form Gardener gives this
 * Shoot's project and name, so that a Shoot cannot steer the operator's writes into another project.
 *
 * <p>The rule is Gardener's (v1.138.0, {@code ComputeTechnicalID} in {@code pkg/utils/gardener/shoot.go}):
 * {@code TechnicalIDPrefix + "-" + project + "--" + name}, that is {@code shoot--<project>--<name>},
 * unless {@code status.technicalID} is set, which then stays as it is. Shoots created before Gardener
 * went to double hyphens keep their {@code shoot-<project>-<name>} there: the prefix constant keeps its
 * single dash for them, and {@code technicalIDPattern} in {@code pkg/gardenlet/operation/operation.go}
 * strips one or two dashes after it.
 *
 * @param name   the namespace, and the name of the Cluster
 * @param legacy {@code shoot-<project>-<name>}, a name two Shoots of different projects can share
 *               ({@code shoot-a-b-c} is project {@code a-b}'s Shoot {@code c} and project {@code a}'s Shoot {@code b-c})
 */
public record TechnicalNamespace(String name, boolean legacy) {

    /**
     * The Shoot's technical namespace: its {@code status.technicalID} when that is Gardener's for the
     * project and the name, else, when it has none yet, the one Gardener would give it.
     *
     * @param project the Shoot's project, as {@link Projects} finds it
     * @throws TechnicalNamespaceException when {@code status.technicalID} names another
     */
    public static TechnicalNamespace of(Shoot shoot, String project) {
        String shootName = shoot.getMetadata().getName();
        String expected = "shoot--" + project + "--" + shootName;
        String claimed = claimed(shoot);
        if (claimed == null || claimed.equals(expected)) {
            return new TechnicalNamespace(expected, false);
        }
        if (claimed.equals("shoot-" + project + "-" + shootName)) {
            return new TechnicalNamespace(claimed, true);
        }
        throw new TechnicalNamespaceException(ref(shoot) + " has status.technicalID \"" + claimed + "\", not \"" + expected
                + "\" (project " + project + "): nothing is written to another project");
    }

    /**
     * {@code status.technicalID} as the Shoot has it, unchecked; {@code null} when unset. Only for what
     * writes nothing: finding the Shoot an extension resource's change wakes, and the cached Network
     * that tells whether an idle Shoot needs a look at all.
     */
    public static String claimed(Shoot shoot) {
        String id = shoot.getStatus() == null ? null : shoot.getStatus().getTechnicalID();
        return id == null || id.isBlank() ? null : id;
    }

    /**
     * Requires that the Cluster named after this namespace holds this Shoot, by its UID, as Gardener
     * copies the Shoot into {@code Cluster.spec.shoot}. A namespace in the legacy form needs that
     * Cluster, as it is the only sign which of the Shoots that may share the name it belongs to.
     *
     * @param cluster the Cluster; {@code null} when there is none
     * @throws TechnicalNamespaceException when it holds another Shoot, or none
     */
    public void requireOwnCluster(GenericKubernetesResource cluster, Shoot shoot) {
        String uid = shoot.getMetadata().getUid();
        if (cluster == null) {
            if (legacy) {
                throw new TechnicalNamespaceException(ref(shoot) + " has the legacy status.technicalID \"" + name
                        + "\", which a Shoot of another project can have too, and no Cluster " + name
                        + " holds its UID \"" + uid + "\": nothing is written");
            }
            return;
        }
        Object held = cluster.get("spec", "shoot", "metadata", "uid");
        if (held == null) {
            throw new TechnicalNamespaceException("Cluster " + name + " holds no Shoot UID (spec.shoot.metadata.uid), not \""
                    + uid + "\" of " + ref(shoot) + ": nothing is written");
        }
        if (!held.toString().equals(uid)) {
            throw new TechnicalNamespaceException("Cluster " + name + " holds the Shoot with UID \"" + held + "\", not \""
                    + uid + "\" of " + ref(shoot) + ": nothing is written");
        }
    }

    private static String ref(Shoot shoot) {
        return "Shoot " + shoot.getMetadata().getNamespace() + "/" + shoot.getMetadata().getName();
    }
}
