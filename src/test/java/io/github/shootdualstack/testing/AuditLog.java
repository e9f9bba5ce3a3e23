package io.github.shootdualstack.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/** What a {@link RealApiServer} wrote to its audit log: one entry per answered request. */
public record AuditLog(List<Entry> entries) {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> WRITES = Set.of("create", "update", "patch", "delete", "deletecollection");

    /**
     * One request: who (user agent, user and groups), what (verb, resource, subresource, namespace, name), the
     * answer, and the stage it was logged at (a watch is logged when it starts and again when it ends).
     */
    public record Entry(String verb, String userAgent, String user, String impersonated, String apiGroup, String resource,
                        String subresource, String namespace, String name, int code, String uri, String stage, List<String> groups) {

        public boolean write() {
            return WRITES.contains(verb);
        }

        @Override
        public String toString() {
            return verb + " " + uri + " -> " + code + " (" + userAgent + ")";
        }
    }

    static AuditLog read(Path file) {
        if (!Files.exists(file)) {
            return new AuditLog(List.of());
        }
        try {
            // complete lines only: the API server may be writing the last one as it is read
            String written = Files.readString(file);
            String complete = written.substring(0, written.lastIndexOf('\n') + 1);
            return new AuditLog(complete.lines().filter(line -> !line.isBlank()).map(AuditLog::entry).toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Entry entry(String line) {
        try {
            JsonNode event = JSON.readTree(line);
            JsonNode ref = event.path("objectRef");
            return new Entry(event.path("verb").asText(), event.path("userAgent").asText(),
                    event.path("user").path("username").asText(), event.path("impersonatedUser").path("username").asText(null),
                    ref.path("apiGroup").asText(""), ref.path("resource").asText(""), ref.path("subresource").asText(""),
                    ref.path("namespace").asText(""), ref.path("name").asText(""),
                    event.path("responseStatus").path("code").asInt(), event.path("requestURI").asText(), event.path("stage").asText(),
                    java.util.stream.StreamSupport.stream(event.path("user").path("groups").spliterator(), false)
                            .map(JsonNode::asText).toList());
        } catch (IOException e) {
            throw new UncheckedIOException("not an audit event: " + line, e);
        }
    }

    public List<Entry> matching(Predicate<Entry> filter) {
        return entries.stream().filter(filter).toList();
    }

    /** Entries after the first {@code mark} ones, for what happened since a {@link #size()} taken earlier. */
    public AuditLog since(int mark) {
        return new AuditLog(entries.subList(Math.min(mark, entries.size()), entries.size()));
    }

    public int size() {
        return entries.size();
    }
}
