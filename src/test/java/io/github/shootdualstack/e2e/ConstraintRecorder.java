package io.github.shootdualstack.e2e;

import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.github.shootdualstack.migration.Conditions;
import io.github.shootdualstack.shoot.Condition;
import io.github.shootdualstack.shoot.Shoot;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Watches one Shoot and records each change of the operator's two constraints, as a user watching it would see them. */
final class ConstraintRecorder implements AutoCloseable {

    private final List<String> states = new ArrayList<>();
    private final java.util.Set<String> resourceVersions = new java.util.HashSet<>();
    private final Watch watch;

    ConstraintRecorder(Resource<Shoot> shoot) {
        this.watch = shoot.watch(new Watcher<>() {
            @Override
            public void eventReceived(Action action, Shoot shoot) {
                record(shoot);
            }

            @Override
            public void onClose(WatcherException cause) {
            }
        });
    }

    private synchronized void record(Shoot shoot) {
        resourceVersions.add(shoot.getMetadata().getResourceVersion());
        String state = stateOf(shoot);
        if (states.isEmpty() || !Objects.equals(states.get(states.size() - 1), state)) {
            states.add(state);
        }
    }

    /** The operator's two constraints on the Shoot, as "type=status/reason" joined by ", "; "none" without. */
    static String stateOf(Shoot shoot) {
        List<Condition> constraints = shoot.getStatus() == null || shoot.getStatus().getConstraints() == null
                ? List.of() : shoot.getStatus().getConstraints();
        List<String> ours = constraints.stream()
                .filter(c -> c.getType().equals(Conditions.NODES_TYPE) || c.getType().equals(Conditions.DNS_TYPE))
                .map(c -> c.getType() + "=" + c.getStatus() + "/" + c.getReason()).toList();
        return ours.isEmpty() ? "none" : String.join(", ", ours);
    }

    /** How many versions of the Shoot the watch has seen: a write that changed nothing makes none. */
    synchronized int versions() {
        return resourceVersions.size();
    }

    synchronized List<String> states() {
        return List.copyOf(states);
    }

    @Override
    public void close() {
        watch.close();
    }
}
