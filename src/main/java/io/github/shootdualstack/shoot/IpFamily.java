package io.github.shootdualstack.shoot;

import java.util.List;

/** The IP families a Shoot can run, as spelled in {@code spec.networking.ipFamilies}. */
public final class IpFamily {

    public static final String IPV4 = "IPv4";
    public static final String IPV6 = "IPv6";

    public static final List<String> SINGLE_STACK_IPV4 = List.of(IPV4);
    public static final List<String> DUAL_STACK_IPV4_PRIMARY = List.of(IPV4, IPV6);

    private IpFamily() {
    }

    /** The effective families: {@code [IPv4]} when the list is absent or empty. */
    public static List<String> effective(List<String> ipFamilies) {
        return ipFamilies == null || ipFamilies.isEmpty() ? SINGLE_STACK_IPV4 : List.copyOf(ipFamilies);
    }

    public static boolean isDualStack(List<String> ipFamilies) {
        List<String> families = effective(ipFamilies);
        return families.contains(IPV4) && families.contains(IPV6);
    }

    /** Renders a list the way every message of the product does: {@code [IPv4, IPv6]}. */
    public static String format(List<String> ipFamilies) {
        return "[" + String.join(", ", ipFamilies) + "]";
    }
}
