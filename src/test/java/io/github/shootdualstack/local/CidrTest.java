package io.github.shootdualstack.local;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CidrTest {

    @Test
    void ipv4_subnetsAndAddresses() {
        Cidr pods = Cidr.parse("100.96.0.0/11");

        assertThat(pods.subnet(24, 0)).hasToString("100.96.0.0/24");
        assertThat(pods.subnet(24, 257)).hasToString("100.97.1.0/24");
        assertThat(Cidr.parse("100.64.0.0/13").address(10)).isEqualTo("100.64.0.10");
        assertThat(pods.family()).isEqualTo("IPv4");
        assertThat(pods.contains("100.127.255.255")).isTrue();
        assertThat(pods.contains("100.128.0.0")).isFalse();
    }

    @Test
    void ipv6_isWrittenInItsShortestForm() {
        Cidr pods = Cidr.parse("fd01:00ab:0000::/48");

        assertThat(pods).hasToString("fd01:ab::/48");
        assertThat(pods.subnet(64, 3)).hasToString("fd01:ab:0:3::/64");
        assertThat(pods.subnet(64, 3).address(2)).isEqualTo("fd01:ab:0:3::2");
        assertThat(Cidr.parse("::/0").address(1)).isEqualTo("::1");
        assertThat(Cidr.parse("fd00:0:0:1:0:0:0:0/64")).hasToString("fd00:0:0:1::/64");
        assertThat(pods.isIpv6()).isTrue();
        assertThat(pods.contains("fd01:ab:0:ffff::1")).isTrue();
        assertThat(pods.contains("fd01:ab:1::1")).isFalse();
        assertThat(pods.contains("100.96.0.1")).isFalse();
    }

    @Test
    void hostBitsAreCleared() {
        assertThat(Cidr.parse("10.250.3.7/16")).isEqualTo(Cidr.parse("10.250.0.0/16"));
    }

    @Test
    void malformedRanges_areRefusedWithTheTextInTheMessage() {
        assertThatThrownBy(() -> Cidr.parse("10.250.0.0")).hasMessageContaining("\"10.250.0.0\"");
        assertThatThrownBy(() -> Cidr.parse("10.250.0.256/16")).hasMessageContaining("10.250.0.256/16");
        assertThatThrownBy(() -> Cidr.parse("fd00::1::/64")).hasMessageContaining("more than one ::");
        assertThatThrownBy(() -> Cidr.parse("example.com/8")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Cidr.parse("10.0.0.0/33")).hasMessageContaining("prefix");
        assertThatThrownBy(() -> Cidr.parse("10.0.0.0/24").subnet(16, 0)).hasMessageContaining("/16");
        assertThatThrownBy(() -> Cidr.parse("10.0.0.0/24").address(256)).hasMessageContaining("offset 256");
    }
}
