package io.github.shootdualstack.testing;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/** Requests become the attributes Kubernetes authorizes them by, as the API server parses them. */
class RequestAttributesTest {

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            GET    | /apis/core.gardener.cloud/v1beta1/shoots?resourceVersion=0                          | list   | core.gardener.cloud | shoots         | -
            GET    | /apis/core.gardener.cloud/v1beta1/shoots?allowWatchBookmarks=true&watch=true       | watch  | core.gardener.cloud | shoots         | -
            GET    | /api/v1/watch/namespaces/kube-system/pods                                          | watch  | ''                  | pods           | kube-system
            GET    | /api/v1/namespaces/garden-dev/secrets/prod.kubeconfig                              | get    | ''                  | secrets        | garden-dev
            GET    | /api/v1/namespaces/garden-dev/secrets?fieldSelector=metadata.name%3Dprod.kubeconfig | list   | ''                  | secrets        | garden-dev
            PATCH  | /apis/core.gardener.cloud/v1beta1/namespaces/garden-dev/shoots/prod/status         | patch  | core.gardener.cloud | shoots/status  | garden-dev
            POST   | /api/v1/namespaces/garden-dev/events                                               | create | ''                  | events         | garden-dev
            PUT    | /apis/coordination.k8s.io/v1/namespaces/shoot-dualstack-system/leases/op           | update | coordination.k8s.io | leases         | shoot-dualstack-system
            DELETE | /apis/apps/v1/namespaces/kube-system/deployments/coredns                           | delete | apps                | deployments    | kube-system
            DELETE | /apis/apps/v1/namespaces/kube-system/deployments                                   | deletecollection | apps      | deployments    | kube-system
            PATCH  | /apis/extensions.gardener.cloud/v1alpha1/clusters/shoot--dev--prod                 | patch  | extensions.gardener.cloud | clusters | -
            PUT    | /api/v1/namespaces/garden-dev/status                                               | update | ''                  | namespaces/status | garden-dev
            """)
    void resourceRequests(String method, String path, String verb, String group, String resource, String namespace) {
        RequestAttributes attributes = RequestAttributes.of(method, path).orElseThrow();

        assertThat(attributes.verb()).isEqualTo(verb);
        assertThat(attributes.apiGroup()).isEqualTo(group);
        assertThat(attributes.resourcePath()).isEqualTo(resource);
        assertThat(attributes.namespace()).isEqualTo(namespace);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            /api/v1/namespaces/garden-dev/secrets/prod.kubeconfig                               | prod.kubeconfig
            /api/v1/namespaces/garden-dev/secrets?fieldSelector=metadata.name%3Dprod.kubeconfig | prod.kubeconfig
            /apis/extensions.gardener.cloud/v1alpha1/clusters/shoot--dev--prod                  | shoot--dev--prod
            """)
    void theNameComesFromThePathOrAFieldSelectorOnTheName(String path, String name) {
        assertThat(RequestAttributes.of("GET", path).orElseThrow().name()).isEqualTo(name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/api", "/api/v1", "/apis", "/apis/core.gardener.cloud/v1beta1", "/version", "/openapi/v2", "/healthz"})
    void discoveryAndOtherNonResourceUrlsHaveNoAttributes(String path) {
        assertThat(RequestAttributes.of("GET", path)).isEmpty();
    }
}
