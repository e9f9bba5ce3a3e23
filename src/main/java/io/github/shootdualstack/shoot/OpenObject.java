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

    private final Map<String, Object> additionalProperties = new LinkedHashMap<>();

    // @JsonIgnore keeps the map out of the CRD schema; Jackson still uses it as the any-getter.
    @JsonAnyGetter
    @JsonIgnore
    public Map<String, Object> additionalProperties() {
        return additionalProperties;
    }

    @JsonAnySetter
    public void setAdditionalProperty(String name, Object value) {
        additionalProperties.put(name, value);
    }
}
