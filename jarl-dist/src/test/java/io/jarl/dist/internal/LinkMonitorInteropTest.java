package io.jarl.dist.internal;

import static io.jarl.testing.ProcessTesting.await;
import static io.jarl.testing.ProcessTesting.awaitDeath;
import static io.jarl.testing.ProcessTesting.awaitDown;
import static io.jarl.testing.ProcessTesting.awaitExit;
import static io.jarl.testing.ProcessTesting.awaitMessage;
import static io.jarl.testing.ProcessTesting.deadProcess;
import static io.jarl.testing.ProcessTesting.eventually;
import static io.jarl.testing.ProcessTesting.pollDown;
import static io.jarl.testing.ProcessTesting.pollMatching;
import static org.assertj.core.api.Assertions.assertThat;

import io.jarl.Down;
import io.jarl.Exit;
import io.jarl.ExitException;
import io.jarl.ExitReason;
import io.jarl.Jarl;
import io.jarl.Pid;
import io.jarl.ProcessInfo;
import io.jarl.Ref;
import io.jarl.RemoteName;
import io.jarl.RemotePid;
import io.jarl.SpawnOptions;
import io.jarl.Spawned;
import io.jarl.dist.Node;
import io.jarl.dist.term.Atom;
import io.jarl.dist.term.Tuple;
import io.jarl.testing.NoLeakedProcesses;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Links, monitors and exit signals between Jarl processes and processes of a real {@code erl} (OTP
 * 25), in both directions: every row of the verified behaviour matrix (erlang-distribution.md
 * §5.4), the link protocol with UNLINK_ID, demonitors, and the exit-signal rules (OTP's
 * "Receiving Exit Signals": {@code kill} is untrappable through {@code exit/2} and becomes
 * {@code killed}; {@code normal} from a link is ignored unless trapping; trapping turns signals into
 * messages).
 *
 * <p>Orderings the tests rely on (no sleeps): signals from one process to another arrive in the
 * order sent, on both runtimes; so a process links, then tells its peer to die, in that order. A
 * dying process sends its link exits before its monitor downs (the BEAM does, and so does Jarl), so
 * a DOWN that arrives first proves that no link exit was sent.
 */
@ExtendWith(NoLeakedProcesses.class)
class LinkMonitorInteropTest {
    static Cluster cluster;
    static Node node;
    static Shell erl;

    final List<Pid> jarlProcesses = new ArrayList<>();

    @BeforeAll
    static void startNodes() {
        cluster = Cluster.start("LINKMON");
        try {
            ErlNode e = cluster.erl();
            node = cluster.jarl();
            erl = new Shell(e, node);
        } catch (RuntimeException | Error e) {
            cluster.close();
            throw e;
        }
    }

    @AfterAll
    static void stopNodes() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @AfterEach
    void cleanUp() {
        for (Pid p : jarlProcesses) {
            Jarl.exit(p, ExitReason.kill());
        }
        erl.reset();
    }

    /** A Jarl process that waits for {@code die} (any atom) and then exits with {@code reason}. */
    private Pid dying(ExitReason reason) {
        return track(Jarl.spawn(() -> {
            Jarl.receive(m -> m instanceof Atom a && a.name().equals("die") ? a : Jarl.skip());
            if (reason.equals(ExitReason.normal())) {
                return;
            }
            throw new ExitException(reason, "told to die");
        }));
    }

    /**
     * A Jarl process that traps exits (if asked), and forwards every message to {@code to}: the
     * Jarl side's observer, as the agents are erl's.
     */
    private Pid forwarder(Pid to, boolean trap) {
        SpawnOptions options = trap ? SpawnOptions.defaults().trapExit() : SpawnOptions.defaults();
        return track(Jarl.spawn(options, () -> {
            while (true) {
                Object m = Jarl.receive();
                if (m instanceof Tuple t && t.arity() == 2 && Atom.of("link").equals(t.get(0))) {
                    Jarl.link((Pid) node.mapper().fromTerm(t.get(1)));
                    Jarl.send(to, Atom.of("linked"));
                } else if (m instanceof Tuple t && t.arity() == 2 && Atom.of("unlink").equals(t.get(0))) {
                    Pid other = (Pid) node.mapper().fromTerm(t.get(1));
                    Jarl.unlink(other);
                    Jarl.send(other, Atom.of("unlinked")); // after the UNLINK_ID: same sender, same receiver
                } else if (Atom.of("die").equals(m)) {
                    throw new ExitException(ExitReason.of("late"), "told to die");
                } else {
                    Jarl.send(to, m);
                }
            }
        }));
    }

    private Pid track(Pid pid) {
        jarlProcesses.add(pid);
        return pid;
    }

    private static Atom a(String name) {
        return Atom.of(name);
    }

    private Tuple exitTerm(Pid from, String reason) {
        return erl.exit(from, reason);
    }

    /** {@code {exit, Reason}}: what tells an agent to exit. */
    private static Tuple exitWith(String reason) {
        return Tuple.of(a("exit"), a(reason));
    }

    // ---------------------------------------------------------------------------------------------
    // erl links to Jarl processes

    /** §5.4: erl links to a Jarl process that dies with R; a trapping erl process gets {'EXIT', Pid, R}. */
    @Test
    void erlLinkedToAJarlProcessThatDiesGetsItsReason() {
        Pid j = dying(ExitReason.of("boom"));
        RemotePid trapping = erl.agent(true);
        erl.run(trapping, "link(" + erl.lit(j) + "), " + erl.lit(j) + " ! die");
        assertThat(erl.next(trapping)).isEqualTo(exitTerm(j, "boom"));

        // not trapping: the erl process dies with the same reason
        Pid j2 = dying(ExitReason.of("boom2"));
        RemotePid plain = erl.agent(false);
        erl.run(plain, "link(" + erl.lit(j2) + "), " + erl.lit(j2) + " ! die");
        assertThat(erl.down(plain)).isEqualTo(a("boom2"));
    }

    /** Normal exits through links are ignored unless trapping, both ways. */
    @Test
    void aNormalExitOfALinkedJarlProcessIsIgnoredUnlessTrapping() {
        Pid j = dying(ExitReason.normal());
        RemotePid plain = erl.agent(false);
        // monitor too: its DOWN comes after the link's exit, so the agent has had it when the DOWN is in
        erl.run(plain, "link(" + erl.lit(j) + "), monitor(process, " + erl.lit(j) + "), " + erl.lit(j) + " ! die");
        assertThat(erl.next(plain)).isInstanceOfSatisfying(Tuple.class, t -> {
            assertThat(t.get(0)).isEqualTo(a("DOWN"));
            assertThat(t.get(4)).isEqualTo(a("normal"));
        });
        assertThat(erl.alive(plain)).isTrue();

        Pid j2 = dying(ExitReason.normal());
        RemotePid trapping = erl.agent(true);
        erl.run(trapping, "link(" + erl.lit(j2) + "), " + erl.lit(j2) + " ! die");
        assertThat(erl.next(trapping)).isEqualTo(exitTerm(j2, "normal"));
    }

    /** OTP distribution_SUITE:link_to_dead: linking to a dead Jarl pid gives noproc. */
    @Test
    void linkToDead() {
        Pid dead = deadProcess();
        RemotePid trapping = erl.agent(true);
        assertThat(erl.run(trapping, "link(" + erl.lit(dead) + ")")).isEqualTo(a("true"));
        assertThat(erl.next(trapping)).isEqualTo(exitTerm(dead, "noproc"));

        RemotePid plain = erl.agent(false);
        erl.run(plain, "link(" + erl.lit(dead) + ")");
        assertThat(erl.down(plain)).isEqualTo(a("noproc"));
    }

    /** §5.4: erl unlinks (UNLINK_ID, answered UNLINK_ID_ACK); the Jarl process's later death is not seen. */
    @Test
    void erlUnlinksAndTheLaterDeathIsNotSeen() throws Exception {
        Pid j = dying(ExitReason.of("boom"));
        RemotePid trapping = erl.agent(true);
        erl.run(trapping, "link(" + erl.lit(j) + ")");
        eventually("the link reached the Jarl process", () -> links(j).contains(trapping));

        erl.run(trapping, "unlink(" + erl.lit(j) + "), monitor(process, " + erl.lit(j) + "), " + erl.lit(j) + " ! die");
        Object first = erl.next(trapping);
        assertThat(first).as("the first signal after the death").isInstanceOfSatisfying(Tuple.class, t -> {
            assertThat(t.get(0)).isEqualTo(a("DOWN"));
            assertThat(t.get(4)).isEqualTo(a("boom"));
        });
        assertThat(erl.poll(trapping)).isEqualTo(a("none"));
        assertThat(erl.alive(trapping)).isTrue();
    }

    /** The unlink is acknowledged: erl can link again at once, and that new link works. */
    @Test
    void erlUnlinksAndLinksAgain() {
        Pid j = dying(ExitReason.of("again"));
        RemotePid trapping = erl.agent(true);
        erl.run(trapping, "link(" + erl.lit(j) + "), unlink(" + erl.lit(j) + "), link(" + erl.lit(j) + "), unlink("
                + erl.lit(j) + "), link(" + erl.lit(j) + "), " + erl.lit(j) + " ! die");
        assertThat(erl.next(trapping)).isEqualTo(exitTerm(j, "again"));
        assertThat(erl.poll(trapping)).isEqualTo(a("none"));
    }

    /** erl links, Jarl unlinks (UNLINK_ID from the Jarl side of an erl-made link): erl drops it too. */
    @Test
    void erlLinksAndJarlUnlinks() throws Exception {
        Jarl.run(() -> {
            Pid j = forwarder(Jarl.self(), false);
            RemotePid trapping = erl.agent(true);
            erl.run(trapping, "link(" + erl.lit(j) + ")");
            eventually("the link reached the Jarl process", () -> links(j).contains(trapping));
            Jarl.send(j, Tuple.of(a("unlink"), erl.t(trapping)));
            assertThat(erl.next(trapping)).isEqualTo(a("unlinked"));
            assertThat(erl.term("element(2, process_info(" + erl.lit(trapping) + ", links))"))
                    .isEqualTo(io.jarl.dist.term.ErlList.NIL);
            assertThat(links(j)).isEmpty();
            // the monitor, then the message that kills: in that order at the Jarl process
            Object marker = erl.run(trapping, "R = monitor(process, " + erl.lit(j) + "), " + erl.lit(j) + " ! die, R");
            assertThat(erl.next(trapping)).isEqualTo(Tuple.of(a("DOWN"), marker, a("process"), erl.pid(j), a("late")));
            assertThat(erl.poll(trapping)).isEqualTo(a("none"));
            return null;
        });
    }

    /**
     * An exit reason of any term crosses both ways unchanged: erl sends one (exit/2) to a Jarl
     * process, which dies with it, and its link carries it back to erl.
     */
    @Test
    void anyTermAsAnExitReasonRoundTrips() {
        Pid j = dying(ExitReason.normal()); // never told to die: ends by the exit signal
        RemotePid trapping = erl.agent(true);
        RemotePid sender = erl.agent(false);
        erl.run(trapping, "link(" + erl.lit(j) + ")");
        eventually("the link reached the Jarl process", () -> links(j).contains(trapping));
        Object reason = erl.run(sender, "R = {complex, self(), [1, 2.5, <<\"b\">>, [a|b]], #{k => [self()]}, make_ref(), "
                + "1 bsl 70}, exit(" + erl.lit(j) + ", R), R");
        assertThat(erl.next(trapping)).isEqualTo(Tuple.of(a("EXIT"), erl.pid(j), reason));
    }

    private static List<Pid> links(Pid pid) {
        return Jarl.info(pid).map(ProcessInfo::links).orElse(List.of());
    }

    // ---------------------------------------------------------------------------------------------
    // Jarl links to erl processes

    /** §5.4: a Jarl process links to an erl process that exits with R: it dies with R, or gets an Exit when trapping. */
    @Test
    void jarlLinkedToAnErlProcessThatExits() throws Exception {
        Jarl.run(() -> {
            RemotePid e1 = erl.agent(false);
            // monitored from its start: it may be dead before a later monitor, which would say noproc
            Spawned plain = Jarl.spawnMonitor(() -> {
                Jarl.link(e1);
                Jarl.send(e1, exitWith("bye")); // after the LINK: same sender, same receiver
                Jarl.receive(m -> Jarl.skip());
            });
            track(plain.pid());
            assertThat(awaitDown(plain.monitor()).reason()).isEqualTo(ExitReason.of("bye"));

            RemotePid e2 = erl.agent(false);
            Jarl.trapExit(true);
            Jarl.link(e2);
            Jarl.send(e2, exitWith("bye2"));
            Exit exit = awaitExit(e2);
            assertThat(exit.reason()).isEqualTo(ExitReason.of("bye2"));
            Jarl.trapExit(false);
            return null;
        });
    }

    /** Normal exits through links are ignored unless trapping, both ways. */
    @Test
    void aNormalExitOfALinkedErlProcessIsIgnoredUnlessTrapping() throws Exception {
        Jarl.run(() -> {
            RemotePid e1 = erl.agent(false);
            Jarl.link(e1);
            Ref ref = Jarl.monitor(e1);
            Jarl.send(e1, exitWith("normal"));
            assertThat(awaitDown(ref).reason()).isEqualTo(ExitReason.normal()); // the link's exit came before
            assertThat(Jarl.info(Jarl.self()).orElseThrow().links()).doesNotContain(e1);

            RemotePid e2 = erl.agent(false);
            Jarl.trapExit(true);
            Jarl.link(e2);
            Jarl.send(e2, exitWith("normal"));
            assertThat(awaitExit(e2).reason()).isEqualTo(ExitReason.normal());
            Jarl.trapExit(false);
            return null;
        });
    }

    /** A Jarl process links to a dead erl pid: noproc, as an Exit when trapping. */
    @Test
    void jarlLinksToADeadErlProcess() throws Exception {
        RemotePid e = erl.agent(false);
        erl.eval("exit(" + erl.lit(e) + ", kill)");
        assertThat(erl.down(e)).isEqualTo(a("killed"));
        Jarl.run(() -> {
            Jarl.trapExit(true);
            Jarl.link(e);
            assertThat(awaitExit(e).reason()).isEqualTo(ExitReason.noproc());
            Jarl.trapExit(false);
            Spawned plain = Jarl.spawnMonitor(() -> {
                Jarl.link(e);
                Jarl.receive(m -> Jarl.skip());
            });
            assertThat(awaitDown(plain.monitor()).reason()).isEqualTo(ExitReason.noproc());
            return null;
        });
    }

    /** Jarl unlinks (UNLINK_ID): the erl process's later death is not seen, and erl dropped its side. */
    @Test
    void jarlUnlinksAndTheLaterDeathIsNotSeen() throws Exception {
        Jarl.run(() -> {
            Jarl.trapExit(true);
            RemotePid e = erl.agent(false);
            Jarl.link(e);
            Jarl.send(e, a("ping"));
            assertThat(erl.next(e)).isEqualTo(a("ping")); // the LINK arrived before
            assertThat(erl.term("element(2, process_info(" + erl.lit(e) + ", links))"))
                    .isEqualTo(io.jarl.dist.term.ErlList.of(erl.pid(Jarl.self())));
            Jarl.unlink(e);
            Ref ref = Jarl.monitor(e);
            Jarl.send(e, exitWith("bye"));
            assertThat(awaitDown(ref).reason()).isEqualTo(ExitReason.of("bye"));
            assertThat(pollMatching(m -> m instanceof Exit)).isFalse();
            Jarl.trapExit(false);
            return null;
        });
    }

    /** The UNLINK_ID_ACK arrived: erl holds no link to the Jarl process after its unlink. */
    @Test
    void jarlUnlinkIsAcknowledged() throws Exception {
        Jarl.run(() -> {
            RemotePid e = erl.agent(true);
            Jarl.link(e);
            Jarl.unlink(e);
            Jarl.send(e, a("after"));
            assertThat(erl.next(e)).isEqualTo(a("after"));
            assertThat(erl.term("element(2, process_info(" + erl.lit(e) + ", links))"))
                    .isEqualTo(io.jarl.dist.term.ErlList.NIL);
            // and when the Jarl process ends, the erl process hears nothing
            Pid j = dying(ExitReason.of("late"));
            Jarl.send(j, a("die"));
            awaitDeath(j);
            Jarl.send(e, a("marker"));
            assertThat(erl.next(e)).isEqualTo(a("marker"));
            return null;
        });
    }

    // ---------------------------------------------------------------------------------------------
    // exit/2 from erl to Jarl

    /** §5.4: exit(JarlPid, kill) from erl kills even a trapping process, with reason killed. */
    @Test
    void erlKillsAJarlProcess() throws Exception {
        Jarl.run(() -> {
            Pid j = forwarder(Jarl.self(), true);
            Ref ref = Jarl.monitor(j);
            RemotePid e = erl.agent(false);
            erl.run(e, "exit(" + erl.lit(j) + ", kill)");
            assertThat(awaitDown(ref).reason()).isEqualTo(ExitReason.killed());
            return null;
        });
    }

    /** exit(JarlPid, normal) from erl is ignored by a process that does not trap exits. */
    @Test
    void erlExitNormalIsIgnoredUnlessTrapping() throws Exception {
        Jarl.run(() -> {
            Pid plain = forwarder(Jarl.self(), false);
            RemotePid e = erl.agent(false);
            erl.run(e, "exit(" + erl.lit(plain) + ", normal), " + erl.lit(plain) + " ! still_there");
            awaitMessage(a("still_there"));
            assertThat(plain.isAlive()).isTrue();

            Pid trapping = forwarder(Jarl.self(), true);
            erl.run(e, "exit(" + erl.lit(trapping) + ", normal)");
            assertThat(await(Exit.class)).isEqualTo(new Exit(e, ExitReason.normal()));
            return null;
        });
    }

    /** exit(JarlPid, R) from erl: a trapping process gets an Exit message; another dies with R. */
    @Test
    void erlExitsAJarlProcessWithAReason() throws Exception {
        Jarl.run(() -> {
            RemotePid e = erl.agent(false);
            Pid trapping = forwarder(Jarl.self(), true);
            erl.run(e, "exit(" + erl.lit(trapping) + ", {shutdown, going})");
            assertThat(await(Exit.class)).isEqualTo(new Exit(e, ExitReason.shutdown(a("going"))));

            Pid plain = forwarder(Jarl.self(), false);
            Ref ref = Jarl.monitor(plain);
            erl.run(e, "exit(" + erl.lit(plain) + ", reason)");
            assertThat(awaitDown(ref).reason()).isEqualTo(ExitReason.of("reason"));
            return null;
        });
    }

    // ---------------------------------------------------------------------------------------------
    // Jarl.exit to erl processes

    /** Jarl.exit(erlPid, kill): the erl process dies killed, even trapping. */
    @Test
    void jarlKillsAnErlProcess() throws Exception {
        Jarl.run(() -> {
            RemotePid e = erl.agent(true);
            Jarl.exit(e, ExitReason.kill());
            assertThat(erl.down(e)).isEqualTo(a("killed"));
            return null;
        });
    }

    /** Jarl.exit(erlPid, normal) is ignored unless trapping; trapping gets {'EXIT', JarlPid, R}. */
    @Test
    void jarlExitsAnErlProcess() throws Exception {
        Jarl.run(() -> {
            RemotePid plain = erl.agent(false);
            Jarl.exit(plain, ExitReason.normal());
            Jarl.send(plain, a("still_there"));
            assertThat(erl.next(plain)).isEqualTo(a("still_there"));
            assertThat(erl.alive(plain)).isTrue();

            RemotePid trapping = erl.agent(true);
            Jarl.exit(trapping, ExitReason.of("stop"));
            assertThat(erl.next(trapping)).isEqualTo(exitTerm(Jarl.self(), "stop"));
            Jarl.exit(trapping, ExitReason.normal());
            assertThat(erl.next(trapping)).isEqualTo(exitTerm(Jarl.self(), "normal"));

            RemotePid other = erl.agent(false);
            Jarl.exit(other, ExitReason.shutdown(a("detail")));
            assertThat(erl.down(other)).isEqualTo(Tuple.of(a("shutdown"), a("detail")));
            return null;
        });
    }

    // ---------------------------------------------------------------------------------------------
    // kill semantics across links

    /** A killed Jarl process's links get killed; an erl process killed likewise. */
    @Test
    void killedPropagatesThroughLinksAsKilled() throws Exception {
        Jarl.run(() -> {
            Pid j = dying(ExitReason.normal());
            RemotePid trapping = erl.agent(true);
            erl.run(trapping, "link(" + erl.lit(j) + "), " + erl.lit(j) + " ! ping"); // ping: not 'die'
            eventually("the link reached the Jarl process", () -> links(j).contains(trapping));
            Jarl.exit(j, ExitReason.kill());
            assertThat(erl.next(trapping)).isEqualTo(exitTerm(j, "killed"));

            Pid watcher = forwarder(Jarl.self(), true);
            RemotePid e = erl.agent(false);
            Jarl.send(watcher, Tuple.of(a("link"), erl.t(e)));
            awaitMessage(a("linked"));
            Jarl.send(e, a("sync"));
            assertThat(erl.next(e)).isEqualTo(a("sync")); // the watcher's LINK arrived: it went first
            erl.eval("exit(" + erl.lit(e) + ", kill)");
            assertThat(await(Exit.class)).isEqualTo(new Exit(e, ExitReason.killed()));
            return null;
        });
    }

    /**
     * An erl process that exits with reason kill (exit(kill), not exit/2): through a link it is an
     * ordinary reason, so a Jarl process dies with kill (not killed), or gets an Exit when trapping.
     */
    @Test
    void killThroughALinkIsAnOrdinaryReason() throws Exception {
        Jarl.run(() -> {
            RemotePid e1 = erl.agent(false);
            Spawned plain = Jarl.spawnMonitor(() -> {
                Jarl.link(e1);
                Jarl.send(e1, exitWith("kill"));
                Jarl.receive(m -> Jarl.skip());
            });
            track(plain.pid());
            assertThat(awaitDown(plain.monitor()).reason()).isEqualTo(ExitReason.kill());

            RemotePid e2 = erl.agent(false);
            Jarl.trapExit(true);
            Jarl.link(e2);
            Jarl.send(e2, exitWith("kill"));
            assertThat(awaitExit(e2).reason()).isEqualTo(ExitReason.kill());
            Jarl.trapExit(false);
            return null;
        });
    }

    // ---------------------------------------------------------------------------------------------
    // monitors from erl

    /** §5.4: erl monitors {Name, JarlNode}: the DOWN names {Name, Node} and carries the reason. */
    @Test
    void erlMonitorsAJarlProcessByName() {
        Pid j = dying(ExitReason.of("gone"));
        Jarl.register("watched", j);
        RemotePid e = erl.agent(false);
        String target = "{watched, " + Cluster.atom(node.name()) + "}";
        Object ref = erl.run(e, "R = monitor(process, " + target + "), " + target + " ! die, R");
        assertThat(erl.next(e)).isEqualTo(Tuple.of(a("DOWN"), ref, a("process"),
                Tuple.of(a("watched"), a(node.name())), a("gone")));
    }

    /** erl monitors a Jarl pid: the DOWN names the pid. */
    @Test
    void erlMonitorsAJarlProcessByPid() {
        Pid j = dying(ExitReason.of("gone"));
        RemotePid e = erl.agent(false);
        Object ref = erl.run(e, "R = monitor(process, " + erl.lit(j) + "), " + erl.lit(j) + " ! die, R");
        assertThat(erl.next(e)).isEqualTo(Tuple.of(a("DOWN"), ref, a("process"), erl.pid(j), a("gone")));
    }

    /** §5.4: monitoring an unknown name, or a dead pid, gives a DOWN with noproc at once. */
    @Test
    void erlMonitorsAnUnknownNameOrADeadPid() {
        RemotePid e = erl.agent(false);
        Object ref = erl.run(e, "monitor(process, {nobody_here, " + Cluster.atom(node.name()) + "})");
        assertThat(erl.next(e)).isEqualTo(Tuple.of(a("DOWN"), ref, a("process"),
                Tuple.of(a("nobody_here"), a(node.name())), a("noproc")));

        Pid dead = deadProcess();
        Object ref2 = erl.run(e, "monitor(process, " + erl.lit(dead) + ")");
        assertThat(erl.next(e)).isEqualTo(Tuple.of(a("DOWN"), ref2, a("process"), erl.pid(dead), a("noproc")));
    }

    /** erl demonitors (DEMONITOR_P): the Jarl process forgets the watch, and no DOWN follows its death. */
    @Test
    void erlDemonitorsAJarlProcess() {
        Pid j = dying(ExitReason.of("late"));
        Jarl.register("watched2", j);
        RemotePid byPid = erl.agent(false);
        RemotePid byName = erl.agent(false);
        String name = "{watched2, " + Cluster.atom(node.name()) + "}";
        erl.run(byPid, "put(r, monitor(process, " + erl.lit(j) + ")), ok");
        erl.run(byName, "put(r, monitor(process, " + name + ")), ok");
        eventually("both monitors reached the Jarl process", () -> monitoredBy(j).containsAll(List.of(byPid, byName)));
        erl.run(byPid, "demonitor(get(r))");
        erl.run(byName, "demonitor(get(r))");
        eventually("both demonitors reached the Jarl process", () -> monitoredBy(j).isEmpty());

        // new monitors as markers: the DOWN of each is the first and only one its agent gets
        Object marker1 = erl.run(byPid, "monitor(process, " + erl.lit(j) + ")");
        Object marker2 = erl.run(byName, "monitor(process, " + name + ")");
        eventually("both new monitors reached the Jarl process", () -> monitoredBy(j).containsAll(List.of(byPid, byName)));
        Jarl.send(j, a("die"));
        assertThat(erl.next(byPid)).isEqualTo(Tuple.of(a("DOWN"), marker1, a("process"), erl.pid(j), a("late")));
        assertThat(erl.next(byName)).isEqualTo(Tuple.of(a("DOWN"), marker2, a("process"),
                Tuple.of(a("watched2"), a(node.name())), a("late")));
        assertThat(erl.poll(byPid)).isEqualTo(a("none"));
        assertThat(erl.poll(byName)).isEqualTo(a("none"));
    }

    private static List<Pid> monitoredBy(Pid pid) {
        return Jarl.info(pid).map(ProcessInfo::monitoredBy).orElse(List.of());
    }

    // ---------------------------------------------------------------------------------------------
    // monitors from Jarl

    /** §5.4: a Jarl process monitors an erl pid: Down with the pid and the reason. */
    @Test
    void jarlMonitorsAnErlProcessByPid() throws Exception {
        Jarl.run(() -> {
            RemotePid e = erl.agent(false);
            Ref ref = Jarl.monitor(e);
            Jarl.send(e, exitWith("bye"));
            assertThat(awaitDown(ref)).isEqualTo(new Down(ref, e, ExitReason.of("bye")));
            return null;
        });
    }

    /** A Jarl process monitors an erl name: Down with the RemoteName; an unknown name is noproc. */
    @Test
    void jarlMonitorsAnErlProcessByName() throws Exception {
        Jarl.run(() -> {
            RemotePid e = erl.agent(false, "erl_target");
            RemoteName name = new RemoteName("erl_target", erl.name);
            Ref ref = Jarl.monitor(name);
            Jarl.send(name, exitWith("bye"));
            assertThat(awaitDown(ref)).isEqualTo(new Down(ref, name, ExitReason.of("bye")));
            assertThat(erl.down(e)).isEqualTo(a("bye"));

            RemoteName nobody = new RemoteName("nobody_there", erl.name);
            Ref none = Jarl.monitor(nobody);
            assertThat(awaitDown(none)).isEqualTo(new Down(none, nobody, ExitReason.noproc()));
            return null;
        });
    }

    /** A Jarl process monitors a dead erl pid: noproc. */
    @Test
    void jarlMonitorsADeadErlProcess() throws Exception {
        RemotePid e = erl.agent(false);
        erl.eval("exit(" + erl.lit(e) + ", kill)");
        assertThat(erl.down(e)).isEqualTo(a("killed"));
        Jarl.run(() -> {
            Ref ref = Jarl.monitor(e);
            assertThat(awaitDown(ref)).isEqualTo(new Down(ref, e, ExitReason.noproc()));
            return null;
        });
    }

    /** A Jarl process demonitors (DEMONITOR_P): erl forgets it, no Down follows. */
    @Test
    void jarlDemonitorsAnErlProcess() throws Exception {
        Jarl.run(() -> {
            RemotePid e = erl.agent(false, "erl_target2");
            Ref byPid = Jarl.monitor(e);
            Ref byName = Jarl.monitor(new RemoteName("erl_target2", erl.name));
            Jarl.send(e, a("sync"));
            assertThat(erl.next(e)).isEqualTo(a("sync"));
            assertThat(monitoredByOnErl(e)).hasSize(2);

            assertThat(Jarl.demonitor(byPid)).isTrue();
            assertThat(Jarl.demonitor(byName)).isTrue();
            Jarl.send(e, a("sync"));
            assertThat(erl.next(e)).isEqualTo(a("sync"));
            assertThat(monitoredByOnErl(e)).isEmpty();

            Ref marker = Jarl.monitor(e);
            Jarl.send(e, exitWith("bye"));
            assertThat(awaitDown(marker).reason()).isEqualTo(ExitReason.of("bye"));
            assertThat(pollDown(byPid)).isFalse();
            assertThat(pollDown(byName)).isFalse();
            return null;
        });
    }

    private List<Object> monitoredByOnErl(RemotePid e) {
        Object list = erl.term("element(2, process_info(" + erl.lit(e) + ", monitored_by)) -- [whereis(shell)]");
        return ((io.jarl.dist.term.ErlList) list).elements();
    }
}
