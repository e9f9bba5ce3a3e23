package io.github.shootdualstack.cli;

import io.github.shootdualstack.garden.GardenKind;
import io.github.shootdualstack.migration.Migrator;
import io.github.shootdualstack.migration.Orchestration;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.github.shootdualstack.shoot.Shoot;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.time.Clock;
import java.util.List;

/** Where the migrations of a landscape stand, read from the Shoots; writes nothing. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Shows the Shoots with a dual-stack migration underway or completed: step, progress, time in the",
                "step, and what it waits for or what blocks it; for one Shoot, the timeline of its steps and its events.",
                "Connects to the garden with --kubeconfig, KUBECONFIG or the in-cluster config. Exit code 2 on a usage error, 3 when the garden cannot be read, else 0."})
final class StatusCommand implements java.util.concurrent.Callable<Integer> {

    private static final int MESSAGE_WIDTH = 120;

    @CommandLine.Mixin
    SelectedShoots selected = new SelectedShoots();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** The time the decision is taken at; the tests fix it. */
    Clock clock = Clock.systemUTC();

    @Override
    public Integer call() {
        List<String> problems = selected.problems();
        if (!problems.isEmpty()) {
            throw new CommandLine.ParameterException(spec.commandLine(), String.join("\n", problems));
        }
        CommandLine command = spec.commandLine();
        return selected.withGarden(command, client -> {
            List<Shoot> shoots = selected.read(client, command);
            boolean one = selected.one();
            List<MigrationStatus> statuses = new java.util.ArrayList<>();
            List<Shoot> gardenlets = new java.util.ArrayList<>();
            Boolean[] gardenerApiServer = {null};
            for (Shoot shoot : shoots) {
                // one Shoot's events are read: where the typed API keeps no record, they are the timeline
                List<Event> events = one ? events(client, shoot) : List.of();
                if (MigrationStatus.shows(shoot, events)) {
                    Migrator migrator = Migrator.of(shoot, false);
                    if (migrator == Migrator.ENGINE && Migrator.gardenletVersion(shoot) != null && !Migrator.gardenletVersion(shoot).isEmpty()) {
                        // an older gardenlet: nobody migrates it where gardener-apiserver serves Shoots (asked once)
                        if (gardenerApiServer[0] == null) {
                            gardenerApiServer[0] = GardenKind.of(client) == GardenKind.GARDENER_APISERVER;
                        }
                        migrator = Migrator.of(shoot, gardenerApiServer[0]);
                    }
                    statuses.add(MigrationStatus.of(shoot, events, clock.instant(), migrator));
                    if (migrator == Migrator.GARDENLET) {
                        gardenlets.add(shoot);
                    }
                }
            }
            PrintWriter out = command.getOut();
            LandscapeSummary landscape = one ? null : landscape(client, gardenlets);
            if (selected.output == SelectedShoots.Output.JSON) {
                out.println(Json.pretty(new Statuses(statuses, landscape)));
            } else if (one) {
                out.print(statuses.isEmpty() ? "Shoot " + shoots.get(0).getMetadata().getNamespace() + "/"
                        + shoots.get(0).getMetadata().getName() + " has no dual-stack migration.\n" : details(statuses.get(0)));
            } else {
                out.print(table(statuses));
                if (landscape != null) {
                    out.print("\n" + landscape.text());
                }
            }
            out.flush();
            return 0;
        });
    }

    /** What {@code --output json} prints. */
    record Statuses(List<MigrationStatus> shoots, LandscapeSummary gardenlet) {
    }

    /** The Shoot's events: those of its namespace filed under it. */
    private static List<Event> events(KubernetesClient client, Shoot shoot) {
        return events(client, shoot.getMetadata().getNamespace()).stream()
                .filter(event -> event.getInvolvedObject() != null && "Shoot".equals(event.getInvolvedObject().getKind())
                        && shoot.getMetadata().getName().equals(event.getInvolvedObject().getName())
                        // not the events of an earlier Shoot of the same name
                        && (event.getInvolvedObject().getUid() == null || shoot.getMetadata().getUid() == null
                        || shoot.getMetadata().getUid().equals(event.getInvolvedObject().getUid())))
                .toList();
    }

    /** A namespace's events, read in pages. */
    private static List<Event> events(KubernetesClient client, String namespace) {
        List<Event> events = new java.util.ArrayList<>();
        String next = null;
        do {
            var page = client.v1().events().inNamespace(namespace)
                    .list(new io.fabric8.kubernetes.api.model.ListOptionsBuilder().withLimit(500L).withContinue(next).build());
            events.addAll(page.getItems());
            next = page.getMetadata() == null ? null : page.getMetadata().getContinue();
        } while (next != null && !next.isEmpty());
        return events;
    }

    /**
     * The Shoots gardenlet migrates, as a landscape; {@code null} when there are none. Only the namespaces of Shoots whose
     * nodes wait to be rolled have their events read: whether the operator queued them for a roll slot.
     */
    private static LandscapeSummary landscape(KubernetesClient client, List<Shoot> gardenlets) {
        if (gardenlets.isEmpty()) {
            return null;
        }
        List<Event> events = gardenlets.stream()
                .filter(shoot -> Orchestration.migrating(shoot) && !Orchestration.rollingNodes(shoot))
                .map(shoot -> shoot.getMetadata().getNamespace()).distinct()
                .flatMap(namespace -> events(client, namespace).stream()).toList();
        return LandscapeSummary.of(gardenlets, events);
    }

    static String table(List<MigrationStatus> statuses) {
        if (statuses.isEmpty()) {
            return "No Shoot has a dual-stack migration.\n";
        }
        TextTable table = new TextTable("SHOOT", "MIGRATED BY", "STEP", "PROGRESS", "STATE", "IN STEP", "MESSAGE");
        for (MigrationStatus status : statuses) {
            table.row(status.shoot(), status.migratedBy(), status.step(), status.progress() == null ? "-" : status.progress() + "%",
                    status.state(), status.inStep(), TextTable.cut(status.message(), MESSAGE_WIDTH));
        }
        return table.toString();
    }

    static String details(MigrationStatus status) {
        StringBuilder text = new StringBuilder("Shoot " + status.shoot() + "\n");
        TextTable head = new TextTable();
        if (status.from() != null) {
            head.row("Migration:", status.from() + " to " + status.to());
        }
        head.row("Migrated by:", status.migratedBy());
        head.row("Started:", status.startedAt());
        if (status.completedAt() != null) {
            head.row("Completed:", status.completedAt());
        }
        head.row("Step:", status.step() + (status.inStep() == null ? "" : ", for " + status.inStep()));
        head.row("Progress:", status.progress() == null ? "-" : status.progress() + "%");
        head.row("State:", status.state());
        head.row("Message:", status.message());
        text.append(head.indented("  "));
        section(text, "Constraints", "none", status.constraints(), c -> new String[] {c.type(), c.status(), c.reason(), c.since(), c.message()},
                "TYPE", "STATUS", "REASON", "SINCE", "MESSAGE");
        section(text, "Timeline", "no record of the steps on the Shoot, and no event of them", status.timeline(),
                t -> new String[] {t.step(), t.startedAt(), t.triggeredAt(), t.completedAt(), t.took()},
                "STEP", "STARTED", "TRIGGERED", "COMPLETED", "TOOK");
        section(text, "Events", "none", status.events(),
                e -> new String[] {e.time(), e.type(), e.reason(), String.valueOf(e.count()), e.message()},
                "TIME", "TYPE", "REASON", "COUNT", "MESSAGE");
        return text.toString();
    }

    /** A titled section: a table of the items, a row each (an absent value shows as "-"), or {@code none} when there are none. */
    private static <T> void section(StringBuilder text, String title, String none, List<T> items,
                                    java.util.function.Function<T, String[]> row, String... header) {
        text.append('\n').append(title).append('\n');
        if (items.isEmpty()) {
            text.append("  ").append(none).append('\n');
            return;
        }
        TextTable table = new TextTable(header);
        items.forEach(item -> table.row(row.apply(item)));
        text.append(table.indented("  "));
    }
}
