package io.github.shootdualstack.demo;

import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.github.shootdualstack.garden.UserAgent;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The requests a garden and its shoot clusters' embedded API servers were sent, counted where they
 * arrived, whoever sent them. Watches are left out: a watch is one request that stays open, not a
 * round trip.
 */
final class ServedRequests {

    private final KubernetesMockServer garden;
    private final List<KubernetesMockServer> shoots;
    private final List<RecordedRequest> gardenRequests = new ArrayList<>();
    private final List<RecordedRequest> shootRequests = new ArrayList<>();

    ServedRequests(KubernetesMockServer garden, List<KubernetesMockServer> shoots) {
        this.garden = garden;
        this.shoots = List.copyOf(shoots);
    }

    /** Forgets what the servers were sent so far: counting starts now. */
    void reset() throws InterruptedException {
        take();
        gardenRequests.clear();
        shootRequests.clear();
    }

    /** Reads and writes since the reset that the filter lets through, divided by the number of migrations. */
    MigrationBench.Calls perMigration(int migrations, Predicate<RecordedRequest> counted) throws InterruptedException {
        take();
        return new MigrationBench.Calls(
                count(gardenRequests, counted, false) / migrations, count(gardenRequests, counted, true) / migrations,
                count(shootRequests, counted, false) / migrations, count(shootRequests, counted, true) / migrations);
    }

    /** A request the operator made: its clients name themselves in the User-Agent. */
    static boolean byOperator(RecordedRequest request) {
        String agent = request.getHeader("User-Agent");
        return UserAgent.VALUE.equals(agent);
    }

    private void take() throws InterruptedException {
        drain(garden, gardenRequests);
        for (KubernetesMockServer shoot : shoots) {
            drain(shoot, shootRequests);
        }
    }

    private static void drain(KubernetesMockServer server, List<RecordedRequest> into) throws InterruptedException {
        for (RecordedRequest request = server.takeRequest(0, TimeUnit.MILLISECONDS); request != null;
             request = server.takeRequest(0, TimeUnit.MILLISECONDS)) {
            into.add(request);
        }
    }

    private static double count(List<RecordedRequest> requests, Predicate<RecordedRequest> counted, boolean writes) {
        return requests.stream()
                .filter(request -> !request.getPath().contains("watch=true"))
                .filter(request -> request.getMethod().equals("GET") != writes)
                .filter(counted)
                .count();
    }
}
