package io.github.shootdualstack.local;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.kubernetes.client.server.mock.KubernetesAttributesExtractor;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.crud.Attribute;
import io.fabric8.mockwebserver.crud.AttributeSet;
import io.fabric8.mockwebserver.crud.AttributeType;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.Response;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;

import java.net.HttpURLConnection;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.AbstractMap;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The mock's CRUD store with its objects indexed by name and by namespace. The mock finds the objects
 * a request is about by testing every stored object in turn, on the one thread that serves every
 * request: filling a garden with N objects cost N²/2 such tests (10,000 Shoots with their 30,000
 * extension resources took about 12 minutes), and every read of one object, or of one namespace,
 * costs a test of every object in the garden. Here the candidates are the objects of that name (in that
 * namespace), or of that namespace, tested in the store's order, so the answer is the one the mock gives.
 *
 * <p>Watches are served here too, as a real API server serves them: one from a resource version (an
 * informer's, after its list) receives the changes made after that version only, where the mock sends
 * every stored object again as ADDED (for 10,000 Shoots, 150 MB parsed and written once more on each
 * side of every informer's start); one from no version, or version 0, starts with every object as ADDED.
 * An event is the stored JSON as it is, not read into a model and written out again. A list with a
 * {@code limit} is served in pages with a continue token, from the list as it was at its first page.
 * A list of Projects by {@code spec.namespace} is answered as gardener-apiserver answers it.
 */
final class NameIndexedCrudDispatcher extends KubernetesCrudDispatcher {

    private static final String NAME = KubernetesAttributesExtractor.NAME;
    private static final String NAMESPACE = KubernetesAttributesExtractor.NAMESPACE;

    // name -> the stored keys carrying it, and namespace -> likewise, each in the store's order
    private final Map<String, Set<AttributeSet>> byName = new HashMap<>();
    private final Map<String, Set<AttributeSet>> byNamespace = new HashMap<>();
    // "namespace/name" -> likewise: a landscape's objects often share their names (its Shoots', their extensions')
    private final Map<String, Set<AttributeSet>> byNamespacedName = new HashMap<>();
    // plural (the kind) -> likewise, for the lists of a kind across namespaces
    private final Map<String, Set<AttributeSet>> byPlural = new HashMap<>();
    private long latestVersion;

    // the version each stored object was last written at, and the latest deletions, for watches from a version
    private final Map<AttributeSet, Long> writtenAt = new HashMap<>();
    // the version of the latest write stored (a write takes its version before it is stored), and the
    // version up to which deletions are no longer kept
    private long storedVersion;
    private long deletionsKeptAfter;
    private final java.util.NavigableMap<Long, AttributeSet> byVersion = new java.util.TreeMap<>();
    private final Deque<Deletion> deletions = new ArrayDeque<>();
    private final Set<Watch> watches = new CopyOnWriteArraySet<>();

    /** How many deletions are kept for watches that start from an earlier version. */
    static final int KEPT_DELETIONS = 10_000;

    private record Deletion(long version, AttributeSet key, String state) {
    }

    /** A list being read in pages, at the version of its first page. */
    private record Snapshot(List<String> items, long version) {
    }

    // the lists whose further pages are still to be read, by continue token
    private final Map<String, Snapshot> snapshots = new java.util.LinkedHashMap<>();
    private long lastSnapshot;

    /** How many paged lists are kept for their further pages; the oldest is dropped first. */
    static final int KEPT_SNAPSHOTS = 32;

    @Override
    public MockResponse handleGet(String path) {
        if (path.contains("watch=true")) {
            return new MockResponse().withWebSocketUpgrade(new Watch(attributeExtractor.fromPath(path), since(path)));
        }
        String projectNamespace = projectNamespaceSelected(path);
        if (projectNamespace != null) {
            return projectsWithNamespace(projectNamespace);
        }
        AttributeSet query = attributeExtractor.fromPath(path);
        String name = single(query, NAME);
        String namespace = single(query, NAMESPACE);
        if (name != null) {
            Map.Entry<AttributeSet, String> found = findResource(query);
            return found == null ? new MockResponse().setResponseCode(HttpURLConnection.HTTP_NOT_FOUND)
                    : new MockResponse().setResponseCode(HttpURLConnection.HTTP_OK).setBody(found.getValue());
        }
        String continued = parameter(path, "continue");
        if (continued != null && !continued.isEmpty()) {
            return nextPage(continued, limit(path));
        }
        if (namespace != null && query.containsKey(KubernetesAttributesExtractor.PLURAL)) {
            synchronized (this) {
                return firstPage(matching(byNamespace.get(namespace), query), limit(path));
            }
        }
        String plural = single(query, KubernetesAttributesExtractor.PLURAL);
        if (plural != null && limit(path) > 0) {
            synchronized (this) {
                List<String> items = matching(byPlural.get(plural), query);
                if (!items.isEmpty()) { // none: the mock answers it, an API discovery request among them
                    return firstPage(items, limit(path));
                }
            }
        }
        return super.handleGet(path);
    }

    @Override
    public synchronized Map.Entry<AttributeSet, String> findResource(AttributeSet attributes) {
        String name = single(attributes, NAME);
        if (name == null) {
            return super.findResource(attributes);
        }
        String namespace = single(attributes, NAMESPACE);
        Set<AttributeSet> candidates = namespace == null ? byName.get(name) : byNamespacedName.get(namespace + "/" + name);
        for (AttributeSet key : candidates == null ? Set.<AttributeSet>of() : candidates) {
            String value = map.get(key);
            if (value != null && key.matches(attributes)) {
                return new AbstractMap.SimpleImmutableEntry<>(key, value);
            }
        }
        return null;
    }

    @Override
    public synchronized long requestResourceVersion() {
        latestVersion = super.requestResourceVersion();
        return latestVersion;
    }

    @Override
    public synchronized void processEvent(String path, AttributeSet pathAttributes, AttributeSet oldAttributes,
                                          GenericKubernetesResource resource, String newState) {
        String existing = oldAttributes == null ? null : map.get(oldAttributes);
        boolean changed = !Objects.equals(existing, newState);
        super.processEvent(path, pathAttributes, oldAttributes, resource, newState);
        AttributeSet stored = null;
        if (oldAttributes != null) {
            unindex(oldAttributes);
        }
        if (newState != null) {
            // the key the mock has just stored the object under, derived as it derives it
            KubernetesAttributesExtractor extractor = (KubernetesAttributesExtractor) attributeExtractor;
            stored = resource != null ? extractor.extract(resource) : extractor.fromResource(newState);
            if (!stored.containsKey(KubernetesAttributesExtractor.PLURAL)) {
                stored = AttributeSet.merge(pathAttributes, stored);
            }
            if (map.containsKey(stored)) {
                index(stored);
            } else {
                reindex(); // a key derived otherwise than expected: read them all again rather than guess
            }
        }
        if (!changed) {
            return; // a write that changed nothing: no version of its own, no event
        }
        if (newState == null) {
            // a deletion takes a version of its own, as on a real API server (the mock gives it none)
            requestResourceVersion();
            existing = withVersion(existing, latestVersion);
            deletions.addLast(new Deletion(latestVersion, oldAttributes, existing));
            if (deletions.size() > KEPT_DELETIONS) {
                deletionsKeptAfter = deletions.removeFirst().version();
            }
        }
        if (oldAttributes != null) {
            Long was = writtenAt.remove(oldAttributes);
            if (was != null) {
                byVersion.remove(was);
            }
        }
        if (stored != null && map.containsKey(stored)) {
            writtenAt.put(stored, latestVersion);
            byVersion.put(latestVersion, stored);
        }
        storedVersion = latestVersion;
        for (Watch watch : watches) {
            boolean wasSeen = oldAttributes != null && oldAttributes.matches(watch.query);
            boolean isSeen = stored != null && stored.matches(watch.query);
            if (wasSeen && isSeen) {
                watch.send("MODIFIED", newState);
            } else if (wasSeen) {
                watch.send("DELETED", existing);
            } else if (isSeen) {
                watch.send("ADDED", newState);
            }
        }
    }

    /** The object with the resource version of its deletion, as a real API server sends a deleted object. */
    private static String withVersion(String json, long version) {
        try {
            com.fasterxml.jackson.databind.node.ObjectNode object =
                    (com.fasterxml.jackson.databind.node.ObjectNode) Serialization.jsonMapper().readTree(json);
            if (object.get("metadata") instanceof com.fasterxml.jackson.databind.node.ObjectNode metadata) {
                metadata.put("resourceVersion", String.valueOf(version));
            }
            return Serialization.jsonMapper().writeValueAsString(object);
        } catch (java.io.IOException e) {
            return json;
        }
    }

    /** The stored objects of {@code keys} (an index's entry, or none) that {@code query} selects, in the store's order. */
    private List<String> matching(Set<AttributeSet> keys, AttributeSet query) {
        List<String> items = new ArrayList<>();
        for (AttributeSet key : keys == null ? Set.<AttributeSet>of() : keys) {
            String value = map.get(key);
            if (value != null && key.matches(query)) {
                items.add(value);
            }
        }
        return items;
    }

    /**
     * The first page of a list: all of it without a limit; with one, the first {@code limit} items and
     * a continue token for the rest, served from this list as it is now (as a real API server serves
     * every page at the first page's version), so that a client reads one page while the next is made.
     */
    private synchronized MockResponse firstPage(List<String> items, int limit) {
        if (limit <= 0 || items.size() <= limit) {
            return listResponse(items, storedVersion, null);
        }
        String token = String.valueOf(++lastSnapshot);
        snapshots.put(token, new Snapshot(items, storedVersion));
        while (snapshots.size() > KEPT_SNAPSHOTS) {
            snapshots.remove(snapshots.keySet().iterator().next());
        }
        return listResponse(items.subList(0, limit), storedVersion, token + ":" + limit);
    }

    /** A further page; an unknown or expired token is answered 410 Gone, as a real API server does, and the client lists anew. */
    private synchronized MockResponse nextPage(String continued, int limit) {
        int colon = continued.indexOf(':');
        Snapshot snapshot = colon < 0 ? null : snapshots.get(continued.substring(0, colon));
        List<String> items = snapshot == null ? null : snapshot.items();
        int from;
        try {
            from = colon < 0 ? -1 : Integer.parseInt(continued.substring(colon + 1));
        } catch (NumberFormatException e) {
            from = -1;
        }
        if (items == null || from < 0 || from > items.size()) {
            Status gone = new StatusBuilder().withStatus("Failure").withCode(HttpURLConnection.HTTP_GONE).withReason("Expired")
                    .withMessage("the continue token is unknown or has expired; list again").build();
            return new MockResponse().setResponseCode(HttpURLConnection.HTTP_GONE).setBody(Serialization.asJson(gone));
        }
        int to = limit <= 0 ? items.size() : Math.min(items.size(), from + limit);
        String next = to < items.size() ? continued.substring(0, colon) + ":" + to : null;
        if (next == null) {
            snapshots.remove(continued.substring(0, colon));
        }
        return listResponse(items.subList(from, to), snapshot.version(), next);
    }

    /**
     * The namespace of a list of Projects with the field selector {@code spec.namespace=<namespace>}, which
     * gardener-apiserver indexes; {@code null} for any other request. The mock itself selects no object by
     * a field other than the name and the namespace.
     */
    private static String projectNamespaceSelected(String path) {
        String selector = parameter(path, "fieldSelector");
        if (selector == null || !path.startsWith("/apis/core.gardener.cloud/v1beta1/projects?")) {
            return null;
        }
        String[] requirement = selector.split("==?", 2);
        return requirement.length == 2 && requirement[0].equals("spec.namespace") && !requirement[1].contains(",")
                ? requirement[1] : null;
    }

    private synchronized MockResponse projectsWithNamespace(String namespace) {
        List<String> items = new ArrayList<>();
        for (AttributeSet key : byPlural.getOrDefault("projects", Set.of())) {
            String value = map.get(key);
            try {
                if (value != null && namespace.equals(Serialization.jsonMapper().readTree(value).path("spec").path("namespace").asText(null))) {
                    items.add(value);
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException("a stored object is JSON", e);
            }
        }
        return listResponse(items, storedVersion, null);
    }

    private static MockResponse listResponse(List<String> items, long version, String continueToken) {
        int size = 128;
        for (String item : items) {
            size += item.length() + 1;
        }
        StringBuilder body = new StringBuilder(size).append("{\"apiVersion\":\"v1\",\"kind\":\"List\",\"items\":[");
        for (int i = 0; i < items.size(); i++) {
            body.append(i == 0 ? "" : ",").append(items.get(i));
        }
        body.append("],\"metadata\":{\"resourceVersion\":\"").append(version).append('"');
        if (continueToken != null) {
            body.append(",\"continue\":\"").append(continueToken).append('"');
        }
        return new MockResponse().setResponseCode(HttpURLConnection.HTTP_OK).setBody(body.append("}}").toString());
    }

    private static int limit(String path) {
        String limit = parameter(path, "limit");
        try {
            return limit == null ? 0 : Integer.parseInt(limit);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** The version a watch starts after; -1 for none (or 0): every object first, as ADDED. */
    private static long since(String path) {
        String version = parameter(path, "resourceVersion");

        try {
            long since = version == null || version.isEmpty() ? 0 : Long.parseLong(version);
            return since == 0 ? -1 : since;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static String parameter(String path, String name) {
        int query = path.indexOf('?');
        if (query < 0) {
            return null;
        }
        for (String pair : path.substring(query + 1).split("&")) {
            int equals = pair.indexOf('=');
            if (equals > 0 && pair.substring(0, equals).equals(name)) {
                return URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    /** The first events of a watch, sent as it opens; it then receives every change, in order. */
    private synchronized void opened(Watch watch) {
        if (watch.since >= 0 && watch.since < deletionsKeptAfter) {
            // deletions after its version are no longer known: the client is told to list again, as a real API server tells it
            watch.send("ERROR", Serialization.asJson(new StatusBuilder().withStatus("Failure").withCode(HttpURLConnection.HTTP_GONE)
                    .withReason("Expired").withMessage("too old resource version: " + watch.since).build()));
            return;
        }
        if (watch.since < 0) {
            map.forEach((key, state) -> {
                if (key.matches(watch.query)) {
                    watch.send("ADDED", state);
                }
            });
        } else {
            // what changed after its version, in the order of the versions: the writes as the objects now are, and the deletions
            java.util.TreeMap<Long, Map.Entry<String, String>> changes = new java.util.TreeMap<>();
            for (Deletion deletion : deletions) {
                if (deletion.version() > watch.since && deletion.key().matches(watch.query)) {
                    changes.put(deletion.version(), Map.entry("DELETED", deletion.state()));
                }
            }
            byVersion.tailMap(watch.since, false).forEach((version, key) -> {
                String state = map.get(key);
                if (state != null && key.matches(watch.query)) {
                    changes.put(version, Map.entry("MODIFIED", state));
                }
            });
            changes.values().forEach(change -> watch.send(change.getKey(), change.getValue()));
        }
        watches.add(watch);
    }

    /** One watch: its events are sent in order, each as the stored JSON, by a thread of its own. */
    private final class Watch extends WebSocketListener {

        private final AttributeSet query;
        private final long since;
        private final ExecutorService sender = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "local-api-server-watch");
            thread.setDaemon(true);
            return thread;
        });
        private volatile WebSocket socket;

        Watch(AttributeSet query, long since) {
            this.query = query;
            this.since = since;
        }

        void send(String type, String state) {
            String event = "{\"type\":\"" + type + "\",\"object\":" + state + "}";
            try {
                sender.execute(() -> {
                    WebSocket open = socket;
                    if (open != null) {
                        open.send(event);
                    }
                });
            } catch (java.util.concurrent.RejectedExecutionException closedMeanwhile) {
                // the watch closed while a write was told to it: nobody listens any more
            }
        }

        @Override
        public void onOpen(WebSocket webSocket, Response response) {
            socket = webSocket;
            opened(this);
        }

        @Override
        public void onClosing(WebSocket webSocket, int code, String reason) {
            webSocket.close(code, reason);
            closed();
        }

        @Override
        public void onClosed(WebSocket webSocket, int code, String reason) {
            closed();
        }

        @Override
        public void onFailure(WebSocket webSocket, Throwable error, Response response) {
            webSocket.close(1000, String.valueOf(error.getMessage()));
            closed();
        }

        private void closed() {
            synchronized (NameIndexedCrudDispatcher.this) {
                watches.remove(this);
                socket = null;
                sender.shutdown();
            }
        }
    }

    @Override
    public synchronized void reset() {
        super.reset();
        byName.clear();
        byNamespace.clear();
        byNamespacedName.clear();
        byPlural.clear();
        writtenAt.clear();
        byVersion.clear();
        deletions.clear();
    }

    private void index(AttributeSet key) {
        index(byName, single(key, NAME), key);
        index(byNamespace, single(key, NAMESPACE), key);
        index(byNamespacedName, namespacedName(key), key);
        index(byPlural, single(key, KubernetesAttributesExtractor.PLURAL), key);
    }

    private static void index(Map<String, Set<AttributeSet>> index, String value, AttributeSet key) {
        if (value != null) {
            Set<AttributeSet> keys = index.computeIfAbsent(value, v -> new LinkedHashSet<>());
            keys.remove(key); // a re-stored key goes last, as in the store
            keys.add(key);
        }
    }

    private void unindex(AttributeSet key) {
        unindex(byName, single(key, NAME), key);
        unindex(byNamespace, single(key, NAMESPACE), key);
        unindex(byNamespacedName, namespacedName(key), key);
        unindex(byPlural, single(key, KubernetesAttributesExtractor.PLURAL), key);
    }

    private static void unindex(Map<String, Set<AttributeSet>> index, String value, AttributeSet key) {
        Set<AttributeSet> keys = value == null ? null : index.get(value);
        if (keys != null && keys.remove(key) && keys.isEmpty()) {
            index.remove(value);
        }
    }

    private void reindex() {
        byName.clear();
        byNamespace.clear();
        byNamespacedName.clear();
        byPlural.clear();
        synchronized (map) {
            map.keySet().forEach(this::index);
        }
    }

    /** "namespace/name" of a key with both; null otherwise. */
    private static String namespacedName(AttributeSet key) {
        String namespace = single(key, NAMESPACE);
        String name = single(key, NAME);
        return namespace == null || name == null ? null : namespace + "/" + name;
    }

    /** The one value a key or a query has for an attribute, or null when it has none, several, or the mock's wildcard. */
    private static String single(AttributeSet attributes, String attribute) {
        Attribute found = attributes.getAttribute(attribute);
        if (found == null || found.getType() != AttributeType.WITH || found.getValues().size() != 1) {
            return null;
        }
        String value = found.getValues().get(0).toString();
        return value == null || value.equals("*") ? null : value;
    }
}
