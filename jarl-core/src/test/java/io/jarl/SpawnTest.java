package io.jarl;

import static io.jarl.Jarl.*;
import static io.jarl.testing.ProcessTesting.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jarl.testing.NoLeakedProcesses;
import io.jarl.testing.ProcessTesting;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Starting and ending processes (reference section 1, first rule; OTP: spawn/1, spawn_link/1, spawn_opt/2). */
@ExtendWith(NoLeakedProcesses.class)
class SpawnTest {

    @Test
    void returningBodyExitsNormal() {
        try (var me = attach()) {
            Spawned s = spawnMonitor(() -> send(me.pid(), "ran"));
            awaitMessage("ran");
            assertThat(awaitDown(s.monitor()).reason()).isEqualTo(ExitReason.normal());
            assertThat(s.pid().isAlive()).isFalse();
        }
    }

    @Test
    void throwingBodyExitsWithCrashCarryingTheException() {
        try (var me = attach()) {
            StackOverflowError error = new StackOverflowError("an Error, not an Exception");
            Spawned s = spawnMonitor(() -> {
                throw error;
            });
            Down down = awaitDown(s.monitor());
            assertThat(down.reason()).isInstanceOf(ExitReason.Crash.class);
            assertThat(((ExitReason.Crash) down.reason()).error()).isSameAs(error);
            assertThat(down.reason().isAbnormal()).isTrue();

            // An uncaught ExitException is an exit with its reason, not a crash.
            Spawned e = spawnMonitor(() -> {
                throw new ExitException(ExitReason.of("custom"));
            });
            assertThat(awaitDown(e.monitor()).reason()).isEqualTo(ExitReason.of("custom"));
            // A caught one is like Erlang's catch: the process goes on.
            Spawned caught = spawnMonitor(() -> {
                try {
                    exit(ExitReason.of("caught"));
                } catch (ExitException ignored) {
                    send(me.pid(), "went on");
                }
            });
            awaitMessage("went on");
            assertThat(awaitDown(caught.monitor()).reason()).isEqualTo(ExitReason.normal());
        }
    }

    @Test
    void spawnWorksFromAPlainThread() {
        AtomicReference<Pid> ran = new AtomicReference<>();
        Pid p = spawn(() -> ran.set(self()));
        try (var me = attach()) {
            awaitDeath(p);
        }
        assertThat(ran.get()).isEqualTo(p);
        assertThatThrownBy(() -> spawnLink(() -> {})).as("a link needs a calling process")
                .isInstanceOf(NotAProcessException.class);
        assertThatThrownBy(() -> spawnMonitor(() -> {})).isInstanceOf(NotAProcessException.class);
    }

    @Test
    void spawnLinkLinksBeforeBodyRuns() {
        try (var me = attach()) {
            trapExit(true);
            // The body sees the link from its first instruction.
            AtomicReference<List<Pid>> linksSeen = new AtomicReference<>();
            Pid p = spawnLink(() -> linksSeen.set(info(self()).orElseThrow().links()));
            assertThat(awaitExit(p).reason()).isEqualTo(ExitReason.normal());
            assertThat(linksSeen.get()).containsExactly(me.pid());

            // A child that dies at once cannot end unseen.
            RuntimeException boom = new IllegalStateException("at once");
            Pid q = spawnLink(() -> {
                throw boom;
            });
            assertThat(awaitExit(q).reason()).isEqualTo(ExitReason.crash(boom));

            // And a parent that does not trap exits dies with it.
            Spawned parent = spawnMonitor(() -> {
                spawnLink(() -> exit(ExitReason.of("child failed")));
                blockForever();
            });
            assertThat(awaitDown(parent.monitor()).reason()).isEqualTo(ExitReason.of("child failed"));
        }
    }

    @Test
    void trapExitOptionAppliesBeforeBodyRuns() {
        try (var me = attach()) {
            Pid p = spawn(SpawnOptions.defaults().trapExit(), () -> {
                receive(String.class); // the signal below is already queued as a message by now
                send(me.pid(), receive(Exit.class));
                send(me.pid(), info(self()).orElseThrow().trapExit());
            });
            exit(p, ExitReason.of("early"));
            send(p, "go");
            assertThat(await(Exit.class)).isEqualTo(new Exit(me.pid(), ExitReason.of("early")));
            assertThat(await(Boolean.class)).isTrue();
            awaitDeath(p);
        }
    }

    @Test
    void spawnWithNameIsRegisteredBeforeBodyRuns() {
        try (var me = attach()) {
            AtomicReference<Object> seen = new AtomicReference<>();
            Spawned s = spawnMonitor(SpawnOptions.defaults().register("spawn-test-named"),
                    () -> seen.set(whereis("spawn-test-named").orElse(null)));
            awaitDown(s.monitor());
            assertThat(seen.get()).isEqualTo(s.pid());
            assertThat(whereis("spawn-test-named")).isEmpty();
        }
    }

    @Test
    void tenThousandProcessesSpawnAndExit() {
        int n = 10_000;
        try (var me = attach()) {
            int before = processCount();
            Map<Ref, Pid> monitors = new HashMap<>(2 * n);
            for (int i = 0; i < n; i++) {
                int id = i;
                Spawned s = spawnMonitor(() -> send(me.pid(), id));
                monitors.put(s.monitor(), s.pid());
            }
            int[] seen = new int[n];
            for (int i = 0; i < n; i++) {
                seen[await(Integer.class)]++;
            }
            for (int i = 0; i < n; i++) {
                Down down = await(Down.class);
                Pid pid = monitors.remove(down.ref());
                assertThat(pid).as("a Down for one of ours").isNotNull();
                assertThat(down.pid()).contains(pid);
                assertThat(down.reason()).isEqualTo(ExitReason.normal());
            }
            assertThat(monitors).isEmpty();
            assertThat(seen).containsOnly(1);
            assertThat(processCount()).isEqualTo(before);

            // And 10,000 linked ones killed through a single link each.
            trapExit(true);
            Pid hub = spawnLink(() -> {
                for (int i = 0; i < n; i++) {
                    spawnLink(ProcessTesting::blockForever);
                }
                send(me.pid(), "spawned");
                blockForever();
            });
            awaitMessage("spawned");
            assertThat(processCount()).isGreaterThanOrEqualTo(before + n + 1);
            exit(hub, ExitReason.of("cascade"));
            assertThat(awaitExit(hub).reason()).isEqualTo(ExitReason.of("cascade"));
            assertThat(processCount()).as("the cascade is synchronous").isEqualTo(before);
        }
    }
}
