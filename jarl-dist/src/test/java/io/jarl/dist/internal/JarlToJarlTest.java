package io.jarl.dist.internal;

import static io.jarl.testing.ProcessTesting.await;
import static io.jarl.testing.ProcessTesting.awaitDown;
import static io.jarl.testing.ProcessTesting.awaitExit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jarl.Down;
import io.jarl.ExitException;
import io.jarl.ExitReason;
import io.jarl.Jarl;
import io.jarl.Pid;
import io.jarl.Ref;
import io.jarl.RemoteName;
import io.jarl.RemotePid;
import io.jarl.dist.Node;
import io.jarl.dist.NodeDown;
import io.jarl.dist.RpcException;
import io.jarl.dist.term.Atom;
import io.jarl.dist.term.Binary;
import io.jarl.dist.term.ErlMap;
import io.jarl.dist.term.Tuple;
import io.jarl.server.GenServer;
import io.jarl.testing.NoLeakedProcesses;
import io.jarl.testing.ProcessTesting;
import java.math.BigInteger;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two Jarl nodes, this JVM and a child JVM ({@link PeerNodeMain}), over the distribution protocol:
 * ping, calls, sends, links, monitors and exits in both directions, rpc, and a disconnect. The child
 * is driven through its {@code ctl} GenServer and reports what its agents see.
 */
@ExtendWith(NoLeakedProcesses.class)
class JarlToJarlTest {
    static Cluster cluster;
    static Node node;
    static JvmNode peer;

    @BeforeAll
    static void startNodes() {
        cluster = Cluster.start("JARLJARL");
        try {
            node = cluster.jarl();
            peer = cluster.own(JvmNode.start(ErlNode.randomName("p"), cluster.cookie, cluster.epmd.port()));
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

    private static Atom a(String name) {
        return Atom.of(name);
    }

    private static Object ctl(Object request) {
        return GenServer.call(new RemoteName("ctl", peer.name), request, Duration.ofSeconds(10));
    }

    /** An agent on the peer that reports to the calling process; {@code trap}: it traps exits. */
    private static RemotePid agent(boolean trap) {
        return (RemotePid) node.mapper().fromTerm(ctl(tuple(a("agent"), Jarl.self(), trap)));
    }

    private static RemotePid agent(boolean trap, String name) {
        return (RemotePid) node.mapper().fromTerm(ctl(tuple(a("agent"), Jarl.self(), trap, a(name))));
    }

    /** The next report of {@code agent}. */
    private static Object report(Pid agent) {
        return Jarl.receive(m -> m instanceof Tuple t && t.arity() == 2 && agent.equals(t.get(0)) ? t.get(1)
                : Jarl.skip(), ProcessTesting.WAIT)
                .orElseThrow(() -> new AssertionError("no report from " + agent + " within " + ProcessTesting.WAIT
                        + "; the peer's output:\n" + peer.output()));
    }

    /** A tuple of Java values, each mapped to its term (Tuple.of takes terms only). */
    private static Tuple tuple(Object... values) {
        Object[] terms = new Object[values.length];
        for (int i = 0; i < values.length; i++) {
            terms[i] = t(values[i]);
        }
        return Tuple.of(terms);
    }

    private static Object t(Object value) {
        return node.mapper().toTerm(value);
    }

    @Test
    void pingBothWays() throws Exception {
        Jarl.run(() -> {
            assertThat(node.ping(peer.name)).isTrue();
            assertThat(node.nodes()).contains(peer.name);
            assertThat(ctl(tuple(a("ping"), a(node.name())))).isEqualTo(true);
            assertThat(ctl(a("nodes"))).isEqualTo(List.of(Binary.of(node.name()))); // strings cross as binaries
            return null;
        });
    }

    @Test
    void callsAndSends() throws Exception {
        Jarl.run(() -> {
            Object request = tuple(a("hello"), List.of(1L, 2L, BigInteger.TWO.pow(100)), Binary.of("bin"),
                    ErlMap.of(a("k"), 1.5), Jarl.self());
            assertThat(t(GenServer.call(new RemoteName("echo", peer.name), request))).isEqualTo(t(request));
            assertThatThrownBy(() -> GenServer.call(new RemoteName("nobody", peer.name), a("x"), Duration.ofSeconds(5)))
                    .isInstanceOfSatisfying(ExitException.class, e -> assertThat(e.reason()).isEqualTo(
                            ExitReason.callFailed(ExitReason.noproc(), "GenServer.call",
                                    List.of(new RemoteName("nobody", peer.name), a("x"), Duration.ofSeconds(5)))));
            Jarl.send(new RemoteName("echo", peer.name), tuple(Jarl.self(), a("ping")));
            assertThat(await(Tuple.class)).isEqualTo(tuple(a("echo"), a("ping")));
            // a call by pid: the pid came from the other node
            Pid echo = (Pid) node.mapper().fromTerm(node.rpc(peer.name, "erlang", "whereis", List.of(a("echo")),
                    Duration.ofSeconds(5)));
            assertThat(echo).isInstanceOf(RemotePid.class);
            assertThat(GenServer.call(echo, a("by_pid"))).isEqualTo(a("by_pid"));
            return null;
        });
    }

    @Test
    void linksBothWays() throws Exception {
        Jarl.run(() -> {
            // we link to a peer process that exits
            RemotePid agent = agent(false);
            Jarl.trapExit(true);
            Jarl.link(agent);
            Jarl.send(agent, tuple(a("exit_with"), a("bye")));
            assertThat(awaitExit(agent).reason()).isEqualTo(ExitReason.of("bye"));

            // a peer process links to one of ours, which dies
            RemotePid trapping = agent(true);
            Pid victim = Jarl.spawn(ProcessTesting::blockForever);
            Jarl.send(trapping, tuple(a("link"), victim));
            assertThat(report(trapping)).isEqualTo(a("linked"));
            Jarl.exit(victim, ExitReason.of("gone"));
            assertThat(report(trapping)).isEqualTo(tuple(a("EXIT"), t(victim), a("gone")));

            // a non-trapping peer process linked to one of ours dies with it
            RemotePid plain = agent(false);
            Ref ref = Jarl.monitor(plain);
            Pid victim2 = Jarl.spawn(ProcessTesting::blockForever);
            Jarl.send(plain, tuple(a("link"), victim2));
            assertThat(report(plain)).isEqualTo(a("linked"));
            Jarl.exit(victim2, ExitReason.of("gone2"));
            assertThat(awaitDown(ref).reason()).isEqualTo(ExitReason.of("gone2"));

            // unlink: the later death is not seen
            RemotePid other = agent(false);
            Jarl.link(other);
            Jarl.unlink(other);
            Ref marker = Jarl.monitor(other);
            Jarl.send(other, tuple(a("exit_with"), a("late")));
            assertThat(awaitDown(marker).reason()).isEqualTo(ExitReason.of("late"));
            assertThat(ProcessTesting.pollMatching(m -> m instanceof io.jarl.Exit)).isFalse();
            Jarl.trapExit(false);
            return null;
        });
    }

    @Test
    void monitorsBothWays() throws Exception {
        Jarl.run(() -> {
            RemotePid agent = agent(false, "peer_agent");
            Ref byPid = Jarl.monitor(agent);
            RemoteName name = new RemoteName("peer_agent", peer.name);
            Ref byName = Jarl.monitor(name);
            Jarl.send(agent, tuple(a("exit_with"), a("done")));
            assertThat(awaitDown(byPid)).isEqualTo(new Down(byPid, agent, ExitReason.of("done")));
            assertThat(awaitDown(byName)).isEqualTo(new Down(byName, name, ExitReason.of("done")));
            Ref none = Jarl.monitor(name);
            assertThat(awaitDown(none).reason()).isEqualTo(ExitReason.noproc());

            // a peer process monitors ours, by pid and by name
            RemotePid watcher = agent(false);
            Pid watched = Jarl.spawn(io.jarl.SpawnOptions.defaults().register("watched_here"),
                    ProcessTesting::blockForever);
            Jarl.send(watcher, tuple(a("monitor"), watched));
            Object ref1 = ((Tuple) report(watcher)).get(1);
            Jarl.send(watcher, tuple(a("monitor"), tuple(a("watched_here"), a(node.name()))));
            Object ref2 = ((Tuple) report(watcher)).get(1);
            Jarl.exit(watched, ExitReason.of("stopped"));
            List<Object> downs = List.of(report(watcher), report(watcher));
            assertThat(downs).containsExactlyInAnyOrder(
                    tuple(a("DOWN"), ref1, t(watched), a("stopped")),
                    tuple(a("DOWN"), ref2, tuple(a("watched_here"), a(node.name())), a("stopped")));
            // demonitor: no Down after
            RemotePid again = agent(false);
            Ref gone = Jarl.monitor(again);
            assertThat(Jarl.demonitor(gone)).isTrue();
            Ref last = Jarl.monitor(again);
            Jarl.send(again, tuple(a("exit_with"), a("x")));
            assertThat(awaitDown(last).reason()).isEqualTo(ExitReason.of("x"));
            assertThat(ProcessTesting.pollDown(gone)).isFalse();
            Jarl.exit(watcher, ExitReason.kill());
            return null;
        });
    }

    @Test
    void exitSignalsBothWays() throws Exception {
        Jarl.run(() -> {
            RemotePid trapping = agent(true);
            Jarl.exit(trapping, ExitReason.of("please"));
            assertThat(report(trapping)).isEqualTo(tuple(a("EXIT"), t(Jarl.self()), a("please")));
            Ref ref = Jarl.monitor(trapping);
            Jarl.exit(trapping, ExitReason.kill());
            assertThat(awaitDown(ref).reason()).isEqualTo(ExitReason.killed());

            // the peer sends exit signals to our processes
            RemotePid sender = agent(false);
            Jarl.trapExit(true);
            Jarl.send(sender, tuple(a("exit"), Jarl.self(), a("from_peer")));
            assertThat(awaitExit(sender).reason()).isEqualTo(ExitReason.of("from_peer"));
            Jarl.trapExit(false);
            io.jarl.Spawned plain = Jarl.spawnMonitor(ProcessTesting::blockForever);
            Jarl.send(sender, tuple(a("exit"), plain.pid(), a("normal")));
            Jarl.send(sender, tuple(a("exit"), plain.pid(), a("kill")));
            assertThat(awaitDown(plain.monitor()).reason()).isEqualTo(ExitReason.killed());
            Jarl.exit(sender, ExitReason.kill());
            return null;
        });
    }

    @Test
    void rpcBothWays() throws Exception {
        Jarl.run(() -> {
            assertThat(node.rpc(peer.name, "jarl_peer", "add", List.of(40, 2), Duration.ofSeconds(5))).isEqualTo(42L);
            assertThat(node.rpc(peer.name, "erlang", "node", List.of(), Duration.ofSeconds(5))).isEqualTo(a(peer.name));
            assertThatThrownBy(() -> node.rpc(peer.name, "os", "cmd", List.of("ls"), Duration.ofSeconds(5)))
                    .isInstanceOf(RpcException.class).hasMessageContaining("undef");
            assertThatThrownBy(() -> node.rpc(peer.name, "jarl_peer", "fail", List.of(), Duration.ofSeconds(5)))
                    .isInstanceOf(RpcException.class).hasMessageContaining("asked to fail");
            assertThat(ctl(tuple(a("rpc"), a(node.name()), a("erlang"), a("node"), List.of())))
                    .isEqualTo(a(node.name()));
            return null;
        });
    }

    /**
     * Both nodes dial each other at the same moment, 10 times (erl_dist_protocol: the node with the
     * greater name keeps its own attempt, the other accepts; net_kernel's simultaneous connect): one
     * connection results each time and both messages arrive.
     */
    @Test
    void simultaneousConnects() throws Exception {
        Jarl.run(() -> {
            Jarl.register("probe", Jarl.self());
            try {
                for (long i = 0; i < 10; i++) {
                    assertThat(node.ping(peer.name)).isTrue();
                    node.monitorNode(peer.name, true);
                    int mark = peer.mark();
                    peer.command("disconnect " + node.name());
                    assertThat(peer.awaitLine(l -> l.startsWith("disconnected"), mark)).isEqualTo("disconnected true");
                    assertThat(await(NodeDown.class).node()).isEqualTo(peer.name);
                    // both at once: the peer from its input thread, we from here
                    peer.command("send " + node.name() + " probe from_peer_" + i);
                    Jarl.send(new RemoteName("echo", peer.name), tuple(Jarl.self(), i));
                    long round = i;
                    Jarl.receive(m -> a("from_peer_" + round).equals(m) ? m : Jarl.skip(), ProcessTesting.WAIT)
                            .orElseThrow(() -> new AssertionError("round " + round + ": nothing from the peer; its output:\n"
                                    + peer.output()));
                    ProcessTesting.awaitMessage(tuple(a("echo"), i));
                    assertThat(node.nodes()).containsOnlyOnce(peer.name);
                }
            } finally {
                Jarl.unregister("probe");
            }
            return null;
        });
    }

    @Test
    void disconnectBreaksLinksAndMonitorsOnBothSides() throws Exception {
        Jarl.run(() -> {
            RemotePid linked = agent(true);
            RemotePid watcher = agent(false);
            Jarl.trapExit(true);
            Jarl.link(linked);
            Ref ref = Jarl.monitor(watcher);
            Pid ours = Jarl.spawn(io.jarl.SpawnOptions.defaults().trapExit(), ProcessTesting::blockForever);
            Jarl.send(watcher, tuple(a("monitor"), ours));
            Object peerRef = ((Tuple) report(watcher)).get(1);
            Jarl.send(linked, a("sync"));
            assertThat(report(linked)).isEqualTo(tuple(a("msg"), a("sync")));
            node.monitorNode(peer.name, true);

            assertThat(node.disconnect(peer.name)).isTrue();
            assertThat(awaitExit(linked).reason()).isEqualTo(ExitReason.noconnection());
            assertThat(awaitDown(ref).reason()).isEqualTo(ExitReason.noconnection());
            assertThat(await(NodeDown.class)).isEqualTo(new NodeDown(peer.name, "disconnect"));
            // the peer saw the same; its reports reconnect
            assertThat(report(linked)).isEqualTo(tuple(a("EXIT"), t(Jarl.self()), a("noconnection")));
            assertThat(report(watcher)).isEqualTo(tuple(a("DOWN"), peerRef, t(ours), a("noconnection")));
            assertThat(node.nodes()).contains(peer.name);
            assertThat(GenServer.call(new RemoteName("echo", peer.name), a("again"))).isEqualTo(a("again"));
            Jarl.exit(ours, ExitReason.kill());
            Jarl.exit(linked, ExitReason.kill());
            Jarl.exit(watcher, ExitReason.kill());
            Jarl.trapExit(false);
            return null;
        });
    }
}
