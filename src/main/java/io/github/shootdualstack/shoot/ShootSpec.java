package io.github.shootdualstack.shoot;

import io.fabric8.generator.annotation.ValidationRule;

/** {@code spec}: the operator reads it and never writes it. */
@ValidationRule(value = IpFamilyRules.OVERLAY_RULE, message = IpFamilyRules.OVERLAY_MESSAGE)
@ValidationRule(value = IpFamilyRules.TRANSITION_RULE, messageExpression = IpFamilyRules.TRANSITION_MESSAGE_EXPRESSION)
public class ShootSpec extends OpenObject {

    private Networking networking;
    private Maintenance maintenance;
    private Hibernation hibernation;
    private Provider provider;
    private String seedName;

    public Networking getNetworking() { return networking; }
    public void setNetworking(Networking networking) { this.networking = networking; }
    public Maintenance getMaintenance() { return maintenance; }
    public void setMaintenance(Maintenance maintenance) { this.maintenance = maintenance; }
    public Hibernation getHibernation() { return hibernation; }
    public void setHibernation(Hibernation hibernation) { this.hibernation = hibernation; }
    public Provider getProvider() { return provider; }
    public void setProvider(Provider provider) { this.provider = provider; }
    /** The seed Gardener scheduled the Shoot on; {@code null} before it is. */
    public String getSeedName() { return seedName; }
    public void setSeedName(String seedName) { this.seedName = seedName; }
}
