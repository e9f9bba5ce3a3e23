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
 * are counted at rest, 30), {@code sizing.jvm} (the operator's JVM options, {@code -Xmx1g}).
 */
@EnabledIfSystemProperty(named = "sizing.shoots", matches = "[0-9,]+")
class GardenerSizingIT {

    private static final double MIB = 1024 * 1024;

    /** One size's figures. */
    private record Idle(int shoots, double retainedMiB, double rssMiB, double startToReadySeconds, long requestsAtRest) {
    }

    @Test
    void idleShoots_onGardenersOwnApiServer() throws Exception {
        List<Integer> sizes = Arrays.stream(System.getProperty("sizing.shoots").split(",")).map(Integer::parseInt).sorted().toList();
        int threads = Integer.getInteger("sizing.threads", 8);
        Duration steady = Duration.ofSeconds(Integer.getInteger("sizing.steady", 30));
        List<String> jvmOptions = List.of(System.getProperty("sizing.jvm", "-Xmx1g").split(" "));
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
                }
                results.add(idle(jar, garden, size, steady, jvmOptions));
            }
            String last = GardenerShoots.name(Math.max(0, filled - 1));
            if (filled > 0) {
                GenericKubernetesResource shoot = garden.client().genericKubernetesResources("core.gardener.cloud/v1beta1", "Shoot")
                        .inNamespace(GardenerGarden.PROJECT_NAMESPACE).withName(last).require();
                assertThat(shoot.getMetadata().getGeneration()).as("the operator wrote no Shoot's spec").isEqualTo(1L);
            }
        }
        System.out.println();
        System.out.println("| Shoots | heap after full GC | per Shoot above the empty operator | RSS | start → ready | requests in "
                + steady.toSeconds() + " s at rest |");
        System.out.println("|---|---|---|---|---|---|");
        Idle empty = results.stream().filter(r -> r.shoots() == 0).findFirst().orElse(null);
        for (Idle r : results) {
            String perShoot = r.shoots() == 0 || empty == null ? "—"
                    : String.format(Locale.ROOT, "%.2f KiB", (r.retainedMiB() - empty.retainedMiB()) * 1024 / r.shoots());
            System.out.printf(Locale.ROOT, "| %,d | %.1f MiB | %s | %.0f MiB | %.1f s | %d |%n", r.shoots(), r.retainedMiB(), perShoot,
                    r.rssMiB(), r.startToReadySeconds(), r.requestsAtRest());
        }
    }

    /** The operator against the garden: ready, every Shoot reconciled once, a full GC, then requests counted at rest. */
    private static Idle idle(Path jar, GardenerGarden garden, int shoots, Duration steady, List<String> jvmOptions)
            throws Exception {
        try (OperatorProcess operator = OperatorProcess.start(jar, garden.kubeconfig(), jvmOptions)) {
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
            return new Idle(shoots, heap / MIB, rss / MIB, ready, (long) requests);
        }
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
