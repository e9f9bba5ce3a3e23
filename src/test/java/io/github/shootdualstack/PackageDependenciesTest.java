package io.github.shootdualstack;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shape of the code, read from its sources: the decision ({@code migration}) depends on the
 * Shoot model alone and on no client library, no package depends on itself through others, only the
 * demo uses the local provider, and no two classes share a name.
 */
class PackageDependenciesTest {

    private static final Path MAIN = Path.of("src/main/java/io/github/shootdualstack");
    private static final Pattern PRODUCT = Pattern.compile("io\\.github\\.shootdualstack\\.([a-z]+)\\.");
    private static final Pattern IMPORT = Pattern.compile("(?m)^import (?:static )?([\\w.]+)");
    /** The packages only the demo jar holds. */
    private static final Set<String> DEMO_ONLY = Set.of("demo", "local");

    @Test
    void theDecisionDependsOnTheShootModelAlone_andOnNoClientLibrary() {
        for (Path source : sources("migration")) {
            String text = read(source);
            assertThat(productPackages(text)).as("product packages %s refers to", source).isSubsetOf("shoot", "migration");
            Matcher imports = IMPORT.matcher(text);
            while (imports.find()) {
                assertThat(imports.group(1)).as("an import of %s", source)
                        .doesNotStartWith("io.fabric8").doesNotStartWith("io.javaoperatorsdk");
            }
            assertThat(text).as(source.toString()).doesNotContain("io.fabric8.").doesNotContain("io.javaoperatorsdk.");
        }
    }

    @Test
    void noPackageDependsOnItselfThroughOthers() {
        Map<String, Set<String>> graph = graph();
        for (String start : graph.keySet()) {
            Deque<List<String>> paths = new ArrayDeque<>();
            paths.add(List.of(start));
            Set<String> seen = new TreeSet<>();
            while (!paths.isEmpty()) {
                List<String> path = paths.poll();
                for (String next : graph.getOrDefault(path.get(path.size() - 1), Set.of())) {
                    List<String> longer = new ArrayList<>(path);
                    longer.add(next);
                    assertThat(next).as("a cycle: %s", String.join(" -> ", longer)).isNotEqualTo(start);
                    if (seen.add(next)) {
                        paths.add(longer);
                    }
                }
            }
        }
        assertThat(graph.get("migration")).containsOnly("shoot");
    }

    /**
     * The image's jar leaves out {@code demo}, {@code local} and the mock server they run on
     * (ProductionJarIT reads the jar), so nothing else may need them.
     */
    @Test
    void onlyTheDemoUsesTheLocalProvider_andNothingTheImageRunsUsesEitherOrTheMockServer() {
        Map<String, Set<String>> graph = graph();

        assertThat(graph).containsKeys("demo", "local");
        assertThat(graph.get("local")).doesNotContain("demo");
        graph.forEach((pkg, uses) -> {
            if (!DEMO_ONLY.contains(pkg)) {
                assertThat(uses).as("packages %s uses", pkg).doesNotContainAnyElementsOf(DEMO_ONLY);
            }
        });
        for (Path source : sources(null)) {
            if (!DEMO_ONLY.contains(MAIN.relativize(source).getName(0).toString())) {
                assertThat(read(source)).as(source.toString()).doesNotContain("io.fabric8.mockwebserver")
                        .doesNotContain("io.fabric8.kubernetes.client.server.mock").doesNotContain("io.vertx")
                        .doesNotContain("io.netty").doesNotContain("org.bouncycastle");
            }
        }
    }

    @Test
    void noTwoClassesShareAName() {
        Map<String, List<Path>> byName = new TreeMap<>();
        // every package may have its package-info.java
        sources(null).stream().filter(source -> !source.endsWith("package-info.java"))
                .forEach(source -> byName.computeIfAbsent(source.getFileName().toString(), n -> new ArrayList<>()).add(source));
        assertThat(byName).allSatisfy((name, paths) -> assertThat(paths).as(name).hasSize(1));
    }

    /** Each package and the other product packages its sources name. */
    private static Map<String, Set<String>> graph() {
        Map<String, Set<String>> graph = new TreeMap<>();
        for (Path source : sources(null)) {
            String pkg = MAIN.relativize(source).getParent().toString().replace('/', '.');
            Set<String> uses = graph.computeIfAbsent(pkg, p -> new TreeSet<>());
            productPackages(read(source)).stream().filter(other -> !other.equals(pkg)).forEach(uses::add);
        }
        return graph;
    }

    private static Set<String> productPackages(String text) {
        Set<String> packages = new TreeSet<>();
        Matcher matcher = PRODUCT.matcher(text.replaceFirst("(?m)^package [\\w.]+;", ""));
        while (matcher.find()) {
            packages.add(matcher.group(1));
        }
        return packages;
    }

    private static List<Path> sources(String pkg) {
        try (Stream<Path> paths = Files.walk(pkg == null ? MAIN : MAIN.resolve(pkg))) {
            return paths.filter(path -> path.toString().endsWith(".java")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path source) {
        try {
            return Files.readString(source);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
