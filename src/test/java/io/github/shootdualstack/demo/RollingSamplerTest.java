package io.github.shootdualstack.demo;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RollingSamplerTest {

    private final RollingSampler sampler = new RollingSampler();

    @Test
    void aShootRolls_fromTheAskedRoll_throughItsPendingRollout_untilBothAreGone() {
        sampler.observe("a", false, false);
        assertThat(sampler.rolling()).isZero();

        sampler.observe("a", true, true);
        sampler.observe("a", false, true); // gardenlet took the annotation, the rollout pending
        assertThat(sampler.rolling()).isEqualTo(1);

        sampler.observe("a", false, false);
        assertThat(sampler.rolling()).isZero();
        assertThat(sampler.max()).isEqualTo(1);
        assertThat(sampler.rollsAsked("a")).isEqualTo(1);
    }

    @Test
    void theMostAtOnce_isKept_asShootsStartAndEnd() {
        sampler.observe("a", true, true);
        sampler.observe("b", true, true);
        sampler.observe("a", false, false);
        sampler.observe("c", false, true);
        sampler.observe("d", true, true);
        sampler.observe("b", false, false);
        sampler.observe("c", false, false);

        assertThat(sampler.max()).isEqualTo(3);
        assertThat(sampler.rolling()).isEqualTo(1);
    }

    @Test
    void aRollAsked_isCountedOncePerAppearance_notPerVersionThatStillShowsIt() {
        sampler.observe("a", true, true);
        sampler.observe("a", true, true); // another write, the annotation still there
        assertThat(sampler.rollsAsked("a")).isEqualTo(1);

        sampler.observe("a", false, false);
        sampler.observe("a", true, true);
        assertThat(sampler.rollsAsked("a")).isEqualTo(2);
        assertThat(sampler.rollsAsked("b")).isZero();
    }

    @Test
    void aShootGone_rollsNoLonger() {
        sampler.observe("a", true, true);
        sampler.forget("a");

        assertThat(sampler.rolling()).isZero();
        assertThat(sampler.max()).isEqualTo(1);
    }
}
