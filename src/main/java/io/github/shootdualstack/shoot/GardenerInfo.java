package io.github.shootdualstack.shoot;

/**
 * {@code status.gardener}: the Gardener component (gardenlet) that last reconciled the Shoot. Its
 * {@code version} tells whether that gardenlet migrates a Shoot to dual-stack by itself; Gardener
 * writes it, the operator only reads it.
 */
public class GardenerInfo extends OpenObject {

    private String id;
    private String name;
    private String version;

    public String getId() { return id; }
    public void setId(String id) { this.id = id; }
    public String getName() { return name; }
    public void setName(String name) { this.name = name; }
    public String getVersion() { return version; }
    public void setVersion(String version) { this.version = version; }
}
