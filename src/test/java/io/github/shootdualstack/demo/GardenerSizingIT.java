package io.github.shootdualstack.demo;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.github.shootdualstack.testing.GardenerGarden;
import io.github.shootdualstack.testing.GardenerShoots;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The memory row of docs/performance.md on the real thing: idle Shoots served by Gardener's own
 * gardener-apiserver (start-envtest), their extension resources and Clusters beside them under
 * Gardener's seed CRDs, and the image's jar run against that garden in a JVM of its own, measured
 * from outside as {@code bench} measures it: heap after a full GC, RSS, start to ready, requests at
 * rest. Not part of the IT lane: it runs only when {@code sizing.shoots} names the sizes, e.g.
 *
 * <pre>mvn -o -B -q package -DskipTests
 * mvn -o -B failsafe:integration-test -Dit.test=GardenerSizingIT -Dsizing.shoots=0,2000,10000</pre>
 *
 * Further knobs: {@code sizing.threads} (creating threads, 8), {@code sizing.steady} (seconds requests
 * are counted at rest, 30), {@code sizing.jvm} (the operator's JVM options, {@code -Xmx1g}; alternatives
 * separated by {@code |} are each measured at every size, e.g. {@code -Xmx1g|-Xmx1g -Dhttp2.disable=true}).
 */
@EnabledIfSystemProperty(named = "sizing.shoots", matches = "[0-9,]+")
class GardenerSizingIT {

    private static final double MIB = 1024 * 1024;
    private static final int LIST_PAGE = 500;
    private static final Pattern CONTINUE = Pattern.compile("\"continue\":\"([^\"]+)\"");

    /** One size's figures. */
    private record Idle(int shoots, String jvm, double retainedMiB, double rssMiB, double startToReadySeconds, long requestsAtRest) {
    }

    @Test
    void idleShoots_onGardenersOwnApiServer() throws Exception {
        List<Integer> sizes = Arrays.stream(System.getProperty("sizing.shoots").split(",")).map(Integer::parseInt).sorted().toList();
        int threads = Integer.getInteger("sizing.threads", 8);
        Duration steady = Duration.ofSeconds(Integer.getInteger("sizing.steady", 30));
        // one operator per size, or several when the options are alternatives separated by |
        List<String> jvms = List.of(System.getProperty("sizing.jvm", "-Xmx1g").split("\\|"));
        Path jar = OperatorProcess.defaultJar();
        assertThat(jar).as("the image's jar: mvn package -DskipTests builds it").isRegularFile();
        List<Idle> results = new ArrayList<>();
        try (GardenerGarden garden = GardenerGarden.start("sizing")) {
            garden.prepareForShoots();
            garden.installSeedCrds();
            GardenerShoots shoots = new GardenerShoots(garden);
            System.out.printf("sizing: gardener-apiserver %s, kube-apiserver %s, %d cores%n", garden.gardenerVersion(), garden.version(),
                    Runtime.getRuntime().availableProcessors());
            int filled = 0;
            for (int size : sizes) {
                long start = System.nanoTime();
                shoots.create(filled, size - filled, threads, created -> System.out.printf("  %,d Shoots created (%.0f s)%n", created,
                        (System.nanoTime() - start) / 1e9));
                System.out.printf(Locale.ROOT, "[%,d Shoots] created %,d in %.1f s on %d threads%n", size, size - filled,
                        (System.nanoTime() - start) / 1e9, threads);
                filled = size;
                if (size > 0) {
                    describeOneShoot(garden, GardenerShoots.name(size - 1));
                    timeList(garden, "/apis/core.gardener.cloud/v1beta1/shoots");
                    timeList(garden, "/apis/extensions.gardener.cloud/v1alpha1/networks");
                }
                for (String jvm : jvms) {
                    results.add(idle(jar, garden, size, steady, jvm.trim()));
                }
            }
            String last = GardenerShoots.name(Math.max(0, filled - 1));
            if (filled > 0) {
                GenericKubernetesResource shoot = garden.client().genericKubernetesResources("core.gardener.cloud/v1beta1", "Shoot")
                        .inNamespace(GardenerGarden.PROJECT_NAMESPACE).withName(last).require();
                assertThat(shoot.getMetadata().getGeneration()).as("the operator wrote no Shoot's spec").isEqualTo(1L);
            }
        }
        System.out.println();
        System.out.println("| Shoots | operator JVM | heap after full GC | per Shoot above the empty operator | RSS | start → ready"
                + " | requests in " + steady.toSeconds() + " s at rest |");
        System.out.println("|---|---|---|---|---|---|---|");
        for (Idle r : results) {
            Idle empty = results.stream().filter(e -> e.shoots() == 0 && e.jvm().equals(r.jvm())).findFirst().orElse(null);
            String perShoot = r.shoots() == 0 || empty == null ? "—"
                    : String.format(Locale.ROOT, "%.2f KiB", (r.retainedMiB() - empty.retainedMiB()) * 1024 / r.shoots());
            System.out.printf(Locale.ROOT, "| %,d | `%s` | %.1f MiB | %s | %.0f MiB | %.1f s | %d |%n", r.shoots(), r.jvm(), r.retainedMiB(), perShoot,
                    r.rssMiB(), r.startToReadySeconds(), r.requestsAtRest());
        }
    }

    /** The operator against the garden: ready, every Shoot reconciled once, a full GC, then requests counted at rest. */
    private static Idle idle(Path jar, GardenerGarden garden, int shoots, Duration steady, String jvm)
            throws Exception {
        System.out.printf("  the operator with %s%n", jvm);
        try (OperatorProcess operator = OperatorProcess.start(jar, garden.kubeconfig(), List.of(jvm.split(" +")))) {
            double ready = operator.awaitReady(Duration.ofMinutes(5));
            System.out.printf(Locale.ROOT, "  ready %.1f s after its start; waiting for the first reconcile of every Shoot%n", ready);
            operator.awaitReconciled(shoots, Duration.ofMinutes(15));
            double writes = operator.writes();
            double heap = operator.heapAfterFullGc();
            double rss = operator.rss();
            System.out.printf(Locale.ROOT, "  heap after a full GC %.1f MiB, RSS %.0f MiB, %d writes so far; counting requests for %d s%n",
                    heap / MIB, rss / MIB, (long) writes, steady.toSeconds());
            double before = operator.requests();
            Thread.sleep(steady.toMillis());
            double requests = operator.requests() - before;
            System.out.printf(Locale.ROOT, "  %d requests at rest%n", (long) requests);
            assertThat(operator.writes()).as("the operator migrates nothing here; its log:\n" + operator.log()).isZero();
            return new Idle(shoots, jvm, heap / MIB, rss / MIB, ready, (long) requests);
        }
    }

    /**
     * How long the garden takes to serve every object of a kind in pages of 500, as the operator's
     * informers list (read as text here, not parsed): what start to ready cannot be faster than.
     */
    private static void timeList(GardenerGarden garden, String path) {
        long start = System.nanoTime();
        long bytes = 0;
        int pages = 0;
        String next = "";
        do {
            String page = garden.client().raw(path + "?limit=" + LIST_PAGE + (next.isEmpty() ? ""
                    : "&continue=" + java.net.URLEncoder.encode(next, StandardCharsets.UTF_8)));
            bytes += page.length();
            pages++;
            // kube-apiserver writes a custom resource list's keys in order: its metadata comes after the items
            Matcher token = CONTINUE.matcher(page);
            next = token.find() ? token.group(1) : "";
        } while (!next.isEmpty());
        System.out.printf(Locale.ROOT, "  %s: %d pages, %.0f MB of JSON served in %.1f s%n", path, pages, bytes / 1e6,
                (System.nanoTime() - start) / 1e9);
    }

    /** The size of one Shoot and of its Network as the API servers serve them, for the record. */
    private static void describeOneShoot(GardenerGarden garden, String name) {
        String shoot = garden.client().raw("/apis/core.gardener.cloud/v1beta1/namespaces/" + GardenerGarden.PROJECT_NAMESPACE
                + "/shoots/" + name);
        String network = garden.client().raw("/apis/extensions.gardener.cloud/v1alpha1/namespaces/shoot--local--" + name
                + "/networks/" + name);
        System.out.printf("  one Shoot as served: %,d bytes of JSON; its Network: %,d bytes%n",
                shoot.getBytes(StandardCharsets.UTF_8).length, network.getBytes(StandardCharsets.UTF_8).length);
        if (Boolean.getBoolean("sizing.print")) {
            System.out.println(shoot);
        }
    }
}
