package io.github.shootdualstack.shoot;

/** {@code spec.networking.providerConfig}: the CNI's configuration; only the overlay switch is read. */
public class NetworkingProviderConfig extends OpenObject {

    private Overlay overlay;

    public Overlay getOverlay() {
        return overlay;
    }

    public void setOverlay(Overlay overlay) {
        this.overlay = overlay;
    }

}
