package io.jarl.examples;

import io.jarl.testing.NoLeakedProcesses;
import org.junit.jupiter.api.extension.ExtendWith;
import static org.assertj.core.api.Assertions.assertThat;

import io.jarl.Jarl;
import io.jarl.Name;
import io.jarl.Pid;
import io.jarl.server.GenServer;
import io.jarl.server.StartOptions;
import io.jarl.supervisor.ChildSpec;
import io.jarl.supervisor.DynamicSupervisor;
import io.jarl.supervisor.DynamicSupervisorOptions;
import io.jarl.supervisor.Supervisor;
import io.jarl.supervisor.SupervisorFlags;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The README's GenServer example, as the README writes it. */
@ExtendWith(NoLeakedProcesses.class)
class CounterTest {

    @Test
    void readmeExample() {
        int before = Jarl.processCount();

        Pid counter = GenServer.start(new Counter(), StartOptions.named("counter")).orElseThrow();
        GenServer.cast(counter, new Counter.Cast.Add(2));
        int n = GenServer.call(Name.of("counter"), new Counter.Call.Get());

        assertThat(n).isEqualTo(2);
        GenServer.stop(counter);
        assertThat(Jarl.processCount()).isEqualTo(before);
    }

    @Test
    void readmeSupervisorExample() {
        int before = Jarl.processCount();
        try (var me = Jarl.attach()) {
            Pid sup = Supervisor.startLink(SupervisorFlags.oneForOne(), List.of(
                    ChildSpec.worker("counter", () -> GenServer.startLink(new Counter())),
                    ChildSpec.supervisor("rooms", () -> DynamicSupervisor.startLink(DynamicSupervisorOptions.defaults()))))
                .orElseThrow();

            assertThat(Supervisor.countChildren(sup).active()).isEqualTo(2);
            Supervisor.stop(sup);
        }
        assertThat(Jarl.processCount()).isEqualTo(before);
    }
}
