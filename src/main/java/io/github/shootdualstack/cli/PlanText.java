package io.github.shootdualstack.cli;

import io.github.shootdualstack.migration.Preflight;
import io.github.shootdualstack.migration.Preflight.Check;
import io.github.shootdualstack.migration.Preflight.Result;

import java.util.List;
import java.util.stream.Collectors;

/** {@code plan} as people read it: a table for a landscape, every check and step for one Shoot. */
final class PlanText {

    private static final int WHY_WIDTH = 140;

    private PlanText() {
    }

    static String table(List<Preflight> plans) {
        if (plans.isEmpty()) {
            return "No Shoots selected.\n";
        }
        TextTable table = new TextTable("SHOOT", "VERDICT", "WHY");
        for (Preflight plan : plans) {
            table.row(plan.shoot(), plan.verdict().name(), TextTable.cut(why(plan), WHY_WIDTH));
        }
        long ready = plans.stream().filter(p -> p.verdict() == Preflight.Verdict.READY).count();
        long blocked = plans.stream().filter(p -> p.verdict() == Preflight.Verdict.BLOCKED).count();
        long byGardenlet = plans.stream().filter(p -> p.verdict() == Preflight.Verdict.GARDENLET).count();
        long migrating = plans.size() - ready - blocked - byGardenlet;
        return table + "\n" + plans.size() + " Shoot" + (plans.size() == 1 ? "" : "s") + ": " + ready + " ready, "
                + blocked + " blocked, " + migrating + " migrating" + (byGardenlet == 0 ? "" : ", " + byGardenlet + " migrated by gardenlet")
                + ". `plan NAMESPACE/NAME` shows one Shoot's checks and steps.\n";
    }

    static String details(Preflight plan) {
        StringBuilder text = new StringBuilder("Shoot " + plan.shoot() + ": " + plan.verdict() + "\n\nChecks\n");
        TextTable checks = new TextTable();
        for (Check check : plan.checks()) {
            checks.row(check.result().name(), check.name(), check.detail());
        }
        text.append(checks.indented("  "));
        if (plan.start() != null) {
            text.append("\nAt once\n  the Shoot would show: ").append(plan.start()).append('\n');
            if (!plan.first().isEmpty()) {
                text.append("  the operator would: ").append(String.join("; ", plan.first())).append('\n');
            }
        }
        if (!plan.steps().isEmpty()) {
            text.append("\nSteps\n");
            TextTable steps = new TextTable();
            plan.steps().forEach(step -> steps.row(step.step(), step.plan()));
            text.append(steps.indented("  "));
        }
        return text.toString();
    }

    /** The blocking checks, else the cautions; "-" when there is nothing to say. */
    private static String why(Preflight plan) {
        if (plan.verdict() == Preflight.Verdict.GARDENLET) {
            return plan.checks().get(0).detail();
        }
        for (Result result : List.of(Result.BLOCKING, Result.CAUTION)) {
            String said = plan.checks().stream().filter(check -> check.result() == result)
                    .map(check -> check.name() + ": " + check.detail()).collect(Collectors.joining("; "));
            if (!said.isEmpty()) {
                return said;
            }
        }
        return "-";
    }
}
