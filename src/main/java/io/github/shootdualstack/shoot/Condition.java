package io.github.shootdualstack.shoot;

import java.util.List;

/**
 * A Gardener condition, as used in {@code status.constraints} and {@code status.conditions}.
 * {@code lastTransitionTime} moves only when {@code status} changes, {@code lastUpdateTime} when
 * reason or message change.
 */
public class Condition extends OpenObject {

    public static final String TRUE = "True";
    public static final String FALSE = "False";
    public static final String UNKNOWN = "Unknown";
    public static final String PROGRESSING = "Progressing";

    private String type;
    private String status;
    private String reason;
    private String message;
    private String lastTransitionTime;
    private String lastUpdateTime;
    private List<String> codes;

    public Condition() {
    }

    public Condition(String type, String status, String reason, String message) {
        this.type = type;
        this.status = status;
        this.reason = reason;
        this.message = message;
    }

    public String getType() { return type; }
    public void setType(String type) { this.type = type; }
    public String getStatus() { return status; }
    public void setStatus(String status) { this.status = status; }
    public String getReason() { return reason; }
    public void setReason(String reason) { this.reason = reason; }
    public String getMessage() { return message; }
    public void setMessage(String message) { this.message = message; }
    public String getLastTransitionTime() { return lastTransitionTime; }
    public void setLastTransitionTime(String lastTransitionTime) { this.lastTransitionTime = lastTransitionTime; }
    public String getLastUpdateTime() { return lastUpdateTime; }
    public void setLastUpdateTime(String lastUpdateTime) { this.lastUpdateTime = lastUpdateTime; }
    public List<String> getCodes() { return codes; }
    public void setCodes(List<String> codes) { this.codes = codes; }

    @Override
    public String toString() {
        return type + "=" + status + "/" + reason + " (" + message + ")";
    }
}
