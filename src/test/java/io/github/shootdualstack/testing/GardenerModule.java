package io.github.shootdualstack.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Gardener's Go module at one version, as the Go tool keeps it in its module cache: the tests read
 * Gardener's own manifests (its CloudProfile, project, credentials, example Shoot) from there at run
 * time rather than from copies. {@code hack/gardener-envtest.sh} has downloaded it when it built
 * start-envtest, so finding it takes no network.
 */
public record GardenerModule(String version, Path dir) {

    public static final String PATH = "github.com/gardener/gardener";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The module's folder: the {@code Dir} of {@code go mod download -json github.com/gardener/gardener@v<version>}. */
    public static GardenerModule download(String version) {
        String answer = go("mod", "download", "-json", PATH + "@v" + version);
        try {
            JsonNode module = JSON.readTree(answer);
            String dir = module.path("Dir").asText("");
            if (dir.isEmpty() || !Files.isDirectory(Path.of(dir))) {
                throw new IllegalStateException("go mod download found no folder for " + PATH + " v" + version + ": "
                        + module.path("Error").asText(answer));
            }
            return new GardenerModule(version, Path.of(dir));
        } catch (IOException e) {
            throw new IllegalStateException("go mod download -json answered no JSON for " + PATH + " v" + version + ": " + answer, e);
        }
    }

    /** A file of the module, e.g. {@code example/provider-local/shoot.yaml}; fails when this version has none. */
    public Path file(String relative) {
        Path file = dir.resolve(relative);
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("Gardener v" + version + " has no " + relative + " (in " + dir + ")");
        }
        return file;
    }

    /**
     * The version of Gardener a Go program was built from, by its build information ({@code go version -m}:
     * the line {@code mod github.com/gardener/gardener v1.138.0 h1:…}), e.g. {@code v1.138.0}.
     */
    public static String builtFrom(Path binary) {
        for (String line : go("version", "-m", binary.toString()).split("\n")) {
            String[] fields = line.trim().split("\t");
            if (fields.length >= 3 && fields[0].equals("mod") && fields[1].equals(PATH)) {
                return fields[2];
            }
        }
        throw new IllegalStateException(binary + " was not built from " + PATH + " (go version -m names no such module)");
    }

    /** Runs the Go tool outside any module and returns what it printed; fails on a non-zero exit. */
    private static String go(String... arguments) {
        List<String> command = new ArrayList<>();
        command.add(goTool());
        command.addAll(List.of(arguments));
        try {
            Path errors = Files.createTempFile("go-", ".err");
            try {
                ProcessBuilder builder = new ProcessBuilder(command).redirectError(errors.toFile())
                        .directory(Path.of(System.getProperty("java.io.tmpdir")).toFile());
                // the Go that is installed, never one the toolchain line of a go.mod would download
                builder.environment().put("GOTOOLCHAIN", "local");
                Process process = builder.start();
                byte[] output = process.getInputStream().readAllBytes();
                if (!process.waitFor(120, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    throw new IllegalStateException(String.join(" ", command) + " did not finish in 120 s");
                }
                if (process.exitValue() != 0) {
                    throw new IllegalStateException(String.join(" ", command) + " failed with exit code " + process.exitValue()
                            + ": " + Files.readString(errors) + new String(output, StandardCharsets.UTF_8));
                }
                return new String(output, StandardCharsets.UTF_8);
            } finally {
                Files.deleteIfExists(errors);
            }
        } catch (IOException e) {
            throw new IllegalStateException("could not run " + String.join(" ", command) + " (Go is needed to find Gardener's module;"
                    + " install it and put 'go' on the PATH): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + String.join(" ", command), e);
        }
    }

    /** {@code go} on the PATH, or where hack/gardener-envtest.sh also looks for it. */
    private static String goTool() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "go"))) {
                return "go";
            }
        }
        for (String candidate : List.of("/usr/local/go/bin/go", "/usr/lib/go/bin/go")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return candidate;
            }
        }
        return "go";
    }
}
