package io.github.shootdualstack.deploy;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Node;

import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPath;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathExpressionException;
import javax.xml.xpath.XPathFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The image cannot be built here (no registry, no Docker engine), so these check what can be checked:
 * the Dockerfile and the Jib configuration package target/shoot-dualstack-operator.jar, the jar the
 * tests run, on a JRE 17 as user 65532, under the name and tag the chart defaults to.
 */
class ImageTest {

    private static final String JAR = "shoot-dualstack-operator.jar";

    @Test
    void dockerfileBuildsTheJarInAMavenStageAndRunsItOnJre17AsNonRoot() throws IOException {
        List<String> lines = Files.readAllLines(Path.of("Dockerfile")).stream()
                .map(String::strip).filter(line -> !line.isEmpty() && !line.startsWith("#")).toList();
        List<String> runtime = lines.subList(lines.indexOf("FROM eclipse-temurin:17-jre"), lines.size());

        assertThat(runtime).as("the last stage").noneMatch(line -> line.startsWith("FROM ") && !line.equals(runtime.get(0)));
        assertThat(lines).contains("FROM maven:3-eclipse-temurin-17 AS build", "RUN mvn -B -DskipTests package",
                "COPY target/" + JAR + " /src/target/" + JAR);
        assertThat(runtime).containsExactly(
                "FROM eclipse-temurin:17-jre",
                "WORKDIR /app",
                "COPY --from=jar /src/target/" + JAR + " /app/" + JAR,
                "USER 65532:65532",
                "EXPOSE 8080",
                "ENTRYPOINT [\"java\", \"-jar\", \"/app/" + JAR + "\"]",
                "CMD [\"run\"]");
        assertThat(Files.readAllLines(Path.of(".dockerignore"))).contains("!target/" + JAR, "!src/", "!crds/", "!pom.xml");
    }

    @Test
    void jibPackagesTheTestedJarAndIsBoundToNoPhase() {
        Document pom = pom();
        String jib = "/project/build/plugins/plugin[artifactId='jib-maven-plugin']";

        assertThat(text(pom, "/project/build/finalName")).isEqualTo("${project.artifactId}");
        assertThat(text(pom, "/project/artifactId") + ".jar").isEqualTo(JAR);
        assertThat(text(pom, jib + "/version")).isEqualTo("${jib.version}");
        assertThat(text(pom, "/project/properties/jib.version")).isEqualTo("3.5.2");
        assertThat(node(pom, jib + "/executions")).as("jib must not run in mvn verify").isNull();
        assertThat(text(pom, jib + "/configuration/containerizingMode")).isEqualTo("packaged");
        assertThat(text(pom, jib + "/configuration/from/image")).isEqualTo("eclipse-temurin:17-jre");
        assertThat(text(pom, jib + "/configuration/to/image")).isEqualTo("${image.repository}:${project.version}");
        assertThat(text(pom, jib + "/configuration/container/user")).isEqualTo("65532:65532");
        // packaged mode puts the project's jar under /app/classpath/
        assertThat(text(pom, jib + "/configuration/container/entrypoint"))
                .isEqualTo("java,-jar,/app/classpath/${project.build.finalName}.jar");
        assertThat(text(pom, jib + "/configuration/container/args/arg")).isEqualTo("run");
    }

    @Test
    void chartDefaultsToTheImageThisVersionBuilds() throws IOException {
        Document pom = pom();
        String valuesRepository = new YAMLMapper().readTree(HelmChart.DIR.resolve("values.yaml").toFile())
                .path("image").path("repository").asText();

        assertThat(HelmChart.appVersion()).isEqualTo(text(pom, "/project/version"));
        assertThat(valuesRepository).isEqualTo(text(pom, "/project/properties/image.repository"))
                .isEqualTo("ghcr.io/shoot-dualstack/shoot-dualstack-operator");
    }

    private static Document pom() {
        try {
            return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(Path.of("pom.xml").toFile());
        } catch (Exception e) {
            throw new IllegalStateException("pom.xml: " + e.getMessage(), e);
        }
    }

    private static Node node(Document document, String path) {
        try {
            XPath xpath = XPathFactory.newInstance().newXPath();
            return (Node) xpath.evaluate(path, document, XPathConstants.NODE);
        } catch (XPathExpressionException e) {
            throw new IllegalArgumentException(path, e);
        }
    }

    private static String text(Document document, String path) {
        Node node = node(document, path);
        assertThat(node).as("pom.xml %s", path).isNotNull();
        return node.getTextContent().strip();
    }
}
