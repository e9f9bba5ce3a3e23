package io.github.shootdualstack.cli;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.github.shootdualstack.garden.UserAgent;
import io.github.shootdualstack.shoot.Shoot;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.List;

/**
 * What a read-only command is about and how it answers: the Shoots named ({@code NAMESPACE/NAME},
 * or {@code NAME} when it is unique among the filtered ones), else every Shoot the filter selects;
 * the garden they are read from; text or JSON.
 */
final class SelectedShoots extends ShootFilter {

    enum Output { TEXT, JSON }

    @Option(names = "--kubeconfig", paramLabel = "FILE",
            description = "The garden's kubeconfig (default: $KUBECONFIG, ~/.kube/config, or the in-cluster config).")
    java.nio.file.Path kubeconfig;

    /** The garden as tests hand it over; takes precedence over the options. */
    io.fabric8.kubernetes.client.Config gardenConfig;

    @Parameters(paramLabel = "SHOOT", arity = "0..*",
            description = "Shoots as NAMESPACE/NAME or NAME; default: every Shoot the filter selects.")
    List<String> names = List.of();

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "text",
            description = "text (a table for many Shoots, the details for one named) or json (default: ${DEFAULT-VALUE}).")
    Output output;

    @Override
    List<String> problems() {
        List<String> problems = new ArrayList<>(super.problems());
        if (kubeconfig != null && !java.nio.file.Files.isReadable(kubeconfig)) {
            problems.add("--kubeconfig " + ShootFilter.shown(kubeconfig.toString()) + " is not a readable file");
        }
        return problems;
    }

    /** The garden: as the tests hand it over, else of the options; its requests are not tried again. */
    GardenAccess garden() {
        return gardenConfig != null ? GardenAccess.given(gardenConfig) : GardenAccess.of(kubeconfig).withoutRetries();
    }

    /**
     * Runs a read-only command's work on the garden with a client whose requests name the operator and
     * the command (for audit logs); a garden that cannot be read (its configuration unusable, the server
     * unreachable, a request refused) is said on one line, with exit code {@value GardenAccess#UNREADABLE}.
     */
    int withGarden(CommandLine command, java.util.function.ToIntFunction<KubernetesClient> work) {
        try {
            GardenAccess garden = garden();
            try (KubernetesClient client = garden.client(UserAgent.of(command.getCommandName()))) {
                return work.applyAsInt(client);
            } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
                throw garden.unreadable(e);
            }
        } catch (GardenAccess.Unreadable e) {
            command.getErr().println(e.getMessage());
            command.getErr().flush();
            return GardenAccess.UNREADABLE;
        }
    }

    /** One Shoot named: the details rather than a table. */
    boolean one() {
        return names.size() == 1;
    }

    /** Reads them; a name that matches no Shoot, or more than one, is a usage error. */
    List<Shoot> read(KubernetesClient garden, CommandLine command) {
        if (names.isEmpty()) {
            return list(garden);
        }
        List<Shoot> selected = new ArrayList<>();
        List<Shoot> all = null;
        List<String> problems = new ArrayList<>();
        for (String name : names) {
            String[] parts = name.split("/", -1);
            if (parts.length > 2 || !java.util.Arrays.stream(parts).allMatch(part -> DNS_SUBDOMAIN.matcher(part).matches())) {
                problems.add("\"" + ShootFilter.shown(name) + "\" is not a Shoot name (NAMESPACE/NAME or NAME)");
                continue;
            }
            if (parts.length == 2) {
                Shoot shoot = garden.resources(Shoot.class).inNamespace(parts[0]).withName(parts[1]).get();
                if (shoot == null) {
                    problems.add("Shoot " + name + " not found");
                } else {
                    selected.add(shoot);
                }
                continue;
            }
            all = all != null ? all : list(garden);
            List<Shoot> matching = all.stream().filter(shoot -> name.equals(shoot.getMetadata().getName())).toList();
            if (matching.size() == 1) {
                selected.add(matching.get(0));
            } else {
                problems.add(matching.isEmpty() ? "no Shoot named " + ShootFilter.shown(name)
                        + (namespaces.isEmpty() ? "" : " in " + String.join(", ", namespaces))
                        : "Shoot " + name + " is in several namespaces (" + String.join(", ", matching.stream()
                        .map(shoot -> shoot.getMetadata().getNamespace()).toList()) + "): name it as NAMESPACE/" + name);
            }
        }
        if (!problems.isEmpty()) {
            throw new CommandLine.ParameterException(command, String.join("\n", problems));
        }
        return selected;
    }
}
