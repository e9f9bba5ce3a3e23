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
 * Shoot model alone and on no client library, no package depends on itself through others, and no
 * two classes share a name.
 */
class PackageDependenciesTest {

    private static final Path MAIN = Path.of("src/main/java/io/github/shootdualstack");
    private static final Pattern PRODUCT = Pattern.compile("io\\.github\\.shootdualstack\\.([a-z]+)\\.");
    private static final Pattern IMPORT = Pattern.compile("(?m)^import (?:static )?([\\w.]+)");

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
        Map<String, Set<String>> graph = new TreeMap<>();
        for (Path source : sources(null)) {
            String pkg = MAIN.relativize(source).getParent().toString().replace('/', '.');
            Set<String> uses = graph.computeIfAbsent(pkg, p -> new TreeSet<>());
            productPackages(read(source)).stream().filter(other -> !other.equals(pkg)).forEach(uses::add);
        }
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

    @Test
    void noTwoClassesShareAName() {
        Map<String, List<Path>> byName = new TreeMap<>();
        sources(null).forEach(source -> byName.computeIfAbsent(source.getFileName().toString(), n -> new ArrayList<>()).add(source));
        assertThat(byName).allSatisfy((name, paths) -> assertThat(paths).as(name).hasSize(1));
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
