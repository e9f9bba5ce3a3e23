package io.github.shootdualstack.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The files the build step ({@value #RENDER_COMMAND}) keeps in sync with their one source:
 * the chart's copies of the CRDs in crds/, and deploy/kustomize, rendered from the chart's defaults.
 */
final class DeployFiles {

    static final String RENDER_COMMAND = "deploy/render.sh";
    static final Path KUSTOMIZE = Path.of("deploy/kustomize");
    static final Path CHART_CRDS = HelmChart.DIR.resolve("files/crds");
    static final Path CRDS = Path.of("crds");
    /** The Shoot CRD as the build generates it from the Java model; crds/ holds a copy once it is committed there. */
    static final Path GENERATED_SHOOT_CRD = Path.of("target/classes/META-INF/fabric8/shoots.core.gardener.cloud-v1.yml");

    private static final Pattern SOURCE = Pattern.compile("\\A# Source: [^/]+/templates/(\\S+)\\n");
    private static final Pattern SEPARATOR = Pattern.compile("(?m)^---[ \\t]*$");
    private static final YAMLMapper YAML = new YAMLMapper();

    private DeployFiles() {
    }

    /** Each CRD copy in the chart and the file in crds/ (or the generated Shoot CRD) that it copies. */
    static Map<Path, Path> crdCopies() {
        Map<Path, Path> copies = new TreeMap<>();
        Path shoot = CRDS.resolve("shoots.core.gardener.cloud.yaml");
        copies.put(CHART_CRDS.resolve(shoot.getFileName()), Files.exists(shoot) ? shoot : GENERATED_SHOOT_CRD);
        for (Path extension : yamlFiles(CRDS.resolve("extensions"))) {
            copies.put(CHART_CRDS.resolve("extensions").resolve(extension.getFileName()), extension);
        }
        return copies;
    }

    /** Copies that differ from their source as YAML (comments and formatting aside), are missing, or have no source. */
    static List<Path> staleCrdCopies() {
        Map<Path, Path> copies = crdCopies();
        List<Path> stale = new ArrayList<>();
        copies.forEach((copy, source) -> {
            if (!Files.exists(copy) || !Objects.equals(tree(read(copy)), tree(read(source)))) {
                stale.add(copy);
            }
        });
        Stream.concat(yamlFiles(CHART_CRDS).stream(), yamlFiles(CHART_CRDS.resolve("extensions")).stream())
                .filter(copy -> !copies.containsKey(copy))
                .forEach(stale::add);
        return stale;
    }

    static void copyCrds() {
        Map<Path, Path> copies = crdCopies();
        copies.forEach((copy, source) -> write(copy, read(source)));
        yamlFiles(CHART_CRDS.resolve("extensions")).stream().filter(copy -> !copies.containsKey(copy)).forEach(DeployFiles::delete);
    }

    /**
     * deploy/kustomize for the chart's default manifests, path (relative to deploy/kustomize) to text:
     * one file under resources/ per chart template, in Helm's install order, and a kustomization.yaml.
     */
    static Map<String, String> kustomize(String manifests) {
        Map<String, List<String>> byTemplate = new LinkedHashMap<>();
        for (String document : SEPARATOR.split(manifests)) {
            String text = document.strip() + "\n";
            if (text.isBlank()) {
                continue;
            }
            Matcher source = SOURCE.matcher(text);
            if (!source.find()) {
                throw new IllegalStateException("A rendered document without its \"# Source:\" line:\n" + text);
            }
            byTemplate.computeIfAbsent(source.group(1), t -> new ArrayList<>()).add(text.substring(source.end()));
        }
        Map<String, String> files = new LinkedHashMap<>();
        StringBuilder kustomization = new StringBuilder("""
                # Rendered by deploy/render.sh from the Helm chart deploy/helm/shoot-dualstack-operator with its
                # default values; do not edit. Customise with an overlay that lists this folder as a resource.
                apiVersion: kustomize.config.k8s.io/v1beta1
                kind: Kustomization
                resources:
                """);
        byTemplate.forEach((template, documents) -> {
            String file = "resources/" + template;
            kustomization.append("  - ").append(file).append('\n');
            files.put(file, "# Rendered by deploy/render.sh from deploy/helm/shoot-dualstack-operator/templates/" + template + "\n"
                    + "# (release " + HelmChart.RELEASE + " in namespace " + HelmChart.NAMESPACE + ", default values); do not edit.\n"
                    + "---\n" + String.join("---\n", documents));
        });
        files.put("kustomization.yaml", kustomization.toString());
        return files;
    }

    /** Paths under deploy/kustomize whose committed text is not the expected one, or that should not be there. */
    static List<String> staleKustomizeFiles(Map<String, String> expected) {
        TreeSet<String> stale = new TreeSet<>();
        expected.forEach((file, text) -> {
            Path path = KUSTOMIZE.resolve(file);
            if (!Files.exists(path) || !read(path).equals(text)) {
                stale.add(file);
            }
        });
        for (String file : committedKustomizeFiles()) {
            if (!expected.containsKey(file)) {
                stale.add(file);
            }
        }
        return List.copyOf(stale);
    }

    static void writeKustomize(Map<String, String> files) {
        committedKustomizeFiles().stream().filter(file -> !files.containsKey(file)).forEach(file -> delete(KUSTOMIZE.resolve(file)));
        files.forEach((file, text) -> write(KUSTOMIZE.resolve(file), text));
    }

    /** The objects of a multi-document YAML text as trees, by apiVersion, kind, namespace and name. */
    static Map<String, JsonNode> objectsByKey(String manifests) {
        Map<String, JsonNode> objects = new TreeMap<>();
        try {
            for (JsonNode object : YAML.readerFor(JsonNode.class).<JsonNode>readValues(manifests).readAll()) {
                if (object == null || object.isNull() || object.isMissingNode() || object.isEmpty()) {
                    continue;
                }
                JsonNode metadata = object.path("metadata");
                String key = object.path("apiVersion").asText() + " " + object.path("kind").asText() + " "
                        + metadata.path("namespace").asText("") + "/" + metadata.path("name").asText();
                if (objects.put(key, object) != null) {
                    throw new IllegalStateException("Two objects " + key);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return objects;
    }

    private static JsonNode tree(String yaml) {
        try {
            return YAML.readTree(yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> committedKustomizeFiles() {
        List<String> files = new ArrayList<>();
        if (Files.exists(KUSTOMIZE.resolve("kustomization.yaml"))) {
            files.add("kustomization.yaml");
        }
        yamlFiles(KUSTOMIZE.resolve("resources")).forEach(path -> files.add("resources/" + path.getFileName()));
        return files;
    }

    private static List<Path> yamlFiles(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(path -> path.toString().endsWith(".yaml") || path.toString().endsWith(".yml")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path path) {
        try {
            return Files.readString(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(Path path, String text) {
        try {
            Files.createDirectories(path.getParent());
            Files.writeString(path, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void delete(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
