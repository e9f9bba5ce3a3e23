package io.github.shootdualstack.shoot;

/** {@code spec.maintenance}. */
public class Maintenance extends OpenObject {

    private TimeWindow timeWindow;
    private Boolean confineSpecUpdateRollout;

    public TimeWindow getTimeWindow() {
        return timeWindow;
    }

    public void setTimeWindow(TimeWindow timeWindow) {
        this.timeWindow = timeWindow;
    }

    public Boolean getConfineSpecUpdateRollout() {
        return confineSpecUpdateRollout;
    }

    public void setConfineSpecUpdateRollout(Boolean confineSpecUpdateRollout) {
        this.confineSpecUpdateRollout = confineSpecUpdateRollout;
    }

}
