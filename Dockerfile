# syntax=docker/dockerfile:1
# The operator's image, the one the Helm chart defaults to:
#   docker build -t ghcr.io/shoot-dualstack/shoot-dualstack-operator:<version> .
# builds the jars in the first stage and takes the image's, target/shoot-dualstack-operator.jar: run,
# plan and status, without the demo (target/shoot-dualstack-operator-demo.jar stays out). To package
# the very jar that `mvn -B verify` has just tested, take it from the build context instead:
#   mvn -B verify && docker build --build-arg JAR_FROM=context -t ... .
# `mvn -B verify jib:build` builds the same image without Docker (see deploy/README.md).
ARG JAR_FROM=build

FROM maven:3-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml ./
COPY crds crds
COPY src src
RUN mvn -B -DskipTests package

FROM scratch AS context
COPY target/shoot-dualstack-operator.jar /src/target/shoot-dualstack-operator.jar

FROM ${JAR_FROM} AS jar

FROM eclipse-temurin:17-jre
WORKDIR /app
COPY --from=jar /src/target/shoot-dualstack-operator.jar /app/shoot-dualstack-operator.jar
# The "restricted" Pod Security profile wants a numeric non-root user; the chart sets the same one.
USER 65532:65532
EXPOSE 8080
ENTRYPOINT ["java", "-jar", "/app/shoot-dualstack-operator.jar"]
CMD ["run"]
