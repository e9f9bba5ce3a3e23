package io.github.shootdualstack.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The kubectl that {@code hack/kube-binaries.sh} builds from source, in the folder the build passes
 * as system property {@value #BINARIES_PROPERTY}: the tests never use a kubectl that happens to be
 * on the PATH, so what they prove does not depend on the machine.
 */
public final class Kubectl {

    public static final String BINARIES_PROPERTY = "kube.binaries";

    private Kubectl() {
    }

    /** The folder with kube-apiserver, kubectl and etcd; fails with what to run when they are missing. */
    public static Path binaries() {
        String dir = System.getProperty(BINARIES_PROPERTY);
        if (dir == null || !Files.isExecutable(Path.of(dir, "kubectl"))) {
            throw new IllegalStateException("kubectl, built from source, is needed and was not found in " + dir
                    + " (system property " + BINARIES_PROPERTY + "): run hack/kube-binaries.sh, or mvn verify, which runs it");
        }
        return Path.of(dir);
    }

    /** Runs kubectl with these arguments and environment, and returns what it printed; fails on a non-zero exit. */
    public static String run(Map<String, String> environment, String... arguments) {
        List<String> command = new ArrayList<>();
        command.add(binaries().resolve("kubectl").toString());
        command.addAll(List.of(arguments));
        try {
            Path errors = Files.createTempFile("kubectl-", ".err");
            try {
                ProcessBuilder builder = new ProcessBuilder(command).redirectError(errors.toFile());
                builder.environment().putAll(environment);
                Process process = builder.start();
                byte[] output = process.getInputStream().readAllBytes();
                if (!process.waitFor(120, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    throw new IllegalStateException(String.join(" ", command) + " did not finish in 120 s");
                }
                if (process.exitValue() != 0) {
                    throw new IllegalStateException(String.join(" ", command) + " failed with exit code "
                            + process.exitValue() + ": " + Files.readString(errors));
                }
                return new String(output, StandardCharsets.UTF_8);
            } finally {
                Files.deleteIfExists(errors);
            }
        } catch (IOException e) {
            throw new IllegalStateException("could not run " + String.join(" ", command) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + String.join(" ", command), e);
        }
    }
}
