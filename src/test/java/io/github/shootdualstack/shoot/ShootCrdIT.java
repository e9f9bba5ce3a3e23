package io.github.shootdualstack.shoot;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.StatusCause;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.github.shootdualstack.local.LocalCrds;
import io.github.shootdualstack.testing.RealApiServers;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The committed CRDs on a real kube-apiserver: accepted, and every row of the validation table
 * replayed as a real create or update, refused by the API server itself with the contract's exact
 * messages, or accepted.
 */
class ShootCrdIT {

    private static final String NAMESPACE = "crd-validation";
    private static final AtomicInteger NAMES = new AtomicInteger();
    private static KubernetesClient client;

    @BeforeAll
    static void installTheCommittedCrds() {
        client = RealApiServers.garden().client();
        List<CustomResourceDefinition> installed = LocalCrds.install(client);
        assertThat(installed).extracting(crd -> crd.getMetadata().getName()).contains("shoots.core.gardener.cloud");
        if (client.namespaces().withName(NAMESPACE).get() == null) {
            client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NAMESPACE).endMetadata().build()).create();
        }
    }

    @Test
    void theApiServerEstablishesEveryCrd() {
        for (String name : List.of("shoots.core.gardener.cloud", "infrastructures.extensions.gardener.cloud",
                "controlplanes.extensions.gardener.cloud", "networks.extensions.gardener.cloud",
                "clusters.extensions.gardener.cloud", "machinedeployments.machine.sapcloud.io")) {
            CustomResourceDefinition crd = client.apiextensions().v1().customResourceDefinitions().withName(name).get();
            assertThat(crd.getStatus().getConditions())
                    .as("conditions of CRD %s", name)
                    .anySatisfy(c -> assertThat(c.getType() + "=" + c.getStatus()).isEqualTo("Established=True"))
                    .noneSatisfy(c -> assertThat(c.getType() + "=" + c.getStatus()).isEqualTo("NonStructuralSchema=True"));
        }
    }

    @Test
    void theCommittedShootCrdIsTheOneInstalled() {
        CustomResourceDefinition committed = Serialization.unmarshal(
                readCommitted("crds/shoots.core.gardener.cloud.yaml"), CustomResourceDefinition.class);
        CustomResourceDefinition served = client.apiextensions().v1().customResourceDefinitions()
                .withName("shoots.core.gardener.cloud").get();
        assertThat(served.getSpec().getVersions().get(0).getSchema())
                .isEqualTo(committed.getSpec().getVersions().get(0).getSchema());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.github.shootdualstack.shoot.IpFamilyValidationTableTest#table")
    void theApiServerGivesTheTablesVerdict(IpFamilyValidationTableTest.Case c) {
        String name = "shoot-" + NAMES.incrementAndGet();
        var shoots = client.genericKubernetesResources(Shoot.GROUP + "/" + Shoot.VERSION, "Shoot").inNamespace(NAMESPACE);
        if (c.update()) {
            shoots.resource(shoot(name, IpFamilyValidationTableTest.spec(c.oldFamilies(), false))).create();
        }
        Runnable edit = c.update()
                ? () -> shoots.withName(name).edit(stored -> {
                    stored.setAdditionalProperty("spec", IpFamilyValidationTableTest.spec(c.newFamilies(), c.overlay()));
                    return stored;
                })
                : () -> shoots.resource(shoot(name, IpFamilyValidationTableTest.spec(c.newFamilies(), c.overlay()))).create();

        if (c.expected().isEmpty() && !c.schemaRefuses()) {
            edit.run();
            return;
        }
        assertThatThrownBy(edit::run).isInstanceOfSatisfying(KubernetesClientException.class, e -> {
            assertThat(e.getCode()).as("HTTP status of %s", c).isEqualTo(422);
            List<String> causes = e.getStatus().getDetails().getCauses().stream().map(StatusCause::getMessage).toList();
            List<String> ruleMessages = causes.stream().flatMap(cause -> ruleMessage(cause).stream()).toList();
            if (c.schemaRefuses()) {
                // the schema refuses first; the API server checks the rules only on an object of the right shape
                assertThat(causes).as("causes").anySatisfy(cause -> assertThat(ruleMessage(cause)).isEmpty());
                assertThat(c.expected()).as("causes %s", causes).containsAll(ruleMessages);
            } else {
                assertThat(ruleMessages).as("causes %s", causes).containsExactlyInAnyOrderElementsOf(c.expected());
            }
        });
    }

    /** The contract's message in a cause such as {@code Invalid value: "object": <message>}, if the cause is a rule's. */
    private static List<String> ruleMessage(String cause) {
        List<String> known = List.of(IpFamilyRules.VALUES_MESSAGE, IpFamilyRules.UNIQUE_MESSAGE, IpFamilyRules.SIZE_MESSAGE,
                IpFamilyRules.OVERLAY_MESSAGE);
        for (String message : known) {
            if (cause.endsWith(": " + message)) {
                return List.of(message);
            }
        }
        int transition = cause.indexOf(IpFamilyRules.TRANSITION_MESSAGE_PREFIX);
        return transition < 0 ? List.of() : List.of(cause.substring(transition));
    }

    private static GenericKubernetesResource shoot(String name, Map<String, Object> spec) {
        GenericKubernetesResource shoot = new GenericKubernetesResource();
        shoot.setApiVersion(Shoot.GROUP + "/" + Shoot.VERSION);
        shoot.setKind("Shoot");
        shoot.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName(name).withNamespace(NAMESPACE).build());
        shoot.setAdditionalProperty("spec", spec);
        return shoot;
    }

    private static String readCommitted(String path) {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of(path));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
