package io.github.shootdualstack.shoot;

/** {@code spec.maintenance.timeWindow}: {@code HHMMSS+ZZZZ} begin and end, e.g. {@code 220000+0100}. */
public class TimeWindow extends OpenObject {

    private String begin;
    private String end;

    public String getBegin() {
        return begin;
    }

    public void setBegin(String begin) {
        this.begin = begin;
    }

    public String getEnd() {
        return end;
    }

    public void setEnd(String end) {
        this.end = end;
    }

}
