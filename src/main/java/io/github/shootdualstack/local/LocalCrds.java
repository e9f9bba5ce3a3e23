package io.github.shootdualstack.local;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The CRDs a local garden needs: the Shoot (generated from the model at build time) and minimal
 * ones for the extension kinds, which only serve the kinds and give them a status subresource.
 * With the status subresource an API server (the mock too) keeps {@code status} on spec updates
 * and bumps {@code metadata.generation} on spec changes, which the extension contract relies on.
 */
public final class LocalCrds {

    public static final String SHOOT_CRD = "/META-INF/fabric8/shoots.core.gardener.cloud-v1.yml";
    public static final List<String> EXTENSION_CRDS = List.of(
            "/crds/extensions/infrastructures.extensions.gardener.cloud.yaml",
            "/crds/extensions/controlplanes.extensions.gardener.cloud.yaml",
            "/crds/extensions/networks.extensions.gardener.cloud.yaml",
            "/crds/extensions/clusters.extensions.gardener.cloud.yaml",
            "/crds/extensions/machinedeployments.machine.sapcloud.io.yaml");

    private static final Logger LOG = LoggerFactory.getLogger(LocalCrds.class);

    private LocalCrds() {
    }

    /** Creates or updates the Shoot CRD and the extension CRDs in the garden. */
    public static List<CustomResourceDefinition> install(KubernetesClient garden) {
        List<String> resources = new ArrayList<>();
        resources.add(SHOOT_CRD);
        resources.addAll(EXTENSION_CRDS);
        return install(garden, resources);
    }

    /** Creates or updates the Shoot CRD alone: a garden whose extension resources live in the seeds, as Gardener keeps them. */
    public static List<CustomResourceDefinition> installShoot(KubernetesClient garden) {
        return install(garden, List.of(SHOOT_CRD));
    }

    private static List<CustomResourceDefinition> install(KubernetesClient garden, List<String> resources) {
        List<CustomResourceDefinition> installed = new ArrayList<>();
        for (String resource : resources) {
            CustomResourceDefinition crd = load(garden, resource);
            installed.add(garden.apiextensions().v1().customResourceDefinitions().resource(crd)
                    .createOr(NonDeletingOperation::update));
            LOG.debug("Installed CRD {}", crd.getMetadata().getName());
        }
        installed.forEach(crd -> awaitServed(garden, crd));
        return installed;
    }

    /**
     * Waits until the API server serves the CRD's kind: a real one takes a moment after the create
     * (until the CRD is {@code Established}) and answers 404 until then.
     */
    private static void awaitServed(KubernetesClient garden, CustomResourceDefinition crd) {
        var names = crd.getSpec().getNames();
        String apiVersion = crd.getSpec().getGroup() + "/" + crd.getSpec().getVersions().get(0).getName();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            try {
                garden.genericKubernetesResources(apiVersion, names.getKind()).inAnyNamespace().list(new io.fabric8.kubernetes.api.model.ListOptionsBuilder().withLimit(1L).build());
                return;
            } catch (KubernetesClientException e) {
                if (e.getCode() != 404 || System.nanoTime() > deadline) {
                    throw e;
                }
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for CRD " + crd.getMetadata().getName(), e);
            }
        }
    }

    private static CustomResourceDefinition load(KubernetesClient garden, String resource) {
        try (InputStream in = LocalCrds.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("CRD " + resource + " is not on the classpath; was the project built?");
            }
            return garden.apiextensions().v1().customResourceDefinitions().load(in).item();
        } catch (IOException e) {
            throw new UncheckedIOException("CRD " + resource + " cannot be read", e);
        }
    }
}
