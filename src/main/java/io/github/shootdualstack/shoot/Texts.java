package io.github.shootdualstack.shoot;

import java.nio.charset.StandardCharsets;

/** Texts cut to the sizes API servers accept, and times as people read them. */
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

    /** "2d 3h", "5h 12m", "42m 5s", "30s": the two largest units, rounded down. */
    public static String duration(java.time.Duration duration) {
        long seconds = Math.max(0, duration.getSeconds());
        long days = seconds / 86_400;
        long hours = seconds % 86_400 / 3_600;
        long minutes = seconds % 3_600 / 60;
        long rest = seconds % 60;
        if (days > 0) {
            return days + "d" + (hours > 0 ? " " + hours + "h" : "");
        }
        if (hours > 0) {
            return hours + "h" + (minutes > 0 ? " " + minutes + "m" : "");
        }
        if (minutes > 0) {
            return minutes + "m" + (rest > 0 ? " " + rest + "s" : "");
        }
        return rest + "s";
    }
}
