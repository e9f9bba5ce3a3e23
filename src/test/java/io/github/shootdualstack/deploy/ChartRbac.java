package io.github.shootdualstack.deploy;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.fabric8.kubernetes.api.model.rbac.SubjectBuilder;
import io.github.shootdualstack.testing.RequestAttributes;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the chart's default render lets the operator's ServiceAccount do: the rules of every role
 * bound to it, a ClusterRole's everywhere, a Role's only in its namespace. An RBAC authorizer in
 * miniature, for the attributes of recorded requests.
 */
public final class ChartRbac {

    /** The release namespace of the default render, where the Deployment and its Lease live. */
    public static final String NAMESPACE = HelmChart.NAMESPACE;

    /**
     * Kubernetes' bootstrap ClusterRole {@code system:basic-user}, bound to {@code system:authenticated}
     * in every cluster: any user may ask what it may do. Not the chart's to grant.
     */
    public static final List<PolicyRule> BASIC_USER = List.of(new PolicyRuleBuilder()
            .withApiGroups("authorization.k8s.io")
            .withResources("selfsubjectaccessreviews", "selfsubjectrulesreviews")
            .withVerbs("create").build());

    /** Rules that hold in one namespace, or everywhere when {@code namespace} is null. */
    public record Grant(String role, String namespace, List<PolicyRule> rules) {
        public Grant {
            rules = rules == null ? List.of() : rules; // a role may have no rule (rendered as rules: null)
        }

        boolean allows(RequestAttributes request) {
            return (namespace == null || namespace.equals(request.namespace()))
                    && rules.stream().anyMatch(rule -> allows(rule, request));
        }

        static boolean allows(PolicyRule rule, RequestAttributes request) {
            return matches(rule.getVerbs(), request.verb())
                    && matches(rule.getApiGroups(), request.apiGroup())
                    && matches(rule.getResources(), request.resourcePath())
                    && (rule.getResourceNames() == null || rule.getResourceNames().isEmpty()
                    || rule.getResourceNames().contains(request.name()));
        }

        private static boolean matches(List<String> allowed, String value) {
            return allowed != null && (allowed.contains("*") || allowed.contains(value));
        }
    }

    /** One verb on one resource that a role grants, in its namespace or everywhere (null). */
    public record Permission(String role, String namespace, String apiGroup, String resource, String verb) {
        public boolean usedBy(RequestAttributes request) {
            return request.verb().equals(verb) && request.apiGroup().equals(apiGroup) && request.resourcePath().equals(resource)
                    && (namespace == null || namespace.equals(request.namespace()));
        }

        @Override
        public String toString() {
            return role + ": " + verb + " " + (apiGroup.isEmpty() ? "\"\"" : apiGroup) + "/" + resource;
        }
    }

    private final List<Grant> grants;

    private ChartRbac(List<Grant> grants) {
        this.grants = grants;
    }

    /** The grants of the chart's default values to the Deployment's ServiceAccount. */
    public static ChartRbac defaults() {
        return of(null);
    }

    /**
     * The grants to the ServiceAccount of the Deployment (or of every shard's Deployment, which share it)
     * with the defaults overridden by these values ({@code null}: none).
     */
    public static ChartRbac of(String valuesYaml) {
        Manifests manifests = Manifests.of(HelmChart.template(valuesYaml));
        List<Subject> accounts = manifests.all(Deployment.class).stream()
                .map(deployment -> new SubjectBuilder().withKind("ServiceAccount")
                        .withName(deployment.getSpec().getTemplate().getSpec().getServiceAccountName())
                        .withNamespace(deployment.getMetadata().getNamespace()).build())
                .distinct().toList();
        if (accounts.size() != 1) {
            throw new AssertionError("expected the Deployments to run as one ServiceAccount, found " + accounts);
        }
        Subject account = accounts.get(0);
        List<Grant> grants = new ArrayList<>();
        for (ClusterRoleBinding binding : manifests.all(ClusterRoleBinding.class)) {
            if (binds(binding.getSubjects(), account) && binding.getRoleRef().getKind().equals("ClusterRole")) {
                grants.add(new Grant("ClusterRole " + binding.getRoleRef().getName(), null,
                        clusterRole(manifests, binding.getRoleRef().getName()).getRules()));
            }
        }
        for (RoleBinding binding : manifests.all(RoleBinding.class)) {
            if (binds(binding.getSubjects(), account)) {
                String namespace = binding.getMetadata().getNamespace();
                List<PolicyRule> rules = binding.getRoleRef().getKind().equals("ClusterRole")
                        ? clusterRole(manifests, binding.getRoleRef().getName()).getRules()
                        : role(manifests, namespace, binding.getRoleRef().getName()).getRules();
                grants.add(new Grant(binding.getRoleRef().getKind() + " " + namespace + "/" + binding.getRoleRef().getName(),
                        namespace, rules));
            }
        }
        return new ChartRbac(List.copyOf(grants));
    }

    /**
     * The objects of the chart's default render that make up the operator's identity and rights:
     * its ServiceAccount and every role and binding, in an order an API server accepts them.
     */
    public static List<HasMetadata> defaultIdentityObjects() {
        return identityObjects(null);
    }

    /** As {@link #defaultIdentityObjects()}, with the defaults overridden by these values. */
    public static List<HasMetadata> identityObjects(String valuesYaml) {
        Manifests manifests = Manifests.of(HelmChart.template(valuesYaml));
        List<HasMetadata> objects = new ArrayList<>();
        objects.addAll(manifests.all(ServiceAccount.class));
        objects.addAll(manifests.all(ClusterRole.class));
        objects.addAll(manifests.all(Role.class));
        objects.addAll(manifests.all(ClusterRoleBinding.class));
        objects.addAll(manifests.all(RoleBinding.class));
        return objects;
    }

    /** The name of the ServiceAccount the chart's Deployment runs as. */
    public static String defaultServiceAccount() {
        return Manifests.of(HelmChart.template()).one(Deployment.class).getSpec().getTemplate().getSpec().getServiceAccountName();
    }

    public List<Grant> grants() {
        return grants;
    }

    /** Every verb on every resource of every grant, one by one. */
    public List<Permission> permissions() {
        List<Permission> permissions = new ArrayList<>();
        for (Grant grant : grants) {
            for (PolicyRule rule : grant.rules()) {
                for (String group : rule.getApiGroups()) {
                    for (String resource : rule.getResources()) {
                        for (String verb : rule.getVerbs()) {
                            permissions.add(new Permission(grant.role(), grant.namespace(), group, resource, verb));
                        }
                    }
                }
            }
        }
        return permissions;
    }

    /** The grant that allows the request, if any. */
    public Optional<Grant> allowing(RequestAttributes request) {
        return grants.stream().filter(grant -> grant.allows(request)).findFirst();
    }

    public static boolean basicUserAllows(RequestAttributes request) {
        return BASIC_USER.stream().anyMatch(rule -> Grant.allows(rule, request));
    }

    private static boolean binds(List<Subject> subjects, Subject account) {
        return subjects.stream().anyMatch(s -> s.getKind().equals(account.getKind()) && s.getName().equals(account.getName())
                && s.getNamespace().equals(account.getNamespace()));
    }

    private static ClusterRole clusterRole(Manifests manifests, String name) {
        return manifests.all(ClusterRole.class).stream().filter(r -> r.getMetadata().getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("the chart binds ClusterRole " + name + " but does not render it"));
    }

    private static Role role(Manifests manifests, String namespace, String name) {
        return manifests.all(Role.class).stream()
                .filter(r -> r.getMetadata().getName().equals(name) && namespace.equals(r.getMetadata().getNamespace())).findFirst()
                .orElseThrow(() -> new AssertionError("the chart binds Role " + namespace + "/" + name + " but does not render it"));
    }
}
