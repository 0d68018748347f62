package io.jarl;

import static io.jarl.Jarl.*;
import static io.jarl.testing.ProcessTesting.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jarl.internal.Core;
import io.jarl.internal.Distribution;
import io.jarl.internal.Gen;
import io.jarl.testing.NoLeakedProcesses;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The runtime's side of distribution, driven through {@link Core} with a recording
 * {@link Distribution} in place of a network: what goes out for remote pids, and what arriving
 * signals do to local processes.
 */
@ExtendWith(NoLeakedProcesses.class)
class DistributionHooksTest {
    static final String PEER = "peer@host";

    /** A distribution that records what the runtime asks of it. */
    static final class Recorder implements Distribution {
        final LinkedBlockingQueue<List<Object>> out = new LinkedBlockingQueue<>();
        volatile boolean connected = true;

        @Override
        public String nodeName() {
            return "me@host";
        }

        @Override
        public int creation() {
            return 7;
        }

        @Override
        public boolean isConnected(String node) {
            return connected && node.equals(PEER);
        }

        @Override
        public void send(Pid from, RemotePid to, Object message) {
            out.add(List.of("send", from, to, message));
        }

        @Override
        public void send(Pid from, RemoteName to, Object message) {
            out.add(List.of("reg_send", from, to, message));
        }

        @Override
        public void sendAlias(Pid from, Ref alias, Object message) {
            out.add(List.of("alias_send", from, alias, message));
        }

        @Override
        public boolean link(Pid from, RemotePid to) {
            out.add(List.of("link", from, to));
            return connected;
        }

        @Override
        public void unlink(Pid from, RemotePid to) {
            out.add(List.of("unlink", from, to));
        }

        @Override
        public void linkExit(Pid from, RemotePid to, ExitReason reason) {
            out.add(List.of("exit", from, to, reason));
        }

        @Override
        public void exit(Pid from, RemotePid to, ExitReason reason) {
            out.add(List.of("exit2", from, to, reason));
        }

        @Override
        public boolean monitor(Pid watcher, Ref ref, Object target) {
            out.add(List.of("monitor", watcher, ref, target));
            return connected;
        }

        @Override
        public void demonitor(Pid watcher, Ref ref, Object target) {
            out.add(List.of("demonitor", watcher, ref, target));
        }

        @Override
        public void monitorExit(Pid dead, Pid watcher, Ref ref, Object object, ExitReason reason) {
            out.add(List.of("monitor_exit", dead, watcher, ref, object, reason));
        }

        List<Object> next() throws InterruptedException {
            List<Object> signal = out.poll(5, TimeUnit.SECONDS);
            assertThat(signal).as("a signal to the other node").isNotNull();
            return signal;
        }
    }

    final Core core = Core.get();
    final Recorder dist = new Recorder();
    RemotePid remote;

    @BeforeEach
    void distribute() {
        core.install(dist);
        remote = core.remotePid(PEER, 85, 0, 3);
    }

    @AfterEach
    void undistribute() {
        core.uninstall(dist);
    }

    @Test
    void nodeNameComesFromTheDistribution() {
        assertThat(node()).isEqualTo("me@host");
        assertThat(remote.node()).isEqualTo(PEER);
        assertThat(remote).hasToString("<peer@host.85.0>");
        assertThat(remote.isLocal()).isFalse();
        assertThat(remote.isAlive()).isTrue();
        dist.connected = false;
        assertThat(remote.isAlive()).isFalse();
    }

    @Test
    void remotePidsAreValues() {
        assertThat(core.remotePid(PEER, 85, 0, 3)).isEqualTo(remote).hasSameHashCodeAs(remote);
        assertThat(core.remotePid(PEER, 85, 0, 4)).as("another incarnation of the node").isNotEqualTo(remote);
        assertThat(core.remotePid("other@host", 85, 0, 3)).isNotEqualTo(remote);
    }

    @Test
    void aLocalPidGoesOverTheWireAndComesBackAsTheSameProcess() throws Exception {
        run(() -> {
            Pid me = self();
            Pid back = core.localPid(core.localNumber(me), core.localSerial(me));
            assertThat(back).isSameAs(me);
            send(back, "hello");
            assertThat(receive(Duration.ofSeconds(5))).contains("hello");
            return null;
        });
    }

    @Test
    void aDeadLocalPidFromTheWireIsDead() throws Exception {
        Pid dead = spawn(() -> {});
        awaitDeath(dead);
        Pid back = core.localPid(core.localNumber(dead), core.localSerial(dead));
        assertThat(back).isEqualTo(dead);
        assertThat(back.isAlive()).isFalse();
        send(back, "dropped"); // never fails
        run(() -> {
            Ref ref = monitor(back);
            assertThat(awaitDown(ref).reason()).isEqualTo(ExitReason.noproc());
            return null;
        });
    }

    @Test
    void sendsToRemotePidsNamesAndAliasesGoToTheDistribution() throws Exception {
        run(() -> {
            send(remote, "m1");
            send(new RemoteName("echo", PEER), "m2");
            Ref alias = core.remoteRef(PEER, 3, new int[] {1, 2, 3}, true);
            send(alias, "m3");
            assertThat(dist.next()).containsExactly("send", self(), remote, "m1");
            assertThat(dist.next()).containsExactly("reg_send", self(), new RemoteName("echo", PEER), "m2");
            assertThat(dist.next()).containsExactly("alias_send", self(), alias, "m3");
            return null;
        });
    }

    @Test
    void aRemoteNameOnThisNodeIsTheLocalName() throws Exception {
        run(() -> {
            register("hooks-test", self());
            send(new RemoteName("hooks-test", "me@host"), "local");
            assertThat(receive(Duration.ofSeconds(5))).contains("local");
            unregister("hooks-test");
            return null;
        });
    }

    @Test
    void anAliasGoesOutWithItsOwnerAndComesBackToIt() throws Exception {
        run(() -> {
            Ref alias = alias();
            int[] words = core.localRefWords(alias);
            assertThat(words).hasSize(5);
            Ref back = core.localRef(words);
            assertThat(back).isEqualTo(alias).hasSameHashCodeAs(alias);
            core.deliverToAlias(back, "via alias");
            assertThat(receive(Duration.ofSeconds(5))).contains("via alias");
            unalias(alias);
            core.deliverToAlias(core.localRef(words), "after unalias");
            assertThat(receive(Duration.ZERO)).isEmpty();
            Ref plain = makeRef();
            assertThat(core.localRefWords(plain)).hasSize(3);
            assertThat(core.localRef(core.localRefWords(plain))).isEqualTo(plain);
            return null;
        });
    }

    @Test
    void aRemoteExitThroughALinkKillsTheLocalProcess() throws Exception {
        Pid p = spawn(() -> receive());
        run(() -> {
            assertThat(core.linked(remote, p)).isTrue();
            Ref ref = monitor(p);
            core.exitSignal(remote, p, ExitReason.of("remote crash"), true);
            assertThat(awaitDown(ref).reason()).isEqualTo(ExitReason.of("remote crash"));
            return null;
        });
    }

    @Test
    void aLocalDeathTellsRemoteLinksAndWatchers() throws Exception {
        Pid p = spawn(() -> {
            link(remote);
            receive(String.class);
            throw exit(ExitReason.of("bye"));
        });
        assertThat(dist.next()).containsExactly("link", p, remote);
        Ref ref = core.remoteRef(PEER, 3, new int[] {9, 9, 9}, true);
        assertThat(core.monitored(remote, ref, p, p)).isTrue();
        send(p, "go");
        List<List<Object>> signals = List.of(dist.next(), dist.next());
        assertThat(signals).containsExactlyInAnyOrder(List.of("exit", p, remote, ExitReason.of("bye")),
                List.of("monitor_exit", p, remote, ref, p, ExitReason.of("bye")));
    }

    @Test
    void unlinkAndDemonitorGoToTheDistribution() throws Exception {
        run(() -> {
            link(remote);
            unlink(remote);
            Ref ref = monitor(remote);
            assertThat(demonitor(ref)).isTrue();
            assertThat(dist.next()).containsExactly("link", self(), remote);
            assertThat(dist.next()).containsExactly("unlink", self(), remote);
            assertThat(dist.next()).containsExactly("monitor", self(), ref, remote);
            assertThat(dist.next()).containsExactly("demonitor", self(), ref, remote);
            return null;
        });
    }

    @Test
    void aRemoteDownReachesTheWatcherOnce() throws Exception {
        run(() -> {
            Ref ref = monitor(remote);
            dist.next();
            core.down(self(), ref, remote, ExitReason.of("gone"));
            core.down(self(), ref, remote, ExitReason.of("twice"));
            Down down = awaitDown(ref);
            assertThat(down.object()).isEqualTo(remote);
            assertThat(down.reason()).isEqualTo(ExitReason.of("gone"));
            assertThat(receive(Duration.ZERO)).isEmpty();
            return null;
        });
    }

    @Test
    void withoutAConnectionLinkAndMonitorFailWithNoconnection() throws Exception {
        dist.connected = false;
        run(() -> {
            trapExit(true);
            link(remote);
            assertThat(awaitExit(remote).reason()).isEqualTo(ExitReason.noconnection());
            Ref ref = monitor(new RemoteName("echo", PEER));
            Down down = awaitDown(ref);
            assertThat(down.object()).isEqualTo(new RemoteName("echo", PEER));
            assertThat(down.reason()).isEqualTo(ExitReason.noconnection());
            trapExit(false);
            return null;
        });
    }

    @Test
    void nodeDownBreaksLinksFiresMonitorsAndForgetsRemoteWatchers() throws Exception {
        Pid linked = spawn(() -> {
            link(remote);
            receive();
        });
        assertThat(dist.next()).containsExactly("link", linked, remote);
        Pid watched = spawn(() -> receive());
        Ref remoteWatch = core.remoteRef(PEER, 3, new int[] {4, 5, 6}, true);
        assertThat(core.monitored(remote, remoteWatch, watched, watched)).isTrue();
        run(() -> {
            Ref onLinked = monitor(linked);
            Ref onRemote = monitor(remote);
            dist.next();
            core.nodeDown(PEER);
            assertThat(awaitDown(onLinked).reason()).isEqualTo(ExitReason.noconnection());
            assertThat(awaitDown(onRemote).reason()).isEqualTo(ExitReason.noconnection());
            assertThat(info(watched).orElseThrow().monitoredBy()).isEmpty();
            exit(watched, ExitReason.kill());
            return null;
        });
        awaitDeath(watched);
        assertThat(dist.out.poll(100, TimeUnit.MILLISECONDS)).as("no MONITOR_P_EXIT after nodedown").isNull();
    }

    @Test
    void genCallToARemoteNameMonitorsAndSendsToIt() throws Exception {
        run(() -> {
            RemoteName server = new RemoteName("counter", PEER);
            Pid caller = self();
            // Answer the call as the remote node would: through the caller's alias.
            Thread answerer = Thread.ofVirtual().start(() -> {
                try {
                    List<Object> mon = dist.next();
                    assertThat(mon.get(0)).isEqualTo("monitor");
                    List<Object> call = dist.next();
                    assertThat(call.subList(0, 3)).containsExactly("reg_send", caller, server);
                    Gen.Call c = (Gen.Call) call.get(3);
                    core.deliverToAlias(core.localRef(core.localRefWords(c.from().tag())), new Gen.Reply(c.from().tag(), 42));
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            assertThat(Gen.call("GenServer.call", server, "get", Duration.ofSeconds(5))).isEqualTo(42);
            answerer.join();
            assertThat(dist.next().get(0)).isEqualTo("demonitor");
            return null;
        });
    }

    @Test
    void infoAndRegisterRefuseRemotePids() {
        assertThatThrownBy(() -> info(remote)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> register("x", remote)).isInstanceOf(IllegalArgumentException.class);
    }

    private static void awaitDeath(Pid pid) throws Exception {
        run(() -> {
            awaitDown(monitor(pid));
            return null;
        });
    }
}
