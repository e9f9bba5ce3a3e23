package io.github.shootdualstack.migration;

import io.github.shootdualstack.shoot.IpFamily;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Collection;
import java.util.Optional;
import java.util.regex.Pattern;

/** IP addresses and CIDRs by family. Parses literals only: never a name lookup. */
public final class Addresses {

    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
    private static final Pattern IPV6 = Pattern.compile("[0-9a-fA-F:.]*:[0-9a-fA-F:.]*");

    private Addresses() {
    }

    /** The family of an address or CIDR; throws {@link IllegalArgumentException} when malformed. */
    public static String family(String addressOrCidr) {
        return parse(addressOrCidr) instanceof java.net.Inet4Address ? IpFamily.IPV4 : IpFamily.IPV6;
    }

    /** Whether the addresses or CIDRs hold one of each family. Malformed entries throw. */
    public static boolean dualStack(Collection<String> addressesOrCidrs) {
        return has(addressesOrCidrs, IpFamily.IPV4) && has(addressesOrCidrs, IpFamily.IPV6);
    }

    public static boolean has(Collection<String> addressesOrCidrs, String family) {
        return first(addressesOrCidrs, family).isPresent();
    }

    public static Optional<String> first(Collection<String> addressesOrCidrs, String family) {
        if (addressesOrCidrs == null) {
            return Optional.empty();
        }
        return addressesOrCidrs.stream().filter(a -> family.equals(family(a))).findFirst();
    }

    /** The address {@code offset} above a CIDR's base address: {@code fd00:10:96::/112 + 10 = fd00:10:96::a}. */
    public static String offset(String cidr, int offset) {
        InetAddress base = parse(cidr);
        byte[] raw = new BigInteger(1, base.getAddress()).add(BigInteger.valueOf(offset)).toByteArray();
        byte[] bytes = new byte[base.getAddress().length];
        int copy = Math.min(raw.length, bytes.length);
        System.arraycopy(raw, raw.length - copy, bytes, bytes.length - copy, copy);
        try {
            InetAddress result = InetAddress.getByAddress(bytes);
            return result instanceof java.net.Inet6Address ? canonicalIpv6(bytes) : result.getHostAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("malformed CIDR \"" + cidr + "\"", e);
        }
    }

    /** Whether the CIDR's range holds the address {@code offset} above its base (a plain address holds only itself). */
    public static boolean holds(String cidr, int offset) {
        int bits = parse(cidr).getAddress().length * 8;
        String[] parts = cidr.trim().split("/", -1);
        int hostBits = bits - (parts.length == 2 ? Integer.parseInt(parts[1]) : bits);
        return hostBits >= 31 || offset < (1 << hostBits);
    }

    /** RFC 5952 text: lower case, no leading zeros, the longest run of zero groups as "::". */
    public static String canonicalIpv6(byte[] bytes) {
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((bytes[2 * i] & 0xff) << 8) | (bytes[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; ) {
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j == i ? i + 1 : j;
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                text.append("::");
                i += bestLength - 1;
                continue;
            }
            if (text.length() > 0 && text.charAt(text.length() - 1) != ':') {
                text.append(':');
            }
            text.append(Integer.toHexString(groups[i]));
        }
        return text.toString();
    }

    private static InetAddress parse(String addressOrCidr) {
        if (addressOrCidr == null) {
            throw new IllegalArgumentException("malformed address \"null\"");
        }
        String[] parts = addressOrCidr.trim().split("/", -1);
        String address = parts[0];
        boolean v4 = IPV4.matcher(address).matches();
        if (parts.length > 2 || !(v4 || IPV6.matcher(address).matches())) {
            throw new IllegalArgumentException("malformed address \"" + addressOrCidr + "\"");
        }
        if (v4 && IPV4.matcher(address).results().flatMap(m -> java.util.stream.IntStream.rangeClosed(1, 4)
                .mapToObj(m::group)).anyMatch(octet -> Integer.parseInt(octet) > 255)) {
            throw new IllegalArgumentException("malformed address \"" + addressOrCidr + "\"");
        }
        try {
            // a literal of the right shape only: getByName then parses and never looks a name up
            InetAddress parsed = InetAddress.getByName(address);
            if (parts.length == 2) {
                int prefix = Integer.parseInt(parts[1]);
                if (prefix < 0 || prefix > parsed.getAddress().length * 8) {
                    throw new IllegalArgumentException("malformed CIDR \"" + addressOrCidr + "\"");
                }
            }
            return parsed;
        } catch (UnknownHostException | NumberFormatException e) {
            throw new IllegalArgumentException("malformed address \"" + addressOrCidr + "\"", e);
        }
    }
}
