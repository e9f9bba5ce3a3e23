package io.github.shootdualstack.operator;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * How many migrating Shoots roll their nodes at once, in the whole installation and per seed, and
 * who waits for a slot, first come first served. What rolls is observed on every reconcile of a
 * Shoot gardenlet migrates ({@link #observe}); before the first slot is given, every cached Shoot is
 * observed once, so that a restarted operator counts the rolls already running. A limit of 0 is none.
 */
final class RollSlots {

    /** A seed's key for a Shoot not scheduled yet. */
    private static final String NO_SEED = "";

    private final int maxRolling;
    private final int maxRollingPerSeed;
    // the Shoots whose nodes roll, with their seeds; and those waiting for a slot, oldest first
    private final Map<String, String> rolling = new HashMap<>();
    private final Map<String, String> waiting = new LinkedHashMap<>();
    private boolean counted;

    RollSlots(int maxRolling, int maxRollingPerSeed) {
        this.maxRolling = maxRolling;
        this.maxRollingPerSeed = maxRollingPerSeed;
    }

    /** What a Shoot looks like to the landscape: its key, its seed and whether its nodes roll. */
    record Seen(String key, String seed, boolean rolling) {
    }

    boolean limited() {
        return maxRolling > 0 || maxRollingPerSeed > 0;
    }

    /**
     * A Shoot as its reconcile found it, not asking for a slot (it leaves the queue).
     *
     * @return the waiting Shoots a slot goes to, to be woken: one this freed, or one the Shoot was woken
     *         for and no longer asks for (paused, say)
     */
    synchronized List<String> observe(Seen seen) {
        boolean left = waiting.remove(seen.key()) != null;
        boolean was = rolling.containsKey(seen.key());
        if (seen.rolling()) {
            rolling.put(seen.key(), seed(seen.seed()));
        } else {
            rolling.remove(seen.key());
        }
        return left || was && !seen.rolling() ? next() : List.of();
    }

    /** A Shoot no longer migrating, or gone: it neither rolls nor waits. */
    synchronized List<String> forget(String key) {
        boolean left = waiting.remove(key) != null;
        return rolling.remove(key) != null || left ? next() : List.of();
    }

    /**
     * A Shoot that would ask for its nodes to roll: it gets a slot (and counts as rolling from now) if
     * one is free for it and no one who waits longer is in line for the same slot.
     *
     * @param cached every cached Shoot, observed before the first slot is given
     * @return {@code null} with the slot given, else what it waits for
     */
    synchronized String take(String key, String seed, Supplier<Stream<Seen>> cached) {
        if (!counted) {
            cached.get().filter(Seen::rolling).forEach(shoot -> rolling.put(shoot.key(), seed(shoot.seed())));
            counted = true;
        }
        waiting.putIfAbsent(key, seed(seed));
        if (next().contains(key)) {
            waiting.remove(key);
            rolling.put(key, seed(seed));
            return null;
        }
        long onSeed = rolling.values().stream().filter(seed(seed)::equals).count();
        if (maxRollingPerSeed > 0 && onSeed >= maxRollingPerSeed) {
            return "a roll slot on seed " + seed + " (" + onSeed + " of " + maxRollingPerSeed + " Shoots there roll nodes)";
        }
        return maxRolling > 0 && rolling.size() >= maxRolling
                ? "a roll slot (" + rolling.size() + " of " + maxRolling + " Shoots roll nodes)"
                : "a roll slot (Shoots that waited longer come first)";
    }

    /** A slot given whose roll could not be asked for (the write failed): it is free again. */
    synchronized List<String> giveBack(String key) {
        return rolling.remove(key) != null ? next() : List.of();
    }

    synchronized int rolling() {
        return rolling.size();
    }

    synchronized int waiting() {
        return waiting.size();
    }

    synchronized void retainOnly(java.util.Set<String> present) {
        rolling.keySet().retainAll(present);
        waiting.keySet().retainAll(present);
    }

    /** The waiting Shoots the free slots go to, oldest first, each seed within its limit. */
    private List<String> next() {
        int free = maxRolling > 0 ? maxRolling - rolling.size() : Integer.MAX_VALUE;
        Map<String, Integer> onSeed = new HashMap<>();
        rolling.values().forEach(seed -> onSeed.merge(seed, 1, Integer::sum));
        List<String> next = new ArrayList<>();
        for (Map.Entry<String, String> shoot : waiting.entrySet()) {
            if (next.size() >= free) {
                break;
            }
            int there = onSeed.getOrDefault(shoot.getValue(), 0);
            if (maxRollingPerSeed <= 0 || there < maxRollingPerSeed) {
                next.add(shoot.getKey());
                onSeed.put(shoot.getValue(), there + 1);
            }
        }
        return next;
    }

    private static String seed(String seed) {
        return Objects.requireNonNullElse(seed, NO_SEED);
    }
}
