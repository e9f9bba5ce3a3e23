package io.github.shootdualstack.operator;

import java.util.Arrays;
import java.util.List;

/**
 * The API resource a request names, read from its path: {@code shoots}, {@code shoots/status},
 * {@code leases}, or {@code none} for discovery and other paths that name no resource. A label of
 * the request counter that tells the operator's own writes from the Lease renewals of leader
 * election. It is one of a fixed list ({@code other} for any other path), so a path that a shoot's
 * kubeconfig puts in front of its server's, or a server that answers for anything, adds no series.
 */
final class RequestResource {

    static final String NONE = "none";
    static final String OTHER = "other";
    /** What the operator, {@code plan} and {@code status} ask for, in the garden and in shoots. */
    private static final java.util.Set<String> KNOWN = java.util.Set.of("shoots", "shoots/status", "shoots/adminkubeconfig",
            "events", "leases", "secrets", "namespaces", "projects", "infrastructures", "controlplanes", "networks",
            "clusters", "machinedeployments", "selfsubjectrulesreviews", "selfsubjectaccessreviews",
            "customresourcedefinitions", "nodes", "pods", "services", "deployments");

    private RequestResource() {
    }

    static String of(String path) {
        List<String> segments = Arrays.stream(path == null ? new String[0] : path.split("/")).filter(s -> !s.isEmpty()).toList();
        int prefix;
        if (segments.size() >= 2 && segments.get(0).equals("api")) {
            prefix = 2; // /api/v1
        } else if (segments.size() >= 3 && segments.get(0).equals("apis")) {
            prefix = 3; // /apis/<group>/<version>
        } else {
            return NONE;
        }
        List<String> rest = segments.subList(prefix, segments.size());
        if (rest.size() >= 3 && rest.get(0).equals("namespaces")) {
            rest = rest.subList(2, rest.size());
        }
        if (rest.isEmpty()) {
            return NONE;
        }
        String resource = rest.size() >= 3 ? rest.get(0) + "/" + rest.get(2) : rest.get(0);
        return KNOWN.contains(resource) ? resource : OTHER;
    }
}
