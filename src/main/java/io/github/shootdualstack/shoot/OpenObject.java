package io.github.shootdualstack.shoot;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A part of the Shoot that models only the fields the operator reads or writes. Every other field
 * a real Gardener manifest carries is kept here verbatim, so a read-modify-write never drops it
 * (and the generated CRD marks the object {@code x-kubernetes-preserve-unknown-fields}).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class OpenObject {

    // created on the first field kept: most parts of a cached Shoot have none, and a cache holds thousands
    private Map<String, Object> additionalProperties;

    /** The fields not modelled, read-only; {@link #setAdditionalProperty} adds one. */
    // @JsonIgnore keeps the map out of the CRD schema; Jackson still uses it as the any-getter.
    @JsonAnyGetter
    @JsonIgnore
    public Map<String, Object> additionalProperties() {
        return additionalProperties == null ? Map.of() : java.util.Collections.unmodifiableMap(additionalProperties);
    }

    @JsonAnySetter
    public void setAdditionalProperty(String name, Object value) {
        if (additionalProperties == null && value != null) {
            // one field alone (a cached Shoot's seedName, say) is held in the smallest map there is
            additionalProperties = Map.of(name, value);
            return;
        }
        if (!(additionalProperties instanceof LinkedHashMap)) {
            additionalProperties = additionalProperties == null ? new LinkedHashMap<>() : new LinkedHashMap<>(additionalProperties);
        }
        additionalProperties.put(name, value);
    }
}
