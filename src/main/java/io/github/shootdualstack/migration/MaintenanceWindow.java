package io.github.shootdualstack.migration;

import io.github.shootdualstack.shoot.Maintenance;
import io.github.shootdualstack.shoot.TimeWindow;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** A Shoot's maintenance time window, {@code HHMMSS+ZZZZ} begin and end; it may wrap midnight. */
public record MaintenanceWindow(LocalTime begin, LocalTime end, ZoneOffset offset) {

    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm");

    /** The window of a Shoot that confines spec rollouts to it; {@code null} when it does not. */
    public static MaintenanceWindow confining(Maintenance maintenance) {
        if (maintenance == null || !Boolean.TRUE.equals(maintenance.getConfineSpecUpdateRollout())
                || maintenance.getTimeWindow() == null) {
            return null;
        }
        TimeWindow window = maintenance.getTimeWindow();
        return new MaintenanceWindow(time(window.getBegin()), time(window.getEnd()), offset(window.getBegin()));
    }

    /** The Shoot's window whether or not it confines spec rollouts to it; {@code null} when it has none. */
    public static MaintenanceWindow of(Maintenance maintenance) {
        TimeWindow window = maintenance == null ? null : maintenance.getTimeWindow();
        return window == null || window.getBegin() == null || window.getEnd() == null ? null
                : new MaintenanceWindow(time(window.getBegin()), time(window.getEnd()), offset(window.getBegin()));
    }

    public boolean contains(Instant now) {
        LocalTime local = now.atOffset(offset).toLocalTime();
        return begin.isBefore(end) || begin.equals(end)
                ? !local.isBefore(begin) && local.isBefore(end)
                : !local.isBefore(begin) || local.isBefore(end);
    }

    /** Time from {@code now} to the window's next begin. */
    public Duration untilNextBegin(Instant now) {
        var local = now.atOffset(offset);
        var next = local.with(begin);
        if (!next.isAfter(local)) {
            next = next.plusDays(1);
        }
        return Duration.between(local, next);
    }

    /** "22:00-23:00 +01:00". */
    @Override
    public String toString() {
        return CLOCK.format(begin) + "-" + CLOCK.format(end) + " " + (offset.equals(ZoneOffset.UTC) ? "+00:00" : offset.getId());
    }

    private static LocalTime time(String value) {
        try {
            return LocalTime.parse(value.substring(0, 6), DateTimeFormatter.ofPattern("HHmmss"));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("spec.maintenance.timeWindow \"" + value + "\" is not HHMMSS+ZZZZ", e);
        }
    }

    private static ZoneOffset offset(String value) {
        try {
            return ZoneOffset.of(value.substring(6, 9) + ":" + value.substring(9, 11));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("spec.maintenance.timeWindow \"" + value + "\" is not HHMMSS+ZZZZ", e);
        }
    }
}
