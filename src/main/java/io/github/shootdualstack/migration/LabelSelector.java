package io.github.shootdualstack.migration;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Kubernetes label selector in its string form ({@code kubectl -l}), matched against an object's
 * labels here rather than by the API server: {@code key}, {@code !key}, {@code key=value} (also
 * {@code ==}), {@code key!=value}, {@code key in (a,b)} and {@code key notin (a,b)}, joined by commas.
 * Every requirement must hold; an empty selector matches everything.
 */
public final class LabelSelector {

    private static final String KEY = "(?:[a-z0-9A-Z][-a-z0-9A-Z_.]*/)?[a-z0-9A-Z](?:[-a-z0-9A-Z_.]*[a-z0-9A-Z])?";
    private static final String VALUE = "(?:[a-z0-9A-Z](?:[-a-z0-9A-Z_.]*[a-z0-9A-Z])?)?";
    private static final Pattern REQUIREMENT = Pattern.compile(
            "\\s*(?:(?<exists>" + KEY + ")|!\\s*(?<absent>" + KEY + ")"
                    + "|(?<key>" + KEY + ")\\s*(?<op>==|=|!=)\\s*(?<value>" + VALUE + ")"
                    + "|(?<setkey>" + KEY + ")\\s+(?<setop>in|notin)\\s*\\((?<values>[^)]*)\\))\\s*(?:,|$)");

    private enum Operator { EXISTS, ABSENT, IN, NOT_IN }

    private record Requirement(String key, Operator operator, Set<String> values) {
        boolean matches(Map<String, String> labels) {
            String value = labels.get(key);
            return switch (operator) {
                case EXISTS -> value != null;
                case ABSENT -> value == null;
                case IN -> value != null && values.contains(value);
                case NOT_IN -> value == null || !values.contains(value);
            };
        }
    }

    private final String text;
    private final List<Requirement> requirements;

    private LabelSelector(String text, List<Requirement> requirements) {
        this.text = text;
        this.requirements = requirements;
    }

    /** @throws IllegalArgumentException naming the part of the selector that is not one */
    public static LabelSelector parse(String text) {
        String trimmed = text == null ? "" : text.trim();
        if (trimmed.endsWith(",")) {
            throw new IllegalArgumentException("label selector '" + trimmed + "' ends with a comma");
        }
        List<Requirement> requirements = new ArrayList<>();
        Matcher matcher = REQUIREMENT.matcher(trimmed);
        int at = 0;
        while (at < trimmed.length()) {
            matcher.region(at, trimmed.length());
            if (!matcher.lookingAt()) {
                throw new IllegalArgumentException("label selector '" + trimmed + "' is not valid at '" + trimmed.substring(at) + "'");
            }
            requirements.add(requirement(matcher, trimmed));
            at = matcher.end();
        }
        return new LabelSelector(trimmed, List.copyOf(requirements));
    }

    private static Requirement requirement(Matcher matcher, String text) {
        if (matcher.group("exists") != null) {
            return new Requirement(matcher.group("exists"), Operator.EXISTS, Set.of());
        }
        if (matcher.group("absent") != null) {
            return new Requirement(matcher.group("absent"), Operator.ABSENT, Set.of());
        }
        if (matcher.group("key") != null) {
            return new Requirement(matcher.group("key"), matcher.group("op").equals("!=") ? Operator.NOT_IN : Operator.IN,
                    Set.of(matcher.group("value")));
        }
        Set<String> values = new LinkedHashSet<>();
        for (String value : matcher.group("values").split(",", -1)) {
            if (!value.trim().matches(VALUE)) {
                throw new IllegalArgumentException("label selector '" + text + "' has a value that is not one: '" + value.trim() + "'");
            }
            values.add(value.trim());
        }
        return new Requirement(matcher.group("setkey"), matcher.group("setop").equals("in") ? Operator.IN : Operator.NOT_IN,
                Set.copyOf(values));
    }

    public boolean matches(Map<String, String> labels) {
        Map<String, String> present = labels == null ? Map.of() : labels;
        return requirements.stream().allMatch(requirement -> requirement.matches(present));
    }

    /** The label keys the selector looks at: all of an object's labels it needs to be matched. */
    public Set<String> keys() {
        Set<String> keys = new LinkedHashSet<>();
        requirements.forEach(requirement -> keys.add(requirement.key()));
        return keys;
    }

    @Override
    public String toString() {
        return text;
    }
}
