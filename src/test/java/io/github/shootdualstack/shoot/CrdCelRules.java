package io.github.shootdualstack.shoot;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.CelType;
import dev.cel.common.types.ListType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.extensions.CelExtensions;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime.Program;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The {@code x-kubernetes-validations} rules of a CRD's OpenAPI schema, compiled with cel-java and
 * evaluated as the API server does: a rule runs only when its field is present, a rule that reads
 * {@code oldSelf} only on update and only when the field was present before, and a failed rule
 * reports its {@code messageExpression} or else its {@code message}.
 *
 * <p>Messages are listed children first (field rules before the rules of the object holding the
 * field), the order the operator reports them in; a real API server lists an object's own rules
 * before those of its fields. Rules inside list items or map values are not supported: finding one
 * fails loudly rather than leaving it untested.
 */
final class CrdCelRules {

    /** One rule, the property path it sits on ({@code [spec, networking, ipFamilies]}) and its programs. */
    record Rule(List<String> path, String rule, String message, String messageExpression, boolean transition,
                Program program, Program messageProgram) {
    }

    private static final Pattern OLD_SELF = Pattern.compile("\\boldSelf\\b");

    private final List<Rule> rules;

    private CrdCelRules(List<Rule> rules) {
        this.rules = List.copyOf(rules);
    }

    /** Collects and compiles every rule of {@code openAPIV3Schema}. */
    static CrdCelRules of(JsonNode openApiV3Schema) {
        List<Rule> rules = new ArrayList<>();
        collect(openApiV3Schema, List.of(), rules);
        return new CrdCelRules(rules);
    }

    List<Rule> rules() {
        return rules;
    }

    /**
     * @param oldObject the stored object; {@code null} on create
     * @param object    the object as written, a plain Map/List structure like the API server's unstructured one
     * @return the messages of every failed rule; empty when all pass
     */
    List<String> validate(Map<String, Object> oldObject, Map<String, Object> object) {
        List<String> messages = new ArrayList<>();
        for (Rule rule : rules) {
            Object self = lookup(object, rule.path());
            Object oldSelf = lookup(oldObject, rule.path());
            if (self == null || (rule.transition() && oldSelf == null)) {
                continue;
            }
            Map<String, Object> activation = new HashMap<>();
            activation.put("self", self);
            if (oldSelf != null) {
                activation.put("oldSelf", oldSelf);
            }
            try {
                if (!Boolean.TRUE.equals(rule.program().eval(activation))) {
                    messages.add(rule.messageProgram() == null
                            ? messageOrDefault(rule)
                            : (String) rule.messageProgram().eval(activation));
                }
            } catch (CelEvaluationException e) {
                messages.add(e.getMessage() + " evaluating rule: " + rule.rule());
            }
        }
        return messages;
    }

    private static String messageOrDefault(Rule rule) {
        return rule.message() == null || rule.message().isEmpty() ? "failed rule: " + rule.rule() : rule.message();
    }

    private static void collect(JsonNode schema, List<String> path, List<Rule> rules) {
        schema.path("properties").fields().forEachRemaining(property -> {
            List<String> child = new ArrayList<>(path);
            child.add(property.getKey());
            collect(property.getValue(), child, rules);
        });
        for (String nested : List.of("items", "additionalProperties")) {
            if (schema.path(nested).toString().contains("x-kubernetes-validations")) {
                throw new IllegalStateException("rules under " + String.join(".", path) + "." + nested
                        + " are not supported here");
            }
        }
        CelType type = celType(schema);
        for (JsonNode validation : schema.path("x-kubernetes-validations")) {
            String rule = validation.path("rule").asText();
            String messageExpression = validation.hasNonNull("messageExpression")
                    ? validation.get("messageExpression").asText() : null;
            rules.add(new Rule(List.copyOf(path), rule, validation.path("message").asText(null), messageExpression,
                    OLD_SELF.matcher(rule).find(), compile(rule, type),
                    messageExpression == null ? null : compile(messageExpression, type)));
        }
    }

    /** The type the API server declares for {@code self}: what the schema says, as far as these rules need it. */
    private static CelType celType(JsonNode schema) {
        return switch (schema.path("type").asText()) {
            case "array" -> ListType.create(celType(schema.path("items")));
            case "object" -> MapType.create(SimpleType.STRING, SimpleType.DYN);
            case "string" -> SimpleType.STRING;
            case "boolean" -> SimpleType.BOOL;
            case "integer" -> SimpleType.INT;
            default -> SimpleType.DYN;
        };
    }

    private static Program compile(String expression, CelType selfType) {
        Cel cel = CelFactory.standardCelBuilder()
                .setStandardMacros(CelStandardMacro.STANDARD_MACROS) // has, all, exists, filter, ...
                // Kubernetes CEL has the strings extension (join, split, lowerAscii, ...)
                .addCompilerLibraries(CelExtensions.strings())
                .addRuntimeLibraries(CelExtensions.strings())
                .addVar("self", selfType)
                .addVar("oldSelf", selfType)
                .build();
        try {
            return cel.createProgram(cel.compile(expression).getAst());
        } catch (CelValidationException | CelEvaluationException e) {
            throw new IllegalStateException("CRD rule does not compile: " + expression, e);
        }
    }

    private static Object lookup(Map<String, Object> object, List<String> path) {
        Object value = object;
        for (String key : path) {
            if (!(value instanceof Map<?, ?> map)) {
                return null;
            }
            value = map.get(key);
        }
        return value;
    }
}
