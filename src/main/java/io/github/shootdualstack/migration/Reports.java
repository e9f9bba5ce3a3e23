package io.github.shootdualstack.migration;

import io.github.shootdualstack.migration.Decision.Event;
import io.github.shootdualstack.shoot.Condition;
import io.github.shootdualstack.shoot.IpFamily;
import io.github.shootdualstack.shoot.IpFamilyRules;
import io.github.shootdualstack.shoot.LastOperation;
import io.github.shootdualstack.shoot.MigrationRecord;
import io.github.shootdualstack.shoot.ShootStatus;
import io.github.shootdualstack.shoot.StatusNetworking;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/** Turns where the migration stands into the Shoot's status: constraints, last operation, record. */
final class Reports {

    private Reports() {
    }

    static Decision refused(Migration m, String message) {
        LastOperation last = m.status().getLastOperation();
        if (m.problem(message)) {
            boolean transition = message.contains(IpFamilyRules.TRANSITION_MESSAGE_PREFIX);
            m.events().add(Event.warning(transition ? "UnsupportedIPFamilyUpdate" : "InvalidIPFamilies",
                    m.shootRef() + ": " + message));
        }
        int progress = last == null || last.getProgress() == null ? 0 : last.getProgress();
        lastOperation(m, LastOperation.STATE_ERROR, progress, message);
        return m.decision(null, null, false);
    }

    static Decision idle(Migration m, List<String> families) {
        m.noProblem();
        LastOperation last = m.status().getLastOperation();
        if (last != null && LastOperation.STATE_ERROR.equals(last.getState()) && IpFamilyRules.isRefusal(last.getDescription())) {
            String message = "spec.networking.ipFamilies " + IpFamily.format(families) + " accepted";
            lastOperation(m, LastOperation.STATE_SUCCEEDED, 100, message);
            m.events().add(Event.normal("IPFamiliesAccepted", m.shootRef() + ": " + message));
        }
        return m.decision(null, null, false);
    }

    static Decision processing(Migration m, Step step, String waitingFor, Duration recheck) {
        m.noProblem();
        int progress = m.status().getDualStackMigration() == null ? 0 : step.progress();
        lastOperation(m, LastOperation.STATE_PROCESSING, progress, waitingFor);
        return m.decision(step, recheck, false);
    }

    static Decision waiting(Migration m, Step step, String waitingFor) {
        m.noProblem();
        constraints(m, step);
        lastOperation(m, LastOperation.STATE_PROCESSING, progress(m, step), describe(m, step, waitingFor));
        return m.decision(step, m.input().settings().recheckInterval(), false);
    }

    static Decision blocked(Migration m, Step step, String problem) {
        if (m.status().getDualStackMigration() != null) {
            constraints(m, step);
        }
        String description = describe(m, step, problem);
        if (m.problem(description)) {
            m.events().add(Event.warning("DualStackMigrationBlocked", description));
        }
        lastOperation(m, LastOperation.STATE_ERROR, progress(m, step), description);
        return m.decision(step, m.backoff(), false);
    }

    /** A retry is at work: the error stands as it is, with its age, from which the back-off grows. */
    static Decision retrying(Migration m, Step step) {
        constraints(m, step);
        return m.decision(step, m.backoff(), false);
    }

    static Decision completed(Migration m, MigrationRecord record) {
        m.noProblem();
        record.setStep(Step.COMPLETED.displayName());
        record.setCompletedAt(m.now());
        ShootClusterFacts shoot = m.input().shootCluster();
        String report = "dual-stack migration to " + IpFamily.format(record.getToIPFamilies()) + " completed; new pods get both families";
        if (shoot != null) {
            record.setSingleAddressPods(shoot.singleAddressPods());
            record.setSingleStackServices(shoot.singleStackServices());
            report += "; " + shoot.singleAddressPods() + " pods still have one address until they are recreated"
                    + "; " + shoot.singleStackServices().size() + " Services are still single-stack until changed"
                    + (shoot.singleStackServices().isEmpty() ? "" : ": " + String.join(", ", shoot.singleStackServices()));
        }
        constraints(m, Step.COMPLETED);
        lastOperation(m, LastOperation.STATE_SUCCEEDED, 100, report);
        m.events().add(Event.normal("DualStackMigrationCompleted", report));
        return m.decision(Step.COMPLETED, null, false);
    }

    /** Copies the Infrastructure's {@code status.networking} into the Shoot's. */
    static void syncNetworking(Migration m, GardenFacts garden) {
        if (garden.infrastructureCidrs("nodes").isEmpty()) {
            return;
        }
        ShootStatus status = m.status();
        StatusNetworking networking = status.getNetworking() == null ? new StatusNetworking() : status.getNetworking();
        networking.setNodes(garden.infrastructureCidrs("nodes"));
        networking.setPods(garden.infrastructureCidrs("pods"));
        networking.setServices(garden.infrastructureCidrs("services"));
        if (!garden.infrastructureCidrs("egressCIDRs").isEmpty()) {
            networking.setEgressCIDRs(garden.infrastructureCidrs("egressCIDRs"));
        }
        status.setNetworking(networking);
    }

    private static void constraints(Migration m, Step step) {
        ShootStatus status = m.status();
        var now = m.input().now();
        Condition nodes = switch (step) {
            case INFRASTRUCTURE, CONTROL_PLANE -> new Condition(Conditions.NODES_TYPE, Condition.PROGRESSING, Conditions.NODES_NOT_MIGRATED,
                    "the infrastructure and the control plane are being prepared for IPv4 and IPv6");
            case NODES -> new Condition(Conditions.NODES_TYPE, Condition.PROGRESSING, Conditions.NODES_NOT_MIGRATED, nodeMessage(m));
            case NETWORK -> new Condition(Conditions.NODES_TYPE, Condition.TRUE, Conditions.NODES_MIGRATED,
                    "every node has IPv4 and IPv6 pod CIDRs");
            default -> null;
        };
        Condition dns = switch (step) {
            case CORE_DNS -> new Condition(Conditions.DNS_TYPE, Condition.PROGRESSING, Conditions.DNS_REASON,
                    "CoreDNS is restarted to get IPv4 and IPv6 addresses");
            case KUBE_DNS -> new Condition(Conditions.DNS_TYPE, Condition.TRUE, Conditions.DNS_REASON,
                    "every CoreDNS pod has IPv4 and IPv6 addresses; the kube-dns Service is next");
            default -> null;
        };
        status.setConstraints(Conditions.set(Conditions.set(status.getConstraints(), Conditions.NODES_TYPE, nodes, now),
                Conditions.DNS_TYPE, dns, now));
        if (status.getConstraints().isEmpty()) {
            status.setConstraints(null);
        }
    }

    private static String nodeMessage(Migration m) {
        ShootClusterFacts shoot = m.input().shootCluster();
        if (shoot == null || shoot.nodes().isEmpty()) {
            Condition existing = Conditions.find(m.status().getConstraints(), Conditions.NODES_TYPE);
            return existing != null && existing.getMessage() != null ? existing.getMessage() : "the nodes are not migrated yet";
        }
        return Migration.nodeCount(migratedNodes(shoot), shoot.nodes().size());
    }

    private static long migratedNodes(ShootClusterFacts shoot) {
        return shoot.nodes().stream().filter(n -> {
            try {
                return Addresses.dualStack(n.podCidrs());
            } catch (IllegalArgumentException e) {
                return false;
            }
        }).count();
    }

    private static int progress(Migration m, Step step) {
        ShootClusterFacts shoot = m.input().shootCluster();
        if (step != Step.NODES || shoot == null || shoot.nodes().isEmpty()) {
            return step.progress();
        }
        int span = Step.NETWORK.progress() - Step.NODES.progress();
        return step.progress() + (int) (span * migratedNodes(shoot) / shoot.nodes().size());
    }

    private static String describe(Migration m, Step step, String text) {
        int nodes = m.input().garden() == null ? 0 : m.input().garden().nodeCountFromPools();
        String note = nodes > m.input().settings().routeWarningNodes() ? " (note: " + m.routeWarning(nodes) + ")" : "";
        return step.label() + ": " + text + note;
    }

    /** Sets the last operation; its {@code lastUpdateTime} moves only when something in it changed. */
    private static void lastOperation(Migration m, String state, int progress, String description) {
        LastOperation current = m.status().getLastOperation();
        LastOperation next = new LastOperation();
        if (current != null) {
            current.additionalProperties().forEach(next::setAdditionalProperty);
        }
        next.setType(LastOperation.TYPE_RECONCILE);
        next.setState(state);
        next.setProgress(progress);
        next.setDescription(description);
        boolean same = current != null && Objects.equals(current.getType(), next.getType())
                && Objects.equals(current.getState(), state) && Objects.equals(current.getProgress(), progress)
                && Objects.equals(current.getDescription(), description);
        next.setLastUpdateTime(same ? current.getLastUpdateTime() : m.now());
        m.status().setLastOperation(next);
    }
}
