package io.github.shootdualstack.deploy;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;

/** The Helm chart under deploy/helm, rendered and linted by real Helm (helm-java). */
final class HelmChart {

    static final Path DIR = Path.of("deploy/helm/shoot-dualstack-operator");
    /** The release that deploy/kustomize is rendered as. */
    static final String RELEASE = "shoot-dualstack-operator";
    static final String NAMESPACE = "shoot-dualstack-system";

    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private HelmChart() {
    }

    /** The manifests for the chart's defaults. */
    static String template() {
        return template(null);
    }

    /** The manifests for the defaults overridden by a values file with this text. */
    static String template(String valuesYaml) {
        if (valuesYaml == null) {
            return new Helm(DIR).template().withName(RELEASE).withNamespace(NAMESPACE).call();
        }
        return withValuesFile(valuesYaml, values -> new Helm(DIR).template().withName(RELEASE).withNamespace(NAMESPACE)
                .withValuesFile(values).call());
    }

    /**
     * What {@code helm install} prints for the defaults overridden by these values, its notes among it,
     * with every run of white space made one space, so that a sentence matches across line breaks.
     */
    static String notes(String valuesYaml) {
        return withValuesFile(valuesYaml, values -> new Helm(DIR).install().withName(RELEASE).withNamespace(NAMESPACE)
                .withValuesFile(values).dryRun().clientOnly().call().getOutput()).replaceAll("\\s+", " ");
    }

    /** What {@code use} makes of a values file with this text, which exists only meanwhile. */
    static <T> T withValuesFile(String valuesYaml, Function<Path, T> use) {
        Path values = null;
        try {
            values = Files.createTempFile("values-", ".yaml");
            Files.writeString(values, valuesYaml);
            return use.apply(values);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (values != null) {
                values.toFile().delete();
            }
        }
    }

    /** The chart's appVersion, the default image tag. */
    static String appVersion() {
        try {
            return new YAMLMapper().readTree(DIR.resolve("Chart.yaml").toFile()).path("appVersion").asText();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static LintResult lint() {
        return new Helm(DIR).lint().strict().call();
    }

    static List<HasMetadata> parse(String manifests) {
        Object parsed = SERIALIZATION.unmarshal(new ByteArrayInputStream(manifests.getBytes(StandardCharsets.UTF_8)));
        if (parsed instanceof List<?> list) {
            return list.stream().map(HasMetadata.class::cast).toList();
        }
        return List.of((HasMetadata) parsed);
    }
}
