package io.github.shootdualstack.operator;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.github.shootdualstack.garden.CachedObjects;
import io.github.shootdualstack.garden.ExtensionKind;
import io.javaoperatorsdk.operator.processing.event.source.informer.TransformingItemStore;
import io.github.shootdualstack.garden.GardenActions;
import io.github.shootdualstack.garden.GardenKind;
import io.github.shootdualstack.garden.GardenObserver;
import io.github.shootdualstack.garden.TechnicalNamespace;
import io.github.shootdualstack.migration.Action;
import io.github.shootdualstack.migration.Decision;
import io.github.shootdualstack.migration.GardenFacts;
import io.github.shootdualstack.migration.Migration;
import io.github.shootdualstack.migration.Migrator;
import io.github.shootdualstack.migration.Observation;
import io.github.shootdualstack.migration.ShootClusterFacts;
import io.github.shootdualstack.migration.Step;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.github.shootdualstack.migration.Conditions;
import io.github.shootdualstack.shoot.IpFamily;
import io.github.shootdualstack.shoot.IpFamilyValidator;
import io.github.shootdualstack.shoot.LastOperation;
import io.github.shootdualstack.shoot.MigrationRecord;
import io.github.shootdualstack.shoot.Shoot;
import io.github.shootdualstack.shoot.ShootStatus;
import io.github.shootdualstack.shoot.Texts;
import io.github.shootdualstack.shootcluster.ShootAccessException;
import io.github.shootdualstack.shootcluster.ShootCluster;
import io.github.shootdualstack.shootcluster.ShootClusters;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.retry.GradualRetry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The Shoot reconciler: observe the garden (and, when the step needs it, the shoot cluster),
 * decide with the pure {@link Migration}, act, and report. Level-triggered: nothing here depends
 * on an earlier event.
 */
// Not generation-aware: annotations (rollout-workers, reconcile) and status changes must wake it up too.
@ControllerConfiguration(name = ShootReconciler.NAME, generationAwareEventProcessing = false)
// A failed reconcile (an API error on a write) is reported on the Shoot and retried for as long as it takes.
@GradualRetry(maxAttempts = -1, initialInterval = 2_000, intervalMultiplier = 2, maxInterval = 300_000)
public class ShootReconciler implements Reconciler<Shoot> {

    public static final String NAME = "shoot-dualstack";
    /** The extension resources whose changes wake a Shoot: the operator watches them in the whole garden. */
    public static final List<ExtensionKind> WATCHED_EXTENSIONS = List.of(ExtensionKind.INFRASTRUCTURE, ExtensionKind.CONTROL_PLANE,
            ExtensionKind.NETWORK);
    private static final Logger LOG = LoggerFactory.getLogger(ShootReconciler.class);
    private static final String BY_EXTENSION = "by-extension-resource";

    private final GardenObserver observer;
    private final GardenActions gardenActions;
    private final ShootClusters shootClusters;
    private final SimpleInboundEventSource<Shoot> shootClusterChanges = new SimpleInboundEventSource<>("ShootClusters");
    private final EventRecorder events;
    private final StatusWriter statusWriter;
    private final OperatorSettings settings;
    private final OperatorMetrics metrics;
    // what the operator remembers of each Shoot between reconciles (lost on restart): see Migration.Memory
    private final Map<String, Migration.Memory> memories = new java.util.concurrent.ConcurrentHashMap<>();
    // the failure each Shoot was last shown with, until a reconcile succeeds: a failure is reported once
    private final Map<String, String> reportedFailures = new java.util.concurrent.ConcurrentHashMap<>();
    private static final java.time.Duration SWEEP_INTERVAL = java.time.Duration.ofMinutes(1);
    private final java.util.concurrent.atomic.AtomicReference<Instant> lastSweep = new java.util.concurrent.atomic.AtomicReference<>();
    private final OwnStatusWrites ownWrites = new OwnStatusWrites();
    private final KubernetesClient garden;
    // what serves the garden's Shoots: asked once, by the first reconcile of a Shoot that is not settled
    private volatile GardenKind gardenKind;
    // the Shoots told that their gardenlet does not migrate them, with what they were told: said once
    private final Map<String, String> notMigratedReported = new java.util.concurrent.ConcurrentHashMap<>();
    private final AlongsideGardenlet alongsideGardenlet;

    public ShootReconciler(KubernetesClient garden, ShootClusters shootClusters, OperatorSettings settings,
                           OperatorMetrics metrics) {
        this.garden = garden;
        this.observer = new GardenObserver(garden);
        this.gardenActions = new GardenActions(garden);
        this.shootClusters = shootClusters;
        this.events = new EventRecorder(garden, settings.clock(), settings.leaderElection() != null
                ? settings.leaderElection().identity() : EventRecorder.defaultInstance());
        this.statusWriter = new StatusWriter(settings.serverSideApply(), ownWrites);
        this.settings = settings;
        this.metrics = metrics;
        this.alongsideGardenlet = new AlongsideGardenlet(gardenActions, events, metrics, settings, shootClusterChanges::propagateEvent);
    }

    /**
     * The extension resources' changes wake up their Shoot, found by technical namespace and name; so
     * do the changes in a migrating Shoot's cluster that its steps wait for ({@link ShootCluster#follow}).
     * The namespace is the one the Shoot claims: a wake-up writes nothing, and the reconcile it causes
     * checks the claim before it reads or writes there. A Shoot without one (not reconciled by Gardener
     * yet, so without extension resources) is woken by its own changes and the re-check timer.
     */
    @Override
    public List<EventSource<?, Shoot>> prepareEventSources(EventSourceContext<Shoot> context) {
        List<EventSource<?, Shoot>> sources = new ArrayList<>();
        sources.add(shootClusterChanges);
        if (settings.migrator() == Migrator.GARDENLET) {
            // beside gardenlet alone, the operator reads nothing but Shoots: a garden without extension resources will do
            return sources;
        }
        context.getPrimaryCache().addIndexer(BY_EXTENSION, shoot -> TechnicalNamespace.claimed(shoot) == null ? List.of()
                : List.of(TechnicalNamespace.claimed(shoot) + "/" + shoot.getMetadata().getName()));
        for (ExtensionKind kind : WATCHED_EXTENSIONS) {
            var configuration = InformerEventSourceConfiguration.from(kind.groupVersionKind(), Shoot.class)
                    .withName(kind.kind())
                    .withWatchAllNamespaces()
                    // only what the event mapping and the idle check read; the steps read extension resources afresh
                    .withItemStore(new TransformingItemStore<>(CachedObjects::extension))
                    .withInformerListLimit(ShootOperator.LIST_PAGE)
                    // a Shoot's extension resource is found by name, so JOSDK keeps no index of its own for it
                    .withPrimaryToSecondaryMapper((Shoot shoot) -> TechnicalNamespace.claimed(shoot) == null ? Set.of()
                            : Set.of(new ResourceID(shoot.getMetadata().getName(), TechnicalNamespace.claimed(shoot))))
                    .withSecondaryToPrimaryMapper((GenericKubernetesResource resource) -> context.getPrimaryCache()
                            .byIndex(BY_EXTENSION, resource.getMetadata().getNamespace() + "/" + resource.getMetadata().getName())
                            .stream().map(ResourceID::fromResource).collect(Collectors.toSet()))
                    .build();
            sources.add(new InformerEventSource<>(configuration, context));
        }
        return sources;
    }

    /** Lets through every update of a Shoot but those that are only the operator's own status write. */
    OwnStatusWrites updateFilter() {
        return ownWrites;
    }

    @Override
    public UpdateControl<Shoot> reconcile(Shoot shoot, Context<Shoot> context) {
        Instant now = settings.clock().instant();
        String key = shoot.getMetadata().getNamespace() + "/" + shoot.getMetadata().getName();
        if (shoot.getMetadata().getDeletionTimestamp() != null) {
            shootClusters.release(shoot.getMetadata().getNamespace(), shoot.getMetadata().getName());
            metrics.step(key, null);
            metrics.blocked(key, null, null);
            return UpdateControl.noUpdate();
        }
        if (settings.migrator() == Migrator.GARDENLET) {
            return besideGardenlet(shoot, key, context);
        }
        if (settled(shoot, context, memories.get(key))) {
            // not migrating: no client or watch of its cluster is needed (one left by a reconcile that failed at its end goes)
            shootClusters.release(shoot.getMetadata().getNamespace(), shoot.getMetadata().getName());
            alongsideGardenlet.forget(key);
            metrics.step(key, Step.byName(stepOf(shoot)));
            metrics.blocked(key, null, null);
            return UpdateControl.noUpdate();
        }
        boolean typed = gardenKind() == GardenKind.GARDENER_APISERVER;
        Migrator migrator = Migrator.of(shoot, typed, settings.migrator());
        if (migrator == Migrator.GARDENLET) {
            return besideGardenlet(shoot, key, context);
        }
        if (migrator == Migrator.NOBODY) {
            leaveToGardenlet(shoot, key, migrator);
            return UpdateControl.noUpdate();
        }
        alongsideGardenlet.forget(key);
        notMigratedReported.remove(key);
        Migration.Settings decisionSettings = settings.migration().onGardenerApiServer(typed);
        GardenFacts garden = observer.observe(shoot);
        Migration.Memory memory = memories.getOrDefault(key, Migration.Memory.NONE);
        Decision decision = Migration.decide(new Migration.Input(shoot, garden, null, null, now, decisionSettings, memory));
        ShootCluster cluster = null;
        // at most twice: the step's observation, then, in the reconcile that completes, the report's
        for (int look = 0; look < 2 && decision.needsShoot(); look++) {
            ShootClusterFacts facts = null;
            String problem = null;
            try {
                cluster = cluster != null ? cluster : shootClusters.of(shoot);
                facts = cluster.observe(decision.observe() == Observation.SHOOT_CLUSTER_WITH_SERVICES);
            } catch (ShootAccessException e) {
                problem = e.getMessage();
            }
            decision = Migration.decide(new Migration.Input(shoot, garden, facts, problem, now, decisionSettings, memory));
        }
        // the Shoot as this reconcile last wrote it: what a status write made after it is cached in place of
        Shoot latest = act(shoot, garden.technicalNamespace(), decision.actions(), cluster, context);
        memories.put(key, decision.memory());
        Migration.Problem problem = decision.memory().problem();
        // a refused spec change (no step) is no blocked migration: it has a counter of its own
        metrics.blocked(key, problem == null ? null : problem.step(), problem == null ? null : problem.since());
        reportedFailures.remove(key);
        if (statusWriter.write(latest, decision.status(), context, typed)) {
            StepDurations.completedSteps(shoot.getStatus(), decision.status()).forEach(metrics::stepDuration);
        }
        decision.events().forEach(event -> {
            events.record(shoot, event);
            switch (event.reason()) {
                case "UnsupportedIPFamilyUpdate", "InvalidIPFamilies" -> metrics.refused();
                case "DualStackMigrationCompleted" -> metrics.completed();
                default -> { }
            }
        });
        var record = decision.status().getDualStackMigration();
        metrics.step(key, record == null ? null : Step.byName(record.getStep()));
        if (decision.step() == null || decision.step() == Step.COMPLETED) {
            shootClusters.release(shoot.getMetadata().getNamespace(), shoot.getMetadata().getName());
        } else if (cluster != null) {
            // what the waiting steps wait for in the shoot cluster wakes the Shoot, not only the re-check timer
            ResourceID id = ResourceID.fromResource(shoot);
            cluster.follow(() -> shootClusterChanges.propagateEvent(id));
        }
        forgetShootsThatAreGone(context);
        return decision.recheck() == null ? UpdateControl.noUpdate()
                : UpdateControl.<Shoot>noUpdate().rescheduleAfter(Math.max(1, decision.recheck().toMillis()));
    }

    /**
     * A Shoot gardenlet migrates: the engine's memory, gauges and shoot client go, and the operator only
     * triggers gardenlet's reconciles ({@link AlongsideGardenlet}).
     */
    private UpdateControl<Shoot> besideGardenlet(Shoot shoot, String key, Context<Shoot> context) {
        leaveToGardenlet(shoot, key, Migrator.GARDENLET);
        java.time.Duration recheck = alongsideGardenlet.reconcile(shoot, key, context);
        forgetShootsThatAreGone(context);
        return recheck == null ? UpdateControl.noUpdate()
                : UpdateControl.<Shoot>noUpdate().rescheduleAfter(Math.max(1, recheck.toMillis()));
    }

    /**
     * A Shoot the engine leaves alone, as gardenlet migrates it ({@link Migrator#GARDENLET}) or nobody
     * does ({@link Migrator#NOBODY}: said once by an event, when its spec asks for dual-stack). No
     * extension resource is read, and no shoot cluster is reached.
     */
    private void leaveToGardenlet(Shoot shoot, String key, Migrator migrator) {
        shootClusters.release(shoot.getMetadata().getNamespace(), shoot.getMetadata().getName());
        memories.remove(key);
        metrics.step(key, null);
        metrics.blocked(key, null, null);
        Decision.Event event = migrator == Migrator.NOBODY ? Migrator.notMigrated(shoot) : null;
        if (event == null) {
            notMigratedReported.remove(key);
        } else if (!event.message().equals(notMigratedReported.get(key))) {
            events.record(shoot, event);
            notMigratedReported.put(key, event.message());
        }
    }

    /** What serves the garden's Shoots, asked by discovery the first time it is needed. */
    private GardenKind gardenKind() {
        GardenKind kind = gardenKind;
        if (kind == null) {
            kind = GardenKind.of(garden);
            gardenKind = kind;
            LOG.info("The garden's Shoots are served by {}", kind == GardenKind.GARDENER_APISERVER
                    ? "gardener-apiserver: the engine migrates only Shoots no gardenlet reconciles, and writes neither the record nor the last operation"
                    : "the project's CRD");
        }
        return kind;
    }

    /**
     * A reconcile that fails (a write refused by an API server, say) is shown on the Shoot with the
     * request and the server's answer, and retried with back-off until it succeeds. Where
     * gardener-apiserver serves Shoots (or it is not known yet what does) the last operation is
     * gardenlet's: there the failure is said by an event alone.
     */
    @Override
    public ErrorStatusUpdateControl<Shoot> updateErrorStatus(Shoot shoot, Context<Shoot> context, Exception e) {
        metrics.reconcileFailed(conflict(e));
        if (conflict(e)) {
            // optimistic locking at work (another writer came first): retried on the latest Shoot, nothing to report
            return ErrorStatusUpdateControl.defaultErrorProcessing();
        }
        String description = Texts.cut(ErrorMessages.of(e), Texts.STATUS_MESSAGE_LIMIT);
        String key = shoot.getMetadata().getNamespace() + "/" + shoot.getMetadata().getName();
        // already reported: by the operator's memory, not by the last operation another controller may rewrite
        if (!description.equals(reportedFailures.get(key))) {
            // the last operation is gardenlet's where gardener-apiserver serves Shoots, and on any garden for a Shoot it migrates
            if (gardenKind != GardenKind.CRD || Migrator.of(shoot, false, settings.migrator()) == Migrator.GARDENLET) {
                events.record(shoot, Decision.Event.warning("DualStackMigrationBlocked", description));
                reportedFailures.put(key, description);
                return ErrorStatusUpdateControl.defaultErrorProcessing();
            }
            try {
                statusWriter.writeLastOperation(shoot, last -> {
                    LastOperation failed = last == null ? new LastOperation() : last;
                    failed.setType(LastOperation.TYPE_RECONCILE);
                    failed.setState(LastOperation.STATE_ERROR);
                    failed.setProgress(failed.getProgress() == null ? 0 : failed.getProgress());
                    failed.setDescription(description);
                    failed.setLastUpdateTime(Conditions.timestamp(settings.clock().instant()));
                    return failed;
                }, context);
                events.record(shoot, Decision.Event.warning("DualStackMigrationBlocked", description));
                reportedFailures.put(key, description);
            } catch (RuntimeException writeFailed) {
                LOG.warn("Could not report the failure on Shoot {}/{}: {}", shoot.getMetadata().getNamespace(),
                        shoot.getMetadata().getName(), ErrorMessages.of(writeFailed));
            }
        }
        return ErrorStatusUpdateControl.defaultErrorProcessing();
    }

    private static boolean conflict(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof io.fabric8.kubernetes.client.KubernetesClientException client && client.getCode() == 409) {
                return true;
            }
        }
        return false;
    }

    /**
     * Nothing to look at: no migration constraint, no refusal remembered, and the spec asks for what
     * the Shoot already runs (the cached Network's families; neither the record nor the last operation
     * is consulted). Saves the garden the reads of a full observation on every event of an idle Shoot.
     * The Network is the one in the technical namespace the Shoot claims, unchecked: a Shoot taken as
     * idle is left alone, which writes nothing, and one whose claim is wrong is checked, and refused, once
     * its spec asks for other families than that Network's. A Shoot without {@code status.technicalID} is
     * never taken as idle: its namespace comes from its project, which only the observation reads.
     */
    private boolean settled(Shoot shoot, Context<Shoot> context, Migration.Memory memory) {
        ShootStatus status = shoot.getStatus();
        if (memory != null && memory.problem() != null && memory.problem().step() == null) {
            return false; // a refusal was reported: its acceptance is due once the spec is valid again
        }
        var networking = shoot.getSpec() == null ? null : shoot.getSpec().getNetworking();
        List<String> requested = IpFamily.effective(networking == null ? null : networking.getIpFamilies());
        boolean migrating = status != null && Conditions.stepOf(status.getConstraints()) != null;
        if (migrating) {
            return false;
        }
        List<String> running = cachedNetwork(shoot, context)
                .map(network -> IpFamily.effective(network.get("spec", "ipFamilies") instanceof List<?> families
                        ? families.stream().map(String::valueOf).toList() : null))
                .orElse(null);
        return running != null && running.equals(requested) && IpFamilyValidator.validate(running, shoot.getSpec()).isEmpty();
    }

    @SuppressWarnings("unchecked")
    private static java.util.Optional<GenericKubernetesResource> cachedNetwork(Shoot shoot, Context<Shoot> context) {
        var source = (InformerEventSource<GenericKubernetesResource, Shoot>) context.eventSourceRetriever()
                .getEventSourceFor(GenericKubernetesResource.class, ExtensionKind.NETWORK.kind());
        String claimed = TechnicalNamespace.claimed(shoot);
        return claimed == null ? java.util.Optional.empty() : source.get(new ResourceID(shoot.getMetadata().getName(), claimed));
    }

    private static String stepOf(Shoot shoot) {
        return shoot.getStatus() == null || shoot.getStatus().getDualStackMigration() == null ? null
                : shoot.getStatus().getDualStackMigration().getStep();
    }

    /**
     * Shoots deleted (or no longer selected) leave no client, memory or gauge behind. A sweep reads
     * every cached Shoot, so it runs at most once a minute, not on every reconcile.
     */
    private void forgetShootsThatAreGone(Context<Shoot> context) {
        Instant now = settings.clock().instant();
        Instant last = lastSweep.get();
        if (last != null && now.isBefore(last.plus(SWEEP_INTERVAL)) || !lastSweep.compareAndSet(last, now)) {
            return;
        }
        java.util.Set<String> present = context.getPrimaryCache().list()
                .map(s -> s.getMetadata().getNamespace() + "/" + s.getMetadata().getName()).collect(Collectors.toSet());
        shootClusters.retainOnly(present);
        metrics.retainOnly(present);
        memories.keySet().retainAll(present);
        reportedFailures.keySet().retainAll(present);
        notMigratedReported.keySet().retainAll(present);
        alongsideGardenlet.retainOnly(present);
        ownWrites.retainOnly(present);
    }

    /**
     * Carries out the decision's actions in order; every kind of action has its method here. A failed
     * write ends the reconcile (the decision's memory is then not kept), and an operator may stop
     * between two writes: the next reconcile decides again from the world as the written actions left
     * it, so what was not written is decided again, and what was is not repeated or repeated as a
     * no-op. A Cluster synced without the Infrastructure trigger after it gets the trigger then (it
     * follows from the Infrastructure's state, not from the sync); pools rolled without the Shoot's
     * annotation removed are patched again with the same value, which rolls nothing. Only an
     * extension's spec change needs its trigger in the same write ({@link GardenActions#enableNetwork}).
     *
     * @param namespace the Shoot's technical namespace, as the observation checked it
     * @return the Shoot as the actions left it: with the operation annotation removed, that write (also
     *         cached, so that a reconcile right after it, woken by the re-check timer before the watch
     *         delivers the removal, does not act on the annotation again), else the Shoot as given
     */
    private Shoot act(Shoot shoot, String namespace, List<Action> actions, ShootCluster cluster, Context<Shoot> context) {
        String name = shoot.getMetadata().getName();
        Shoot[] latest = {shoot};
        java.util.function.BiConsumer<String, String> removeAnnotation = (annotation, value) -> {
            Shoot removed = gardenActions.removeShootAnnotation(shoot, annotation, value);
            if (removed != null) {
                context.eventSourceRetriever().getControllerEventSource()
                        .handleRecentResourceUpdate(ResourceID.fromResource(removed), removed, latest[0]);
                latest[0] = removed;
            }
        };
        Action.Handler handler = new Action.Handler() {
            @Override
            public void syncCluster(Action.SyncCluster action) {
                gardenActions.syncCluster(action.clusterName(), shoot.getMetadata().getUid(), action.ipFamilies());
            }

            @Override
            public void trigger(Action.Trigger action) {
                gardenActions.trigger(ExtensionKind.of(action.extension()), namespace, name);
            }

            @Override
            public void enableDualStackNetwork(Action.EnableDualStackNetwork action) {
                gardenActions.enableNetwork(namespace, name, action.ipFamilies());
            }

            @Override
            public void rollWorkers(Action.RollWorkers action) {
                gardenActions.rollWorkers(namespace, action.pools(), action.value());
                removeAnnotation.accept(ExtensionKind.OPERATION_ANNOTATION,
                        shoot.getMetadata().getAnnotations().get(ExtensionKind.OPERATION_ANNOTATION));
            }

            @Override
            public void restartCoreDns(Action.RestartCoreDns action) {
                cluster.restartCoreDns(action.value());
                metrics.coreDnsRestarted();
            }

            @Override
            public void patchKubeDns(Action.PatchKubeDns action) {
                cluster.patchKubeDns(action.ipv4ClusterIP(), action.ipv6ClusterIP());
            }

            @Override
            public void removeShootAnnotation(Action.RemoveShootAnnotation action) {
                removeAnnotation.accept(action.key(), action.value());
            }
        };
        actions.forEach(action -> action.handBy(handler));
        return latest[0];
    }
}
