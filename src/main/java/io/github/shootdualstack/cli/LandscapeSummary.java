package io.github.shootdualstack.cli;

import io.fabric8.kubernetes.api.model.Event;
import io.github.shootdualstack.migration.Conditions;
import io.github.shootdualstack.migration.Orchestration;
import io.github.shootdualstack.shoot.Condition;
import io.github.shootdualstack.shoot.Shoot;

import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The Shoots gardenlet migrates, counted as a landscape: how many migrate, how many roll their nodes,
 * how many wait for a roll slot (the operator's latest rollout event says it queued them), how many
 * stand at each constraint, and of them how many are paused or blocked (gardenlet's last operation failed).
 */
record LandscapeSummary(int migrating, int rollingNodes, int waitingForASlot, int nodesProgressing, int nodesMigrated,
                        int dns, int paused, int blocked) {

    /**
     * @param gardenlets the Shoots gardenlet migrates
     * @param events     the operator's rollout events in their namespaces (others are ignored)
     */
    static LandscapeSummary of(List<Shoot> gardenlets, List<Event> events) {
        Map<String, Event> latestRolloutEvent = new HashMap<>();
        events.stream()
                .filter(event -> Orchestration.ROLLOUT_QUEUED.equals(event.getReason()) || Orchestration.ROLLOUT_REQUESTED.equals(event.getReason()))
                .filter(event -> event.getInvolvedObject() != null && "Shoot".equals(event.getInvolvedObject().getKind()))
                .sorted(Comparator.comparing(LandscapeSummary::time, Comparator.nullsFirst(Comparator.naturalOrder())))
                .forEach(event -> latestRolloutEvent.put(event.getInvolvedObject().getNamespace() + "/" + event.getInvolvedObject().getName(), event));
        int migrating = 0;
        int rolling = 0;
        int waiting = 0;
        int progressing = 0;
        int migrated = 0;
        int dns = 0;
        int paused = 0;
        int blocked = 0;
        for (Shoot shoot : gardenlets) {
            if (!Orchestration.migrating(shoot)) {
                continue;
            }
            migrating++;
            List<Condition> constraints = shoot.getStatus().getConstraints();
            Condition nodes = Conditions.find(constraints, Conditions.NODES_TYPE);
            if (Conditions.find(constraints, Conditions.DNS_TYPE) != null) {
                dns++;
            } else if (nodes != null && Condition.TRUE.equals(nodes.getStatus())) {
                migrated++;
            } else if (Orchestration.rollingNodes(shoot)) {
                rolling++;
            } else {
                Event latest = latestRolloutEvent.get(shoot.getMetadata().getNamespace() + "/" + shoot.getMetadata().getName());
                if (latest != null && Orchestration.ROLLOUT_QUEUED.equals(latest.getReason())) {
                    waiting++;
                } else {
                    progressing++;
                }
            }
            if (Orchestration.pausedByAnnotation(shoot)) {
                paused++;
            }
            if (Orchestration.gardenletFailed(shoot)) {
                blocked++;
            }
        }
        return new LandscapeSummary(migrating, rolling, waiting, progressing, migrated, dns, paused, blocked);
    }

    String text() {
        TextTable table = new TextTable("BESIDE GARDENLET", "SHOOTS");
        table.row("migrating", String.valueOf(migrating));
        table.row("  rolling nodes", String.valueOf(rollingNodes));
        table.row("  waiting for a roll slot", String.valueOf(waitingForASlot));
        table.row("  nodes not rolled or not checked yet", String.valueOf(nodesProgressing));
        table.row("  nodes migrated", String.valueOf(nodesMigrated));
        table.row("  DNS", String.valueOf(dns));
        table.row("of them paused", String.valueOf(paused));
        table.row("of them blocked (last operation failed)", String.valueOf(blocked));
        return table.indented("");
    }

    private static String time(Event event) {
        if (event.getEventTime() != null && event.getEventTime().getTime() != null) {
            return event.getEventTime().getTime();
        }
        return event.getLastTimestamp() != null ? event.getLastTimestamp() : event.getFirstTimestamp();
    }
}
