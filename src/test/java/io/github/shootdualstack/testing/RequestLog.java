package io.github.shootdualstack.testing;

import io.fabric8.mockwebserver.DefaultMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** Every request a mock API server received, in order, for counting writes. */
public final class RequestLog {

    public static final Set<String> WRITES = Set.of("POST", "PUT", "PATCH", "DELETE");

    private final DefaultMockServer server;
    private final List<Request> seen = new ArrayList<>();

    public record Request(String method, String path, String body, String userAgent) {
        public boolean isWrite() {
            return WRITES.contains(method);
        }

        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    public RequestLog(DefaultMockServer server) {
        this.server = server;
    }

    /** All requests so far (drains the server's queue into this log). */
    public synchronized List<Request> all() {
        try {
            RecordedRequest request;
            while ((request = server.takeRequest(1, TimeUnit.MILLISECONDS)) != null) {
                seen.add(new Request(request.getMethod(), request.getPath(), request.getUtf8Body(), request.getHeader("User-Agent")));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return List.copyOf(seen);
    }

    /** A mark to count from. */
    public int mark() {
        return all().size();
    }

    public List<Request> since(int mark) {
        List<Request> all = all();
        return all.subList(mark, all.size());
    }

    public List<Request> writesSince(int mark, Predicate<Request> filter) {
        return since(mark).stream().filter(Request::isWrite).filter(filter).toList();
    }

    /** How many of the requests the server received since they were last taken are PATCHes of the path (takes them all). */
    public static int patchesOf(DefaultMockServer server, String path) throws InterruptedException {
        int patches = 0;
        for (RecordedRequest request = server.takeRequest(10, TimeUnit.MILLISECONDS); request != null;
             request = server.takeRequest(10, TimeUnit.MILLISECONDS)) {
            if (request.getMethod().equals("PATCH") && request.getPath().equals(path)) {
                patches++;
            }
        }
        return patches;
    }

    /** Requests made by the operator (its clients name themselves in the User-Agent). */
    public static Predicate<Request> byOperator() {
        return request -> request.userAgent() != null && request.userAgent().startsWith("shoot-dualstack-operator/");
    }

    public static Predicate<Request> pathContains(String part) {
        return request -> request.path().contains(part);
    }
}
