package io.github.shootdualstack.shootcluster;

import io.fabric8.kubernetes.client.http.AsyncBody;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.http.Interceptor;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The watches a shoot's API server refused for the credentials (401, 403) or as not allowed (405),
 * by the resource they watch, as one client's requests show them. A watch over HTTP that is refused
 * raises no error where it is opened (the client would only ask for it again), so the refusal is
 * seen here, in the answer.
 */
final class WatchRefusals implements Interceptor {

    private final Set<String> refused = ConcurrentHashMap.newKeySet();

    @Override
    public void after(HttpRequest request, HttpResponse<?> response, AsyncBody.Consumer<List<ByteBuffer>> consumer) {
        int code = response.code();
        if (ResponseBounds.watch(request) && (code == 401 || code == 403 || code == 405)) {
            String path = request.uri().getRawPath();
            refused.add(path.substring(path.lastIndexOf('/') + 1));
        }
    }

    /** Whether a watch of {@code resource} ({@code nodes}, {@code pods}, {@code services}) was refused. */
    boolean refused(String resource) {
        return refused.contains(resource);
    }
}
