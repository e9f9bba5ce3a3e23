package io.github.shootdualstack.testing;

import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metric names a PromQL expression selects, as written: {@code rate(x_total{a="b"}[5m])}
 * selects {@code x_total}. Suffixes such as {@code _total} or {@code _bucket} are kept, since they
 * are part of the sample names Prometheus stores: a histogram's {@code _bucket} exists only when
 * it has buckets. Functions, aggregations, keywords, label names, strings, numbers, durations and
 * Grafana variables are not metric names.
 */
public final class PromQl {

    private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "by", "without", "on", "ignoring",
            "group_left", "group_right", "bool", "offset", "atan2", "inf", "nan");
    private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'|`[^`]*`");
    private static final Pattern GRAFANA_VARIABLE = Pattern.compile("\\$\\{[^}]*}|\\$\\w+");
    private static final Pattern MATCHERS = Pattern.compile("\\{[^}]*}");
    private static final Pattern RANGE = Pattern.compile("\\[[^]]*]");
    private static final Pattern LABEL_LIST = Pattern.compile("\\b(?:by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
    // a number or a duration (5m, 1.5, 1e3, 0x1f) is one token, so that its letters are not read as a name
    private static final Pattern TOKEN = Pattern.compile("(?<number>[0-9.][0-9a-zA-Z_.]*)|(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)");

    private PromQl() {
    }

    public static Set<String> metricNames(String expression) {
        String text = STRING.matcher(expression).replaceAll("\"\"");
        text = GRAFANA_VARIABLE.matcher(text).replaceAll("");
        text = MATCHERS.matcher(text).replaceAll(" ");
        text = RANGE.matcher(text).replaceAll(" ");
        text = LABEL_LIST.matcher(text).replaceAll(" ");
        Set<String> names = new TreeSet<>();
        Matcher token = TOKEN.matcher(text);
        while (token.find()) {
            String name = token.group("name");
            if (name != null && !KEYWORDS.contains(name.toLowerCase()) && !calledAsFunction(text, token.end())) {
                names.add(name);
            }
        }
        return names;
    }

    private static boolean calledAsFunction(String text, int end) {
        int next = end;
        while (next < text.length() && Character.isWhitespace(text.charAt(next))) {
            next++;
        }
        return next < text.length() && text.charAt(next) == '(';
    }
}
