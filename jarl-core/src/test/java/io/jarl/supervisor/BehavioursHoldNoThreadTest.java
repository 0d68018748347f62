package io.jarl.supervisor;

import static io.jarl.Jarl.*;
import static io.jarl.testing.ProcessTesting.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.jarl.Pid;
import io.jarl.ProcessInfo;
import io.jarl.agent.Agent;
import io.jarl.event.GenEvent;
import io.jarl.pg.Pg;
import io.jarl.registry.Registry;
import io.jarl.registry.RegistryOptions;
import io.jarl.statem.CallbackMode;
import io.jarl.statem.EventType;
import io.jarl.statem.GenStateMachine;
import io.jarl.statem.Init;
import io.jarl.statem.Transition;
import io.jarl.testing.NoLeakedProcesses;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every behaviour is a handler process: between two messages it is its state and its mailbox, with
 * no thread and no stack (the scheduler issue's "behaviours hold no thread while they wait").
 */
@ExtendWith(NoLeakedProcesses.class)
class BehavioursHoldNoThreadTest {

    /** The smallest state machine: one state, and every event kept. */
    static final class Idle implements GenStateMachine<String, Integer> {
        @Override
        public CallbackMode callbackMode() {
            return CallbackMode.handleEventFunction();
        }

        @Override
        public Init<String, Integer> init() {
            return Init.ok("idle", 0);
        }

        @Override
        public Transition<String, Integer> handleEvent(EventType type, Object content, String state, Integer data) {
            return Transition.keepStateAndData();
        }
    }

    @Test
    void aTreeOfEveryBehaviourWaitsWithNoThreadAndNoStack() {
        try (var me = attach()) {
            Pid top = Supervisor.startLink(SupervisorFlags.oneForOne(), List.of(
                    ChildSpec.worker("agent", () -> Agent.startLink(() -> "agent state")),
                    ChildSpec.worker("machine", () -> GenStateMachine.startLink(new Idle())),
                    ChildSpec.worker("events", () -> GenEvent.startLink()),
                    ChildSpec.supervisor("dynamic", () -> DynamicSupervisor.startLink(DynamicSupervisorOptions.defaults())),
                    ChildSpec.supervisor("registry", () -> Registry.startLink(RegistryOptions.unique("IdleTreeRegistry"))),
                    ChildSpec.worker("pg", () -> Pg.startLink("idle_tree_scope")))).orElseThrow();
            List<Pid> tree = new ArrayList<>();
            tree.add(top);
            for (Pid p : processes()) {
                if (info(p).map(i -> i.ancestors().contains(top)).orElse(false)) {
                    tree.add(p);
                }
            }
            // The supervisor, the agent, the machine, the manager, the dynamic supervisor, the
            // registry's supervisor and partitions, the pg scope.
            assertThat(tree).hasSizeGreaterThanOrEqualTo(8);
            for (Pid p : tree) {
                eventually(p + " idle, with no stack", () -> info(p).map(i -> i.status() == ProcessInfo.Status.WAITING
                        && i.stack().isEmpty()).orElse(false));
            }
            Supervisor.stop(top);
        }
    }
}
