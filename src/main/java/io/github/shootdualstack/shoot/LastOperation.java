package io.github.shootdualstack.shoot;

/** {@code status.lastOperation}: what the last reconcile did, how far it got, what it waits for. */
public class LastOperation extends OpenObject {

    public static final String TYPE_RECONCILE = "Reconcile";
    public static final String STATE_PROCESSING = "Processing";
    public static final String STATE_SUCCEEDED = "Succeeded";
    public static final String STATE_ERROR = "Error";
    public static final String STATE_FAILED = "Failed";

    private String type;
    private String state;
    private Integer progress;
    private String description;
    private String lastUpdateTime;

    public String getType() {
        return type;
    }

    public void setType(String type) {
        this.type = type;
    }

    public String getState() {
        return state;
    }

    public void setState(String state) {
        this.state = state;
    }

    public Integer getProgress() {
        return progress;
    }

    public void setProgress(Integer progress) {
        this.progress = progress;
    }

    public String getDescription() {
        return description;
    }

    public void setDescription(String description) {
        this.description = description;
    }

    public String getLastUpdateTime() {
        return lastUpdateTime;
    }

    public void setLastUpdateTime(String lastUpdateTime) {
        this.lastUpdateTime = lastUpdateTime;
    }
}
