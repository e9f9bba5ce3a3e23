package io.github.shootdualstack.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.shootdualstack.testing.Kubectl;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** deploy/kustomize and the chart's CRD copies are rendered from their one source, and are not stale. */
class DeployFilesTest {

    @Test
    void chartCrdCopiesMatchTheCrdsFolder() {
        assertThat(DeployFiles.crdCopies()).as("CRDs the chart copies")
                .containsKey(DeployFiles.CHART_CRDS.resolve("shoots.core.gardener.cloud.yaml")).hasSizeGreaterThan(1);
        List<Path> stale = DeployFiles.staleCrdCopies();
        assertThat(stale)
                .withFailMessage("%s is stale: run %s (differs: %s)", DeployFiles.CHART_CRDS, DeployFiles.RENDER_COMMAND, stale)
                .isEmpty();
    }

    @Test
    void committedKustomizeIsTheChartsDefaultRender() {
        List<String> stale = DeployFiles.staleKustomizeFiles(DeployFiles.kustomize(HelmChart.template()));
        assertThat(stale)
                .withFailMessage("deploy/kustomize is stale: run %s (differs: %s)", DeployFiles.RENDER_COMMAND, stale)
                .isEmpty();
    }

    @Test
    void kubectlKustomizeRendersTheSameObjectsAsTheChartDefaults() throws Exception {
        Map<String, JsonNode> fromKustomize = DeployFiles.objectsByKey(kubectlKustomize(DeployFiles.KUSTOMIZE));
        Map<String, JsonNode> fromChart = DeployFiles.objectsByKey(HelmChart.template());

        assertThat(fromKustomize.keySet()).containsExactlyInAnyOrderElementsOf(fromChart.keySet());
        fromChart.forEach((key, object) -> assertThat(fromKustomize.get(key)).as(key).isEqualTo(object));
    }

    private static String kubectlKustomize(Path dir) {
        // no kubeconfig is needed to render
        return Kubectl.run(Map.of("KUBECONFIG", "/dev/null"), "kustomize", dir.toString());
    }
}
