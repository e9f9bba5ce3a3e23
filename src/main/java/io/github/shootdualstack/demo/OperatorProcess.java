package io.github.shootdualstack.demo;

import io.github.shootdualstack.local.Kubeconfigs;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The operator's {@code run} command, from the jar the image holds, in a JVM of its own against a
 * garden at a URL, measured from outside: its readiness and metrics by HTTP, a full GC by
 * {@code jcmd}, its RSS from {@code /proc}.
 */
final class OperatorProcess implements AutoCloseable {

    /** The image's jar, as the build names it. */
    static final String JAR = "shoot-dualstack-operator.jar";

    private static final Pattern PORT = Pattern.compile("on port (\\d+)");
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final Process process;
    private final Path dir;
    private final long started;
    private String base;

    private OperatorProcess(Process process, Path dir, long started) {
        this.process = process;
        this.dir = dir;
        this.started = started;
    }

    /**
     * Where the build puts the image's jar: beside the demo jar, or beside the classes folder when the
     * bench runs from the build's classes.
     */
    static Path defaultJar() {
        try {
            return Path.of(OperatorProcess.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                    .resolveSibling(JAR);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static OperatorProcess start(Path jar, String gardenUrl, List<String> jvmOptions) throws IOException {
        return start(jar, gardenUrl, jvmOptions, List.of());
    }

    /** As {@link #start(Path, String, List)}, with more options of {@code run} ({@code --migrator=gardenlet}, say). */
    static OperatorProcess start(Path jar, String gardenUrl, List<String> jvmOptions, List<String> runOptions) throws IOException {
        Path dir = Files.createTempDirectory("bench-operator-");
        Path kubeconfig = dir.resolve("kubeconfig");
        Files.writeString(kubeconfig, Kubeconfigs.forServer("garden", gardenUrl));
        List<String> options = new ArrayList<>(List.of("--allow-insecure-shoot-connections"));
        options.addAll(runOptions);
        return start(jar, kubeconfig, dir, jvmOptions, options.toArray(String[]::new));
    }

    /** {@code run} against the garden a kubeconfig names, with its own credentials (a real garden's). */
    static OperatorProcess start(Path jar, Path kubeconfig, List<String> jvmOptions) throws IOException {
        return start(jar, kubeconfig, Files.createTempDirectory("bench-operator-"), jvmOptions);
    }

    private static OperatorProcess start(Path jar, Path kubeconfig, Path dir, List<String> jvmOptions, String... runOptions)
            throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar.toString(), "run", "--http-port", "0"));
        command.addAll(List.of(runOptions));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve("operator.log").toFile());
        builder.environment().put("KUBECONFIG", kubeconfig.toString());
        long started = System.nanoTime();
        return new OperatorProcess(builder.start(), dir, started);
    }

    /** Seconds from the process's start to {@code /readyz} answering 200. */
    double awaitReady(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the operator stopped: " + Files.readString(dir.resolve("operator.log")));
            }
            if (base == null) {
                Matcher port = PORT.matcher(Files.readString(dir.resolve("operator.log")));
                if (port.find()) {
                    base = "http://127.0.0.1:" + port.group(1);
                }
            } else if (get("/readyz").statusCode() == 200) {
                return (System.nanoTime() - started) / 1e9;
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException("the operator was not ready within " + timeout);
    }

    /** Waits until the operator has reconciled every Shoot once and is quiet. */
    void awaitReconciled(int shoots, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        double last = -1;
        while (System.nanoTime() < deadline) {
            double reconciled = sum("operator_sdk_reconciliations_success_total");
            if (reconciled >= shoots && reconciled == last) {
                return;
            }
            last = reconciled;
            Thread.sleep(1000);
        }
        throw new IllegalStateException("the operator did not reconcile " + shoots + " Shoots within " + timeout);
    }

    /** The heap in use after a full GC ({@code jcmd GC.run}), as the operator's /metrics reports it. */
    double heapAfterFullGc() throws Exception {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        for (int i = 0; i < 2; i++) {
            Process gc = new ProcessBuilder(jcmd.toString(), String.valueOf(process.pid()), "GC.run").redirectErrorStream(true).start();
            gc.getInputStream().readAllBytes();
            if (!gc.waitFor(60, TimeUnit.SECONDS) || gc.exitValue() != 0) {
                throw new IllegalStateException("jcmd GC.run failed: a JDK (not a JRE) runs the benchmark");
            }
        }
        // what survived the collection: every heap pool but Eden, where the scrape itself allocates
        return sum("jvm_memory_used_bytes{area=\"heap\"", "Eden");
    }

    /** CPU seconds the process has used so far, its threads together. */
    double cpuSeconds() {
        return process.toHandle().info().totalCpuDuration().map(cpu -> cpu.toNanos() / 1e9).orElse(Double.NaN);
    }

    /** Resident set size in bytes. */
    double rss() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(process.pid()), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Double.parseDouble(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        return Double.NaN;
    }

    /** Every request the operator made to an API server so far. */
    double requests() throws Exception {
        return sum("shoot_dualstack_api_requests_total");
    }

    /** The requests the operator made to an API server so far that were not reads (GET). */
    double writes() throws Exception {
        return sum("shoot_dualstack_api_requests_total", "verb=\"GET\"");
    }

    /** The node rolls and reconciles it asked of gardenlet so far. */
    double triggers() throws Exception {
        return sum("shoot_dualstack_gardenlet_triggers_total");
    }

    /** The lines of /metrics that start with {@code prefix}. */
    String lines(String prefix) throws Exception {
        return java.util.Arrays.stream(get("/metrics").body().split("\n")).filter(line -> line.startsWith(prefix))
                .collect(java.util.stream.Collectors.joining("\n  "));
    }

    /** The operator's log so far. */
    String log() throws IOException {
        return Files.readString(dir.resolve("operator.log"));
    }

    /** The sum of the samples of a metric whose line starts with {@code prefix}. */
    private double sum(String prefix) throws Exception {
        return sum(prefix, null);
    }

    /** As {@link #sum(String)}, leaving out the lines that contain {@code except}. */
    private double sum(String prefix, String except) throws Exception {
        double total = 0;
        for (String line : get("/metrics").body().split("\n")) {
            if (line.startsWith(prefix) && (except == null || !line.contains(except))) {
                total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return total;
    }

    private HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
