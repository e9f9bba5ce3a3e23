package io.github.shootdualstack.garden;

import io.github.shootdualstack.shoot.Shoot;

/** Where a Shoot's extension resources live: {@code shoot--<project>--<shoot>}. */
public final class TechnicalNamespace {

    private TechnicalNamespace() {
    }

    /** {@code status.technicalID} when set, else derived from the project namespace and the name. */
    public static String of(Shoot shoot) {
        if (shoot.getStatus() != null && shoot.getStatus().getTechnicalID() != null
                && !shoot.getStatus().getTechnicalID().isBlank()) {
            return shoot.getStatus().getTechnicalID();
        }
        return derive(shoot.getMetadata().getNamespace(), shoot.getMetadata().getName());
    }

    public static String derive(String projectNamespace, String shootName) {
        return "shoot--" + project(projectNamespace) + "--" + shootName;
    }

    /** Namespace {@code garden} is project {@code garden}; {@code garden-<p>} is project {@code p}. */
    public static String project(String projectNamespace) {
        return projectNamespace.startsWith("garden-") ? projectNamespace.substring("garden-".length()) : projectNamespace;
    }
}
