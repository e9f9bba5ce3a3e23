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

    /** The exit code when the garden cannot be read. */
    static final int GARDEN_UNREADABLE = 3;

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

    /** A client of the garden whose requests name the operator and the command (for audit logs). */
    KubernetesClient garden(CommandLine command) {
        String agent = UserAgent.of(command.getCommandName());
        if (gardenConfig != null) {
            return UserAgent.client(gardenConfig, agent);
        }
        if (kubeconfig == null) {
            return UserAgent.client(io.fabric8.kubernetes.client.Config.autoConfigure(null), agent);
        }
        // read from the file, so that paths in it are taken relative to its folder, as kubectl takes them
        return UserAgent.client(io.fabric8.kubernetes.client.Config.fromKubeconfig(kubeconfig.toFile()), agent);
    }

    /**
     * Runs a read-only command's work on the garden; a garden that cannot be read (unreachable, a
     * request refused) is said on one line, with exit code {@value #GARDEN_UNREADABLE}.
     */
    int withGarden(CommandLine command, java.util.function.ToIntFunction<KubernetesClient> work) {
        try (KubernetesClient client = garden(command)) {
            return work.applyAsInt(client);
        } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
            command.getErr().println("could not read the garden: " + io.github.shootdualstack.operator.ErrorMessages.of(e));
            command.getErr().flush();
            return GARDEN_UNREADABLE;
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
