package io.jarl.dist.internal;

import static io.jarl.testing.ProcessTesting.awaitDown;
import static io.jarl.testing.ProcessTesting.awaitExit;
import static io.jarl.testing.ProcessTesting.awaitMessage;
import static io.jarl.testing.ProcessTesting.eventually;
import static io.jarl.testing.ProcessTesting.pollMatching;
import static org.assertj.core.api.Assertions.assertThat;

import io.jarl.Down;
import io.jarl.ExitReason;
import io.jarl.Jarl;
import io.jarl.Pid;
import io.jarl.ProcessInfo;
import io.jarl.Ref;
import io.jarl.RemoteName;
import io.jarl.RemotePid;
import io.jarl.SpawnOptions;
import io.jarl.dist.Node;
import io.jarl.dist.NodeDown;
import io.jarl.dist.NodeUp;
import io.jarl.dist.term.Atom;
import io.jarl.dist.term.ErlList;
import io.jarl.dist.term.Tuple;
import io.jarl.testing.NoLeakedProcesses;
import io.jarl.testing.ProcessTesting;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What a lost connection does, on both sides (erlang-distribution.md §5.4, §8 (d)): every link
 * across it breaks with {@code noconnection}, every monitor across it fires {@code noconnection},
 * node monitors get a nodedown; the next send connects again. The connection is dropped by erl
 * ({@code erlang:disconnect_node/1}), by Jarl ({@link Node#disconnect}), by erl halting, and by the
 * Jarl node closing. A node restarted under the same name is a new incarnation: pids of the old one
 * are dead (OTP distribution_SUITE:link_to_dead_new_node). Fresh nodes for every test.
 */
@ExtendWith(NoLeakedProcesses.class)
class ConnectionLossInteropTest {
    Cluster cluster;
    Node node;
    ErlNode erlNode;
    Shell erl;
    final List<Pid> jarlProcesses = new ArrayList<>();

    @BeforeEach
    void startNodes() {
        cluster = Cluster.start("CONNLOSS");
        try {
            erlNode = cluster.erl();
            node = cluster.jarl();
            erl = new Shell(erlNode, node);
        } catch (RuntimeException | Error e) {
            cluster.close();
            throw e;
        }
    }

    @AfterEach
    void stopNodes() {
        for (Pid p : jarlProcesses) {
            Jarl.exit(p, ExitReason.kill());
        }
        if (cluster != null) { // null when the test was skipped for want of erl
            cluster.close();
        }
    }

    private static Atom a(String name) {
        return Atom.of(name);
    }

    private Pid blocking(SpawnOptions options) {
        Pid p = Jarl.spawn(options, ProcessTesting::blockForever);
        jarlProcesses.add(p);
        return p;
    }

    /**
     * Everything that must break when the connection goes, set up and confirmed to have arrived.
     * Called by the test's (attached, trapping) process.
     */
    private record Wired(RemotePid linkedErl, Ref byPid, RemotePid monitoredErl, Ref byName, RemoteName name,
                         Pid plainJarl, Ref plainJarlRef, RemotePid plainJarlsErl,
                         Pid linkedJarl, RemotePid trappingErl, Pid monitoredJarl, RemotePid watchingErl,
                         Object erlByPid, Object erlByName, Pid plainLinkedJarl, Ref plainLinkedJarlRef,
                         RemotePid plainErl) {}

    private Wired wire() {
        Jarl.trapExit(true);
        // Jarl -> erl: a link (trapping), monitors by pid and by name, a non-trapping linked process
        RemotePid linkedErl = erl.agent(false);
        Jarl.link(linkedErl);
        RemotePid monitoredErl = erl.agent(false, "monitored_erl");
        Ref byPid = Jarl.monitor(monitoredErl);
        RemoteName name = new RemoteName("monitored_erl", erl.name);
        Ref byName = Jarl.monitor(name);
        RemotePid plainJarlsErl = erl.agent(false);
        Pid plainJarl = Jarl.spawn(() -> {
            Jarl.link(plainJarlsErl);
            Jarl.send(plainJarlsErl, a("linked"));
            ProcessTesting.blockForever();
        });
        jarlProcesses.add(plainJarl);
        Ref plainJarlRef = Jarl.monitor(plainJarl);
        // each erl process has seen a message sent after the signal: the signals arrived
        Jarl.send(linkedErl, a("sync"));
        Jarl.send(monitoredErl, a("sync"));
        assertThat(erl.next(linkedErl)).isEqualTo(a("sync"));
        assertThat(erl.next(monitoredErl)).isEqualTo(a("sync"));
        assertThat(erl.next(plainJarlsErl)).isEqualTo(a("linked"));

        // erl -> Jarl: a trapping erl process linked, one monitoring by pid and name, a plain linked one
        Pid linkedJarl = blocking(SpawnOptions.defaults().trapExit()); // it stays, and forgets the link
        RemotePid trappingErl = erl.agent(true);
        erl.run(trappingErl, "link(" + erl.lit(linkedJarl) + ")");
        Pid monitoredJarl = blocking(SpawnOptions.defaults().register("monitored_jarl"));
        RemotePid watchingErl = erl.agent(false);
        Object erlByPid = erl.run(watchingErl, "monitor(process, " + erl.lit(monitoredJarl) + ")");
        Object erlByName = erl.run(watchingErl, "monitor(process, {monitored_jarl, " + Cluster.atom(node.name()) + "})");
        Pid plainLinkedJarl = blocking(SpawnOptions.defaults());
        Ref plainLinkedJarlRef = Jarl.monitor(plainLinkedJarl);
        RemotePid plainErl = erl.agent(false);
        erl.run(plainErl, "link(" + erl.lit(plainLinkedJarl) + ")");
        eventually("erl's links and monitors reached the Jarl processes", () ->
                info(linkedJarl).links().contains(trappingErl) && info(plainLinkedJarl).links().contains(plainErl)
                        && info(monitoredJarl).monitoredBy().contains(watchingErl));
        return new Wired(linkedErl, byPid, monitoredErl, byName, name, plainJarl, plainJarlRef, plainJarlsErl,
                linkedJarl, trappingErl, monitoredJarl, watchingErl, erlByPid, erlByName, plainLinkedJarl,
                plainLinkedJarlRef, plainErl);
    }

    private static ProcessInfo info(Pid pid) {
        return Jarl.info(pid).orElseThrow(() -> new AssertionError(pid + " is dead"));
    }

    /** The Jarl side: links broke, monitors fired, all with noconnection; nothing links there any more. */
    private void assertJarlSideBroken(Wired w) {
        assertThat(awaitExit(w.linkedErl()).reason()).isEqualTo(ExitReason.noconnection());
        assertThat(awaitDown(w.byPid())).isEqualTo(new Down(w.byPid(), w.monitoredErl(), ExitReason.noconnection()));
        assertThat(awaitDown(w.byName())).isEqualTo(new Down(w.byName(), w.name(), ExitReason.noconnection()));
        assertThat(awaitDown(w.plainJarlRef()).reason()).isEqualTo(ExitReason.noconnection());
        // the non-trapping process erl linked to got noconnection, an abnormal reason: it died
        assertThat(awaitDown(w.plainLinkedJarlRef()).reason()).isEqualTo(ExitReason.noconnection());
        // the processes erl linked to (trapping) and monitored are alive and no longer know of erl
        assertThat(info(w.linkedJarl()).links()).isEmpty();
        assertThat(info(w.monitoredJarl()).monitoredBy()).isEmpty();
        assertThat(info(Jarl.self()).links()).isEmpty();
    }

    /** The erl side: the same, as erl reports it. */
    private void assertErlSideBroken(Wired w) {
        assertThat(erl.next(w.trappingErl())).isEqualTo(erl.exit(w.linkedJarl(), "noconnection"));
        Set<Object> downs = new HashSet<>(List.of(erl.next(w.watchingErl()), erl.next(w.watchingErl())));
        assertThat(downs).containsExactlyInAnyOrder(
                Tuple.of(a("DOWN"), w.erlByPid(), a("process"), erl.pid(w.monitoredJarl()), a("noconnection")),
                Tuple.of(a("DOWN"), w.erlByName(), a("process"), Tuple.of(a("monitored_jarl"), a(node.name())),
                        a("noconnection")));
        assertThat(erl.down(w.plainErl())).isEqualTo(a("noconnection"));
        // the erl processes Jarl linked to do not trap exits: noconnection killed them
        assertThat(erl.down(w.linkedErl())).isEqualTo(a("noconnection"));
        assertThat(erl.down(w.plainJarlsErl())).isEqualTo(a("noconnection"));
        // the one Jarl monitored is alive and no longer monitored
        assertThat(erl.term("element(2, process_info(" + erl.lit(w.monitoredErl()) + ", monitored_by)) -- [whereis(shell)]"))
                .isEqualTo(ErlList.NIL);
    }

    /** After the loss, the next send connects again, in either direction. */
    private void assertReconnects() {
        Jarl.register("probe", Jarl.self());
        try {
            Jarl.send(new RemoteName("shell", erl.name), a("hello_from_jarl"));
            assertThat(erl.eval("receive hello_from_jarl -> ok after 5000 -> timeout end")).isEqualTo("ok");
            assertThat(node.nodes()).contains(erl.name);
            assertThat(erl.eval("{probe, " + Cluster.atom(node.name()) + "} ! hello_from_erl")).isEqualTo(
                    "hello_from_erl");
            awaitMessage(a("hello_from_erl"));
        } finally {
            Jarl.unregister("probe");
        }
    }

    // ---------------------------------------------------------------------------------------------

    /** erlang:disconnect_node(JarlNode) on erl: everything across breaks on both sides; a send reconnects. */
    @Test
    void erlDisconnectsTheJarlNode() throws Exception {
        Jarl.run(() -> {
            Wired w = wire();
            node.monitorNodes(true);
            node.monitorNode(erl.name, true);
            assertThat(erl.eval("erlang:disconnect_node(" + Cluster.atom(node.name()) + ")")).isEqualTo("true");
            assertJarlSideBroken(w);
            assertErlSideBroken(w);
            assertThat(awaitNodeDown().node()).isEqualTo(erl.name);
            assertThat(awaitNodeDown().node()).isEqualTo(erl.name);
            assertThat(node.nodes()).doesNotContain(erl.name);
            assertReconnects();
            assertThat(ProcessTesting.await(NodeUp.class)).isEqualTo(new NodeUp(erl.name));
            node.monitorNodes(false);
            Jarl.trapExit(false);
            return null;
        });
    }

    /** Node.disconnect(erlNode) on Jarl: the same, both sides. */
    @Test
    void jarlDisconnectsTheErlNode() throws Exception {
        Jarl.run(() -> {
            Wired w = wire();
            erl.eval("net_kernel:monitor_nodes(true)");
            node.monitorNode(erl.name, true);
            assertThat(node.disconnect(erl.name)).isTrue();
            assertThat(node.disconnect(erl.name)).as("a second time: not connected").isFalse();
            assertJarlSideBroken(w);
            assertErlSideBroken(w);
            assertThat(awaitNodeDown()).isEqualTo(new NodeDown(erl.name, "disconnect"));
            assertThat(erl.eval("receive {nodedown, N} -> N after 5000 -> timeout end").replace("'", ""))
                    .isEqualTo(node.name());
            assertReconnects();
            assertThat(erl.eval("receive {nodeup, N} -> N after 5000 -> timeout end").replace("'", ""))
                    .isEqualTo(node.name());
            Jarl.trapExit(false);
            return null;
        });
    }

    /**
     * A connection dropped and made again at once, 20 times each way: erl disconnects and sends in
     * one go (its new handshake may reach the Jarl node before the Jarl node has seen the old
     * connection close: the "alive" case of the handshake), and Jarl does the same. Every message
     * arrives, on a working connection.
     */
    @Test
    void aConnectionDroppedAndMadeAgainAtOnce() throws Exception {
        Jarl.run(() -> {
            Jarl.register("probe", Jarl.self());
            try {
                String j = Cluster.atom(node.name());
                for (long i = 0; i < 20; i++) {
                    erl.eval("begin erlang:disconnect_node(" + j + "), {probe, " + j + "} ! {hello, " + i + "} end");
                    awaitMessage(Tuple.of(a("hello"), i));
                }
                for (long i = 0; i < 20; i++) {
                    node.disconnect(erl.name);
                    Jarl.send(new RemoteName("shell", erl.name), Tuple.of(a("hello"), i));
                    assertThat(erl.eval("receive {hello, N} -> N after 5000 -> timeout end")).isEqualTo(Long.toString(i));
                }
                assertThat(node.ping(erl.name)).isTrue();
                assertThat(erl.eval("net_adm:ping(" + j + ")")).isEqualTo("pong");
            } finally {
                Jarl.unregister("probe");
            }
            return null;
        });
    }

    /** erl halts: the Jarl side breaks everything with noconnection; the node can no longer be reached. */
    @Test
    void erlHalts() throws Exception {
        Jarl.run(() -> {
            Wired w = wire();
            node.monitorNode(erl.name, true);
            erlNode.close(); // the eval loop halts at the end of its input
            assertJarlSideBroken(w);
            assertThat(awaitNodeDown().node()).isEqualTo(erl.name);

            // a node that is not there: links and monitors to it fail with noconnection at once
            Jarl.link(w.linkedErl());
            assertThat(awaitExit(w.linkedErl()).reason()).isEqualTo(ExitReason.noconnection());
            Ref ref = Jarl.monitor(w.name());
            assertThat(awaitDown(ref)).isEqualTo(new Down(ref, w.name(), ExitReason.noconnection()));
            node.monitorNode(erl.name, true);
            assertThat(awaitNodeDown().node()).isEqualTo(erl.name);
            assertThat(node.ping(erl.name)).isFalse();
            Jarl.trapExit(false);
            return null;
        });
    }

    /**
     * The Jarl node closes: erl sees everything break; Jarl processes linked across get noconnection.
     * Afterwards signals to other nodes behave as on a BEAM node that is no longer alive (after
     * net_kernel:stop/0): a send or exit/2 is dropped, a link gets noconnection, a monitor a Down
     * noconnection; nothing throws, not even for a process that reacts to the loss at once.
     */
    @Test
    void theJarlNodeCloses() throws Exception {
        Jarl.run(() -> {
            Wired w = wire();
            erl.eval("net_kernel:monitor_nodes(true)");
            String name = node.name();
            // a process that answers the loss of its link at once by sending, linking and monitoring again
            RemotePid target = w.monitoredErl();
            Pid me = Jarl.self();
            RemotePid reactsTo = erl.agent(false);
            Pid reacting = Jarl.spawn(SpawnOptions.defaults().trapExit(), () -> {
                Jarl.link(reactsTo);
                Jarl.send(me, a("linked"));
                Jarl.receive(io.jarl.Exit.class);
                Jarl.send(target, a("dropped"));
                Jarl.exit(target, ExitReason.kill());
                Jarl.link(target);
                Ref ref = Jarl.monitor(target);
                Jarl.send(me, List.of(Jarl.receive(io.jarl.Exit.class).reason(),
                        Jarl.receive(Down.class).reason()));
            });
            awaitMessage(a("linked"));
            Jarl.send(reactsTo, a("sync"));
            assertThat(erl.next(reactsTo)).isEqualTo(a("sync"));
            Ref reactingRef = Jarl.monitor(reacting);

            cluster.stopJarl();
            assertJarlSideBroken(w);
            assertErlSideBroken(w);
            assertThat(erl.eval("receive {nodedown, N} -> N after 5000 -> timeout end").replace("'", ""))
                    .isEqualTo(name);
            assertThat(ProcessTesting.await(List.class)).isEqualTo(List.of(ExitReason.noconnection(),
                    ExitReason.noconnection()));
            assertThat(awaitDown(reactingRef).reason()).isEqualTo(ExitReason.normal());

            Jarl.send(target, a("dropped"));
            Jarl.send(w.name(), a("dropped"));
            Jarl.exit(target, ExitReason.kill());
            Jarl.link(target);
            assertThat(awaitExit(target).reason()).isEqualTo(ExitReason.noconnection());
            Ref byPid = Jarl.monitor(target);
            assertThat(awaitDown(byPid).reason()).isEqualTo(ExitReason.noconnection());
            Ref byName = Jarl.monitor(w.name());
            assertThat(awaitDown(byName)).isEqualTo(new Down(byName, w.name(), ExitReason.noconnection()));
            assertThat(target.isAlive()).as("not connected").isFalse();
            assertThat(erl.alive(target)).as("the exit signals were dropped").isTrue();
            assertThat(erl.eval("process_info(" + erl.lit(target) + ", message_queue_len)"))
                    .isEqualTo("{message_queue_len,0}");
            Jarl.trapExit(false);
            return null;
        });
    }

    /**
     * OTP distribution_SUITE:link_to_dead_new_node, Jarl restarted: erl's pids of the old Jarl node
     * are dead: a send to one is dropped, a link gets noproc, a monitor noproc.
     */
    @Test
    void pidsOfAnEarlierJarlNodeAreDead() throws Exception {
        Jarl.run(() -> {
            Pid old = Jarl.self();
            assertThat(node.ping(erl.name)).isTrue();
            String alive = node.name().substring(0, node.name().indexOf('@'));
            int creation = node.creation();
            cluster.stopJarl();
            node = cluster.jarlNamed(alive, o -> o);
            erl = new Shell(erlNode, node);
            assertThat(node.creation()).isNotEqualTo(creation);
            Jarl.register("probe", Jarl.self());
            try {
                // erl still holds the old pid (written with the old creation)
                String oldLit = oldPidLiteral(old, creation);
                RemotePid trapping = erl.agent(true);
                erl.run(trapping, oldLit + " ! dropped, {probe, " + Cluster.atom(node.name()) + "} ! marker");
                awaitMessage(a("marker"));
                assertThat(pollMatching(m -> a("dropped").equals(m))).isFalse();

                assertThat(erl.run(trapping, "link(" + oldLit + ")")).isEqualTo(a("true"));
                assertThat(erl.next(trapping)).isInstanceOfSatisfying(Tuple.class, t -> {
                    assertThat(t.get(0)).isEqualTo(a("EXIT"));
                    assertThat(t.get(2)).isEqualTo(a("noproc"));
                });
                assertThat(erl.term("element(2, process_info(" + erl.lit(trapping) + ", links))")).isEqualTo(ErlList.NIL);
                Object ref = erl.run(trapping, "monitor(process, " + oldLit + ")");
                assertThat(erl.next(trapping)).isInstanceOfSatisfying(Tuple.class, t -> {
                    assertThat(t.get(1)).isEqualTo(ref);
                    assertThat(t.get(4)).isEqualTo(a("noproc"));
                });
            } finally {
                Jarl.unregister("probe");
            }
            return null;
        });
    }

    /** {@code old} as erl knows it from the earlier incarnation (its creation then). */
    private String oldPidLiteral(Pid old, int oldCreation) {
        io.jarl.dist.term.ErlPid now = erl.pid(old);
        io.jarl.dist.term.ErlPid then = new io.jarl.dist.term.ErlPid(now.node(), now.id(), now.serial(),
                Integer.toUnsignedLong(oldCreation));
        return Cluster.lit(node, then);
    }

    /**
     * OTP distribution_SUITE:link_to_dead_new_node, erl restarted: Jarl's pids of the old erl node
     * are dead: a send is dropped (not delivered to the new process with the same number), a link
     * gets noproc (and no link stays), a monitor noproc.
     */
    @Test
    void pidsOfAnEarlierErlNodeAreDead() throws Exception {
        Jarl.run(() -> {
            Pid oldShell = (Pid) erl.value("self()");
            RemotePid oldAgent = erl.agent(false);
            String sname = erl.name.substring(0, erl.name.indexOf('@'));
            erlNode.close();
            eventually("the connection to the old erl is gone", () -> !node.nodes().contains(erl.name));
            erlNode = cluster.erlNamed(sname);
            erl = new Shell(erlNode, node);
            Pid newShell = (Pid) erl.value("self()");
            assertThat(newShell).isNotEqualTo(oldShell);

            Jarl.send(oldShell, a("dropped"));
            Jarl.send(new RemoteName("shell", erl.name), a("marker"));
            assertThat(erl.eval("receive M -> M after 5000 -> timeout end")).isEqualTo("marker");

            Jarl.trapExit(true);
            Jarl.link(oldAgent);
            assertThat(awaitExit(oldAgent).reason()).isEqualTo(ExitReason.noproc());
            assertThat(info(Jarl.self()).links()).isEmpty();
            Ref ref = Jarl.monitor(oldAgent);
            assertThat(awaitDown(ref)).isEqualTo(new Down(ref, oldAgent, ExitReason.noproc()));
            Jarl.exit(oldAgent, ExitReason.kill()); // dropped: nothing there to kill
            assertThat(node.ping(erl.name)).as("the connection is still fine").isTrue();
            Jarl.trapExit(false);
            return null;
        });
    }

    private static NodeDown awaitNodeDown() {
        return Jarl.receive(NodeDown.class, Duration.ofSeconds(10))
                .orElseThrow(() -> new AssertionError("no NodeDown within 10 s"));
    }
}
