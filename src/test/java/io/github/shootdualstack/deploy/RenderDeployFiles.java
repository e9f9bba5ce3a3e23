package io.github.shootdualstack.deploy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The build step behind {@value DeployFiles#RENDER_COMMAND}: copies crds/ into the chart, then renders
 * the chart's defaults into deploy/kustomize. Its name matches no test pattern, so {@code mvn verify}
 * never runs it, and it writes only when asked with {@code -Drender=true}; the script runs it with
 * {@code -Dtest=RenderDeployFiles -Drender=true}. DeployFilesTest checks the result.
 */
class RenderDeployFiles {

    @Test
    @EnabledIfSystemProperty(named = "render", matches = "true")
    void render() {
        DeployFiles.copyCrds();
        DeployFiles.writeKustomize(DeployFiles.kustomize(HelmChart.template()));
    }
}
