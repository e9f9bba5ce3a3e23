package io.github.shootdualstack.shoot;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Version;

/** A Gardener {@code Shoot}: the cluster whose IP families the operator migrates. */
@Group(Shoot.GROUP)
@Version(Shoot.VERSION)
@Kind("Shoot")
@Plural("shoots")
@AdditionalPrinterColumn(name = "IP Families", jsonPath = ".spec.networking.ipFamilies", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Migration", jsonPath = ".status.dualStackMigration.step", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Operation", jsonPath = ".status.lastOperation.state", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Progress", jsonPath = ".status.lastOperation.progress", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class Shoot extends CustomResource<ShootSpec, ShootStatus> implements Namespaced {

    public static final String GROUP = "core.gardener.cloud";
    public static final String VERSION = "v1beta1";
}
