package io.github.shootdualstack.garden;

import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;

/** The two patch types every API server (and the mock) accepts, with bodies built from plain maps. */
public final class Patches {

    public static final PatchContext MERGE = PatchContext.of(PatchType.JSON_MERGE);
    public static final PatchContext JSON = PatchContext.of(PatchType.JSON);

    private Patches() {
    }

    public static String body(Object patch) {
        return Serialization.asJson(patch);
    }
}
