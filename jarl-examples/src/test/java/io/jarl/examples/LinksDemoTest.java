package io.jarl.examples;

import io.jarl.testing.NoLeakedProcesses;
import org.junit.jupiter.api.extension.ExtendWith;
import static org.assertj.core.api.Assertions.assertThat;

import io.jarl.Jarl;
import org.junit.jupiter.api.Test;

@ExtendWith(NoLeakedProcesses.class)
class LinksDemoTest {

    @Test
    void demoExpectationsHoldAndNothingIsLeft() {
        int before = Jarl.processCount();

        int failures = Jarl.run(LinksDemo::demo);

        assertThat(failures).isZero();
        // Jarl.run returns after its process has ended; the demo waited for every chain's Down.
        assertThat(Jarl.processes()).hasSize(before);
    }
}
