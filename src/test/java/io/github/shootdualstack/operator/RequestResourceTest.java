package io.github.shootdualstack.operator;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** The resource label of a request: a resource and subresource of a fixed list, never a namespace, a name or another word. */
class RequestResourceTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "/apis/coordination.k8s.io/v1/namespaces/shoot-dualstack-system/leases/shoot-dualstack-operator, leases",
            "/apis/core.gardener.cloud/v1beta1/namespaces/garden-dev/shoots/prod/status, shoots/status",
            "/apis/core.gardener.cloud/v1beta1/namespaces/garden-dev/shoots/prod, shoots",
            "/apis/core.gardener.cloud/v1beta1/namespaces/garden-dev/shoots, shoots",
            "/apis/core.gardener.cloud/v1beta1/shoots, shoots",
            "/api/v1/namespaces/garden-dev/secrets/prod.kubeconfig, secrets",
            "/api/v1/namespaces/garden-dev/events, events",
            "/apis/apps/v1/namespaces/kube-system/deployments/coredns, deployments",
            "/api/v1/nodes, nodes",
            "/api/v1/nodes/node-1, nodes",
            "/api/v1/nodes/node-1/status, other",
            "/api/v1/namespaces/kube-system/configmaps/x, other",
            "/prefix/api/v1/nodes, none",
            "/apis/attacker.example/v1/namespaces/x/AKIAFAKEACCESSKEY, other",
            "/api/v1/namespaces, namespaces",
            "/api/v1/namespaces/kube-system, namespaces",
            "/apis/extensions.gardener.cloud/v1alpha1, none",
            "/api/v1, none",
            "/apis, none",
            "/version, none",
            "'', none",
    })
    void namesTheResourceOfThePath(String path, String resource) {
        assertThat(RequestResource.of(path)).isEqualTo(resource);
    }
}
