package io.github.shootdualstack.shoot;

import io.fabric8.crd.generator.annotation.SchemaFrom;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

import java.util.List;

/** {@code spec.networking}. The IPv4 ranges stay here after a migration; IPv6 ranges are allocated. */
public class Networking extends OpenObject {

    /** Only for the CRD schema: the values {@code ipFamilies} may hold. */
    public enum IpFamilyName { IPv4, IPv6 }

    private String type;
    private String pods;
    private String nodes;
    private String services;

    // A String list, not an enum list: the operator must still read (and report) a Shoot whose
    // values a CRD without its rules let through.
    @Size(max = 2)
    @SchemaFrom(type = IpFamilyName[].class)
    @ValidationRule(value = IpFamilyRules.VALUES_RULE, message = IpFamilyRules.VALUES_MESSAGE)
    @ValidationRule(value = IpFamilyRules.UNIQUE_RULE, message = IpFamilyRules.UNIQUE_MESSAGE)
    @ValidationRule(value = IpFamilyRules.SIZE_RULE, message = IpFamilyRules.SIZE_MESSAGE)
    private List<String> ipFamilies;

    private NetworkingProviderConfig providerConfig;

    public String getType() { return type; }
    public void setType(String type) { this.type = type; }
    public String getPods() { return pods; }
    public void setPods(String pods) { this.pods = pods; }
    public String getNodes() { return nodes; }
    public void setNodes(String nodes) { this.nodes = nodes; }
    public String getServices() { return services; }
    public void setServices(String services) { this.services = services; }
    public List<String> getIpFamilies() { return ipFamilies; }
    public void setIpFamilies(List<String> ipFamilies) { this.ipFamilies = ipFamilies; }
    public NetworkingProviderConfig getProviderConfig() { return providerConfig; }
    public void setProviderConfig(NetworkingProviderConfig providerConfig) { this.providerConfig = providerConfig; }
}
