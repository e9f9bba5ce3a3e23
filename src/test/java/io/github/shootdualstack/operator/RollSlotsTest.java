package io.github.shootdualstack.operator;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class RollSlotsTest {

    @Test
    void theInstallationsLimit_givesSlotsUntilFull_thenQueues_andAFreedSlotGoesToTheOldestWaiter() {
        RollSlots slots = new RollSlots(2, 0);

        assertThat(slots.take("p/a", "s1", Stream::empty)).isNull();
        assertThat(slots.take("p/b", "s1", Stream::empty)).isNull();
        assertThat(slots.take("p/c", "s2", Stream::empty)).contains("2 of 2 Shoots roll nodes");
        assertThat(slots.take("p/d", "s2", Stream::empty)).isNotNull();
        assertThat(slots.rolling()).isEqualTo(2);
        assertThat(slots.waiting()).isEqualTo(2);

        List<String> woken = slots.observe(new RollSlots.Seen("p/a", "s1", false));

        assertThat(woken).as("the oldest waiter is woken for the freed slot").containsExactly("p/c");
        assertThat(slots.take("p/d", "s2", Stream::empty)).as("a younger waiter does not jump the queue").isNotNull();
        assertThat(slots.take("p/c", "s2", Stream::empty)).isNull();
        assertThat(slots.rolling()).isEqualTo(2);
        assertThat(slots.waiting()).isEqualTo(1);
    }

    @Test
    void theLimitPerSeed_letsShootsOfOtherSeedsPass() {
        RollSlots slots = new RollSlots(0, 1);

        assertThat(slots.take("p/a", "s1", Stream::empty)).isNull();
        assertThat(slots.take("p/b", "s1", Stream::empty)).contains("seed s1", "1 of 1");
        assertThat(slots.take("p/c", "s2", Stream::empty)).as("another seed's slot").isNull();

        assertThat(slots.forget("p/a")).containsExactly("p/b");
    }

    @Test
    void rollsAlreadyRunning_areCountedFromTheCache_beforeTheFirstSlotIsGiven() {
        RollSlots slots = new RollSlots(2, 0);

        String refused = slots.take("p/new", "s1", () -> Stream.of(new RollSlots.Seen("p/x", "s1", true),
                new RollSlots.Seen("p/y", "s2", true), new RollSlots.Seen("p/z", "s2", false)));

        assertThat(refused).contains("2 of 2");
    }

    @Test
    void aSlotWhoseRollCouldNotBeAskedFor_isGivenBack() {
        RollSlots slots = new RollSlots(1, 0);
        slots.take("p/a", "s1", Stream::empty);
        slots.take("p/b", "s1", Stream::empty);

        assertThat(slots.giveBack("p/a")).containsExactly("p/b");
        assertThat(slots.rolling()).isZero();
    }

    @Test
    void aWaiterThatNoLongerAsks_leavesTheQueue() {
        RollSlots slots = new RollSlots(1, 0);
        slots.take("p/a", "s1", Stream::empty);
        slots.take("p/b", "s1", Stream::empty);
        slots.take("p/c", "s1", Stream::empty);

        slots.observe(new RollSlots.Seen("p/b", "s1", false)); // paused, say
        List<String> woken = slots.observe(new RollSlots.Seen("p/a", "s1", false));

        assertThat(woken).containsExactly("p/c");
    }

    @Test
    void aWokenWaiterThatNoLongerAsks_passesItsSlotToTheNextInLine() {
        RollSlots slots = new RollSlots(1, 0);
        slots.take("p/a", "s1", Stream::empty);
        slots.take("p/b", "s1", Stream::empty);
        slots.take("p/c", "s1", Stream::empty);
        assertThat(slots.observe(new RollSlots.Seen("p/a", "s1", false))).containsExactly("p/b");

        List<String> woken = slots.observe(new RollSlots.Seen("p/b", "s1", false)); // woken, but paused meanwhile

        assertThat(woken).as("the slot p/b was woken for goes on to p/c").containsExactly("p/c");
        assertThat(slots.forget("p/c")).as("nobody left in line").isEmpty();
    }
}
