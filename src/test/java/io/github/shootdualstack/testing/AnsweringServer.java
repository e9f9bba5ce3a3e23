package io.github.shootdualstack.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.TrustManagerFactory;

/**
 * An API server that answers every request with the same status and JSON body, over plain HTTP or
 * over TLS (with its own certificate, and, when given one, requiring a client certificate signed by
 * it); it records each request and the client certificate it came with.
 */
public final class AnsweringServer implements AutoCloseable {

    /** A request: method, path and query, and the subject of the client certificate (null without one). */
    public record Request(String method, String uri, String clientCertificate) {
    }

    private final HttpServer server;
    private final String scheme;
    private final List<Request> requests = new CopyOnWriteArrayList<>();

    private AnsweringServer(HttpServer server, String scheme, int status, String body) {
        this.server = server;
        this.scheme = scheme;
        server.createContext("/", exchange -> answer(exchange, status, body));
        server.start();
    }

    /** Plain HTTP on 127.0.0.1. */
    public static AnsweringServer http(int status, String body) {
        try {
            return new AnsweringServer(HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0), "http", status, body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * TLS on 127.0.0.1 with the certificate of {@code serverCredentials}; a client must present a certificate
     * that {@code clientCertificate} is (or signed), unless it is null.
     */
    public static AnsweringServer https(ClientCredentials serverCredentials, X509Certificate clientCertificate, int status, String body) {
        try {
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(serverCredentials.keyStore(), "changeit".toCharArray());
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            KeyStore trusted = KeyStore.getInstance("PKCS12");
            trusted.load(null, null);
            if (clientCertificate != null) {
                trusted.setCertificateEntry("client", clientCertificate);
            }
            trust.init(trusted);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), trust.getTrustManagers(), null);
            HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.setHttpsConfigurator(new HttpsConfigurator(context) {
                @Override
                public void configure(HttpsParameters parameters) {
                    SSLParameters ssl = context.getDefaultSSLParameters();
                    ssl.setNeedClientAuth(clientCertificate != null);
                    parameters.setSSLParameters(ssl);
                }
            });
            return new AnsweringServer(server, "https", status, body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** e.g. {@code https://127.0.0.1:41234} */
    public String url() {
        return scheme + "://127.0.0.1:" + server.getAddress().getPort();
    }

    public List<Request> requests() {
        return List.copyOf(requests);
    }

    /** A Kubernetes Status of {@code code}, {@code reason} and {@code message}, as an API server refuses a request. */
    public static String status(int code, String reason, String message) {
        return "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":\"" + message.replace("\"", "\\\"")
                + "\",\"reason\":\"" + reason + "\",\"code\":" + code + "}";
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void answer(HttpExchange exchange, int status, String body) throws IOException {
        String subject = null;
        if (exchange instanceof HttpsExchange https) {
            try {
                subject = ((X509Certificate) https.getSSLSession().getPeerCertificates()[0]).getSubjectX500Principal().getName();
            } catch (SSLPeerUnverifiedException e) {
                // no client certificate
            }
        }
        requests.add(new Request(exchange.getRequestMethod(), exchange.getRequestURI().toString(), subject));
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }
}
