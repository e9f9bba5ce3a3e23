package io.github.shootdualstack.local;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A front for an embedded API server that serves watches as a real kube-apiserver does: a
 * {@code watch=true} request that is no WebSocket upgrade is answered with a chunked
 * {@code application/json} stream, one event a line, each line a message of a WebSocket watch the
 * front opens on the embedded server with the same path and query (fabric8's mock serves watches
 * only as WebSocket upgrades, and its responses cannot stream). Everything else is passed on as it
 * is, without following redirects. The operator watches shoot clusters over plain HTTP only, so the
 * kubeconfigs of the local shoots name this front. A watch whose client has gone ends at its next
 * event, or when the embedded server ends it, or with the front.
 */
final class HttpWatchFront implements AutoCloseable {

    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();
    /** Headers the JDK client sets itself (or refuses), and those of one hop only. */
    private static final Set<String> NOT_PASSED = Set.of("host", "connection", "content-length", "expect", "upgrade",
            "transfer-encoding", "keep-alive", "http2-settings", "te", "trailer", "proxy-connection");
    /** The end of a watch (an empty message is no event, so none is passed on as one). */
    private static final String END = "";

    private final URI target;
    private final HttpServer server;
    private final ExecutorService threads;
    private final Set<BlockingQueue<String>> watches = ConcurrentHashMap.newKeySet();

    private HttpWatchFront(URI target, HttpServer server, ExecutorService threads) {
        this.target = target;
        this.server = server;
        this.threads = threads;
    }

    /** A front for the server at {@code targetUrl} ({@code http://host:port/}), on a free local port. */
    static HttpWatchFront start(String targetUrl) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            ExecutorService threads = Executors.newCachedThreadPool(task -> {
                Thread thread = new Thread(task, "http-watch-front");
                thread.setDaemon(true);
                return thread;
            });
            HttpWatchFront front = new HttpWatchFront(URI.create(targetUrl), server, threads);
            server.setExecutor(threads);
            server.createContext("/", front::handle);
            server.start();
            return front;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String url() {
        return "http://" + server.getAddress().getHostString() + ":" + server.getAddress().getPort() + "/";
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String query = exchange.getRequestURI().getRawQuery();
            boolean watch = query != null && Arrays.asList(query.split("&")).contains("watch=true");
            String upgrade = exchange.getRequestHeaders().getFirst("Upgrade");
            if (watch && (upgrade == null || !upgrade.toLowerCase(Locale.ROOT).contains("websocket"))) {
                watch(exchange);
            } else {
                forward(exchange);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void forward(HttpExchange exchange) throws IOException, InterruptedException {
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readAllBytes();
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(behind(exchange.getRequestURI()))
                .method(exchange.getRequestMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        passOn(exchange.getRequestHeaders(), request::header);
        HttpResponse<byte[]> response = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        passOn(response.headers().map(), exchange.getResponseHeaders()::add);
        respond(exchange, response.statusCode(), response.body());
    }

    private void watch(HttpExchange exchange) throws IOException, InterruptedException {
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        WebSocket.Builder builder = CLIENT.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
        for (String header : List.of("Authorization", "User-Agent")) {
            String value = exchange.getRequestHeaders().getFirst(header);
            if (value != null) {
                builder.header(header, value);
            }
        }
        URI uri = URI.create(behind(exchange.getRequestURI()).toString().replaceFirst("^http", "ws"));
        WebSocket socket;
        watches.add(lines);
        try {
            socket = builder.buildAsync(uri, new Lines(lines)).get(10, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            watches.remove(lines);
            if (e.getCause() instanceof WebSocketHandshakeException refused) {
                Object body = refused.getResponse().body();
                passOn(refused.getResponse().headers().map(), exchange.getResponseHeaders()::add);
                respond(exchange, refused.getResponse().statusCode(), body instanceof String text ? text.getBytes(StandardCharsets.UTF_8)
                        : body instanceof byte[] bytes ? bytes : new byte[0]);
            } else {
                respond(exchange, 503, new byte[0]);
            }
            return;
        }
        try {
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, 0);
            OutputStream out = exchange.getResponseBody();
            for (String line = lines.take(); !line.equals(END); line = lines.take()) {
                out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
        } finally {
            watches.remove(lines);
            socket.abort();
        }
    }

    /** Each message of the embedded server's watch, one event, as one line (a JSON document has no line breaks but as space). */
    private record Lines(BlockingQueue<String> lines, StringBuilder message) implements WebSocket.Listener {

        Lines(BlockingQueue<String> lines) {
            this(lines, new StringBuilder());
        }

        @Override
        public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
            message.append(data);
            if (last) {
                if (!message.isEmpty()) {
                    lines.add(message.toString().replace('\n', ' ').replace('\r', ' '));
                }
                message.setLength(0);
            }
            socket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket socket, int statusCode, String reason) {
            lines.add(END);
            return null;
        }

        @Override
        public void onError(WebSocket socket, Throwable error) {
            lines.add(END);
        }
    }

    private URI behind(URI request) {
        return target.resolve(request.getRawPath() + (request.getRawQuery() == null ? "" : "?" + request.getRawQuery()));
    }

    private static void passOn(Map<String, List<String>> headers, java.util.function.BiConsumer<String, String> to) {
        headers.forEach((name, values) -> {
            if (!NOT_PASSED.contains(name.toLowerCase(Locale.ROOT)) && !name.startsWith(":")) {
                values.forEach(value -> to.accept(name, value));
            }
        });
    }

    private static void respond(HttpExchange exchange, int code, byte[] body) throws IOException {
        boolean none = body.length == 0 || code == 204 || code == 304 || exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(code, none ? -1 : body.length);
        if (!none) {
            exchange.getResponseBody().write(body);
        }
    }

    @Override
    public void close() {
        watches.forEach(lines -> lines.add(END));
        server.stop(0);
        threads.shutdownNow();
    }
}
