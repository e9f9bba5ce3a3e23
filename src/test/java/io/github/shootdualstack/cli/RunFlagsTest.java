package io.github.shootdualstack.cli;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.assertj.core.api.Assertions.assertThat;

/** Impossible flag values of {@code run} are refused at start, before anything connects, with a message naming the flag. */
class RunFlagsTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "--recheck-interval=0s           | --recheck-interval PT0S must be between 1s and 24h",
            "--recheck-interval=-PT5S        | --recheck-interval PT-5S must be between 1s and 24h",
            "--recheck-interval=1ms          | --recheck-interval PT0.001S must be between 1s and 24h",
            "--recheck-interval=48h          | --recheck-interval PT48H must be between 1s and 24h",
            "--recheck-interval=soon         | is not a duration such as 500ms, 30s, 5m, 1h or PT30S",
            "--max-backoff=10s               | --max-backoff PT10S must be at least --recheck-interval and at most 24h",
            "--route-warning-nodes=-1        | --route-warning-nodes -1 must not be negative",
            "--http-port=70000               | --http-port 70000 must be between 0 (any free port) and 65535",
            "--namespace=Garden_Dev          | --namespace \"Garden_Dev\" is not a namespace name",
            "--namespace=                    | --namespace \"\" is not a namespace name",
            "--selector=a;rm -rf /           | --selector \"a;rm -rf /\" is not a label selector",
            "--leader-election-name=Not/Valid | --leader-election-name \"Not/Valid\" is not a Lease name",
            "--max-shoot-response-size=1Ki   | --max-shoot-response-size \"1Ki\" must be a size between 64Ki and 1Gi",
            "--max-shoot-response-size=lots  | --max-shoot-response-size \"lots\" must be a size between 64Ki and 1Gi",
            "--max-shoot-response-size=2Ti   | --max-shoot-response-size \"2Ti\" must be a size between 64Ki and 1Gi",
            "--shoot-access=kubeconfig       | --shoot-access \"kubeconfig\" must be auto, secret or adminkubeconfig",
            "--shoot-access=ADMIN            | --shoot-access \"ADMIN\" must be auto, secret or adminkubeconfig",
            "--migrator=operator             | --migrator \"operator\" must be auto, engine or gardenlet",
            "--max-rolling=-1                | --max-rolling -1 and --max-rolling-per-seed 0 must be 0 (no limit) or more",
            "--max-rolling-per-seed=-2       | --max-rolling 0 and --max-rolling-per-seed -2 must be 0 (no limit) or more",
            "--wave-selector=wave in (1 2)   | --wave-selector: label selector 'wave in (1 2)' has a value that is not one",
            "--wave-selector=a;b             | --wave-selector: label selector 'a;b' is not valid at 'a;b'",
    })
    void impossibleValue_refusedAtStart_namingTheFlag(String flag, String message) {
        StringWriter err = new StringWriter();
        String[] args = flag.startsWith("--max-backoff") ? new String[]{"run", "--recheck-interval=30s", flag}
                : flag.startsWith("--leader-election-name") ? new String[]{"run", "--leader-election", "--leader-election-namespace=ops", flag}
                : new String[]{"run", flag};

        int exit = Main.commandLine().setErr(new PrintWriter(err)).execute(args);

        assertThat(exit).as("a usage error").isEqualTo(2);
        assertThat(err.toString()).contains(message).doesNotContain("Exception");
    }

    @org.junit.jupiter.api.Test
    void anAtFileArgument_isNotReadForFlags(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path flags = java.nio.file.Files.writeString(dir.resolve("flags"), "--allow-insecure-shoot-connections\n");
        StringWriter err = new StringWriter();

        int exit = Main.commandLine().setErr(new PrintWriter(err)).execute("run", "@" + flags);

        assertThat(exit).as("a usage error: the file is not read").isEqualTo(2);
        assertThat(err.toString()).contains("Unmatched argument").contains("@" + flags);
    }
}
