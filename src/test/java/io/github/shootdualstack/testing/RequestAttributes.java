package io.github.shootdualstack.testing;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What Kubernetes authorizes an API request by: verb, API group, resource (with subresource),
 * namespace (null for a cluster-wide request) and resource name. Parsed from method, path and
 * query the way the API server's RequestInfoFactory does it.
 */
public record RequestAttributes(String verb, String apiGroup, String resource, String subresource, String namespace,
                                String name) {

    private static final List<String> NAMESPACE_SUBRESOURCES = List.of("status", "finalize");

    /** The attributes of a resource request; empty for a non-resource URL such as discovery (/api, /apis, /version). */
    public static Optional<RequestAttributes> of(RequestLog.Request request) {
        return of(request.method(), request.path());
    }

    public static Optional<RequestAttributes> of(String method, String pathAndQuery) {
        int question = pathAndQuery.indexOf('?');
        String path = question < 0 ? pathAndQuery : pathAndQuery.substring(0, question);
        Map<String, String> query = query(question < 0 ? "" : pathAndQuery.substring(question + 1));
        List<String> parts = List.of(path.replaceAll("^/+|/+$", "").split("/"));
        String group;
        if (parts.size() >= 3 && parts.get(0).equals("api")) {
            group = "";
            parts = parts.subList(2, parts.size());
        } else if (parts.size() >= 4 && parts.get(0).equals("apis")) {
            group = parts.get(1);
            parts = parts.subList(3, parts.size());
        } else {
            return Optional.empty();
        }
        boolean watchPath = parts.get(0).equals("watch");
        if (watchPath) {
            parts = parts.subList(1, parts.size());
        }
        String namespace = null;
        if (parts.get(0).equals("namespaces") && parts.size() > 1) {
            namespace = parts.get(1);
            if (parts.size() > 2 && !NAMESPACE_SUBRESOURCES.contains(parts.get(2))) {
                parts = parts.subList(2, parts.size());
            }
        }
        String resource = parts.get(0);
        String name = parts.size() >= 2 ? parts.get(1) : null;
        String subresource = parts.size() >= 3 ? parts.get(2) : null;
        String verb = switch (method) {
            case "GET", "HEAD" -> name == null ? "list" : "get";
            case "POST" -> "create";
            case "PUT" -> "update";
            case "PATCH" -> "patch";
            case "DELETE" -> name == null ? "deletecollection" : "delete";
            default -> throw new IllegalArgumentException("unknown method " + method + " " + pathAndQuery);
        };
        if (verb.equals("list") || verb.equals("get")) {
            if (watchPath || "true".equals(query.get("watch")) || "1".equals(query.get("watch"))) {
                verb = "watch";
            }
        }
        if ((verb.equals("list") || verb.equals("watch")) && name == null) {
            // a list or watch of one object by field selector is authorized for that name
            String selector = query.getOrDefault("fieldSelector", "");
            if (selector.startsWith("metadata.name=") && !selector.contains(",")) {
                name = selector.substring("metadata.name=".length());
            }
        }
        return Optional.of(new RequestAttributes(verb, group, resource, subresource, namespace, name));
    }

    /** {@code shoots} or {@code shoots/status}, as RBAC rules name it. */
    public String resourcePath() {
        return subresource == null ? resource : resource + "/" + subresource;
    }

    /** Namespace and name, or "cluster" for a cluster-wide request. */
    public String scope() {
        return namespace == null ? "cluster" : "ns " + namespace;
    }

    /** The attributes without the object name, for a table of what was used. */
    public RequestAttributes withoutName() {
        return new RequestAttributes(verb, apiGroup, resource, subresource, namespace, null);
    }

    @Override
    public String toString() {
        return String.format("%-6s %-26s %-20s %-32s %s", verb, apiGroup.isEmpty() ? "\"\"" : apiGroup, resourcePath(), scope(),
                name == null ? "" : name);
    }

    private static Map<String, String> query(String query) {
        Map<String, String> parameters = new HashMap<>();
        for (String pair : query.split("&")) {
            if (!pair.isEmpty()) {
                int equals = pair.indexOf('=');
                String key = equals < 0 ? pair : pair.substring(0, equals);
                String value = equals < 0 ? "" : pair.substring(equals + 1);
                parameters.put(URLDecoder.decode(key, StandardCharsets.UTF_8), URLDecoder.decode(value, StandardCharsets.UTF_8));
            }
        }
        return parameters;
    }
}
