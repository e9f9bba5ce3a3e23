package io.github.shootdualstack.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code java -jar shoot-dualstack-operator.jar <command>}. */
@Command(name = "shoot-dualstack-operator", mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Migrates Gardener-style Shoot clusters from IPv4-only to dual-stack (IPv4 + IPv6).",
        subcommands = {RunCommand.class, PlanCommand.class, StatusCommand.class, DemoCommand.class, BenchCommand.class, CommandLine.HelpCommand.class})
public final class Main {

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    public static CommandLine commandLine() {
        return new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true)
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
