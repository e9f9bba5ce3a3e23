package io.github.shootdualstack.testing;

/**
 * The real garden API server the {@code *IT} classes share in one test JVM: it starts once, on first
 * use, and stops when the JVM exits. Tests keep apart by namespace; a test that needs a server of its
 * own (a shoot cluster, a Helm install) starts one with {@link RealApiServer#start}.
 */
public final class RealApiServers {

    private static RealApiServer garden;

    private RealApiServers() {
    }

    public static synchronized RealApiServer garden() {
        if (garden == null) {
            garden = started("garden");
            RealApiServer server = garden;
            Runtime.getRuntime().addShutdownHook(new Thread(server::close, "stop-real-garden"));
        }
        return garden;
    }

    /** Starts a server and says which one it is: the lane must show that it ran on a real kube-apiserver. */
    public static RealApiServer started(String name, java.util.List<String> serviceRanges) {
        RealApiServer server = RealApiServer.start(name, serviceRanges);
        System.out.println("Real kube-apiserver \"" + name + "\" at " + server.url() + ", /version: " + server.version());
        return server;
    }

    /** As above, trusting client certificates of this CA too (a shoot's {@code ca-client}). */
    public static RealApiServer started(String name, java.util.List<String> serviceRanges, String clientCaPem) {
        RealApiServer server = RealApiServer.start(name, serviceRanges, clientCaPem);
        System.out.println("Real kube-apiserver \"" + name + "\" at " + server.url() + ", /version: " + server.version());
        return server;
    }

    public static RealApiServer started(String name) {
        return started(name, java.util.List.of("10.0.0.0/24"));
    }
}
