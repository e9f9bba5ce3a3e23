package io.github.shootdualstack.cli;

import io.github.shootdualstack.migration.Migrator;

/** {@code --migrator} of {@code run} and {@code plan}: {@code auto}, {@code engine} or {@code gardenlet}. */
final class MigratorFlag {

    private MigratorFlag() {
    }

    /** What is wrong with the value, for the refusal at start; {@code null} when nothing is. */
    static String problem(String value) {
        return value.equals("auto") || forced(value) != null ? null
                : "--migrator \"" + ShootFilter.shown(value) + "\" must be auto, engine or gardenlet";
    }

    /** The migrator of every Shoot; {@code null} for auto, where each Shoot's gardenlet decides. */
    static Migrator forced(String value) {
        return switch (value) {
            case "engine" -> Migrator.ENGINE;
            case "gardenlet" -> Migrator.GARDENLET;
            default -> null;
        };
    }
}
