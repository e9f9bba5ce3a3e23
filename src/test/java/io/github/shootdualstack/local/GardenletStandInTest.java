package io.github.shootdualstack.local;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.github.shootdualstack.garden.ExtensionKind;
import io.github.shootdualstack.migration.Conditions;
import io.github.shootdualstack.shoot.Condition;
import io.github.shootdualstack.shoot.Shoot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** gardenlet's part of a dual-stack migration on the local garden, with the guide's manual steps done by a script. */
@EnableKubernetesMockClient(crud = true)
class GardenletStandInTest {

    KubernetesClient client;

    private final LocalLandscape landscape = LocalLandscape.builder()
            .project("dev").shoot("demo").pool("worker-a", 2).pool("worker-b", 1).build();
    private LocalProvider local;
    private GardenletStandIn gardenlet;
    private final List<String> lastOperations = new CopyOnWriteArrayList<>();
    /** The constraints each reconcile left, by their types and statuses. */
    private final List<String> constraintsAfterReconciles = new CopyOnWriteArrayList<>();
    private SharedIndexInformer<Shoot> watch;

    @BeforeEach
    void start() {
        local = LocalProvider.start(client, ExtensionsConfig.succeedingAfter(Duration.ofMillis(5)),
                new ShootClusterSimulator.Config(Duration.ofMillis(5), Duration.ofMillis(5)), List.of(landscape));
        watch = client.resources(Shoot.class).inNamespace("garden-dev").inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Shoot shoot) {
            }

            @Override
            public void onUpdate(Shoot old, Shoot shoot) {
                var last = shoot.getStatus().getLastOperation();
                String seen = last.getState() + " " + last.getProgress() + " " + last.getDescription();
                if (lastOperations.isEmpty() || !lastOperations.get(lastOperations.size() - 1).equals(seen)) {
                    lastOperations.add(seen);
                    if (seen.startsWith("Succeeded") && old.getStatus().getLastOperation().getState().equals("Processing")) {
                        List<Condition> constraints = shoot.getStatus().getConstraints();
                        constraintsAfterReconciles.add(constraints == null ? "" : constraints.stream()
                                .map(c -> c.getType() + "=" + c.getStatus()).collect(Collectors.joining(",")));
                    }
                }
            }

            @Override
            public void onDelete(Shoot shoot, boolean finalStateUnknown) {
            }
        });
    }

    @AfterEach
    void stop() {
        watch.close();
        local.close();
    }

    @Test
    void withoutATrigger_nothingIsReconciled_notEvenOnALabelOrStatusChange() throws InterruptedException {
        gardenlet = local.startGardenlet(GardenletStandIn.Config.triggeredOnly());
        shoot().edit(shoot -> {
            shoot.getMetadata().getLabels().put("team", "blue");
            return shoot;
        });
        shoot().editStatus(shoot -> {
            shoot.getStatus().setAdditionalProperty("hibernated", false);
            return shoot;
        });

        Thread.sleep(300);

        assertThat(gardenlet.reconciles()).isZero();
        assertThat(shoot().get().getStatus().getGardener()).isNull();
    }

    @Test
    void withASyncPeriod_anUnchangedShootIsReconciledRegularly() {
        gardenlet = local.startGardenlet(GardenletStandIn.Config.triggeredOnly().withSyncPeriod(Duration.ofMillis(100)));

        await().atMost(Duration.ofSeconds(20)).until(() -> gardenlet.reconciles() >= 3);

        Shoot shoot = shoot().get();
        assertThat(shoot.getStatus().getConstraints()).isNullOrEmpty();
        assertThat(shoot.getStatus().getGardener().getVersion()).isEqualTo("v1.138.0");
        assertThat(local.simulator(landscape).nodeReplacements()).isZero();
    }

    @Test
    void hibernatedShoot_reconcilesTheSeedSide_butLeavesTheShootClusterAndTheConstraintChecksAlone() {
        gardenlet = local.startGardenlet(GardenletStandIn.Config.triggeredOnly());
        shoot().edit(shoot -> {
            shoot.getSpec().getNetworking().setIpFamilies(List.of("IPv4", "IPv6"));
            shoot.getSpec().setHibernation(new io.github.shootdualstack.shoot.Hibernation());
            shoot.getSpec().getHibernation().setEnabled(true);
            return shoot;
        });

        await().atMost(Duration.ofSeconds(20)).until(() -> GardenletStandIn.upToDate(shoot().get()));

        assertThat(shoot().get().getStatus().getConstraints()).singleElement()
                .satisfies(nodes -> assertThat(nodes.getStatus()).isEqualTo(Condition.PROGRESSING));
        assertThat(Fields.strings(extension(ExtensionKind.NETWORK), "spec", "ipFamilies")).containsExactly("IPv4", "IPv6");
        assertThat(local.shootClient(landscape).services().inNamespace("kube-system").withName("kube-dns").get()
                .getSpec().getClusterIPs()).hasSize(1);
    }

    @Test
    void specEdit_reconcilesOnce_addingTheNodesConstraint_networkAskedForBothFamiliesButRunningOne() {
        editToDualStack();

        await().atMost(Duration.ofSeconds(20)).until(() -> GardenletStandIn.upToDate(shoot().get()));

        Shoot shoot = shoot().get();
        assertThat(gardenlet.reconciles()).isEqualTo(1);
        assertThat(shoot.getStatus().getObservedGeneration()).isEqualTo(shoot.getMetadata().getGeneration());
        assertThat(shoot.getStatus().getGardener().getVersion()).isEqualTo("v1.138.0");
        assertThat(shoot.getStatus().getGardener().getName()).isEqualTo("gardenlet");
        assertThat(lastOperations).containsSubsequence(
                "Processing 0 Reconciliation of Shoot cluster initialized.",
                "Succeeded 100 Shoot cluster has been successfully reconciled.");
        assertThat(shoot.getStatus().getConstraints()).singleElement().satisfies(nodes -> {
            assertThat(nodes.getType()).isEqualTo(Conditions.NODES_TYPE);
            assertThat(nodes.getStatus()).isEqualTo(Condition.PROGRESSING);
            assertThat(nodes.getReason()).isEqualTo("NodesNotMigrated");
            assertThat(nodes.getMessage()).isEqualTo("Migrating node pod CIDRs to match target network stack.");
        });
        GenericKubernetesResource network = extension(ExtensionKind.NETWORK);
        assertThat(Fields.strings(network, "spec", "ipFamilies")).containsExactly("IPv4", "IPv6");
        assertThat(Fields.strings(network, "status", "ipFamilies")).containsExactly("IPv4");
        assertThat(Fields.strings(extension(ExtensionKind.INFRASTRUCTURE), "status", "networking", "nodes")).hasSize(2);
        assertThat(shoot.getMetadata().getAnnotations()).as("the deployInfrastructure task, done").doesNotContainKey("shoot.gardener.cloud/tasks");
        assertThat(Fields.strings(ExtensionKind.CLUSTER.in(client).withName(landscape.technicalNamespace()).get(),
                "spec", "shoot", "spec", "networking", "ipFamilies")).containsExactly("IPv4", "IPv6");
        assertThat(shoot.getStatus().getNetworking().getNodes()).hasSize(2);
        assertThat(local.simulator(landscape).nodeReplacements()).isZero();
        assertThat(local.simulator(landscape).coreDnsRollouts()).isZero();
    }

    @Test
    void theGuideByHand_takesTheShootToTheEnd_eachPoolRolledOnce_coreDnsRestartedOnce_kubeDnsDualStack() {
        editToDualStack();

        MigrationGuideByHand.Result result = new MigrationGuideByHand(client, "garden-dev", "demo", Duration.ofMillis(10))
                .run(Duration.ofSeconds(60));

        Shoot shoot = shoot().get();
        assertThat(shoot.getStatus().getConstraints()).isNullOrEmpty();
        assertThat(result.rollouts()).isEqualTo(1);
        // the nodes are migrated in the reconcile that rolls them, which waits for the workers
        assertThat(constraintsAfterReconciles).containsSubsequence("DualStackNodesMigrationReady=Progressing",
                "DualStackNodesMigrationReady=True", "DNSServiceMigrationReady=Progressing", "");
        assertThat(constraintsAfterReconciles).hasSize(gardenlet.reconciles()).last().isEqualTo("");
        assertThat(gardenlet.reconciles()).as("the edit and each trigger, nothing else").isEqualTo(1 + result.rollouts() + result.reconciles());
        assertThat(shoot.getMetadata().getAnnotations()).doesNotContainKey("gardener.cloud/operation");
        assertThat(shoot.getStatus().getObservedGeneration()).isEqualTo(shoot.getMetadata().getGeneration());
        assertThat(shoot.getStatus().getLastOperation().getState()).isEqualTo("Succeeded");
        assertThat(shoot.getStatus().getLastOperation().getProgress()).isEqualTo(100);
        assertThat(shoot.getStatus().additionalProperties().get("manualWorkerPoolRollout")).isEqualTo(Map.of());
        GenericKubernetesResource network = extension(ExtensionKind.NETWORK);
        assertThat(Fields.strings(network, "status", "ipFamilies")).containsExactly("IPv4", "IPv6");
        assertThat(local.simulator(landscape).nodeReplacements()).isEqualTo(landscape.nodeCount());
        for (String pool : landscape.pools().keySet()) {
            GenericKubernetesResource md = ExtensionKind.MACHINE_DEPLOYMENT.in(client).inNamespace(landscape.technicalNamespace())
                    .withName(landscape.machineDeploymentName(pool)).get();
            assertThat(Fields.text(md, "spec", "template", "metadata", "annotations", "rollout-workers")).as(pool).endsWith(" +0000 UTC");
        }
        KubernetesClient shootCluster = local.shootClient(landscape);
        assertThat(shootCluster.nodes().list().getItems()).allSatisfy(node -> assertThat(node.getSpec().getPodCIDRs()).hasSize(2));
        assertThat(local.simulator(landscape).coreDnsRollouts()).isEqualTo(1);
        assertThat(shootCluster.apps().deployments().inNamespace("kube-system").withName("coredns").get()
                .getSpec().getTemplate().getMetadata().getAnnotations()).containsKey("gardener.cloud/restarted-at");
        Service kubeDns = shootCluster.services().inNamespace("kube-system").withName("kube-dns").get();
        assertThat(kubeDns.getSpec().getClusterIPs()).hasSize(2);
        assertThat(kubeDns.getSpec().getIpFamilyPolicy()).isEqualTo("PreferDualStack");
        assertThat(lastOperations).filteredOn(seen -> seen.startsWith("Processing 0 ")).hasSize(gardenlet.reconciles());
    }

    private void editToDualStack() {
        gardenlet = local.startGardenlet(GardenletStandIn.Config.triggeredOnly());
        shoot().edit(shoot -> {
            shoot.getSpec().getNetworking().setIpFamilies(List.of("IPv4", "IPv6"));
            return shoot;
        });
    }

    private io.fabric8.kubernetes.client.dsl.Resource<Shoot> shoot() {
        return client.resources(Shoot.class).inNamespace("garden-dev").withName("demo");
    }

    private GenericKubernetesResource extension(ExtensionKind kind) {
        return kind.in(client).inNamespace(landscape.technicalNamespace()).withName("demo").get();
    }
}
