package io.github.shootdualstack.testing;

import io.github.shootdualstack.cli.Main;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A command of the operator's jar ({@code run}, {@code plan}, {@code status}) as a process of the test's class path. */
public final class CommandProcess {

    private CommandProcess() {
    }

    /**
     * Starts {@code args} with {@code KUBECONFIG} set to {@code kubeconfig}, with the product's logging (not the
     * tests' quieter one), its standard output into {@code out} and its errors into {@code err}.
     */
    /** What a command that ran to its end gave: its exit code, standard output and standard error. */
    public record Result(int exit, String out, String err) {
    }

    /** Runs {@code args} as {@link #start} does, in {@code dir}'s files, and waits for its end (at most two minutes). */
    public static Result run(Path kubeconfig, Path dir, String... args) throws IOException, InterruptedException {
        Path out = java.nio.file.Files.createTempFile(dir, args[0], ".out");
        Path err = java.nio.file.Files.createTempFile(dir, args[0], ".err");
        Process process = start(kubeconfig, out, err, args);
        if (!process.waitFor(120, java.util.concurrent.TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", args) + " did not end within two minutes");
        }
        return new Result(process.exitValue(), java.nio.file.Files.readString(out), java.nio.file.Files.readString(err));
    }

    public static Process start(Path kubeconfig, Path out, Path err, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                "-Dlogback.configurationFile=" + CommandProcess.class.getResource("/logback.xml"),
                Main.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().put("KUBECONFIG", kubeconfig.toString());
        return builder.start();
    }
}
