package io.github.shootdualstack.shoot;

/** {@code spec.hibernation}. */
public class Hibernation extends OpenObject {

    private Boolean enabled;

    public Boolean getEnabled() {
        return enabled;
    }

    public void setEnabled(Boolean enabled) {
        this.enabled = enabled;
    }

}
