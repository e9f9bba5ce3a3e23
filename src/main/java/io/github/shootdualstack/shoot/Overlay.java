package io.github.shootdualstack.shoot;

/** {@code spec.networking.providerConfig.overlay}: {@code enabled: false} means native routing. */
public class Overlay extends OpenObject {

    private Boolean enabled;

    public Boolean getEnabled() {
        return enabled;
    }

    public void setEnabled(Boolean enabled) {
        this.enabled = enabled;
    }

}
