package io.github.shootdualstack.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code java -jar shoot-dualstack-operator.jar <command>}: the commands the image runs. */
@Command(name = "shoot-dualstack-operator", mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Migrates Gardener-style Shoot clusters from IPv4-only to dual-stack (IPv4 + IPv6).",
        subcommands = {RunCommand.class, PlanCommand.class, StatusCommand.class})
public final class Main {

    /** The JDK's setting of the common pool's parallelism. */
    static final String COMMON_POOL_PARALLELISM = "java.util.concurrent.ForkJoinPool.common.parallelism";

    public static void main(String[] args) {
        commonPoolOfTwo();
        System.exit(execute(commandLine(), args));
    }

    /**
     * On one or two cores the JDK's common pool has a single thread, and {@code CompletableFuture} then
     * starts a new thread for every asynchronous step instead: the HTTP client's every response, over a
     * thousand threads a minute beside a busy gardenlet. Two threads, unless the JVM was told otherwise;
     * called first, before anything uses the pool.
     */
    public static void commonPoolOfTwo() {
        if (System.getProperty(COMMON_POOL_PARALLELISM) == null && Runtime.getRuntime().availableProcessors() <= 2) {
            System.setProperty(COMMON_POOL_PARALLELISM, "2");
        }
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
