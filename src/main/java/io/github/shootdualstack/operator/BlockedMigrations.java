package io.github.shootdualstack.operator;

import io.github.shootdualstack.migration.Step;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Shoots whose migration is blocked, by step, and since when: what the blocked-migration
 * gauges count, without a label per Shoot. A block is the operator's memory of the problem it
 * reported (lost on restart, like the memory itself).
 */
final class BlockedMigrations {

    private record Block(Step step, Instant since) {
    }

    private final Map<String, Block> blocks = new ConcurrentHashMap<>();
    private final Clock clock;

    BlockedMigrations(Clock clock) {
        this.clock = clock;
    }

    /**
     * The Shoot is blocked at this step since then, or no longer blocked ({@code step} null). A new
     * problem at the same step keeps the block's start: a message that changes (another node count,
     * another answer of the same server) must not make a long block look young.
     */
    void update(String shootKey, Step step, Instant since) {
        if (step == null) {
            blocks.remove(shootKey);
        } else {
            blocks.merge(shootKey, new Block(step, since), (old, now) -> old.step() == now.step() ? old : now);
        }
    }

    void retainOnly(Set<String> shootKeys) {
        blocks.keySet().retainAll(shootKeys);
    }

    long count(Step step) {
        return blocks.values().stream().filter(block -> block.step() == step).count();
    }

    /** How long the longest-blocked Shoot at this step has been blocked; 0 when none is. */
    double longestSeconds(Step step) {
        Instant now = clock.instant();
        return blocks.values().stream().filter(block -> block.step() == step)
                .mapToDouble(block -> Math.max(0, Duration.between(block.since(), now).toMillis() / 1000.0))
                .max().orElse(0);
    }
}
