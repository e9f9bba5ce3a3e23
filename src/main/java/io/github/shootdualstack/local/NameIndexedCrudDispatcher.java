package io.github.shootdualstack.local;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.server.mock.KubernetesAttributesExtractor;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesResponseComposer;
import io.fabric8.mockwebserver.crud.Attribute;
import io.fabric8.mockwebserver.crud.AttributeSet;
import io.fabric8.mockwebserver.crud.AttributeType;
import io.fabric8.mockwebserver.http.MockResponse;

import java.net.HttpURLConnection;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The mock's CRUD store with its objects indexed by name and by namespace. The mock finds the objects
 * a request is about by testing every stored object in turn, on the one thread that serves every
 * request: filling a garden with N objects cost N²/2 such tests (10,000 Shoots with their 30,000
 * extension resources took about 12 minutes), and every read of one object, or of one namespace,
 * costs a test of every object in the garden. Here the candidates are the objects of that name, or of
 * that namespace, tested in the store's order, so the answer is the one the mock gives.
 */
final class NameIndexedCrudDispatcher extends KubernetesCrudDispatcher {

    private static final String NAME = KubernetesAttributesExtractor.NAME;
    private static final String NAMESPACE = KubernetesAttributesExtractor.NAMESPACE;

    // name -> the stored keys carrying it, and namespace -> likewise, each in the store's order
    private final Map<String, Set<AttributeSet>> byName = new HashMap<>();
    private final Map<String, Set<AttributeSet>> byNamespace = new HashMap<>();
    private final KubernetesResponseComposer lists = new KubernetesResponseComposer();
    private long latestVersion;

    @Override
    public MockResponse handleGet(String path) {
        if (!path.contains("watch=true")) {
            AttributeSet query = attributeExtractor.fromPath(path);
            String name = single(query, NAME);
            String namespace = single(query, NAMESPACE);
            if (name != null) {
                Map.Entry<AttributeSet, String> found = findResource(query);
                return found == null ? new MockResponse().setResponseCode(HttpURLConnection.HTTP_NOT_FOUND)
                        : new MockResponse().setResponseCode(HttpURLConnection.HTTP_OK).setBody(found.getValue());
            }
            if (namespace != null && query.containsKey(KubernetesAttributesExtractor.PLURAL)) {
                synchronized (this) {
                    List<String> items = new ArrayList<>();
                    for (AttributeSet key : byNamespace.getOrDefault(namespace, Set.of())) {
                        String value = map.get(key);
                        if (value != null && key.matches(query)) {
                            items.add(value);
                        }
                    }
                    return new MockResponse().setResponseCode(HttpURLConnection.HTTP_OK)
                            .setBody(lists.compose(items, String.valueOf(latestVersion)));
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
        for (AttributeSet key : byName.getOrDefault(name, Set.of())) {
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
        super.processEvent(path, pathAttributes, oldAttributes, resource, newState);
        if (oldAttributes != null) {
            unindex(oldAttributes);
        }
        if (newState != null) {
            // the key the mock has just stored the object under, derived as it derives it
            KubernetesAttributesExtractor extractor = (KubernetesAttributesExtractor) attributeExtractor;
            AttributeSet stored = resource != null ? extractor.extract(resource) : extractor.fromResource(newState);
            if (!stored.containsKey(KubernetesAttributesExtractor.PLURAL)) {
                stored = AttributeSet.merge(pathAttributes, stored);
            }
            if (map.containsKey(stored)) {
                index(stored);
            } else {
                reindex(); // a key derived otherwise than expected: read them all again rather than guess
            }
        }
    }

    @Override
    public synchronized void reset() {
        super.reset();
        byName.clear();
        byNamespace.clear();
    }

    private void index(AttributeSet key) {
        index(byName, single(key, NAME), key);
        index(byNamespace, single(key, NAMESPACE), key);
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
        synchronized (map) {
            map.keySet().forEach(this::index);
        }
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
