package io.jarl.agent;

import static io.jarl.Jarl.*;
import static io.jarl.testing.ProcessTesting.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jarl.ExitException;
import io.jarl.ExitReason;
import io.jarl.Name;
import io.jarl.NameRegistry;
import io.jarl.NotAProcessException;
import io.jarl.Pid;
import io.jarl.Ref;
import io.jarl.Via;
import io.jarl.server.StartOptions;
import io.jarl.server.StartResult;
import io.jarl.server.Sys;
import io.jarl.supervisor.ChildSpec;
import io.jarl.supervisor.Restart;
import io.jarl.supervisor.Shutdown;
import io.jarl.supervisor.Supervisor;
import io.jarl.supervisor.SupervisorFlags;
import io.jarl.testing.LogCapture;
import io.jarl.testing.NoLeakedProcesses;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Agent, after Elixir's agent_test.exs and the examples of its documentation. */
@ExtendWith(NoLeakedProcesses.class)
class AgentTest {

    interface Body {
        void run() throws Exception;
    }

    static void asProcess(Body body) throws Exception {
        try (var me = attach()) {
            body.run();
        }
    }

    /** Map.put, returning a new map (the state must not be shared mutable data). */
    static Map<String, String> put(Map<String, String> map, String key, String value) {
        Map<String, String> out = new HashMap<>(map);
        out.put(key, value);
        return Map.copyOf(out);
    }

    static Agent.GetAndUpdate<String, Map<String, String>> pop(Map<String, String> map, String key) {
        Map<String, String> out = new HashMap<>(map);
        String value = out.remove(key);
        return Agent.GetAndUpdate.of(value, Map.copyOf(out));
    }

    @Test
    void canBeSupervisedDirectly() throws Exception {
        asProcess(() -> {
            Pid sup = Supervisor.startLink(SupervisorFlags.oneForOne(),
                    List.of(Agent.childSpec("agent", () -> "ok", StartOptions.named("supervised-agent")))).orElseThrow();
            assertThat(Agent.<String>of(Name.of("supervised-agent")).<String>get(s -> s)).isEqualTo("ok");
            Supervisor.stop(sup);
        });
    }

    @Test
    void generatesChildSpec() {
        ChildSpec spec = Agent.childSpec(() -> List.of("hello"));
        assertThat(spec.id()).isEqualTo("Agent");
        assertThat(spec.restart()).isEqualTo(Restart.PERMANENT);
        assertThat(spec.shutdown()).isEqualTo(Shutdown.DEFAULT_WORKER);

        ChildSpec custom = Agent.childSpec("id", () -> 0, StartOptions.defaults()).withRestart(Restart.TEMPORARY)
                .withShutdown(Shutdown.infinity());
        assertThat(custom.id()).isEqualTo("id");
        assertThat(custom.restart()).isEqualTo(Restart.TEMPORARY);
        assertThat(custom.shutdown()).isEqualTo(Shutdown.infinity());
    }

    @Test
    void aSupervisedAgentIsRestartedWithItsInitialFunction() throws Exception {
        asProcess(() -> {
            Pid sup = Supervisor.startLink(SupervisorFlags.oneForOne(),
                    List.of(Agent.childSpec("counter", () -> 0, StartOptions.named("restarted-counter")))).orElseThrow();
            Agent<Integer> counter = Agent.of(Name.of("restarted-counter"));
            counter.update(n -> n + 5);
            Pid first = counter.whereis().orElseThrow();
            kill(first);
            eventually("restarted", () -> counter.whereis().filter(p -> !p.equals(first)).isPresent());
            assertThat(counter.<Integer>get(n -> n)).isZero();
            Supervisor.stop(sup);
        });
    }

    @Test
    void startLinkWorkflowWithUnregisteredNameAndAnonymousFunctions() throws Exception {
        asProcess(() -> {
            Pid pid = Agent.startLink(Map::<String, String>of).orElseThrow();
            assertThat(info(self()).orElseThrow().links()).contains(pid);

            Agent<Map<String, String>> agent = Agent.of(pid);
            agent.update(m -> put(m, "hello", "world"));
            assertThat(agent.<String>get(m -> m.get("hello"), Duration.ofSeconds(3))).isEqualTo("world");
            assertThat(agent.<String>getAndUpdate(m -> pop(m, "hello"), Duration.ofSeconds(3))).isEqualTo("world");
            assertThat(agent.<Map<String, String>>get(m -> m)).isEmpty();
            agent.stop();
            assertThat(pid.isAlive()).isFalse();
        });
    }

    @Test
    void startWorkflowWithRegisteredName() throws Exception {
        Pid pid = Agent.start(Map::<String, String>of, StartOptions.named("agent")).orElseThrow();
        assertThat(info(pid).orElseThrow().registeredName()).contains("agent");
        Agent<Map<String, String>> agent = Agent.of(Name.of("agent"));
        agent.cast(m -> put(m, "hello", "world"));
        assertThat(agent.<String>get(m -> m.get("hello"))).isEqualTo("world");
        assertThat(agent.<String>getAndUpdate(m -> pop(m, "hello"))).isEqualTo("world");
        assertThat(agent.<Map<String, String>>get(m -> m)).isEmpty();
        agent.stop();
        assertThat(whereis("agent")).isEmpty();
    }

    @Test
    void startWithAViaName() throws Exception {
        ConcurrentHashMap<Object, Pid> names = new ConcurrentHashMap<>();
        NameRegistry registry = new NameRegistry() {
            @Override
            public boolean registerName(Object key, Pid pid) {
                return names.putIfAbsent(key, pid) == null;
            }

            @Override
            public void unregisterName(Object key) {
                names.remove(key);
            }

            @Override
            public Optional<Pid> whereisName(Object key) {
                return Optional.ofNullable(names.get(key));
            }
        };
        Agent.start(() -> 1, StartOptions.via(registry, "one")).orElseThrow();
        Agent<Integer> one = Agent.of(new Via(registry, "one"));
        assertThat(one.<Integer>get(n -> n + 1)).isEqualTo(2);
        one.stop();
    }

    @Test
    void aTakenNameFailsTheStart() throws Exception {
        Pid pid = Agent.start(() -> 1, StartOptions.named("taken-agent")).orElseThrow();
        assertThat(Agent.start(() -> 2, StartOptions.named("taken-agent")))
                .isEqualTo(new StartResult.Failed(ExitReason.of(new StartResult.AlreadyStarted(pid))));
        Agent.of(pid).stop();
    }

    // ------------------------------------------------------------------ the documentation's examples

    @Test
    void counterExample() throws Exception {
        asProcess(() -> {
            Agent.startLink(() -> 0, StartOptions.named("counter")).orElseThrow();
            Agent<Integer> counter = Agent.of(Name.of("counter"));
            assertThat(counter.<Integer>get(n -> n)).isZero();
            counter.update(n -> n + 1);
            counter.update(n -> n + 1);
            assertThat(counter.<Integer>get(n -> n)).isEqualTo(2);
            assertThat(counter.<Integer>getAndUpdate(n -> Agent.GetAndUpdate.of(n, 0))).isEqualTo(2);
            assertThat(counter.<Integer>get(n -> n)).isZero();
            counter.stop();
        });
    }

    @Test
    void updatesFromManyProcessesAreNotLost() throws Exception {
        asProcess(() -> {
            Agent<Integer> counter = Agent.of(Agent.startLink(() -> 0).orElseThrow());
            List<Ref> workers = IntStream.range(0, 20).mapToObj(i -> spawnMonitor(() -> {
                for (int k = 0; k < 50; k++) {
                    counter.update(n -> n + 1);
                }
            }).monitor()).toList();
            for (Ref worker : workers) {
                assertThat(awaitDown(worker).reason()).isEqualTo(ExitReason.normal());
            }
            assertThat(counter.<Integer>get(n -> n)).isEqualTo(1000);
            counter.stop();
        });
    }

    @Test
    void startWithARaisingFunctionFails() {
        StartResult result = Agent.start(() -> {
            throw new IllegalStateException("oops");
        });
        assertThat(result).isInstanceOfSatisfying(StartResult.Failed.class, f ->
                assertThat(f.reason()).isInstanceOfSatisfying(ExitReason.Crash.class, c ->
                        assertThat(c.error()).isInstanceOf(IllegalStateException.class).hasMessage("oops")));
    }

    @Test
    void startLinkWithARaisingFunctionFailsATrappingCaller() throws Exception {
        asProcess(() -> {
            trapExit(true);
            StartResult result = Agent.startLink(() -> {
                throw new IllegalStateException("oops");
            });
            assertThat(result).isInstanceOf(StartResult.Failed.class);
            assertThat(flush()).isEmpty();
        });
    }

    @Test
    void startLinkFromAPlainThreadFailsClearly() {
        assertThatThrownBy(() -> Agent.startLink(() -> 0)).isInstanceOf(NotAProcessException.class);
    }

    @Test
    void theFunctionsRunInsideTheAgent() throws Exception {
        asProcess(() -> {
            Pid pid = Agent.startLink(() -> self()).orElseThrow();
            Agent<Pid> agent = Agent.of(pid);
            assertThat(agent.<Pid>get(s -> s)).isEqualTo(pid);
            assertThat(agent.<Pid>get(s -> self())).isEqualTo(pid);
            agent.update(s -> self());
            assertThat(agent.<Pid>getAndUpdate(s -> Agent.GetAndUpdate.of(self(), s))).isEqualTo(pid);
            agent.stop();
        });
    }

    @Test
    void aGetMayReturnNullAndTheStateMayBeNull() throws Exception {
        Agent<String> agent = Agent.of(Agent.start(() -> (String) null).orElseThrow());
        assertThat(agent.<String>get(s -> s)).isNull();
        agent.update(s -> "set");
        assertThat(agent.<Object>getAndUpdate(s -> Agent.GetAndUpdate.of(null, s))).isNull();
        assertThat(agent.<String>get(s -> s)).isEqualTo("set");
        agent.stop();
    }

    @Test
    void aThrowingFunctionCrashesTheAgentAndFailsTheCall() throws Exception {
        try (var log = LogCapture.start(); var me = attach()) {
            Pid pid = Agent.start(() -> 1).orElseThrow();
            Ref ref = monitor(pid);
            Agent<Integer> agent = Agent.of(pid);
            assertThatThrownBy(() -> agent.get(n -> {
                throw new IllegalArgumentException("agent-test bad function");
            })).isInstanceOfSatisfying(ExitException.class, e -> {
                assertThat(e.reason().cause()).isInstanceOfSatisfying(ExitReason.Crash.class, c ->
                        assertThat(c.error()).hasMessage("agent-test bad function"));
                assertThat(e.getMessage()).startsWith("Agent.get(" + pid + ", ");
            });
            assertThat(awaitDown(ref).reason()).isInstanceOf(ExitReason.Crash.class);
            assertThatThrownBy(() -> agent.get(n -> n)).isInstanceOfSatisfying(ExitException.class, e ->
                    assertThat(e.reason().cause()).isEqualTo(ExitReason.noproc()));
            eventually("the crash report is written", () -> log.count("agent-test bad function") > 0);
            assertThat(log.linesContaining("crash report").stream().filter(l -> l.contains(pid.toString())).toList())
                    .hasSize(1);
        }
    }

    @Test
    void aThrowingUpdateAndCastCrashTheAgentToo() throws Exception {
        try (var me = attach()) {
            Pid pid = Agent.start(() -> 1).orElseThrow();
            Agent<Integer> agent = Agent.of(pid);
            assertThatThrownBy(() -> agent.update(n -> {
                throw new IllegalStateException("update");
            })).isInstanceOf(ExitException.class).hasMessageStartingWith("Agent.update(");

            Pid other = Agent.start(() -> 1).orElseThrow();
            Ref ref = monitor(other);
            Agent.<Integer>of(other).cast(n -> {
                throw new IllegalStateException("cast");
            });
            assertThat(awaitDown(ref).reason()).isInstanceOfSatisfying(ExitReason.Crash.class, c ->
                    assertThat(c.error()).hasMessage("cast"));
        }
    }

    @Test
    void getAndUpdateReturningNullIsABadReturnValue() throws Exception {
        Agent<Integer> agent = Agent.of(Agent.start(() -> 1).orElseThrow());
        assertThatThrownBy(() -> agent.getAndUpdate(n -> null)).isInstanceOfSatisfying(ExitException.class, e ->
                assertThat(e.reason().cause()).isEqualTo(ExitReason.of(new Agent.BadReturnValue(null))));
    }

    @Test
    void aCallTimesOut() throws Exception {
        asProcess(() -> {
            Pid parent = self();
            Agent<Integer> agent = Agent.of(Agent.startLink(() -> 1).orElseThrow());
            agent.cast(n -> {
                send(parent, "busy");
                receive(m -> "go".equals(m) ? m : skip());
                return n;
            });
            awaitMessage("busy");
            assertThatThrownBy(() -> agent.get(n -> n, Duration.ofMillis(1))).isInstanceOfSatisfying(
                    ExitException.class, e -> assertThat(e.reason().cause()).isEqualTo(ExitReason.timeout()));
            send(agent.whereis().orElseThrow(), "go");
            assertThat(agent.<Integer>get(n -> n)).isEqualTo(1);
            agent.stop();
            assertThat(flush()).isEmpty();
        });
    }

    @Test
    void castNeverFails() {
        Agent.<Integer>of(Name.of("no-such-agent")).cast(n -> n + 1);
        Agent.<Integer>of(deadProcess()).cast(n -> n + 1);
    }

    @Test
    void stopWithAReason() throws Exception {
        asProcess(() -> {
            trapExit(true);
            Pid pid = Agent.startLink(() -> 1).orElseThrow();
            Agent.of(pid).stop(ExitReason.shutdown(), Duration.ofSeconds(5));
            assertThat(awaitExit(pid).reason()).isEqualTo(ExitReason.shutdown());
            assertThatThrownBy(() -> Agent.of(pid).stop()).isInstanceOfSatisfying(ExitException.class, e -> {
                assertThat(e.reason().cause()).isEqualTo(ExitReason.noproc());
                assertThat(e.getMessage()).startsWith("Agent.stop(");
            });
        });
    }

    @Test
    void sysWorksOnAnAgent() throws Exception {
        Agent<Integer> agent = Agent.of(Agent.start(() -> 41).orElseThrow());
        Pid pid = agent.whereis().orElseThrow();
        assertThat(Sys.getState(pid)).isEqualTo(41);
        Sys.<Integer>replaceState(pid, s -> s + 1);
        assertThat(agent.<Integer>get(n -> n)).isEqualTo(42);
        agent.stop();
    }

    @Test
    void callsFromAPlainThread() {
        Agent<Integer> agent = Agent.of(Agent.start(() -> 1).orElseThrow());
        agent.update(n -> n + 1);
        assertThat(agent.<Integer>get(n -> n * 10)).isEqualTo(20);
        agent.stop();
    }
}
