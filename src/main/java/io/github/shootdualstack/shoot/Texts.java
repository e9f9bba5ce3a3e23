package io.github.shootdualstack.shoot;

import java.nio.charset.StandardCharsets;

/** Texts cut to the sizes API servers accept. */
public final class Texts {

    /** The longest message of a status condition ({@code metav1.Condition}), used for every description the operator writes. */
    public static final int STATUS_MESSAGE_LIMIT = 32768;

    private Texts() {
    }

    /**
     * {@code text} cut to at most {@code maxBytes} bytes of UTF-8, never inside a character, and
     * ending in "..." when cut.
     */
    public static String cut(String text, int maxBytes) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= maxBytes) {
            return text;
        }
        int end = maxBytes - 3;
        while (end > 0 && (bytes[end] & 0xC0) == 0x80) {
            end--; // a continuation byte: step back to the start of its character
        }
        return new String(bytes, 0, end, StandardCharsets.UTF_8) + "...";
    }
}
