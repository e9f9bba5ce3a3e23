package io.github.shootdualstack.demo;

import io.github.shootdualstack.cli.Main;
import picocli.CommandLine;

/**
 * {@code java -jar shoot-dualstack-operator-demo.jar <command>}: the operator's commands, and
 * {@code demo} and {@code bench}, which bring their own API servers and so stay out of the image's jar.
 */
public final class DemoMain {

    private DemoMain() {
    }

    public static void main(String[] args) {
        Main.commonPoolOfTwo();
        System.exit(Main.execute(commandLine(), args));
    }

    public static CommandLine commandLine() {
        return Main.commandLine(new DemoCommand(), new BenchCommand());
    }
}
