package io.jarl.dist.term;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jarl.testing.NoLeakedProcesses;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(NoLeakedProcesses.class)
class AtomTest {
    @Test
    void anAtomIsItsText() {
        assertThat(Atom.of("ok")).isEqualTo(new Atom("ok"));
        assertThat(Atom.of("ok")).hasToString("ok");
    }

    @Test
    void anAtomHasAtMost255Characters() {
        assertThat(Atom.of("é".repeat(255)).name()).hasSize(255);
        assertThatThrownBy(() -> Atom.of("a".repeat(256))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("255");
    }
}
