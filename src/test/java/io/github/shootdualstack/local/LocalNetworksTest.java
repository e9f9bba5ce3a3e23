package io.github.shootdualstack.local;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LocalNetworksTest {

    @Test
    void ipv6Ranges_areUniqueLocal_deterministic_andShareTheShootNumber() {
        LocalNetworks.Ipv6Ranges ranges = LocalNetworks.ipv6For("shoot--dev--demo");

        assertThat(LocalNetworks.ipv6For("shoot--dev--demo")).isEqualTo(ranges);
        assertThat(ranges.nodes().prefix()).isEqualTo(64);
        assertThat(ranges.pods().prefix()).isEqualTo(48);
        assertThat(ranges.services().prefix()).isEqualTo(112);
        String shootNumber = ranges.nodes().toString().split(":")[1];
        assertThat(ranges.nodes().toString()).startsWith("fd00:");
        assertThat(ranges.pods().toString()).startsWith("fd01:" + shootNumber);
        assertThat(ranges.services().toString()).startsWith("fd02:" + shootNumber);
    }

    @Test
    void dnsAddress_isServiceBasePlusTen() {
        LocalNetworks.Ipv6Ranges ranges = LocalNetworks.ipv6For("shoot--dev--demo");

        String dns = ranges.services().address(LocalNetworks.DNS_OFFSET);

        assertThat(dns).endsWith("::a");
        assertThat(ranges.services().contains(dns)).isTrue();
    }

    @Test
    void nodeNumberN_getsTheNthPodRange() {
        LocalNetworks.Ipv6Ranges ranges = LocalNetworks.ipv6For("shoot--dev--demo");

        assertThat(ranges.pods().subnet(LocalNetworks.NODE_POD_PREFIX_V6, 2).toString()).endsWith(":0:2::/64");
    }
}
