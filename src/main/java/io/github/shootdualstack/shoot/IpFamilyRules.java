package io.github.shootdualstack.shoot;

/**
 * The CEL rules the Shoot CRD carries for {@code spec.networking.ipFamilies}, with their messages.
 * The CRD is generated from these constants, and {@link IpFamilyValidator} enforces the same rules
 * with the same messages, so that a real API server and the operator refuse the same edits alike.
 */
public final class IpFamilyRules {

    public static final String VALUES_RULE = "self.all(f, f == 'IPv4' || f == 'IPv6')";
    public static final String VALUES_MESSAGE = "spec.networking.ipFamilies: only IPv4 and IPv6 are supported";

    public static final String UNIQUE_RULE = "self.all(f, self.filter(g, g == f).size() == 1)";
    public static final String UNIQUE_MESSAGE = "spec.networking.ipFamilies: an IP family must not be listed twice";

    public static final String SIZE_RULE = "size(self) <= 2";
    public static final String SIZE_MESSAGE = "spec.networking.ipFamilies: at most two IP families are allowed";

    // The effective families of the new and the old object: [IPv4] when absent or empty.
    private static final String NEW = "(has(self.networking) && has(self.networking.ipFamilies)"
            + " && size(self.networking.ipFamilies) > 0 ? self.networking.ipFamilies : ['IPv4'])";
    private static final String OLD = "(has(oldSelf.networking) && has(oldSelf.networking.ipFamilies)"
            + " && size(oldSelf.networking.ipFamilies) > 0 ? oldSelf.networking.ipFamilies : ['IPv4'])";

    public static final String OVERLAY_RULE = "!(" + NEW + ".exists(f, f == 'IPv4') && " + NEW + ".exists(f, f == 'IPv6'))"
            + " || (has(self.networking.providerConfig) && has(self.networking.providerConfig.overlay)"
            + " && has(self.networking.providerConfig.overlay.enabled)"
            + " && self.networking.providerConfig.overlay.enabled == false)";
    public static final String OVERLAY_MESSAGE =
            "dual-stack spec.networking.ipFamilies requires spec.networking.providerConfig.overlay.enabled: false";

    public static final String TRANSITION_RULE = OLD + " == " + NEW
            + " || (" + OLD + " == ['IPv4'] && " + NEW + " == ['IPv4', 'IPv6'])";
    // join() inside the conditional: a real API server estimates the cost of join() on a list literal
    // as unbounded (the schema's maxItems is lost), and refuses the CRD.
    private static final String NEW_TEXT = "(has(self.networking) && has(self.networking.ipFamilies)"
            + " && size(self.networking.ipFamilies) > 0 ? self.networking.ipFamilies.join(', ') : 'IPv4')";
    private static final String OLD_TEXT = "(has(oldSelf.networking) && has(oldSelf.networking.ipFamilies)"
            + " && size(oldSelf.networking.ipFamilies) > 0 ? oldSelf.networking.ipFamilies.join(', ') : 'IPv4')";
    public static final String TRANSITION_MESSAGE_EXPRESSION = "'unsupported IP family update: oldIPFamilies=[' + "
            + OLD_TEXT + " + '], newIPFamilies=[' + " + NEW_TEXT + " + ']'";
    public static final String TRANSITION_MESSAGE_PREFIX = "unsupported IP family update: ";

    private IpFamilyRules() {
    }

    /** The message of a refused transition, exactly as the CRD's message expression renders it. */
    public static String transitionMessage(java.util.List<String> oldFamilies, java.util.List<String> newFamilies) {
        return TRANSITION_MESSAGE_PREFIX + "oldIPFamilies=" + IpFamily.format(oldFamilies)
                + ", newIPFamilies=" + IpFamily.format(newFamilies);
    }
}
