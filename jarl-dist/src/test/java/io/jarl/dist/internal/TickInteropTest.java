package io.jarl.dist.internal;

import static io.jarl.testing.ProcessTesting.pollMatching;
import static org.assertj.core.api.Assertions.assertThat;

import io.jarl.Jarl;
import io.jarl.Pid;
import io.jarl.RemoteName;
import io.jarl.dist.Node;
import io.jarl.dist.NodeDown;
import io.jarl.dist.term.Atom;
import io.jarl.dist.term.Tuple;
import io.jarl.testing.LogCapture;
import io.jarl.testing.NoLeakedProcesses;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Ticks (erlang-distribution.md §2.5; OTP erl_distribution_SUITE:tick): with {@code net_ticktime}
 * 4 s on erl and a Jarl tick time of 4 s, a connection lives as long as both ends answer, whether it
 * is idle or carries traffic one way only (a silent Jarl node must tick on its own: erl does not tick
 * while it writes, and drops a peer it reads nothing from); a peer that stops answering (a frozen
 * erl, SIGSTOP) is dropped with {@code net_tick_timeout} within about the tick time.
 */
@ExtendWith(NoLeakedProcesses.class)
class TickInteropTest {
    static final Duration TICK = Duration.ofSeconds(4);
    static final String[] ERL_TICK = {"-kernel", "net_ticktime", "4"};

    static Cluster cluster;
    static Node node;

    @BeforeAll
    static void startNodes() {
        cluster = Cluster.start("TICKS");
        try {
            node = cluster.jarl(o -> o.withTickTime(TICK));
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

    /**
     * Two erl nodes for more than two tick times: one connection idle, the other carrying messages
     * from erl to a Jarl process that never answers. Neither is dropped, on either side.
     */
    @Test
    void idleAndOneWayConnectionsSurviveMoreThanTwoTickTimes() throws Exception {
        Shell idle = new Shell(cluster.erl(ERL_TICK), node);
        Shell streaming = new Shell(cluster.erl(ERL_TICK), node);
        try (LogCapture log = LogCapture.start()) {
            Jarl.run(() -> {
                Jarl.register("sink", Jarl.self());
                try {
                    assertThat(node.ping(idle.name)).isTrue();
                    assertThat(node.ping(streaming.name)).isTrue();
                    node.monitorNodes(true); // after connecting: only a NodeDown can come now
                    for (Shell s : new Shell[] {idle, streaming}) {
                        assertThat(s.eval("net_kernel:get_net_ticktime()")).isEqualTo("4");
                        assertThat(s.eval("net_kernel:monitor_nodes(true)")).isEqualTo("ok");
                    }
                    // erl sends every 10 ms for 9 s (more than two tick times), then 'done'; we only read
                    String sink = "{sink, " + Cluster.atom(node.name()) + "}";
                    streaming.eval("spawn(fun() -> End = erlang:monotonic_time(millisecond) + 9000, "
                            + "(fun L(N) -> case erlang:monotonic_time(millisecond) < End of "
                            + "true -> " + sink + " ! {data, N}, receive after 10 -> ok end, L(N + 1); "
                            + "false -> " + sink + " ! {done, N} end end)(0) end)");
                    long received = 0;
                    long started = System.nanoTime();
                    while (true) {
                        Optional<Object> m = Jarl.receive(Duration.ofSeconds(15));
                        assertThat(m).as("the stream stalled after " + received + " messages").isPresent();
                        if (m.get() instanceof Tuple t && Atom.of("done").equals(t.get(0))) {
                            assertThat(t.get(1)).isEqualTo(received);
                            break;
                        }
                        assertThat(m.get()).isInstanceOf(Tuple.class).isNotInstanceOf(NodeDown.class);
                        received++;
                    }
                    assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThan(TICK.multipliedBy(2));
                    assertThat(received).isGreaterThan(100);

                    assertThat(pollMatching(m -> m instanceof NodeDown)).as("a connection was dropped").isFalse();
                    assertThat(node.nodes()).contains(idle.name, streaming.name);
                    for (Shell s : new Shell[] {idle, streaming}) {
                        assertThat(s.eval("receive {nodedown, N} -> {down, N} after 0 -> none end")).isEqualTo("none");
                        assertThat(s.eval("lists:member(" + Cluster.atom(node.name()) + ", nodes())")).isEqualTo("true");
                    }
                    node.monitorNodes(false);
                } finally {
                    Jarl.unregister("sink");
                }
                return null;
            });
            assertThat(log.text()).doesNotContain("not responding").doesNotContain("net_tick_timeout");
        }
    }

    /**
     * A frozen peer (its OS process stopped): the Jarl side reads nothing and drops the connection
     * with net_tick_timeout within about a tick time; once the peer runs again, it can be reached again.
     */
    @Test
    void aFrozenPeerIsDroppedWithNetTickTimeout() throws Exception {
        Shell frozen = new Shell(cluster.erl(ERL_TICK), node);
        String osPid = frozen.eval("list_to_integer(os:getpid())");
        Jarl.run(() -> {
            assertThat(node.ping(frozen.name)).isTrue();
            node.monitorNode(frozen.name, true);
            Pid me = Jarl.self();
            try (LogCapture log = LogCapture.start()) {
                long stopped = System.nanoTime();
                signal("STOP", osPid);
                try {
                    NodeDown down = Jarl.receive(NodeDown.class, TICK.multipliedBy(3))
                            .orElseThrow(() -> new AssertionError("no NodeDown within 3 tick times"));
                    Duration took = Duration.ofNanos(System.nanoTime() - stopped);
                    assertThat(down).isEqualTo(new NodeDown(frozen.name, "net_tick_timeout"));
                    // silent for a whole tick time (the last read up to a tick interval before the stop),
                    // noticed at the next check (every tick time / 4): 3 to 5 s, with room for a slow machine
                    assertThat(took).isBetween(TICK.minus(TICK.dividedBy(4)), TICK.plus(TICK.multipliedBy(3).dividedBy(4)));
                    assertThat(log.linesContaining("not responding")).singleElement().asString()
                            .contains(frozen.name);
                } finally {
                    signal("CONT", osPid);
                }
            }
            assertThat(node.nodes()).doesNotContain(frozen.name);
            // running again, it answers again (a new connection)
            assertThat(node.ping(frozen.name)).isTrue();
            Jarl.send(new RemoteName("shell", frozen.name), Atom.of("back"));
            assertThat(frozen.eval("receive back -> ok after 5000 -> timeout end")).isEqualTo("ok");
            assertThat(me).isEqualTo(Jarl.self());
            return null;
        });
    }

    /** Sends {@code kill -SIG pid} and waits for kill to finish. */
    private static void signal(String sig, String pid) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + sig, pid).redirectErrorStream(true).start();
            String out = new String(kill.getInputStream().readAllBytes());
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new AssertionError("kill -" + sig + " " + pid + " failed: " + out);
            }
        } catch (IOException e) {
            throw new AssertionError("cannot run kill", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
