package io.github.shootdualstack.migration;

import io.github.shootdualstack.shoot.Condition;
import io.github.shootdualstack.shoot.Texts;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Gardener condition semantics: {@code lastTransitionTime} moves only when the status flips,
 * {@code lastUpdateTime} only when reason or message change. Conditions of other types are kept
 * untouched and in place.
 */
public final class Conditions {

    public static final String NODES_TYPE = "DualStackNodesMigrationReady";
    public static final String DNS_TYPE = "DNSServiceMigrationReady";
    public static final String NODES_NOT_MIGRATED = "NodesNotMigrated";
    public static final String NODES_MIGRATED = "NodesMigrated";
    public static final String DNS_REASON = "DNSServiceMigration";

    private Conditions() {
    }

    /** Kubernetes time format, at the second as the API server stores it. */
    public static String timestamp(Instant now) {
        return now.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    /**
     * The step the constraints, the persisted vocabulary, place a migration at: the DNS constraint
     * (Progressing: step 6, True: step 7), else the nodes constraint (True: step 5, Progressing:
     * steps 2 to 4, given as {@link Step#INFRASTRUCTURE}; the walk tells them apart from the world);
     * {@code null} with neither: no migration is underway.
     */
    public static Step stepOf(List<Condition> constraints) {
        Condition dns = find(constraints, DNS_TYPE);
        if (dns != null) {
            return Condition.TRUE.equals(dns.getStatus()) ? Step.KUBE_DNS : Step.CORE_DNS;
        }
        Condition nodes = find(constraints, NODES_TYPE);
        if (nodes != null) {
            return Condition.TRUE.equals(nodes.getStatus()) ? Step.NETWORK : Step.INFRASTRUCTURE;
        }
        return null;
    }

    public static Condition find(List<Condition> conditions, String type) {
        if (conditions == null) {
            return null;
        }
        return conditions.stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
    }

    /**
     * Returns a new list in which the condition of {@code wanted}'s type is set to it (keeping
     * the timestamps that did not move), or removed when {@code wanted} is {@code null}.
     */
    public static List<Condition> set(List<Condition> current, String type, Condition wanted, Instant now) {
        List<Condition> result = new ArrayList<>();
        boolean placed = false;
        for (Condition existing : current == null ? List.<Condition>of() : current) {
            if (!type.equals(existing.getType())) {
                result.add(existing);
            } else if (wanted != null && !placed) {
                result.add(merge(existing, wanted, now));
                placed = true;
            }
        }
        if (wanted != null && !placed) {
            result.add(merge(null, wanted, now));
        }
        return result;
    }

    private static Condition merge(Condition existing, Condition wanted, Instant now) {
        String time = timestamp(now);
        Condition merged = new Condition(wanted.getType(), wanted.getStatus(), wanted.getReason(),
                wanted.getMessage() == null ? null : Texts.cut(wanted.getMessage(), Texts.STATUS_MESSAGE_LIMIT));
        merged.setCodes(wanted.getCodes());
        if (existing == null) {
            merged.setLastTransitionTime(time);
            merged.setLastUpdateTime(time);
            return merged;
        }
        existing.additionalProperties().forEach(merged::setAdditionalProperty);
        boolean flipped = !Objects.equals(existing.getStatus(), wanted.getStatus());
        boolean reworded = !Objects.equals(existing.getReason(), merged.getReason())
                || !Objects.equals(existing.getMessage(), merged.getMessage());
        merged.setLastTransitionTime(flipped || existing.getLastTransitionTime() == null ? time : existing.getLastTransitionTime());
        merged.setLastUpdateTime(flipped || reworded || existing.getLastUpdateTime() == null ? time : existing.getLastUpdateTime());
        return merged;
    }
}
