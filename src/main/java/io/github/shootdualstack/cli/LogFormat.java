package io.github.shootdualstack.cli;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;
import org.slf4j.LoggerFactory;

/** Plain lines for people, or one JSON object per line for log collectors. */
enum LogFormat {
    PLAIN, JSON;

    void apply() {
        if (this == PLAIN) {
            return;
        }
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        context.reset();
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        try {
            configurator.doConfigure(LogFormat.class.getResource("/logback-json.xml"));
        } catch (JoranException e) {
            throw new IllegalStateException("logback-json.xml is broken", e);
        }
    }
}
