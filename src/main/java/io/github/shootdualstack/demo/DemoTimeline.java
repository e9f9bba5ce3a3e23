package io.github.shootdualstack.demo;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.github.shootdualstack.local.LocalLandscape;
import io.github.shootdualstack.migration.Addresses;
import io.github.shootdualstack.operator.OperatorMetrics;
import io.github.shootdualstack.shoot.Condition;
import io.github.shootdualstack.shoot.IpFamily;
import io.github.shootdualstack.shoot.MigrationRecord;
import io.github.shootdualstack.shoot.Shoot;
import io.micrometer.core.instrument.Counter;

import java.io.PrintStream;
import io.github.shootdualstack.migration.Orchestration;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/** Prints what happens to the demo's Shoot as it happens, and a summary at the end. */
final class DemoTimeline implements AutoCloseable {

    private final PrintStream out;
    private final KubernetesClient shootCluster;
    private final LocalLandscape landscape;
    private final long start = System.nanoTime();
    private final List<Watch> watches = new ArrayList<>();
    private final Map<String, Double> stepStarted = new LinkedHashMap<>();
    private final Map<String, Double> stepTook = new LinkedHashMap<>();
    private String constraints = "";
    private String description = "";
    private String step;
    private boolean completed;
    // beside gardenlet, which keeps no record: the Shoot reconciled at its generation, dual-stack, no constraint left
    private boolean ended;
    private boolean closed;

    DemoTimeline(PrintStream out, KubernetesClient garden, KubernetesClient shootCluster, LocalLandscape landscape) {
        this.out = out;
        this.shootCluster = shootCluster;
        this.landscape = landscape;
        watches.add(garden.resources(Shoot.class).inNamespace(landscape.projectNamespace()).withName(landscape.shootName())
                .watch(watcher(this::shootChanged)));
        watches.add(garden.v1().events().inNamespace(landscape.projectNamespace()).watch(watcher(this::eventRecorded)));
    }

    synchronized void note(String who, String what) {
        line(who, what);
    }

    synchronized boolean awaitStep(String wanted, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!Objects.equals(step, wanted) && !completed && System.nanoTime() < deadline) {
            wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
        }
        return Objects.equals(step, wanted) || completed;
    }

    synchronized boolean awaitCompleted(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!completed && System.nanoTime() < deadline) {
            wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
        }
        return completed;
    }

    /** Beside gardenlet: until gardenlet has taken the Shoot to dual-stack and removed its constraints. */
    synchronized boolean awaitEnded(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!ended && System.nanoTime() < deadline) {
            wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
        }
        return ended;
    }

    int gaveUp(Duration timeout) {
        out.printf("%nThe migration did not complete within %s; the Shoot's status.lastOperation says: %s%n", timeout, description);
        return 1;
    }

    private synchronized void shootChanged(Shoot shoot) {
        if (shoot.getStatus() == null) {
            return;
        }
        String now = ours(shoot.getStatus().getConstraints());
        if (!now.equals(constraints)) {
            constraints = now;
            line("constraints", now.isEmpty() ? "(none of the migration's)" : now);
        }
        var last = shoot.getStatus().getLastOperation();
        if (last != null && last.getDescription() != null && !last.getDescription().equals(description)) {
            description = last.getDescription();
            line("status", last.getState() + " " + last.getProgress() + "%: " + description);
        }
        var networking = shoot.getStatus().getNetworking();
        if (now.isEmpty() && last != null && "Succeeded".equals(last.getState()) && networking != null && networking.getPods() != null
                && networking.getPods().size() == 2 && Objects.equals(shoot.getMetadata().getGeneration(), shoot.getStatus().getObservedGeneration())) {
            ended = true;
            notifyAll();
        }
        MigrationRecord record = shoot.getStatus().getDualStackMigration();
        if (record != null && !Objects.equals(record.getStep(), step)) {
            double t = seconds();
            if (step != null) {
                stepTook.put(step, t - stepStarted.get(step));
            }
            step = record.getStep();
            stepStarted.put(step, t);
            completed = record.getCompletedAt() != null;
            notifyAll();
        }
    }

    private synchronized void eventRecorded(Event event) {
        if (event.getInvolvedObject() != null && landscape.shootName().equals(event.getInvolvedObject().getName())) {
            line("event", event.getType() + " " + event.getReason() + ": " + event.getMessage());
        }
    }

    synchronized void summary(MigrationRecord record, int coreDnsRollouts, OperatorMetrics metrics) {
        close();
        out.printf("%nSummary%n");
        out.printf("  Shoot %s/%s migrated from %s to %s in %.1f s%n", landscape.projectNamespace(), landscape.shootName(),
                IpFamily.format(record.getFromIPFamilies()), IpFamily.format(record.getToIPFamilies()), seconds());
        stepTook.forEach((name, took) -> out.printf("    %-16s %5.1f s%n", name, took));
        List<Node> nodes = shootCluster.nodes().list().getItems();
        long dual = nodes.stream().filter(n -> Addresses.dualStack(n.getSpec().getPodCIDRs())).count();
        out.printf("  nodes            %d of %d have IPv4 and IPv6 pod CIDRs%n", dual, nodes.size());
        out.printf("  CoreDNS          restarted %d time(s)%n", coreDnsRollouts);
        Service dns = shootCluster.services().inNamespace("kube-system").withName("kube-dns").get();
        out.printf("  kube-dns         %s, cluster IPs %s (same Service, patched in place)%n",
                dns.getSpec().getIpFamilyPolicy(), String.join(", ", dns.getSpec().getClusterIPs()));
        out.printf("  still to roll    %d pods with one address; single-stack Services: %s%n",
                record.getSingleAddressPods(), String.join(", ", record.getSingleStackServices()));
        out.printf("  operator         %s%n", requests(metrics));
    }

    /** Beside gardenlet: what gardenlet did, and what the operator asked of it. */
    synchronized void summaryBesideGardenlet(int coreDnsRollouts, int gardenletReconciles, OperatorMetrics metrics) {
        close();
        out.printf("%nSummary%n");
        out.printf("  Shoot %s/%s migrated to [IPv4, IPv6] by gardenlet in %.1f s, with no step by hand after the edit%n",
                landscape.projectNamespace(), landscape.shootName(), seconds());
        List<Node> nodes = shootCluster.nodes().list().getItems();
        long dual = nodes.stream().filter(n -> Addresses.dualStack(n.getSpec().getPodCIDRs())).count();
        out.printf("  nodes            %d of %d have IPv4 and IPv6 pod CIDRs%n", dual, nodes.size());
        out.printf("  CoreDNS          restarted %d time(s)%n", coreDnsRollouts);
        Service dns = shootCluster.services().inNamespace("kube-system").withName("kube-dns").get();
        out.printf("  kube-dns         %s, cluster IPs %s%n", dns.getSpec().getIpFamilyPolicy(), String.join(", ", dns.getSpec().getClusterIPs()));
        out.printf("  gardenlet        %d reconciles%n", gardenletReconciles);
        List<String> triggers = new ArrayList<>();
        for (Orchestration.Phase phase : Orchestration.Phase.values()) {
            Counter counter = metrics.registry().find(OperatorMetrics.PREFIX + "gardenlet_triggers").tag("phase", phase.name()).counter();
            if (counter != null && counter.count() > 0) {
                triggers.add(String.format("%s %.0f", phase.name(), counter.count()));
            }
        }
        out.printf("  asked of it      %s (node rolls and reconciles, by phase)%n", String.join(", ", triggers));
        out.printf("  operator         %s%n", requests(metrics));
    }

    private static String requests(OperatorMetrics metrics) {
        Map<String, Double> byClusterAndKind = new LinkedHashMap<>();
        for (Counter counter : metrics.registry().find(OperatorMetrics.PREFIX + "api_requests").counters()) {
            String verb = counter.getId().getTag("verb");
            String kind = "GET".equals(verb) ? "reads" : "writes";
            byClusterAndKind.merge(counter.getId().getTag("cluster") + " " + kind, counter.count(), Double::sum);
        }
        List<String> parts = new ArrayList<>();
        byClusterAndKind.forEach((key, count) -> parts.add(String.format("%s %.0f", key, count)));
        return String.join(", ", parts) + " (watches included in reads)";
    }

    private static String ours(List<Condition> conditions) {
        if (conditions == null) {
            return "";
        }
        List<String> parts = new ArrayList<>();
        for (Condition c : conditions) {
            if (c.getType().equals("DualStackNodesMigrationReady") || c.getType().equals("DNSServiceMigrationReady")) {
                parts.add(c.getType() + "=" + c.getStatus() + " (" + c.getReason() + ": " + c.getMessage() + ")");
            }
        }
        return String.join("; ", parts);
    }

    private void line(String who, String what) {
        if (closed) {
            return;
        }
        out.printf("[%6.2fs] %-11s %s%n", seconds(), who, what);
    }

    private double seconds() {
        return (System.nanoTime() - start) / 1e9;
    }

    private static <T> Watcher<T> watcher(java.util.function.Consumer<T> consumer) {
        return new Watcher<>() {
            @Override
            public void eventReceived(Action action, T resource) {
                if (action != Action.DELETED) {
                    consumer.accept(resource);
                }
            }

            @Override
            public void onClose(WatcherException cause) {
            }
        };
    }

    @Override
    public synchronized void close() {
        closed = true;
        watches.forEach(Watch::close);
    }
}
