package io.jarl.pg;

import static io.jarl.Jarl.*;
import static io.jarl.testing.ProcessTesting.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jarl.Down;
import io.jarl.ExitException;
import io.jarl.ExitReason;
import io.jarl.Name;
import io.jarl.NotAProcessException;
import io.jarl.Pid;
import io.jarl.Ref;
import io.jarl.server.GenServer;
import io.jarl.server.StartResult;
import io.jarl.server.Sys;
import io.jarl.supervisor.Supervisor;
import io.jarl.supervisor.SupervisorFlags;
import io.jarl.testing.NoLeakedProcesses;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * pg, after OTP's lib/kernel/test/pg_SUITE.erl: the cases that apply to one node, named after them
 * (camelCase); the cluster cases need distribution.
 */
@ExtendWith(NoLeakedProcesses.class)
class PgTest {

    /** Each test has its own scope, named after it, as pg_SUITE's init_per_testcase starts one. */
    private String scope;

    @BeforeEach
    void startScope(TestInfo test) {
        scope = test.getTestMethod().orElseThrow().getName();
        Pg.start(scope).orElseThrow();
    }

    @AfterEach
    void stopScope() {
        whereis(scope).ifPresent(pid -> GenServer.stop(Name.of(scope)));
    }

    /** A process that lives until killed (pg_SUITE: forever()). */
    private static Pid forever() {
        return spawn(io.jarl.testing.ProcessTesting::blockForever);
    }

    /** Waits until the scope has handled everything sent to it before (pg_SUITE: sync/1). */
    private void sync() {
        Sys.getState(Name.of(scope));
    }

    /** Named pg, as in pg_SUITE, so that its scope is the default scope. */
    @Test
    void pg() {
        assertThat(scope).isEqualTo(Pg.DEFAULT_SCOPE);
        try (var me = attach()) {
            assertThat(whereis(Pg.DEFAULT_SCOPE)).isPresent();
            Pg.join("pg", self());
            assertThat(Pg.getLocalMembers("pg")).containsExactly(self());
            assertThat(Pg.getMembers("pg")).containsExactly(self());
            assertThat(Pg.whichGroups()).containsExactly("pg");
            assertThat(Pg.whichLocalGroups()).containsExactly("pg");
            assertThat(Pg.leave("pg", self())).isTrue();
            assertThat(Pg.getMembers("pg")).isEmpty();
            assertThat(Pg.whichGroups(Pg.DEFAULT_SCOPE)).isEmpty();
            assertThat(Pg.whichLocalGroups(Pg.DEFAULT_SCOPE)).isEmpty();
            // the default scope's monitors
            GroupMonitor monitor = Pg.monitor("pg");
            Pg.join("pg", List.of(self()));
            awaitMessage(new GroupEvent.Join(monitor.ref(), "pg", List.of(self())));
            assertThat(Pg.leave("pg", List.of(self()))).isTrue();
            awaitMessage(new GroupEvent.Leave(monitor.ref(), "pg", List.of(self())));
            assertThat(Pg.demonitor(monitor.ref())).isTrue();
            ScopeMonitor scopeMonitor = Pg.monitorScope();
            assertThat(scopeMonitor.groups()).isEmpty();
            assertThat(Pg.demonitor(scopeMonitor.ref())).isTrue();
            // a second default scope is refused
            assertThat(Pg.start()).isInstanceOf(StartResult.Failed.class);
        }
    }

    @Test
    void errors() {
        try (var me = attach()) {
            Pid pid = whereis(scope).orElseThrow();
            // a call it does not know crashes the scope (OTP: badarg), and so does a stray message
            assertThatThrownBy(() -> GenServer.call(Name.of(scope), "garbage", Duration.ofSeconds(5)))
                    .isInstanceOf(ExitException.class);
            awaitDeath(pid);
            Pid second = Pg.start(scope).orElseThrow();
            Ref ref = io.jarl.Jarl.monitor(second);
            send(second, "garbage");
            ExitReason reason = awaitDown(ref).reason();
            assertThat(reason).isInstanceOf(ExitReason.Crash.class);
            assertThat(((ExitReason.Crash) reason).error()).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("pg scope errors received an unexpected message: garbage");
        }
    }

    @Test
    void leaveExitRace() {
        try (var me = attach()) {
            for (int i = 0; i < 100; i++) {
                Pid pid = spawn(() -> {});
                Pg.join(scope, "test", pid);
                Pg.leave(scope, "test", pid);
            }
            sync();
            assertThat(Pg.getMembers(scope, "test")).isEmpty();
            assertThat(whereis(scope)).isPresent();
        }
    }

    @Test
    void single() {
        try (var me = attach()) {
            Pg.join(scope, scope, self());
            Pg.join(scope, scope, List.of(self(), self()));
            assertThat(Pg.getLocalMembers(scope, scope)).containsExactly(self(), self(), self());
            assertThat(Pg.getMembers(scope, scope)).containsExactly(self(), self(), self());
            assertThat(Pg.leave(scope, "$missing$", self())).isFalse();
            assertThat(Pg.leave(scope, scope, List.of(self(), self()))).isTrue();
            assertThat(Pg.leave(scope, scope, self())).isTrue();
            assertThat(Pg.whichGroups(scope)).isEmpty();
            assertThat(Pg.getLocalMembers(scope, scope)).isEmpty();
            assertThat(Pg.getMembers(scope, scope)).isEmpty();
            // double
            Pg.join(scope, scope, self());
            Pid pid = forever();
            Pg.join(scope, scope, pid);
            assertThat(Pg.getMembers(scope, scope)).containsExactlyInAnyOrder(pid, self());
            assertThat(Pg.getLocalMembers(scope, scope)).containsExactlyInAnyOrder(pid, self());

            kill(pid);
            sync();
            assertThat(Pg.getLocalMembers(scope, scope)).containsExactly(self());
            assertThat(Pg.leave(scope, scope, self())).isTrue();
        }
    }

    @Test
    void processOwnerCheck() {
        // OTP refuses remote pids ({nolocal, _}) and non-pids (function_clause); every Jarl pid is local
        // for now, and a null is refused before any message
        try (var me = attach()) {
            assertThatThrownBy(() -> Pg.join(scope, scope, (Pid) null)).isInstanceOf(NullPointerException.class);
            List<Pid> withNull = new ArrayList<>();
            withNull.add(null);
            assertThatThrownBy(() -> Pg.join(scope, scope, withNull)).isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> Pg.join(scope, null, self())).isInstanceOf(NullPointerException.class);
            assertThat(Pg.whichGroups(scope)).isEmpty();
        }
    }

    /** pg_SUITE: double. */
    @Test
    void doubleJoin() {
        try (var me = attach()) {
            Pid pid = forever();
            Pg.join(scope, scope, pid);
            Pg.join(scope, scope, List.of(pid));
            assertThat(Pg.getMembers(scope, scope)).containsExactly(pid, pid);
            kill(pid);
            sync();
            assertThat(Pg.getMembers(scope, scope)).isEmpty();
        }
    }

    @Test
    void scopeRestart() {
        try (var me = attach()) {
            Pid pid = forever();
            Pg.join(scope, scope, List.of(pid, pid));
            assertThat(Pg.getMembers(scope, scope)).containsExactly(pid, pid);
            // stop the scope, and start it again: local memberships are not kept
            GenServer.stop(Name.of(scope));
            assertThat(Pg.getMembers(scope, scope)).isEmpty();
            assertThatThrownBy(() -> Pg.whichGroups(scope)).isInstanceOf(IllegalArgumentException.class);
            Pg.start(scope).orElseThrow();
            assertThat(Pg.getMembers(scope, scope)).isEmpty();
            kill(pid);
        }
    }

    @Test
    void aKilledScopeTakesItsTableWithIt() {
        // As an ETS table goes with its owner: kill runs no terminate, the table goes all the same.
        try (var me = attach()) {
            Pid owner = whereis(scope).orElseThrow();
            Pid member = forever();
            Pg.join(scope, "group", member);
            assertThat(ScopeTable.isPublished(scope)).isTrue();
            kill(owner);
            assertThat(ScopeTable.isPublished(scope)).isFalse();
            assertThat(Pg.getMembers(scope, "group")).isEmpty();
            kill(member);
        }
    }

    @Test
    void missingScopeJoin() {
        try (var me = attach()) {
            GenServer.stop(Name.of(scope));
            Pid pid = forever();
            assertThatThrownBy(() -> Pg.join(scope, scope, pid))
                    .isInstanceOf(ExitException.class)
                    .satisfies(e -> assertThat(((ExitException) e).reason().cause()).isEqualTo(ExitReason.noproc()));
            assertThatThrownBy(() -> Pg.leave(scope, scope, pid))
                    .isInstanceOf(ExitException.class)
                    .satisfies(e -> assertThat(((ExitException) e).reason().cause()).isEqualTo(ExitReason.noproc()));
            assertThat(Pg.getMembers(scope, scope)).isEmpty();
            assertThat(Pg.getLocalMembers(scope, scope)).isEmpty();
            kill(pid);
        }
    }

    @Test
    void groupLeave() {
        try (var me = attach()) {
            Pid pid = forever();
            List<Pid> total = Collections.nCopies(16, pid);
            Pg.join(scope, "two", total);
            assertThat(Pg.leave(scope, "two", total.subList(0, 4))).isTrue();
            assertThat(Pg.getMembers(scope, "two")).isEqualTo(total.subList(4, 16));
            kill(pid);
            sync();
            assertThat(Pg.getMembers(scope, "two")).isEmpty();
        }
    }

    @Test
    void leaveOfAListLeavesOnlyMembersAndSaysNotJoinedOnlyIfNoneWas() {
        try (var me = attach()) {
            Pid a = forever();
            Pid b = forever();
            Pg.join(scope, "g", a);
            GroupMonitor monitor = Pg.monitor(scope, "g");
            assertThat(Pg.leave(scope, "g", List.of(b))).isFalse();
            assertThat(Pg.leave(scope, "left", List.of(a, b))).isFalse();
            assertThat(Pg.leave(scope, "g", List.of(b, a))).isTrue();
            awaitMessage(new GroupEvent.Leave(monitor.ref(), "g", List.of(a))); // only the member that left
            assertThat(Pg.getMembers(scope, "g")).isEmpty();
            assertThat(Pg.whichGroups(scope)).isEmpty();
            // joining no one changes nothing and says nothing
            Pg.join(scope, "g", List.of());
            assertThat(Pg.whichGroups(scope)).isEmpty();
            sync();
            assertThat(flush()).isEmpty();
            kill(a);
            kill(b);
        }
    }

    @Test
    void membersAreNewestFirstAndOnePerMembership() {
        try (var me = attach()) {
            Pid a = forever();
            Pid b = forever();
            Pid c = forever();
            Pg.join(scope, "g", a);
            Pg.join(scope, "g", List.of(b, c));
            Pg.join(scope, "h", a);
            assertThat(Pg.getMembers(scope, "g")).containsExactly(b, c, a);
            assertThat(Pg.whichGroups(scope)).containsExactlyInAnyOrder("g", "h");
            assertThat(Pg.whichLocalGroups(scope)).containsExactlyInAnyOrder("g", "h");
            kill(a);
            sync();
            assertThat(Pg.getMembers(scope, "g")).containsExactly(b, c);
            assertThat(Pg.whichGroups(scope)).containsExactly("g");
            kill(b);
            kill(c);
        }
    }

    // ---------------------------------------------------------------- monitors (OTP 25.1)

    @Test
    void monitorNonemptyScope() {
        try (var me = attach()) {
            Pid pid = forever();
            Pg.join(scope, "one", pid);
            ScopeMonitor monitor = Pg.monitorScope(scope);
            assertThat(monitor.groups()).isEqualTo(Map.of("one", List.of(pid)));
            assertThat(Pg.demonitor(scope, monitor.ref())).isTrue();
            assertThat(Pg.monitorScope(scope).groups()).isEqualTo(monitor.groups());
            kill(pid);
        }
    }

    private record Flush() {}

    /** A second monitor that collects its events until asked for them (pg_SUITE: second_monitor/1). */
    private Pid secondMonitor(boolean wholeScope, Object group, Pid control) {
        return spawn(() -> {
            Ref ref = wholeScope ? Pg.monitorScope(scope).ref() : Pg.monitor(scope, group).ref();
            send(control, List.of(self(), ref));
            List<Object> events = new ArrayList<>();
            while (true) {
                Object m = receive();
                if (m instanceof Flush) {
                    send(control, List.copyOf(events));
                    blockForever(); // until killed: its end then reaches the scope before kill() returns
                }
                events.add(m);
            }
        });
    }

    private void monitorTest(boolean wholeScope) {
        Object group = wholeScope ? "monitorScope" : List.of("monitor", 1);
        try (var me = attach()) {
            Pid self = self();
            Ref ref;
            if (wholeScope) {
                ScopeMonitor m = Pg.monitorScope(scope);
                assertThat(m.groups()).isEmpty();
                ref = m.ref();
            } else {
                GroupMonitor m = Pg.monitor(scope, group);
                assertThat(m.members()).isEmpty();
                ref = m.ref();
            }
            // local join
            Pg.join(scope, group, self);
            awaitMessage(new GroupEvent.Join(ref, group, List.of(self)));
            // a second monitor, that starts with one member
            Pid extra = secondMonitor(wholeScope, group, self);
            List<?> hello = (List<?>) awaitMatching("the second monitor", m -> m instanceof List<?> l && l.size() == 2
                    && extra.equals(l.getFirst()));
            Ref ref2 = (Ref) hello.get(1);
            // another process joins twice at once
            Pid other = forever();
            Pg.join(scope, group, List.of(other, other));
            awaitMessage(new GroupEvent.Join(ref, group, List.of(other, other)));
            // leave events
            assertThat(Pg.getLocalMembers(scope, group)).containsExactly(other, other, self);
            assertThat(Pg.leave(scope, group, self)).isTrue();
            awaitMessage(new GroupEvent.Leave(ref, group, List.of(self)));
            assertThat(Pg.leave(scope, group, other)).isTrue();
            awaitMessage(new GroupEvent.Leave(ref, group, List.of(other)));
            // the second monitor saw the same, in the same order
            send(extra, new Flush());
            Object events = awaitMatching("the second monitor's events", m -> m instanceof List<?> l
                    && (l.isEmpty() || l.getFirst() instanceof GroupEvent));
            assertThat(events).isEqualTo(List.of(
                    new GroupEvent.Join(ref2, group, List.of(other, other)),
                    new GroupEvent.Leave(ref2, group, List.of(self)),
                    new GroupEvent.Leave(ref2, group, List.of(other))));
            // a member that dies leaves, once per membership
            kill(other);
            awaitMessage(new GroupEvent.Leave(ref, group, List.of(other)));
            // the ended second monitor is gone from the scope (DownMonitor)
            kill(extra);
            sync();
            assertThat(Sys.getStatus(Name.of(scope)).state().toString()).endsWith("1 monitors");
            // demonitor
            assertThat(Pg.demonitor(scope, ref)).isTrue();
            assertThat(Pg.demonitor(scope, ref)).isFalse();
            Pg.join(scope, group, self);
            sync();
            assertThat(pollMatching(m -> m instanceof GroupEvent e && e.ref().equals(ref))).isFalse();
            assertThat(Pg.leave(scope, group, self)).isTrue();
        }
    }

    @Test
    void monitorScope() {
        try (var me = attach()) {
            assertThat(Pg.demonitor(scope, makeRef())).isFalse();
        }
        monitorTest(true);
    }

    @Test
    void monitor() {
        monitorTest(false);
    }

    @Test
    void monitorSelf() {
        // GH-7625: a process that both monitors a group and joins it, and ends
        try (var me = attach()) {
            var spawned = spawnMonitor(() -> {
                Pg.monitor(scope, scope);
                Pg.join(scope, scope, self());
            });
            Down down = awaitDown(spawned.monitor());
            assertThat(down.reason()).isEqualTo(ExitReason.normal());
            // the scope survives both of its Downs (the member's and the subscriber's)
            eventually("the scope forgot the process", () -> Pg.getMembers(scope, scope).isEmpty());
            assertThat(Sys.getStatus(Name.of(scope)).state().toString()).endsWith("0 groups, 0 local members, 0 monitors");
        }
    }

    @Test
    void multiMonitor() {
        try (var me = attach()) {
            var spawned = spawnMonitor(() -> {
                Pid self = self();
                Ref one = Pg.monitor(scope, "one").ref();
                Ref two = Pg.monitor(scope, "two").ref();
                Ref whole = Pg.monitorScope(scope).ref();
                Pg.join(scope, "one", self);
                Pg.join(scope, "two", self);
                awaitMessage(new GroupEvent.Join(one, "one", List.of(self)));
                awaitMessage(new GroupEvent.Join(whole, "one", List.of(self)));
                awaitMessage(new GroupEvent.Join(two, "two", List.of(self)));
                awaitMessage(new GroupEvent.Join(whole, "two", List.of(self)));
            });
            assertThat(awaitDown(spawned.monitor()).reason()).isEqualTo(ExitReason.normal());
            // no group or scope monitor is left, once the scope has handled the process's end
            eventually("the scope forgot the process", () -> Sys.getStatus(Name.of(scope)).state().toString()
                    .endsWith("0 groups, 0 local members, 0 monitors"));
        }
    }

    @Test
    void demonitorFlushesQueuedEvents() {
        try (var me = attach()) {
            GroupMonitor monitor = Pg.monitor(scope, "g");
            Pg.join(scope, "g", self());
            Pg.leave(scope, "g", self());
            sync(); // both events are in the mailbox
            assertThat(Pg.demonitor(scope, monitor.ref())).isTrue();
            assertThat(flush()).isEmpty();
        }
    }

    @Test
    void monitorsNeedAProcess() {
        assertThatThrownBy(() -> Pg.monitorScope(scope)).isInstanceOf(NotAProcessException.class);
        assertThatThrownBy(() -> Pg.monitor(scope, "g")).isInstanceOf(NotAProcessException.class);
        assertThatThrownBy(() -> Pg.demonitor(scope, makeRef())).isInstanceOf(NotAProcessException.class);
    }

    // ---------------------------------------------------------------- Jarl: reads, supervision

    @Test
    void readsNeedNoProcessAndWritesWorkFromPlainThreads() {
        Pid pid = run(() -> forever());
        Pg.join(scope, "g", pid); // a call: the thread is attached for it
        assertThat(Pg.getMembers(scope, "g")).containsExactly(pid);
        assertThat(Pg.getMembers("no.such.scope", "g")).isEmpty();
        assertThat(Pg.leave(scope, "g", pid)).isTrue();
        run(() -> kill(pid));
    }

    @Test
    void concurrentReadersWhileMembersComeAndGo() throws Exception {
        try (var me = attach()) {
            Pid stable = forever();
            Pg.join(scope, "g", stable);
            AtomicInteger wrong = new AtomicInteger();
            List<Thread> readers = new ArrayList<>();
            for (int r = 0; r < 4; r++) {
                readers.add(Thread.ofVirtual().start(() -> {
                    for (int i = 0; i < 10_000; i++) {
                        List<Pid> members = Pg.getMembers(scope, "g");
                        if (!members.contains(stable)) {
                            wrong.incrementAndGet();
                        }
                    }
                }));
            }
            for (int i = 0; i < 50; i++) {
                Pid p = forever();
                Pg.join(scope, "g", p);
                kill(p);
            }
            readers.forEach(io.jarl.testing.ProcessTesting::join);
            sync();
            assertThat(wrong).hasValue(0);
            assertThat(Pg.getMembers(scope, "g")).containsExactly(stable);
            kill(stable);
        }
    }

    @Test
    void aScopeUnderASupervisorRestartsEmptyAndStartTwiceIsRefused() {
        try (var me = attach()) {
            String name = scope + ".supervised";
            Pid sup = Supervisor.startLink(SupervisorFlags.oneForOne(), List.of(Pg.childSpec(name))).orElseThrow();
            Pid first = whereis(name).orElseThrow();
            Pid member = forever();
            Pg.join(name, "g", member);
            assertThat(Pg.start(name)).isEqualTo(new StartResult.Failed(ExitReason.of(new StartResult.AlreadyStarted(first))));
            kill(first);
            eventually("the scope restarted", () -> whereis(name).filter(p -> !p.equals(first)).isPresent());
            assertThat(Pg.getMembers(name, "g")).isEmpty();
            Supervisor.stop(sup);
            kill(member);
        }
    }
}
