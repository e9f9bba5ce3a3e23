package io.github.shootdualstack.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

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

    private static String kubectlKustomize(Path dir) throws IOException, InterruptedException {
        Path errors = Files.createTempFile("kustomize-", ".err");
        try {
            Process kubectl;
            try {
                kubectl = new ProcessBuilder("kubectl", "kustomize", dir.toString()).redirectError(errors.toFile()).start();
            } catch (IOException e) {
                return fail("kubectl is needed to check deploy/kustomize and was not found on the PATH: " + e.getMessage());
            }
            byte[] output = kubectl.getInputStream().readAllBytes();
            if (!kubectl.waitFor(60, TimeUnit.SECONDS)) {
                kubectl.destroyForcibly();
                return fail("kubectl kustomize " + dir + " did not finish in 60 s");
            }
            assertThat(kubectl.exitValue()).withFailMessage("kubectl kustomize %s failed: %s", dir, Files.readString(errors)).isZero();
            return new String(output, StandardCharsets.UTF_8);
        } finally {
            Files.deleteIfExists(errors);
        }
    }
}
