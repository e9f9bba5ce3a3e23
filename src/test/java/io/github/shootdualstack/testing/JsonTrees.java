package io.github.shootdualstack.testing;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/** Comparing whole objects as JSON trees, with failures that name the paths that differ. */
public final class JsonTrees {

    private JsonTrees() {
    }

    /** A copy of {@code tree} without the fields at {@code pointers} (e.g. {@code /metadata/uid}); absent ones are ignored. */
    public static JsonNode without(JsonNode tree, String... pointers) {
        JsonNode copy = tree.deepCopy();
        for (String pointer : pointers) {
            JsonPointer path = JsonPointer.compile(pointer);
            JsonNode parent = copy.at(path.head());
            String last = path.last().getMatchingProperty();
            if (parent instanceof ObjectNode object) {
                object.remove(last);
            } else if (parent instanceof ArrayNode array && path.last().mayMatchElement()) {
                array.remove(path.last().getMatchingIndex());
            }
        }
        return copy;
    }

    /**
     * Every path at which {@code actual} differs from {@code expected}: a missing or extra field, a
     * different value or a different JSON type (1 and 1.0, or "1" and 1, differ). Empty when equal.
     */
    public static List<String> differences(JsonNode expected, JsonNode actual) {
        List<String> found = new ArrayList<>();
        compare("", expected, actual, found);
        return found;
    }

    private static void compare(String path, JsonNode expected, JsonNode actual, List<String> found) {
        if (expected == null || actual == null) {
            if (expected != actual) {
                found.add((expected == null ? "unexpected " : "missing ") + where(path) + ": "
                        + (expected == null ? actual : expected));
            }
            return;
        }
        if (expected.isObject() && actual.isObject()) {
            TreeSet<String> names = new TreeSet<>();
            expected.fieldNames().forEachRemaining(names::add);
            actual.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                compare(path + "/" + name, expected.get(name), actual.get(name), found);
            }
        } else if (expected.isArray() && actual.isArray() && expected.size() == actual.size()) {
            for (int i = 0; i < expected.size(); i++) {
                compare(path + "/" + i, expected.get(i), actual.get(i), found);
            }
        } else if (!expected.equals(actual)) {
            found.add(where(path) + ": expected " + describe(expected) + " but was " + describe(actual));
        }
    }

    private static String where(String path) {
        return path.isEmpty() ? "/" : path;
    }

    private static String describe(JsonNode node) {
        return node + " (" + node.getNodeType().name().toLowerCase() + (node.isNumber() ? " " + node.numberType() : "") + ")";
    }
}
