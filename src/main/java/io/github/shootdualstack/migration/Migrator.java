package io.github.shootdualstack.migration;

import io.github.shootdualstack.migration.Decision.Event;
import io.github.shootdualstack.shoot.IpFamily;
import io.github.shootdualstack.shoot.Shoot;
import io.github.shootdualstack.shoot.StatusNetworking;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Who migrates a Shoot to dual-stack, by the gardenlet that reconciles it ({@code status.gardener.version}):
 * from {@value #FIRST_MIGRATING_GARDENLET} on, gardenlet, on any garden, with the operator alongside
 * ({@link Orchestration}); no gardenlet at all (an empty version), the operator's engine. An older
 * gardenlet leaves the Shoot to the engine on a garden that serves Shoots through the project's CRD; where
 * gardener-apiserver serves them, nobody migrates it (before that version the API refused any change of
 * {@code ipFamilies}; during an upgrade it may already accept one). An installation may force one of
 * {@link #ENGINE} and {@link #GARDENLET} for all its Shoots ({@code --migrator}).
 */
public enum Migrator {

    /** The operator's engine runs the steps. */
    ENGINE,
    /** gardenlet {@value #FIRST_MIGRATING_GARDENLET} or newer migrates the Shoot; the operator only triggers its reconciles. */
    GARDENLET,
    /** A gardenlet older than {@value #FIRST_MIGRATING_GARDENLET} reconciles the Shoot: nobody migrates it. */
    NOBODY;

    /** The first gardenlet that migrates a Shoot to dual-stack by itself. */
    public static final String FIRST_MIGRATING_GARDENLET = "v1.117.0";
    /** The reason of the event that says a Shoot asks for a migration its gardenlet does not run. */
    public static final String NOT_MIGRATED_REASON = "DualStackMigrationNotRun";

    private static final int[] FIRST = {1, 117, 0};
    // v1.117.0, 1.117.0, v1.138.0-dev, v1.138.0+build: the three numbers are read, the rest ignored
    private static final Pattern VERSION = Pattern.compile("v?(\\d{1,9})\\.(\\d{1,9})\\.(\\d{1,9})(?:[-+][0-9A-Za-z.+-]{1,64})?");

    /**
     * @param gardenerApiServer whether gardener-apiserver serves the garden's Shoots
     */
    public static Migrator of(Shoot shoot, boolean gardenerApiServer) {
        return of(shoot, gardenerApiServer, null);
    }

    /**
     * @param forced the migrator the installation chose for all its Shoots; {@code null} to decide per Shoot
     */
    public static Migrator of(Shoot shoot, boolean gardenerApiServer, Migrator forced) {
        if (forced != null) {
            return forced;
        }
        String version = gardenletVersion(shoot);
        if (version == null || version.isEmpty()) {
            return ENGINE;
        }
        Migrator older = gardenerApiServer ? NOBODY : ENGINE;
        Matcher matcher = VERSION.matcher(version);
        if (!matcher.matches()) {
            return older; // a gardenlet of a version that cannot be compared: not taken for one that migrates
        }
        for (int i = 0; i < FIRST.length; i++) {
            int part = Integer.parseInt(matcher.group(i + 1));
            if (part != FIRST[i]) {
                return part > FIRST[i] ? GARDENLET : older;
            }
        }
        return GARDENLET;
    }

    /** {@code status.gardener.version}; {@code null} when the Shoot has none. */
    public static String gardenletVersion(Shoot shoot) {
        return shoot.getStatus() == null || shoot.getStatus().getGardener() == null ? null
                : shoot.getStatus().getGardener().getVersion();
    }

    /**
     * What the operator says once of a Shoot that {@link #NOBODY} migrates: {@code null} unless its spec
     * asks for {@code [IPv4, IPv6]} while its {@code status.networking} shows it runs IPv4 alone.
     */
    public static Event notMigrated(Shoot shoot) {
        var networking = shoot.getSpec() == null ? null : shoot.getSpec().getNetworking();
        List<String> requested = IpFamily.effective(networking == null ? null : networking.getIpFamilies());
        if (!IpFamily.DUAL_STACK_IPV4_PRIMARY.equals(requested) || !runsIpv4Alone(shoot.getStatus() == null ? null
                : shoot.getStatus().getNetworking())) {
            return null;
        }
        String version = gardenletVersion(shoot);
        // a version is quoted only in the form it has: any other text is not repeated
        String gardenlet = version != null && VERSION.matcher(version).matches() ? "gardenlet " + version
                : "a gardenlet whose status.gardener.version is not a version";
        return Event.warning(NOT_MIGRATED_REASON, "Shoot " + shoot.getMetadata().getNamespace() + "/" + shoot.getMetadata().getName()
                + ": spec.networking.ipFamilies asks for " + IpFamily.format(requested) + ", but the Shoot is reconciled by "
                + gardenlet + ", which does not migrate a Shoot to dual-stack (gardenlet " + FIRST_MIGRATING_GARDENLET
                + " or newer does, by itself). The operator leaves this Shoot alone; it is migrated once its seed's gardenlet is "
                + FIRST_MIGRATING_GARDENLET + " or newer.");
    }

    private static boolean runsIpv4Alone(StatusNetworking networking) {
        if (networking == null) {
            return false;
        }
        List<String> cidrs = new ArrayList<>();
        for (List<String> part : java.util.Arrays.asList(networking.getNodes(), networking.getPods(), networking.getServices())) {
            if (part != null) {
                cidrs.addAll(part);
            }
        }
        try {
            return !cidrs.isEmpty() && !Addresses.has(cidrs, IpFamily.IPV6);
        } catch (IllegalArgumentException malformed) {
            return false;
        }
    }
}
