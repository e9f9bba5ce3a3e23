package io.github.shootdualstack.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code java -jar shoot-dualstack-operator.jar <command>}: the commands the image runs. */
@Command(name = "shoot-dualstack-operator", mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Migrates Gardener-style Shoot clusters from IPv4-only to dual-stack (IPv4 + IPv6).",
        subcommands = {RunCommand.class, PlanCommand.class, StatusCommand.class})
public final class Main {

    public static void main(String[] args) {
        System.exit(execute(commandLine(), args));
    }

    /**
     * Runs the command line as a process does: a report's command ({@code plan}, {@code status}) logs to
     * standard error, warnings and errors only, so that its standard output is the report alone.
     */
    public static int execute(CommandLine commandLine, String... args) {
        return commandLine.setExecutionStrategy(parsed -> {
            var chosen = parsed.subcommand() == null ? null : parsed.subcommand().commandSpec().userObject();
            if (chosen instanceof PlanCommand || chosen instanceof StatusCommand) {
                ReportLogs.apply();
            }
            return new CommandLine.RunLast().execute(parsed);
        }).execute(args);
    }

    /**
     * The operator's commands, then {@code more} (the demo jar adds its own), then {@code help}. The
     * settings below reach only the commands added before them, so every command is added first.
     */
    public static CommandLine commandLine(Object... more) {
        CommandLine commandLine = new CommandLine(new Main());
        for (Object command : more) {
            commandLine.addSubcommand(command);
        }
        return commandLine.addSubcommand(new CommandLine.HelpCommand())
                .setCaseInsensitiveEnumValuesAllowed(true)
                // arguments are what the command line says: "@file" names no file of flags to read
                .setExpandAtFiles(false)
                .registerConverter(java.time.Duration.class, text -> {
                    try {
                        return Durations.parse(text);
                    } catch (IllegalArgumentException e) {
                        throw new CommandLine.TypeConversionException(e.getMessage());
                    }
                });
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = Main.class.getPackage().getImplementationVersion();
            return new String[]{"shoot-dualstack-operator " + (version == null ? "(development build)" : version)};
        }
    }
}
