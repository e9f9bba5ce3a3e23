package io.github.shootdualstack.shoot;

import java.util.List;

/** {@code status.networking}: the CIDRs the infrastructure allocated, copied from the Infrastructure status. */
public class StatusNetworking extends OpenObject {

    private List<String> nodes;
    private List<String> pods;
    private List<String> services;
    private List<String> egressCIDRs;

    public List<String> getNodes() {
        return nodes;
    }

    public void setNodes(List<String> nodes) {
        this.nodes = nodes;
    }

    public List<String> getPods() {
        return pods;
    }

    public void setPods(List<String> pods) {
        this.pods = pods;
    }

    public List<String> getServices() {
        return services;
    }

    public void setServices(List<String> services) {
        this.services = services;
    }

    public List<String> getEgressCIDRs() {
        return egressCIDRs;
    }

    public void setEgressCIDRs(List<String> egressCIDRs) {
        this.egressCIDRs = egressCIDRs;
    }

}
