package io.jarl.examples;

import io.jarl.testing.NoLeakedProcesses;
import org.junit.jupiter.api.extension.ExtendWith;
import static org.assertj.core.api.Assertions.assertThat;

import io.jarl.examples.Demo.Mode;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The command line of {@code bin/jarl demo}. */
@ExtendWith(NoLeakedProcesses.class)
class DemoTest {

    /** The port is then the chat application's environment: 4040 unless configured. */
    @Test
    void noArgumentServesTheChatOnThePortOfItsEnvironment() {
        assertThat(Demo.parse(List.of())).isEqualTo(new Mode.Serve(Optional.empty()));
    }

    @Test
    void portChoosesThePort() {
        assertThat(Demo.parse(List.of("--port", "4141"))).isEqualTo(new Mode.Serve(Optional.of(4141)));
    }

    @Test
    void scriptAndLinksChooseTheOtherDemos() {
        assertThat(Demo.parse(List.of("--script"))).isEqualTo(new Mode.Script());
        assertThat(Demo.parse(List.of("--links"))).isEqualTo(new Mode.Links());
    }

    @Test
    void badArgumentsGiveTheUsage() {
        assertThat(Demo.parse(List.of("--port", "seventy"))).isInstanceOf(Mode.Usage.class);
        assertThat(Demo.parse(List.of("--port", "70000"))).isInstanceOf(Mode.Usage.class);
        assertThat(Demo.parse(List.of("--port"))).isInstanceOf(Mode.Usage.class);
        assertThat(Demo.parse(List.of("--scripted"))).isInstanceOf(Mode.Usage.class);
    }
}
