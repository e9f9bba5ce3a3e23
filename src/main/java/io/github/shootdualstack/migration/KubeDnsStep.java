package io.github.shootdualstack.migration;

import io.github.shootdualstack.shoot.Condition;
import io.github.shootdualstack.shoot.IpFamily;

import java.util.List;

/** Step 7: kube-dns is patched in place; done when it has an IPv4 and an IPv6 cluster IP. */
final class KubeDnsStep implements StepUnit {

    static final String KUBE_DNS = "Service kube-system/kube-dns";

    @Override
    public Observation needs() {
        return Observation.SHOOT_CLUSTER;
    }

    @Override
    public Outcome look(Look look) {
        ShootClusterFacts.ServiceFacts service = look.shootCluster().kubeDns();
        if (service == null) {
            return Outcome.blocked(KUBE_DNS + " not found in the shoot cluster");
        }
        List<String> clusterIPs = ExtensionSteps.checked(service.clusterIPs(), KUBE_DNS + " spec.clusterIPs");
        if (Addresses.dualStack(clusterIPs)) {
            return Outcome.done();
        }
        String ipv4 = Addresses.first(clusterIPs, IpFamily.IPV4).orElse(null);
        if (ipv4 == null) {
            return Outcome.blocked(KUBE_DNS + " has no IPv4 cluster IP");
        }
        ExtensionFacts infra = look.garden().infrastructure();
        String range = Addresses.first(ExtensionSteps.checked(look.garden().infrastructureCidrs("services"),
                infra.ref() + " status.networking.services"), IpFamily.IPV6).orElse(null);
        if (range == null) {
            return Outcome.blocked(infra.ref() + " reports no IPv6 range in status.networking.services");
        }
        if (!Addresses.holds(range, 10)) {
            return Outcome.blocked(infra.ref() + " reports the IPv6 service range " + range
                    + ", too small for the kube-dns address (the range's base + 10)");
        }
        return new Outcome.Waiting("waiting for " + KUBE_DNS + " to get an IPv6 cluster IP",
                List.of(new Action.PatchKubeDns(ipv4, Addresses.offset(range, 10))), null);
    }

    @Override
    public Preview preview(Look look) {
        ShootClusterFacts shoot = look.shootCluster();
        String plan = "patches " + KUBE_DNS + " in place to PreferDualStack with the IPv6 service range's base + 10;"
                + " waits for it to have an IPv6 cluster IP";
        if (shoot == null) {
            return Preview.clear(plan);
        }
        if (shoot.kubeDns() == null) {
            return new Preview(plan, KUBE_DNS + " not found in the shoot cluster", null);
        }
        try {
            String ipv4 = Addresses.first(ExtensionSteps.checked(shoot.kubeDns().clusterIPs(), KUBE_DNS + " spec.clusterIPs"),
                    IpFamily.IPV4).orElse(null);
            return ipv4 == null ? new Preview(plan, KUBE_DNS + " has no IPv4 cluster IP", null)
                    : Preview.clear(plan.replace(KUBE_DNS, KUBE_DNS + " (" + ipv4 + ")"));
        } catch (IllegalArgumentException malformed) {
            return new Preview(plan, malformed.getMessage(), null);
        }
    }

    @Override
    public Constraints constraints(Look look) {
        return new Constraints(null, new Condition(Conditions.DNS_TYPE, Condition.TRUE, Conditions.DNS_REASON,
                "every CoreDNS pod has IPv4 and IPv6 addresses; the kube-dns Service is next"));
    }
}
