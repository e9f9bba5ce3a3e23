package io.github.shootdualstack.shoot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialect;
import com.networknt.schema.dialect.Dialects;
import com.networknt.schema.keyword.DisallowUnknownKeywordFactory;
import com.networknt.schema.keyword.NonValidationKeyword;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code crds/shoots.core.gardener.cloud.yaml} is what gets installed: it must be the CRD generated
 * from the model, and that CRD must keep unknown fields and carry the IP family rules.
 */
class CommittedCrdTest {

    static final Path COMMITTED = Path.of("crds", "shoots.core.gardener.cloud.yaml");
    static final String GENERATED = "/META-INF/fabric8/shoots.core.gardener.cloud-v1.yml";
    static final String REGENERATE = "crds/shoots.core.gardener.cloud.yaml is not the CRD generated from the Shoot model."
            + " Regenerate it: mvn process-classes && cp target/classes/META-INF/fabric8/shoots.core.gardener.cloud-v1.yml"
            + " crds/shoots.core.gardener.cloud.yaml";

    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    static String generatedText;
    static JsonNode generated;
    static JsonNode schema;

    @BeforeAll
    static void readGenerated() throws IOException {
        try (InputStream in = CommittedCrdTest.class.getResourceAsStream(GENERATED)) {
            assertThat(in).as("generated CRD %s on the test classpath (run mvn process-classes)", GENERATED).isNotNull();
            generatedText = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        generated = YAML.readTree(generatedText);
        schema = generated.at("/spec/versions/0/schema/openAPIV3Schema");
    }

    @Test
    void committedCrd_isTheGeneratedOne() throws IOException {
        assertThat(COMMITTED).as(REGENERATE).exists();
        List<String> committed = withoutComments(Files.readString(COMMITTED, StandardCharsets.UTF_8));
        List<String> expected = withoutComments(generatedText);

        assertThat(firstDifference(expected, committed)).as(REGENERATE).isNull();
    }

    @Test
    void specAndStatus_keepUnknownFields() {
        for (String part : List.of("spec", "status")) {
            assertThat(schema.at("/properties/" + part + "/x-kubernetes-preserve-unknown-fields").asBoolean())
                    .as("%s is not pruned", part).isTrue();
        }
        assertThat(schema.at("/properties/spec/properties/networking/x-kubernetes-preserve-unknown-fields").asBoolean()).isTrue();
        assertThat(schema.at("/properties/status/properties/constraints/items/x-kubernetes-preserve-unknown-fields").asBoolean())
                .isTrue();
    }

    @Test
    void statusIsASubresource() {
        assertThat(generated.at("/spec/versions/0/subresources/status").isObject()).isTrue();
    }

    @Test
    void ipFamilies_areAnEnumOfAtMostTwo() {
        JsonNode ipFamilies = schema.at("/properties/spec/properties/networking/properties/ipFamilies");

        assertThat(ipFamilies.at("/type").textValue()).isEqualTo("array");
        assertThat(ipFamilies.at("/items/enum")).extracting(JsonNode::textValue).containsExactly("IPv4", "IPv6");
        assertThat(ipFamilies.at("/maxItems").intValue()).isEqualTo(2);
    }

    @Test
    void theFiveIpFamilyRules_areThere() {
        JsonNode onList = schema.at("/properties/spec/properties/networking/properties/ipFamilies/x-kubernetes-validations");
        JsonNode onSpec = schema.at("/properties/spec/x-kubernetes-validations");

        assertThat(onList).extracting(r -> r.get("rule").textValue())
                .containsExactly(IpFamilyRules.VALUES_RULE, IpFamilyRules.UNIQUE_RULE, IpFamilyRules.SIZE_RULE);
        assertThat(onList).extracting(r -> r.get("message").textValue())
                .containsExactly(IpFamilyRules.VALUES_MESSAGE, IpFamilyRules.UNIQUE_MESSAGE, IpFamilyRules.SIZE_MESSAGE);
        assertThat(onSpec).extracting(r -> r.get("rule").textValue())
                .containsExactly(IpFamilyRules.OVERLAY_RULE, IpFamilyRules.TRANSITION_RULE);
        assertThat(onSpec.get(0).get("message").textValue()).isEqualTo(IpFamilyRules.OVERLAY_MESSAGE);
        assertThat(onSpec.get(1).get("messageExpression").textValue()).isEqualTo(IpFamilyRules.TRANSITION_MESSAGE_EXPRESSION);
    }

    @Test
    void conditionListsAreKeyedByType_soServerSideApplyMergesThemEntryByEntry() {
        for (String list : List.of("constraints", "conditions")) {
            JsonNode node = schema.at("/properties/status/properties/" + list);
            assertThat(node.at("/x-kubernetes-list-type").textValue()).as(list).isEqualTo("map");
            assertThat(node.at("/x-kubernetes-list-map-keys")).extracting(JsonNode::textValue).as(list).containsExactly("type");
            assertThat(node.at("/items/required")).extracting(JsonNode::textValue).as(list).containsExactly("type");
        }
    }

    @Test
    void printerColumns_showIpFamiliesMigrationOperationAndAge() {
        Map<String, String> columns = new LinkedHashMap<>();
        generated.at("/spec/versions/0/additionalPrinterColumns")
                .forEach(c -> columns.put(c.get("name").textValue(), c.get("jsonPath").textValue() + " " + c.get("type").textValue()));

        assertThat(columns).containsEntry("IP Families", ".spec.networking.ipFamilies string")
                .containsEntry("Migration", ".status.dualStackMigration.step string")
                .containsEntry("Operation", ".status.lastOperation.state string")
                .containsEntry("Progress", ".status.lastOperation.progress integer")
                .containsEntry("Age", ".metadata.creationTimestamp date");
    }

    @Test
    void aRealShoot_passesTheSchemaAndTheRules() throws IOException {
        JsonNode shoot;
        try (InputStream in = CommittedCrdTest.class.getResourceAsStream(ShootRoundTripTest.MANIFEST)) {
            shoot = YAML.readTree(in);
        }
        // draft 4 is what structural schemas build on; Kubernetes' own extensions validate nothing here
        Dialect dialect = Dialect.builder(Dialects.getDraft4())
                .unknownKeywordFactory((keyword, context) -> keyword.startsWith("x-kubernetes-")
                        ? new NonValidationKeyword(keyword)
                        : DisallowUnknownKeywordFactory.getInstance().getKeyword(keyword, context))
                .build();
        Schema openApi = SchemaRegistry.withDefaultDialect(dialect).getSchema(schema.toString(), InputFormat.JSON);
        CrdCelRules rules = CrdCelRules.of(schema);
        ObjectMapper json = new ObjectMapper();
        @SuppressWarnings("unchecked")
        Map<String, Object> created = json.convertValue(shoot, Map.class);
        ObjectNode migrating = shoot.deepCopy();
        ((ObjectNode) migrating.at("/spec/networking")).set("ipFamilies", json.valueToTree(List.of("IPv4", "IPv6")));
        ObjectNode refused = shoot.deepCopy();
        ((ObjectNode) refused.at("/spec/networking")).set("ipFamilies", json.valueToTree(List.of("IPv6")));

        assertThat(openApi.validate(shoot.toString(), InputFormat.JSON)).isEmpty();
        assertThat(rules.validate(null, created)).as("create").isEmpty();
        assertThat(rules.validate(created, json.convertValue(migrating, Map.class))).as("[IPv4] -> [IPv4, IPv6]").isEmpty();
        assertThat(rules.validate(created, json.convertValue(refused, Map.class))).as("[IPv4] -> [IPv6]")
                .containsExactly("unsupported IP family update: oldIPFamilies=[IPv4], newIPFamilies=[IPv6]");
    }

    private static List<String> withoutComments(String yaml) {
        List<String> lines = new ArrayList<>();
        for (String line : yaml.split("\\R", -1)) {
            if (!line.stripLeading().startsWith("#")) {
                lines.add(line.stripTrailing());
            }
        }
        while (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
            lines.remove(lines.size() - 1);
        }
        return lines;
    }

    /** The first line that differs, as {@code line N: expected ... but was ...}; {@code null} when equal. */
    private static String firstDifference(List<String> expected, List<String> actual) {
        for (int i = 0; i < Math.max(expected.size(), actual.size()); i++) {
            String want = i < expected.size() ? expected.get(i) : "<end of file>";
            String got = i < actual.size() ? actual.get(i) : "<end of file>";
            if (!want.equals(got)) {
                return "line " + (i + 1) + " (comments left out): expected <" + want + "> but was <" + got + ">";
            }
        }
        return null;
    }
}
