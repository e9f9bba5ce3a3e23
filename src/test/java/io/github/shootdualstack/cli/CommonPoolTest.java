package io.github.shootdualstack.cli;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** On one core, what the operator's first step gives its HTTP client's asynchronous steps: a pool, not a thread each. */
class CommonPoolTest {

    @Test
    void onOneCore_completableFuturesRunOnThePool_notOnAThreadEach() throws Exception {
        assertThat(onOneCore(false)).as("the JDK alone").contains("ThreadPerTaskExecutor");
        assertThat(onOneCore(true)).as("after the operator's first step").contains("ForkJoinPool");
    }

    /** What a JVM with one core uses for CompletableFuture's asynchronous steps, with or without {@link Main#commonPoolOfTwo()}. */
    private static String onOneCore(boolean tuned) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:ActiveProcessorCount=1", "-cp", System.getProperty("java.class.path"), Probe.class.getName(), String.valueOf(tuned)))
                .redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return out;
    }

    /** Prints the default executor's class of a CompletableFuture. */
    public static final class Probe {
        public static void main(String[] args) {
            if (Boolean.parseBoolean(args[0])) {
                Main.commonPoolOfTwo();
            }
            System.out.println(new CompletableFuture<Void>().defaultExecutor().getClass().getName());
        }
    }
}
