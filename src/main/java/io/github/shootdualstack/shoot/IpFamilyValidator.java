package io.github.shootdualstack.shoot;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The operator's own enforcement of the {@link IpFamilyRules}: it must not trust that the CRD was
 * installed with its rules. Returns the messages of the CRD rules it finds violated (field rules first, then spec rules).
 */
public final class IpFamilyValidator {

    private IpFamilyValidator() {
    }

    /**
     * @param accepted the families the Shoot runs (or migrates to) already; {@code null} when
     *                 nothing is known yet, as on create
     * @param spec     the Shoot's spec as the user wrote it
     * @return every violated rule's message; empty when the spec is valid
     */
    public static List<String> validate(List<String> accepted, ShootSpec spec) {
        List<String> violations = new ArrayList<>();
        Networking networking = spec == null ? null : spec.getNetworking();
        List<String> written = networking == null ? null : networking.getIpFamilies();
        if (written != null) {
            if (!written.stream().allMatch(f -> IpFamily.IPV4.equals(f) || IpFamily.IPV6.equals(f))) {
                violations.add(IpFamilyRules.VALUES_MESSAGE);
            }
            if (written.stream().distinct().count() != written.size()) {
                violations.add(IpFamilyRules.UNIQUE_MESSAGE);
            }
            if (written.size() > 2) {
                violations.add(IpFamilyRules.SIZE_MESSAGE);
            }
        }
        List<String> requested = IpFamily.effective(written);
        if (IpFamily.isDualStack(requested) && !nativeRouting(networking)) {
            violations.add(IpFamilyRules.OVERLAY_MESSAGE);
        }
        if (accepted != null) {
            List<String> current = IpFamily.effective(accepted);
            boolean allowed = current.equals(requested)
                    || (current.equals(IpFamily.SINGLE_STACK_IPV4) && requested.equals(IpFamily.DUAL_STACK_IPV4_PRIMARY));
            if (!allowed) {
                violations.add(IpFamilyRules.transitionMessage(current, requested));
            }
        }
        return violations;
    }

    /** {@code overlay.enabled} is explicitly {@code false}: absent means overlay. */
    public static boolean nativeRouting(Networking networking) {
        return Optional.ofNullable(networking)
                .map(Networking::getProviderConfig)
                .map(NetworkingProviderConfig::getOverlay)
                .map(Overlay::getEnabled)
                .map(Boolean.FALSE::equals)
                .orElse(false);
    }
}
