package io.github.shootdualstack.shoot;

import static io.github.shootdualstack.shoot.IpFamilyRules.OVERLAY_MESSAGE;
import static io.github.shootdualstack.shoot.IpFamilyRules.SIZE_MESSAGE;
import static io.github.shootdualstack.shoot.IpFamilyRules.UNIQUE_MESSAGE;
import static io.github.shootdualstack.shoot.IpFamilyRules.VALUES_MESSAGE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialect;
import com.networknt.schema.dialect.Dialects;
import com.networknt.schema.keyword.DisallowUnknownKeywordFactory;
import com.networknt.schema.keyword.NonValidationKeyword;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One table of {@code spec.networking.ipFamilies} edits (section 3 of the migration contract), and
 * the three places that enforce it: the CEL rules of the generated CRD, its OpenAPI schema, and the
 * operator's own {@link IpFamilyValidator}. All three must give the table's verdict.
 */
class IpFamilyValidationTableTest {

    private static final String CRD = "/META-INF/fabric8/shoots.core.gardener.cloud-v1.yml";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final List<String> ABSENT = null;
    private static final List<String> EMPTY = List.of();
    private static final List<String> V4 = List.of("IPv4");
    private static final List<String> V6 = List.of("IPv6");
    private static final List<String> V4_V6 = List.of("IPv4", "IPv6");
    private static final List<String> V6_V4 = List.of("IPv6", "IPv4");

    private static CrdCelRules celRules;
    private static Schema openApiSchema;

    /** One edit and its verdict: the messages (empty: accepted), and whether the schema alone refuses it. */
    record Case(boolean update, List<String> oldFamilies, List<String> newFamilies, Boolean overlay,
                List<String> expected, boolean schemaRefuses) {

        @Override
        public String toString() {
            String edit = update ? "update " + show(oldFamilies) + " → " + show(newFamilies) : "create " + show(newFamilies);
            String verdict = expected.isEmpty() ? "accepted"
                    : "refused: " + expected.stream().map(Case::label).collect(Collectors.joining(", "));
            return edit + ", overlay " + (overlay == null ? "absent" : overlay) + " ⇒ " + verdict
                    + (schemaRefuses ? " (and by the schema)" : "");
        }

        private static String show(List<String> families) {
            return families == null ? "absent" : families.stream().map(f -> "'" + f + "'").toList().toString();
        }

        private static String label(String message) {
            return message.equals(VALUES_MESSAGE) ? "values" : message.equals(UNIQUE_MESSAGE) ? "unique"
                    : message.equals(SIZE_MESSAGE) ? "size" : message.equals(OVERLAY_MESSAGE) ? "overlay"
                    : message.startsWith(IpFamilyRules.TRANSITION_MESSAGE_PREFIX) ? "transition" : message;
        }
    }

    static Stream<Case> table() {
        return Stream.of(
                // every old → new pair of the valid forms, with native routing: only the transition decides
                update(V4, V4).overlay(false).accepted(),
                update(V4, V6).overlay(false).refused(transition(V4, V6)),
                update(V4, V4_V6).overlay(false).accepted(),
                update(V4, V6_V4).overlay(false).refused(transition(V4, V6_V4)),
                update(V6, V4).overlay(false).refused(transition(V6, V4)),
                update(V6, V6).overlay(false).accepted(),
                update(V6, V4_V6).overlay(false).refused(transition(V6, V4_V6)),
                update(V6, V6_V4).overlay(false).refused(transition(V6, V6_V4)),
                update(V4_V6, V4).overlay(false).refused(transition(V4_V6, V4)),
                update(V4_V6, V6).overlay(false).refused(transition(V4_V6, V6)),
                update(V4_V6, V4_V6).overlay(false).accepted(),
                update(V4_V6, V6_V4).overlay(false).refused(transition(V4_V6, V6_V4)),
                update(V6_V4, V4).overlay(false).refused(transition(V6_V4, V4)),
                update(V6_V4, V6).overlay(false).refused(transition(V6_V4, V6)),
                update(V6_V4, V4_V6).overlay(false).refused(transition(V6_V4, V4_V6)),
                update(V6_V4, V6_V4).overlay(false).accepted(),
                // the migration needs native routing, stated explicitly
                update(V4, V4_V6).overlay(null).refused(OVERLAY_MESSAGE),
                update(V4, V4_V6).overlay(true).refused(OVERLAY_MESSAGE),
                update(V4_V6, V4_V6).overlay(null).refused(OVERLAY_MESSAGE),
                update(V4_V6, V4_V6).overlay(true).refused(OVERLAY_MESSAGE),
                update(V6, V6_V4).overlay(null).refused(OVERLAY_MESSAGE, transition(V6, V6_V4)),
                update(V4_V6, V4).overlay(true).refused(transition(V4_V6, V4)),
                update(V4, V4).overlay(true).accepted(),
                update(V6, V6).overlay(null).accepted(),
                // create: single-stack with any overlay, dual-stack only with native routing
                create(V4).overlay(null).accepted(),
                create(V4).overlay(true).accepted(),
                create(V4).overlay(false).accepted(),
                create(V6).overlay(null).accepted(),
                create(V6).overlay(true).accepted(),
                create(V6).overlay(false).accepted(),
                create(V4_V6).overlay(null).refused(OVERLAY_MESSAGE),
                create(V4_V6).overlay(true).refused(OVERLAY_MESSAGE),
                create(V4_V6).overlay(false).accepted(),
                create(V6_V4).overlay(null).refused(OVERLAY_MESSAGE),
                create(V6_V4).overlay(true).refused(OVERLAY_MESSAGE),
                create(V6_V4).overlay(false).accepted(),
                // absent or empty means [IPv4]
                create(ABSENT).overlay(null).accepted(),
                create(ABSENT).overlay(true).accepted(),
                create(EMPTY).overlay(null).accepted(),
                update(V4, ABSENT).overlay(null).accepted(),
                update(V4, EMPTY).overlay(false).accepted(),
                update(ABSENT, V4).overlay(null).accepted(),
                update(ABSENT, EMPTY).overlay(null).accepted(),
                update(ABSENT, V4_V6).overlay(false).accepted(),
                update(EMPTY, V4_V6).overlay(false).accepted(),
                update(ABSENT, V6).overlay(false).refused(transition(V4, V6)),
                update(EMPTY, V6_V4).overlay(false).refused(transition(V4, V6_V4)),
                update(V4_V6, ABSENT).overlay(false).refused(transition(V4_V6, V4)),
                update(V6, EMPTY).overlay(false).refused(transition(V6, V4)),
                // invalid values, duplicates, three entries: on create
                create(List.of("IPv7")).overlay(null).refusedBySchema(VALUES_MESSAGE),
                create(List.of("ipv4")).overlay(null).refusedBySchema(VALUES_MESSAGE),
                create(List.of("")).overlay(null).refusedBySchema(VALUES_MESSAGE),
                create(List.of("IPv4", "IPv7")).overlay(false).refusedBySchema(VALUES_MESSAGE),
                create(List.of("IPv4", "IPv4")).overlay(null).refused(UNIQUE_MESSAGE),
                create(List.of("IPv6", "IPv6")).overlay(false).refused(UNIQUE_MESSAGE),
                create(List.of("IPv4", "IPv6", "IPv4")).overlay(false).refusedBySchema(UNIQUE_MESSAGE, SIZE_MESSAGE),
                create(List.of("IPv4", "IPv6", "IPv7")).overlay(false).refusedBySchema(VALUES_MESSAGE, SIZE_MESSAGE),
                create(List.of("IPv4", "IPv6", "IPv6")).overlay(null)
                        .refusedBySchema(UNIQUE_MESSAGE, SIZE_MESSAGE, OVERLAY_MESSAGE),
                // ... and on update
                update(V4, List.of("IPv7")).overlay(false).refusedBySchema(VALUES_MESSAGE, transition(V4, List.of("IPv7"))),
                update(V4, List.of("ipv4")).overlay(false).refusedBySchema(VALUES_MESSAGE, transition(V4, List.of("ipv4"))),
                update(V4, List.of("")).overlay(false).refusedBySchema(VALUES_MESSAGE, transition(V4, List.of(""))),
                update(V4, List.of("IPv4", "IPv4")).overlay(false).refused(UNIQUE_MESSAGE, transition(V4, List.of("IPv4", "IPv4"))),
                update(V4, List.of("IPv4", "IPv6", "IPv4")).overlay(false)
                        .refusedBySchema(UNIQUE_MESSAGE, SIZE_MESSAGE, transition(V4, List.of("IPv4", "IPv6", "IPv4"))),
                update(V4_V6, List.of("IPv4", "IPv6", "IPv6")).overlay(true).refusedBySchema(
                        UNIQUE_MESSAGE, SIZE_MESSAGE, OVERLAY_MESSAGE, transition(V4_V6, List.of("IPv4", "IPv6", "IPv6"))));
    }

    @BeforeAll
    static void loadTheGeneratedCrd() throws IOException {
        JsonNode crd;
        try (InputStream in = IpFamilyValidationTableTest.class.getResourceAsStream(CRD)) {
            assertThat(in).as("generated CRD %s on the test classpath", CRD).isNotNull();
            crd = new ObjectMapper(new YAMLFactory()).readTree(in);
        }
        JsonNode schema = crd.at("/spec/versions/0/schema/openAPIV3Schema");
        celRules = CrdCelRules.of(schema);
        // draft 4 is what structural schemas are based on; Kubernetes' own extensions validate nothing here
        Dialect dialect = Dialect.builder(Dialects.getDraft4())
                .unknownKeywordFactory((keyword, context) -> keyword.startsWith("x-kubernetes-")
                        ? new NonValidationKeyword(keyword)
                        : DisallowUnknownKeywordFactory.getInstance().getKeyword(keyword, context))
                .build();
        openApiSchema = SchemaRegistry.withDefaultDialect(dialect).getSchema(schema.toString(), InputFormat.JSON);
    }

    @Test
    void theCrdCarriesTheIpFamilyRules() {
        assertThat(celRules.rules()).extracting(r -> String.join(".", r.path()), CrdCelRules.Rule::rule).containsExactly(
                tuple("spec.networking.ipFamilies", IpFamilyRules.VALUES_RULE),
                tuple("spec.networking.ipFamilies", IpFamilyRules.UNIQUE_RULE),
                tuple("spec.networking.ipFamilies", IpFamilyRules.SIZE_RULE),
                tuple("spec", IpFamilyRules.OVERLAY_RULE),
                tuple("spec", IpFamilyRules.TRANSITION_RULE));
        assertThat(celRules.rules()).extracting(CrdCelRules.Rule::transition)
                .containsExactly(false, false, false, false, true);
        assertThat(table()).hasSizeGreaterThanOrEqualTo(40);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void celRulesOfTheCrd(Case c) {
        assertThat(cel(c)).isEqualTo(c.expected());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void openApiSchemaOfTheCrd(Case c) {
        if (c.schemaRefuses()) {
            assertThat(schemaErrors(c)).as("schema errors").isNotEmpty();
        } else {
            assertThat(schemaErrors(c)).as("schema errors").isEmpty();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void operatorValidator(Case c) {
        ShootSpec spec = JSON.convertValue(spec(c.newFamilies(), c.overlay()), ShootSpec.class);
        // the validator's null means "nothing accepted yet" (create); an absent old list is an empty one
        List<String> accepted = c.update() ? (c.oldFamilies() == null ? EMPTY : c.oldFamilies()) : null;
        assertThat(IpFamilyValidator.validate(accepted, spec)).isEqualTo(c.expected());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void theWholeCrdRefusesExactlyWhatTheTableRefuses(Case c) {
        boolean refused = !schemaErrors(c).isEmpty() || !cel(c).isEmpty();
        assertThat(refused).isEqualTo(!c.expected().isEmpty() || c.schemaRefuses());
    }

    private static List<String> cel(Case c) {
        // the stored object was valid (native routing), so a real API server would not ratchet a failing rule
        return celRules.validate(c.update() ? shoot(spec(c.oldFamilies(), false)) : null,
                shoot(spec(c.newFamilies(), c.overlay())));
    }

    private static List<String> schemaErrors(Case c) {
        try {
            return openApiSchema.validate(JSON.writeValueAsString(shoot(spec(c.newFamilies(), c.overlay()))), InputFormat.JSON)
                    .stream().map(Object::toString).toList();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The Shoot as the API server sees it: plain maps and lists. */
    private static Map<String, Object> shoot(Map<String, Object> spec) {
        Map<String, Object> shoot = new LinkedHashMap<>();
        shoot.put("apiVersion", Shoot.GROUP + "/" + Shoot.VERSION);
        shoot.put("kind", "Shoot");
        shoot.put("metadata", Map.of("name", "dev", "namespace", "garden-dev"));
        shoot.put("spec", spec);
        return shoot;
    }

    static Map<String, Object> spec(List<String> ipFamilies, Boolean overlay) {
        Map<String, Object> networking = new LinkedHashMap<>();
        networking.put("type", "calico");
        networking.put("nodes", "10.250.0.0/16");
        if (ipFamilies != null) {
            networking.put("ipFamilies", ipFamilies);
        }
        if (overlay != null) {
            networking.put("providerConfig", Map.of("overlay", Map.of("enabled", overlay)));
        }
        return Map.of("networking", networking);
    }

    private static String transition(List<String> oldFamilies, List<String> newFamilies) {
        return IpFamilyRules.transitionMessage(oldFamilies, newFamilies);
    }

    private static Edit create(List<String> families) {
        return new Edit(false, null, families, null);
    }

    private static Edit update(List<String> oldFamilies, List<String> families) {
        return new Edit(true, oldFamilies, families, null);
    }

    /** A row being written: the edit, before its verdict. */
    private record Edit(boolean update, List<String> oldFamilies, List<String> newFamilies, Boolean overlay) {

        Edit overlay(Boolean enabled) {
            return new Edit(update, oldFamilies, newFamilies, enabled);
        }

        Case accepted() {
            return verdict(List.of(), false);
        }

        Case refused(String... messages) {
            return verdict(Arrays.asList(messages), false);
        }

        Case refusedBySchema(String... messages) {
            return verdict(Arrays.asList(messages), true);
        }

        private Case verdict(List<String> messages, boolean schemaRefuses) {
            return new Case(update, oldFamilies, newFamilies, overlay, new ArrayList<>(messages), schemaRefuses);
        }
    }
}
