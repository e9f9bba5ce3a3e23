package io.github.shootdualstack.local;

import io.github.shootdualstack.shoot.IpFamily;

import java.math.BigInteger;
import java.util.Objects;

/**
 * An IPv4 or IPv6 range with the little arithmetic the local provider needs: the n-th subnet and
 * the n-th address of a range. Parsing is done by hand because {@link java.net.InetAddress} would
 * resolve anything that is not a literal through DNS.
 */
public final class Cidr {

    private final BigInteger base;
    private final int prefix;
    private final boolean ipv6;

    private Cidr(BigInteger base, int prefix, boolean ipv6) {
        this.base = base;
        this.prefix = prefix;
        this.ipv6 = ipv6;
    }

    /** @throws IllegalArgumentException naming the text when it is not an {@code address/prefix} range */
    public static Cidr parse(String text) {
        int slash = text == null ? -1 : text.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("malformed CIDR \"" + text + "\": expected address/prefix");
        }
        String address = text.substring(0, slash);
        boolean ipv6 = address.contains(":");
        int prefix;
        try {
            prefix = Integer.parseInt(text.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("malformed CIDR \"" + text + "\": prefix is not a number", e);
        }
        int bits = ipv6 ? 128 : 32;
        if (prefix < 0 || prefix > bits) {
            throw new IllegalArgumentException("malformed CIDR \"" + text + "\": prefix must be 0.." + bits);
        }
        BigInteger value = ipv6 ? parseIpv6(text, address) : parseIpv4(text, address);
        BigInteger hostMask = BigInteger.ONE.shiftLeft(bits - prefix).subtract(BigInteger.ONE);
        return new Cidr(value.andNot(hostMask), prefix, ipv6);
    }

    /** {@code IPv4} or {@code IPv6}, spelled as in {@code spec.networking.ipFamilies}. */
    public String family() {
        return ipv6 ? IpFamily.IPV6 : IpFamily.IPV4;
    }

    public boolean isIpv6() {
        return ipv6;
    }

    public int prefix() {
        return prefix;
    }

    /** The {@code index}-th subnet of length {@code newPrefix}, counting from 0. */
    public Cidr subnet(int newPrefix, long index) {
        if (newPrefix < prefix || newPrefix > bits()) {
            throw new IllegalArgumentException("cannot cut /" + newPrefix + " subnets out of " + this);
        }
        BigInteger count = BigInteger.ONE.shiftLeft(newPrefix - prefix);
        if (index < 0 || BigInteger.valueOf(index).compareTo(count) >= 0) {
            throw new IllegalArgumentException(this + " has no /" + newPrefix + " subnet number " + index);
        }
        return new Cidr(base.add(BigInteger.valueOf(index).shiftLeft(bits() - newPrefix)), newPrefix, ipv6);
    }

    /** The address {@code offset} places after the range's base address, e.g. offset 10 of the service range. */
    public String address(long offset) {
        BigInteger size = BigInteger.ONE.shiftLeft(bits() - prefix);
        if (offset < 0 || BigInteger.valueOf(offset).compareTo(size) >= 0) {
            throw new IllegalArgumentException(this + " has no address at offset " + offset);
        }
        return format(base.add(BigInteger.valueOf(offset)));
    }

    /** Whether the literal address lies in this range; {@code false} for another family. */
    public boolean contains(String address) {
        if (address == null || address.contains(":") != ipv6) {
            return false;
        }
        BigInteger value = ipv6 ? parseIpv6(address, address) : parseIpv4(address, address);
        return value.shiftRight(bits() - prefix).equals(base.shiftRight(bits() - prefix));
    }

    private int bits() {
        return ipv6 ? 128 : 32;
    }

    private String format(BigInteger value) {
        return ipv6 ? formatIpv6(value) : formatIpv4(value);
    }

    @Override
    public String toString() {
        return format(base) + "/" + prefix;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Cidr that && base.equals(that.base) && prefix == that.prefix && ipv6 == that.ipv6;
    }

    @Override
    public int hashCode() {
        return Objects.hash(base, prefix, ipv6);
    }

    private static BigInteger parseIpv4(String text, String address) {
        String[] parts = address.split("\\.", -1);
        if (parts.length != 4) {
            throw new IllegalArgumentException("malformed IPv4 address in \"" + text + "\"");
        }
        long value = 0;
        for (String part : parts) {
            int octet = parseNumber(text, part, 10);
            if (octet > 255) {
                throw new IllegalArgumentException("malformed IPv4 address in \"" + text + "\"");
            }
            value = value << 8 | octet;
        }
        return BigInteger.valueOf(value);
    }

    private static BigInteger parseIpv6(String text, String address) {
        int gap = address.indexOf("::");
        if (gap != address.lastIndexOf("::")) {
            throw new IllegalArgumentException("malformed IPv6 address in \"" + text + "\": more than one ::");
        }
        String[] head = gap < 0 ? address.split(":", -1) : groups(address.substring(0, gap));
        String[] tail = gap < 0 ? new String[0] : groups(address.substring(gap + 2));
        int missing = 8 - head.length - tail.length;
        if (gap < 0 ? missing != 0 : missing < 1) {
            throw new IllegalArgumentException("malformed IPv6 address in \"" + text + "\": wrong number of groups");
        }
        BigInteger value = BigInteger.ZERO;
        for (String group : head) {
            value = value.shiftLeft(16).or(BigInteger.valueOf(parseGroup(text, group)));
        }
        value = value.shiftLeft(16 * missing);
        for (String group : tail) {
            value = value.shiftLeft(16).or(BigInteger.valueOf(parseGroup(text, group)));
        }
        return value;
    }

    private static String[] groups(String part) {
        return part.isEmpty() ? new String[0] : part.split(":", -1);
    }

    private static int parseGroup(String text, String group) {
        if (group.length() > 4) {
            throw new IllegalArgumentException("malformed IPv6 address in \"" + text + "\"");
        }
        return parseNumber(text, group, 16);
    }

    private static int parseNumber(String text, String digits, int radix) {
        try {
            if (digits.isEmpty() || digits.startsWith("+") || digits.startsWith("-")) {
                throw new NumberFormatException(digits);
            }
            return Integer.parseInt(digits, radix);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("malformed address in \"" + text + "\"", e);
        }
    }

    private static String formatIpv4(BigInteger value) {
        long v = value.longValue();
        return (v >> 24 & 255) + "." + (v >> 16 & 255) + "." + (v >> 8 & 255) + "." + (v & 255);
    }

    /** RFC 5952 text, as the operator writes addresses too. */
    private static String formatIpv6(BigInteger value) {
        byte[] bytes = new byte[16];
        byte[] raw = value.toByteArray();
        int copy = Math.min(raw.length, 16);
        System.arraycopy(raw, raw.length - copy, bytes, 16 - copy, copy);
        return io.github.shootdualstack.migration.Addresses.canonicalIpv6(bytes);
    }
}
