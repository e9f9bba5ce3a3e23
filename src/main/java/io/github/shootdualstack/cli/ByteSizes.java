package io.github.shootdualstack.cli;

import io.fabric8.kubernetes.api.model.Quantity;

import java.math.BigDecimal;

/** Sizes as Kubernetes writes them ({@code 512Ki}, {@code 4Mi}, {@code 1Gi}, or bytes). */
final class ByteSizes {

    private ByteSizes() {
    }

    /** The size in bytes; -1 when {@code text} is not a whole number of bytes in Kubernetes' quantity form. */
    static long parse(String text) {
        try {
            BigDecimal bytes = Quantity.getAmountInBytes(new Quantity(text.trim()));
            return bytes.signum() < 0 || bytes.stripTrailingZeros().scale() > 0 ? -1 : bytes.longValueExact();
        } catch (RuntimeException e) {
            return -1;
        }
    }
}
