package io.github.shootdualstack.migration;

import io.github.shootdualstack.shoot.Condition;
import io.github.shootdualstack.shoot.IpFamily;
import io.github.shootdualstack.shoot.LastOperation;
import io.github.shootdualstack.shoot.MigrationRecord;
import io.github.shootdualstack.shoot.StatusNetworking;
import io.github.shootdualstack.shoot.Texts;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/** Pure functions that turn where the migration stands into the parts of the Shoot's status people read. */
final class Reports {

    private Reports() {
    }

    /** The constraints list with the migration's two set as wanted (other types kept as they are); {@code null} when empty. */
    static List<Condition> constraints(List<Condition> current, StepUnit.Constraints wanted, Instant now) {
        List<Condition> result = Conditions.set(Conditions.set(current, Conditions.NODES_TYPE, wanted.nodes(), now),
                Conditions.DNS_TYPE, wanted.dns(), now);
        return result.isEmpty() ? null : result;
    }

    /** A last operation of type Reconcile; its {@code lastUpdateTime} moves only when something in it changed. */
    static LastOperation lastOperation(LastOperation current, String state, int progress, String description, Instant now) {
        LastOperation next = new LastOperation();
        if (current != null) {
            current.additionalProperties().forEach(next::setAdditionalProperty);
        }
        next.setType(LastOperation.TYPE_RECONCILE);
        next.setState(state);
        next.setProgress(progress);
        description = Texts.cut(description, Texts.STATUS_MESSAGE_LIMIT);
        next.setDescription(description);
        boolean same = current != null && Objects.equals(current.getType(), next.getType())
                && Objects.equals(current.getState(), state) && Objects.equals(current.getProgress(), progress)
                && Objects.equals(current.getDescription(), description);
        next.setLastUpdateTime(same ? current.getLastUpdateTime() : Conditions.timestamp(now));
        return next;
    }

    /** The Shoot's {@code status.networking} with the Infrastructure's ranges; unchanged while it reports none. */
    static StatusNetworking networking(StatusNetworking current, GardenFacts garden) {
        if (garden.infrastructureCidrs("nodes").isEmpty()) {
            return current;
        }
        StatusNetworking networking = current == null ? new StatusNetworking() : current;
        networking.setNodes(garden.infrastructureCidrs("nodes"));
        networking.setPods(garden.infrastructureCidrs("pods"));
        networking.setServices(garden.infrastructureCidrs("services"));
        if (!garden.infrastructureCidrs("egressCIDRs").isEmpty()) {
            networking.setEgressCIDRs(garden.infrastructureCidrs("egressCIDRs"));
        }
        return networking;
    }

    /** "Step 4/7 Nodes: {text}", with the route-quota note on a Shoot of many nodes. */
    static String describe(Step step, String text, GardenFacts garden, Migration.Settings settings) {
        int nodes = garden == null ? 0 : garden.nodeCountFromPools();
        String note = nodes > settings.routeWarningNodes() ? " (note: " + routeWarning(nodes) + ")" : "";
        return step.label() + ": " + text + note;
    }

    static String routeWarning(int nodes) {
        return "the Shoot has " + nodes + " nodes: native routing adds one route per node, so the infrastructure's"
                + " route quota may need raising";
    }

    /** What the completion says, and the record's counts of what stays single-stack until recreated or changed. */
    static String completion(MigrationRecord record, ShootClusterFacts shoot) {
        String report = "dual-stack migration to " + IpFamily.format(record.getToIPFamilies()) + " completed; new pods get both families";
        if (shoot != null && shoot.report() != null) {
            ShootClusterFacts.Report left = shoot.report();
            record.setSingleAddressPods(left.singleAddressPods());
            record.setSingleStackServices(left.singleStackServices());
            report += "; " + left.singleAddressPods() + " pods still have one address until they are recreated"
                    + "; " + left.singleStackServiceCount() + " Services are still single-stack until changed"
                    + (left.singleStackServices().isEmpty() ? "" : ": " + String.join(", ", left.singleStackServices()))
                    + (left.singleStackServiceCount() > left.singleStackServices().size()
                    ? " and " + (left.singleStackServiceCount() - left.singleStackServices().size()) + " more" : "");
        }
        return report;
    }
}
