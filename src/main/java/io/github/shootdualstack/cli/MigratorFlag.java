package io.github.shootdualstack.cli;

import io.github.shootdualstack.migration.Migrator;
import picocli.CommandLine;

import java.util.Optional;

/**
 * {@code --migrator}: {@code auto} (per Shoot, by its gardenlet's version), {@code engine} or {@code gardenlet}
 * (for every Shoot); anything else refused at start.
 */
final class MigratorFlag implements CommandLine.ITypeConverter<Optional<Migrator>> {

    @Override
    public Optional<Migrator> convert(String value) {
        return switch (value) {
            case "auto" -> Optional.empty();
            case "engine" -> Optional.of(Migrator.ENGINE);
            case "gardenlet" -> Optional.of(Migrator.GARDENLET);
            default -> throw new CommandLine.TypeConversionException("--migrator \"" + ShootFilter.shown(value)
                    + "\" must be auto, engine or gardenlet");
        };
    }
}
