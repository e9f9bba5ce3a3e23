package io.github.shootdualstack.local;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.fabric8.kubernetes.client.utils.Serialization;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/**
 * A short hash of a pod or machine template, like Kubernetes' {@code pod-template-hash}. Keys are
 * sorted first, so a template that only went through a JSON patch (which may reorder keys) keeps
 * its hash, and only a real change of content starts a rollout.
 */
public final class TemplateHash {

    private static final ObjectMapper CANONICAL = Serialization.jsonMapper().copy()
            .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    private TemplateHash() {
    }

    /** Ten hex digits of the SHA-256 of the template; a missing template hashes like an empty one. */
    public static String of(Object template) {
        try {
            Object tree = template == null ? Map.of() : CANONICAL.convertValue(template, Map.class);
            byte[] json = CANONICAL.writeValueAsBytes(tree);
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(json);
            return HexFormat.of().formatHex(digest).substring(0, 10);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("template cannot be written as JSON: " + e.getOriginalMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
