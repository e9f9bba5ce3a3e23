package io.github.shootdualstack.migration;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LabelSelectorTest {

    private static final Map<String, String> LABELS = Map.of("env", "prod", "rollout.example.com/wave", "2", "tier", "");

    @Test
    void equality_inequality_existence() {
        assertThat(LabelSelector.parse("env=prod").matches(LABELS)).isTrue();
        assertThat(LabelSelector.parse("env==prod").matches(LABELS)).isTrue();
        assertThat(LabelSelector.parse("env!=prod").matches(LABELS)).isFalse();
        assertThat(LabelSelector.parse("env!=dev").matches(LABELS)).isTrue();
        assertThat(LabelSelector.parse("missing!=dev").matches(LABELS)).as("!= holds for a missing label").isTrue();
        assertThat(LabelSelector.parse("tier").matches(LABELS)).isTrue();
        assertThat(LabelSelector.parse("tier=").matches(LABELS)).isTrue();
        assertThat(LabelSelector.parse("!tier").matches(LABELS)).isFalse();
        assertThat(LabelSelector.parse("!missing").matches(LABELS)).isTrue();
    }

    @Test
    void sets_andEveryRequirement() {
        assertThat(LabelSelector.parse("rollout.example.com/wave in (1, 2)").matches(LABELS)).isTrue();
        assertThat(LabelSelector.parse("rollout.example.com/wave notin (1,2)").matches(LABELS)).isFalse();
        assertThat(LabelSelector.parse("missing notin (1,2)").matches(LABELS)).isTrue();
        assertThat(LabelSelector.parse("env=prod, rollout.example.com/wave in (2)").matches(LABELS)).isTrue();
        assertThat(LabelSelector.parse("env=prod,rollout.example.com/wave in (3)").matches(LABELS)).isFalse();
        assertThat(LabelSelector.parse("").matches(LABELS)).as("empty: everything").isTrue();
        assertThat(LabelSelector.parse("env=prod").matches(null)).isFalse();
    }

    @Test
    void keys_areThoseItLooksAt() {
        assertThat(LabelSelector.parse("env=prod,!tier,wave in (1)").keys()).containsExactly("env", "tier", "wave");
    }

    @Test
    void notASelector_isNamedWithWhereItGoesWrong() {
        assertThatThrownBy(() -> LabelSelector.parse("env=prod,,x")).hasMessageContaining("at ',x'");
        assertThatThrownBy(() -> LabelSelector.parse("env in (a b)")).hasMessageContaining("'a b'");
        assertThatThrownBy(() -> LabelSelector.parse("env=prod;rm -rf")).hasMessageContaining("not valid");
        assertThatThrownBy(() -> LabelSelector.parse("env=prod,")).hasMessageContaining("ends with a comma");
    }
}
