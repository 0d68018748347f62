package io.jarl.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.jarl.Jarl;
import org.junit.jupiter.api.Test;

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
