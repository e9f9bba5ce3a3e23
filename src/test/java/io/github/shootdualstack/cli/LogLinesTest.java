package io.github.shootdualstack.cli;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** A plain log line is one line, whatever a remote server put in the text it logs. */
class LogLinesTest {

    @Test
    void lineBreaksAndControlCharacters_inAMessage_areEscaped() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream original = System.out;
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter());
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            JoranConfigurator configurator = new JoranConfigurator();
            configurator.setContext(context);
            configurator.doConfigure(LogLinesTest.class.getResource("/logback.xml"));
            context.getLogger("test").warn("Shoot garden-dev/prod: {}",
                    "refused\r\n12:00:00.000 INFO  ShootReconciler - forged line\u001b[2J\u0007");
        } finally {
            context.stop();
            System.setOut(original);
        }

        String written = out.toString(StandardCharsets.UTF_8);
        assertThat(written.lines()).hasSize(1);
        assertThat(written).endsWith("WARN  test - Shoot garden-dev/prod: refused\\r\\n12:00:00.000 INFO  ShootReconciler - forged line?[2J?"
                + System.lineSeparator());
    }
}
