package io.github.shootdualstack.deploy;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.IPBlock;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.github.shootdualstack.local.Cidr;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Map;
import java.util.Objects;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

/**
 * The chart's egress NetworkPolicy: off by default; on, the operator's pods reach DNS and any address
 * but link-local and the blocked ranges, save the allowed ones. Addresses are checked against the
 * rendered rules as a CNI would match them.
 */
class ChartEgressTest {

    private static final String EGRESS = HelmChart.RELEASE + "-egress";

    @Test
    void egressPolicy_isOffByDefault_andTheIngressPolicyStaysIngressOnly() {
        assertThat(Manifests.of(HelmChart.template()).has(NetworkPolicy.class)).isFalse();

        Manifests ingressOnly = Manifests.of(HelmChart.template("networkPolicy: {enabled: true}\n"));
        assertThat(ingressOnly.one(NetworkPolicy.class).getSpec().getPolicyTypes()).containsExactly("Ingress");
    }

    @Test
    void defaults_allowDnsAndTheInternet_butNotLinkLocalOrTheClustersRanges() {
        Manifests manifests = Manifests.of(HelmChart.template("networkPolicy: {egress: {enabled: true}}\n"));
        NetworkPolicy policy = manifests.one(NetworkPolicy.class);

        assertThat(policy.getMetadata().getName()).isEqualTo(EGRESS);
        assertThat(policy.getSpec().getPodSelector().getMatchLabels())
                .isEqualTo(manifests.one(Deployment.class).getSpec().getSelector().getMatchLabels());
        assertThat(policy.getSpec().getPolicyTypes()).containsExactly("Egress");
        assertThat(policy.getSpec().getIngress()).isNullOrEmpty();
        NetworkPolicyEgressRule dns = policy.getSpec().getEgress().get(0);
        assertThat(dns.getTo()).singleElement().satisfies(peer -> {
            assertThat(peer.getNamespaceSelector().getMatchLabels()).containsExactly(Map.entry("kubernetes.io/metadata.name", "kube-system"));
            assertThat(peer.getPodSelector().getMatchLabels()).containsExactly(Map.entry("k8s-app", "kube-dns"));
        });
        assertThat(dns.getPorts()).extracting(port -> port.getPort().getIntVal(), NetworkPolicyPort::getProtocol)
                .containsExactly(tuple(53, "UDP"), tuple(53, "TCP"));
        assertThat(policy.getSpec().getEgress()).hasSize(2);
        assertThat(ipBlocks(policy)).extracting(IPBlock::getCidr, IPBlock::getExcept).containsExactly(
                tuple("0.0.0.0/0", List.of("169.254.0.0/16", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10")),
                tuple("::/0", List.of("fe80::/10", "fc00::/7")));

        assertThat(allows(policy, "203.0.113.10")).as("a shoot's API server on the Internet").isTrue();
        assertThat(allows(policy, "2001:db8::10")).as("an IPv6 one").isTrue();
        assertThat(allows(policy, "169.254.169.254")).as("the cloud's metadata service").isFalse();
        assertThat(allows(policy, "fe80::a9fe:a9fe")).as("IPv6 link-local").isFalse();
        assertThat(allows(policy, "10.250.0.5")).as("a node (Gardener's default node range)").isFalse();
        assertThat(allows(policy, "100.96.3.7")).as("a pod (Gardener's default pod range)").isFalse();
        assertThat(allows(policy, "100.64.0.10")).as("a Service (Gardener's default service range)").isFalse();
        assertThat(allows(policy, "192.168.1.1")).isFalse();
        assertThat(allows(policy, "fd00:10::5")).as("an IPv6 unique local address").isFalse();
    }

    @Test
    void allowedCidrs_openAddressesInsideTheBlockedRanges_andOwnBlockedRangesAreSortedByFamily() {
        NetworkPolicy policy = Manifests.of(HelmChart.template("""
                networkPolicy:
                  egress:
                    enabled: true
                    blockedCIDRs: [10.250.0.0/16, fd00:10::/64]
                    allowedCIDRs: [10.250.0.1/32, 169.254.20.10/32]
                """)).one(NetworkPolicy.class);

        assertThat(ipBlocks(policy)).extracting(IPBlock::getCidr, IPBlock::getExcept).containsExactly(
                tuple("0.0.0.0/0", List.of("169.254.0.0/16", "10.250.0.0/16")),
                tuple("::/0", List.of("fe80::/10", "fd00:10::/64")),
                tuple("10.250.0.1/32", List.of()),
                tuple("169.254.20.10/32", List.of()));
        assertThat(policy.getSpec().getEgress().get(2).getPorts()).as("allowed addresses on any port").isNullOrEmpty();

        assertThat(allows(policy, "10.250.0.1")).as("the garden's API server endpoint").isTrue();
        assertThat(allows(policy, "169.254.20.10")).as("a node-local DNS cache").isTrue();
        assertThat(allows(policy, "10.250.0.2")).isFalse();
        assertThat(allows(policy, "169.254.169.254")).as("link-local stays blocked").isFalse();
        assertThat(allows(policy, "fd00:10::5")).isFalse();
        assertThat(allows(policy, "10.1.0.1")).as("outside the ranges given").isTrue();
    }

    @Test
    void withTheIngressPolicyAndShards_bothPoliciesSelectThePodsOfEveryShard() {
        Manifests manifests = Manifests.of(HelmChart.template(ChartShardsTest.THREE_SHARDS + """
                networkPolicy: {enabled: true, egress: {enabled: true}}
                """));

        assertThat(manifests.all(NetworkPolicy.class)).extracting(p -> p.getMetadata().getName())
                .containsExactlyInAnyOrder(HelmChart.RELEASE, EGRESS);
        for (NetworkPolicy policy : manifests.all(NetworkPolicy.class)) {
            for (Deployment deployment : manifests.all(Deployment.class)) {
                assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels())
                        .as("%s selects the pods of %s", policy.getMetadata().getName(), deployment.getMetadata().getName())
                        .containsAllEntriesOf(policy.getSpec().getPodSelector().getMatchLabels());
            }
        }
    }

    @Test
    void notes_sayWhatIsBlockedAndHowToReachTheGardensApiServer() {
        String notes = HelmChart.notes("""
                networkPolicy: {egress: {enabled: true, allowedCIDRs: [10.250.0.1/32]}}
                """);

        assertThat(notes).contains("Egress (NetworkPolicy " + EGRESS + "): DNS, and any address but link-local and "
                        + "10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, 100.64.0.0/10, fc00::/7 Allowed inside those: 10.250.0.1/32 ")
                .contains("add the addresses of its endpoints to networkPolicy.egress.allowedCIDRs: "
                        + "kubectl get endpointslices -n default -l kubernetes.io/service-name=kubernetes");
        assertThat(HelmChart.notes("")).doesNotContain("Egress");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            blockedCIDRs: [10.0.0.0]         | at '/networkPolicy/egress/blockedCIDRs/0': '10.0.0.0' does not match pattern
            allowedCIDRs: [api.garden/32]    | at '/networkPolicy/egress/allowedCIDRs/0': 'api.garden/32' does not match pattern
            allowedCIDRs: [10.0.0.1/33]      | at '/networkPolicy/egress/allowedCIDRs/0': '10.0.0.1/33' does not match pattern
            blockedCIDRs: [fc00::/129]       | at '/networkPolicy/egress/blockedCIDRs/0': 'fc00::/129' does not match pattern
            allowedIPs: [10.0.0.1/32]        | additional properties 'allowedIPs' not allowed
            """)
    void valuesThatAreNoCidrs_areRefused(String egress, String message) {
        assertThatThrownBy(() -> HelmChart.template("networkPolicy: {egress: {enabled: true, " + egress + "}}\n"))
                .hasMessageContaining("values don't meet the specifications of the schema")
                .hasMessageContaining(message);
    }

    /** Whether some rule lets the pods reach this address on any port: in an ipBlock and in none of its exceptions. */
    private static boolean allows(NetworkPolicy policy, String address) {
        return policy.getSpec().getEgress().stream()
                .filter(rule -> rule.getPorts() == null || rule.getPorts().isEmpty())
                .flatMap(rule -> rule.getTo().stream())
                .map(NetworkPolicyPeer::getIpBlock).filter(Objects::nonNull)
                .anyMatch(block -> Cidr.parse(block.getCidr()).contains(address) && (block.getExcept() == null
                        || block.getExcept().stream().noneMatch(except -> Cidr.parse(except).contains(address))));
    }

    private static List<IPBlock> ipBlocks(NetworkPolicy policy) {
        return policy.getSpec().getEgress().stream().flatMap(rule -> rule.getTo().stream())
                .map(NetworkPolicyPeer::getIpBlock).filter(Objects::nonNull).toList();
    }
}
