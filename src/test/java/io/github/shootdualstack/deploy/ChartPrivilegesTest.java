package io.github.shootdualstack.deploy;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.github.shootdualstack.cli.Main;
import io.github.shootdualstack.testing.RequestAttributes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What the chart lets the operator do beyond a migration's needs, and says so: the development-only
 * {@code --allow-insecure-shoot-connections} is refused unless the garden is marked as a development
 * one, and the install notes say what watching all namespaces grants.
 */
class ChartPrivilegesTest {

    private static final String INSECURE = "--allow-insecure-shoot-connections";

    @ParameterizedTest(name = "extraArgs: [\"{0}\"]")
    @ValueSource(strings = {INSECURE, INSECURE + "=true", INSECURE + "=false", " " + INSECURE + " "})
    void insecureShootConnectionsInExtraArgs_areRefusedWithoutTheDevelopmentValue(String flag) {
        assertThatThrownBy(() -> HelmChart.template("extraArgs: [--log-format=json, \"" + flag + "\"]\n"))
                .hasMessageContaining("extraArgs: " + INSECURE + " makes the operator accept shoot kubeconfigs with "
                        + "insecure-skip-tls-verify: true or a plain http server, which is for development gardens only: "
                        + "set development.allowInsecureShootConnections: true to pass it");
        assertThatThrownBy(() -> HelmChart.template(ChartShardsTest.THREE_SHARDS + "extraArgs: [\"" + flag + "\"]\n"))
                .as("with shards").hasMessageContaining("set development.allowInsecureShootConnections: true");
    }

    @Test
    void insecureShootConnections_passForADevelopmentGarden_andTheNotesSaySo() {
        String values = """
                development: {allowInsecureShootConnections: true}
                extraArgs: [--allow-insecure-shoot-connections]
                """;

        List<String> args = Manifests.of(HelmChart.template(values)).one(Deployment.class)
                .getSpec().getTemplate().getSpec().getContainers().get(0).getArgs();
        assertThat(args).endsWith(INSECURE);
        CommandLine.ParseResult parsed = Main.commandLine().parseArgs(args.toArray(String[]::new));
        assertThat(parsed.subcommand().matchedOptionValue(INSECURE, false)).isTrue();
        assertThat(HelmChart.notes(values)).contains("Development only: " + INSECURE
                + " is passed. Shoot kubeconfigs with insecure-skip-tls-verify: true or a plain http server are accepted");
    }

    @Test
    void theDevelopmentValueAlone_passesNoFlag() {
        String values = "development: {allowInsecureShootConnections: true}\n";

        assertThat(Manifests.of(HelmChart.template(values)).one(Deployment.class).getSpec().getTemplate().getSpec()
                .getContainers().get(0).getArgs()).doesNotContain(INSECURE);
        assertThat(HelmChart.notes(values)).doesNotContain("Development only");
    }

    @Test
    void noNamespacesListed_theNotesSayTheOperatorMayReadEverySecretAndPatchEveryShoot() {
        String notes = oneLine(HelmChart.notes(""));

        assertThat(notes).contains("Garden-wide: no namespaces are listed, so the ClusterRole lets the operator read every "
                        + "Secret in the garden (get, by name), get an admin kubeconfig of every Shoot (shoots/adminkubeconfig) and patch"
                        + " every Shoot in every namespace")
                .contains("set watch.namespaces (with shards: give every shard its namespaces)");
        assertThat(oneLine(HelmChart.notes("shootAccess: secret\n"))).contains("lets the operator read every Secret in the garden"
                + " (get, by name) and patch every Shoot in every namespace");
        assertThat(oneLine(HelmChart.notes("shootAccess: adminkubeconfig\n"))).contains("lets the operator get an admin kubeconfig"
                + " of every Shoot (shoots/adminkubeconfig) and patch every Shoot in every namespace");
        // what the notes say is what the chart grants
        ChartRbac rbac = ChartRbac.of("");
        assertThat(rbac.allowing(request("GET", "/api/v1/namespaces/kube-system/secrets/anything"))).isPresent();
        assertThat(rbac.allowing(request("POST", "/apis/core.gardener.cloud/v1beta1/namespaces/garden-any/shoots/any/adminkubeconfig")))
                .isPresent();
        assertThat(rbac.allowing(request("PATCH", "/apis/core.gardener.cloud/v1beta1/namespaces/garden-any/shoots/any"))).isPresent();
        assertThat(ChartRbac.of("shootAccess: adminkubeconfig\n").allowing(request("GET", "/api/v1/namespaces/kube-system/secrets/anything")))
                .isEmpty();
    }

    private static String oneLine(String text) {
        return text.replaceAll("\\s+", " ");
    }

    @Test
    void namespacesListed_orRbacNotCreated_theNotesSayNothingGardenWide() {
        assertThat(HelmChart.notes("watch: {namespaces: [garden-dev]}\n")).doesNotContain("Garden-wide");
        assertThat(HelmChart.notes("""
                shards:
                  - {name: dev, namespaces: [garden-dev]}
                  - {name: prod, namespaces: [garden-prod]}
                """)).doesNotContain("Garden-wide");
        assertThat(HelmChart.notes("rbac: {create: false}\n")).doesNotContain("Garden-wide");
        assertThat(HelmChart.notes("""
                shards:
                  - {name: dev, namespaces: [garden-dev], selector: team=y}
                  - {name: rest, selector: team=x}
                """)).as("one shard watching all namespaces").contains("Garden-wide");
    }

    private static RequestAttributes request(String method, String path) {
        return RequestAttributes.of(method, path).orElseThrow();
    }
}
