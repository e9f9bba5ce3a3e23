package io.github.shootdualstack.cli;

import io.github.shootdualstack.shootcluster.ShootAccess;
import picocli.CommandLine;

import java.util.Arrays;

/** {@code --shoot-access}: one of {@code auto}, {@code secret}, {@code adminkubeconfig}; anything else refused at start. */
final class ShootAccessFlag implements CommandLine.ITypeConverter<ShootAccess> {

    @Override
    public ShootAccess convert(String value) {
        return Arrays.stream(ShootAccess.values()).filter(access -> access.flag().equals(value)).findFirst()
                .orElseThrow(() -> new CommandLine.TypeConversionException("--shoot-access \"" + ShootFilter.shown(value)
                        + "\" must be auto, secret or adminkubeconfig"));
    }
}
