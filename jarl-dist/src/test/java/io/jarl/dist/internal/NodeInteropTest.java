package io.jarl.dist.internal;

import static io.jarl.testing.ProcessTesting.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jarl.Down;
import io.jarl.Exit;
import io.jarl.ExitException;
import io.jarl.ExitReason;
import io.jarl.Jarl;
import io.jarl.Pid;
import io.jarl.Ref;
import io.jarl.RemoteName;
import io.jarl.RemotePid;
import io.jarl.dist.Node;
import io.jarl.dist.NodeDown;
import io.jarl.dist.NodeOptions;
import io.jarl.dist.NodeUp;
import io.jarl.dist.RpcException;
import io.jarl.dist.term.Atom;
import io.jarl.dist.term.Binary;
import io.jarl.dist.term.Tuple;
import io.jarl.server.CallResult;
import io.jarl.server.From;
import io.jarl.server.GenServer;
import io.jarl.server.Init;
import io.jarl.server.Result;
import io.jarl.server.StartOptions;
import io.jarl.testing.NoLeakedProcesses;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A Jarl node and a real {@code erl} (OTP 25) in one cluster: messages, calls, rpc, links, monitors
 * and exits in both directions, and what happens when the connection goes. One erl node and one
 * Jarl node serve the whole class, registered in an embedded EPMD on a private port.
 */
@ExtendWith(NoLeakedProcesses.class)
class NodeInteropTest {
    static final String COOKIE = "NODEINTEROP";

    static EmbeddedEpmd epmd;
    static ErlNode erl;
    static String erlName;
    static Node node;
    static String jarlName;
    Pid echo;

    /** Replies to every call with its request; {@code {Pid, Term}} is answered with {@code {echo, Term}}. */
    static final class Echo implements GenServer<Integer, Object, Object> {
        @Override
        public Init<Integer> init() {
            return Init.ok(0);
        }

        @Override
        public CallResult<Integer> handleCall(Object request, From from, Integer calls) {
            if (Atom.of("crash").equals(request)) {
                throw new ExitException(ExitReason.of("crashed"), "asked to crash");
            }
            return CallResult.reply(request, calls + 1);
        }

        @Override
        public Result<Integer> handleCast(Object request, Integer calls) {
            return Result.noReply(calls);
        }

        @Override
        public Result<Integer> handleInfo(Object message, Integer calls) {
            if (message instanceof Tuple t && t.arity() == 2 && t.get(0) instanceof Pid from) {
                Jarl.send(from, Tuple.of(Atom.of("echo"), t.get(1)));
            }
            return Result.noReply(calls);
        }
    }

    @BeforeAll
    static void startNodes() throws IOException {
        ErlNode.assumeErlang();
        epmd = EmbeddedEpmd.start(InetAddress.getLoopbackAddress(), 0, EmbeddedEpmd.Limits.DEFAULT);
        try {
            erl = ErlNode.start(ErlNode.randomName("e"), COOKIE, epmd.port());
            erlName = erl.eval("node().").replace("'", "");
            node = Node.start(NodeOptions.sname(ErlNode.randomName("j")).withCookie(COOKIE).withEpmdPort(epmd.port())
                    .withEmbeddedEpmd(false)
                    .export("jarl_demo", "reverse", 1, args -> Binary.of(new StringBuilder(
                            ((Binary) args.getFirst()).toUtf8String()).reverse().toString())));
            jarlName = node.name();
        } catch (RuntimeException | AssertionError | IOException e) {
            stopNodes();
            throw e;
        }
    }

    @AfterAll
    static void stopNodes() {
        if (node != null) {
            node.close();
        }
        if (erl != null) {
            erl.close();
        }
        if (epmd != null) {
            epmd.close();
        }
    }

    @BeforeEach
    void startEcho() {
        echo = GenServer.start(new Echo(), StartOptions.named("echo")).orElseThrow();
    }

    @AfterEach
    void stopEcho() {
        if (echo.isAlive()) {
            GenServer.stop(echo);
        }
    }

    private String q(String atom) {
        return "'" + atom + "'";
    }

    @Test
    void erlPingsJarl() {
        assertThat(erl.eval("net_adm:ping(" + q(jarlName) + ").")).isEqualTo("pong");
        assertThat(erl.eval("lists:member(" + q(jarlName) + ", nodes()).")).isEqualTo("true");
    }

    @Test
    void jarlPingsErl() {
        assertThat(node.ping(erlName)).isTrue();
        assertThat(node.nodes()).contains(erlName);
    }

    @Test
    void erlCallsAJarlGenServer() {
        assertThat(erl.eval("gen_server:call({echo, " + q(jarlName) + "}, {hello, [1,2,3], <<\"bin\">>}).")).isEqualTo(
                "{hello,[1,2,3],<<98,105,110>>}");
        assertThat(erl.eval("catch gen_server:call({nobody, " + q(jarlName) + "}, x, 2000).")).startsWith(
                "{'EXIT',{noproc,");
    }

    @Test
    void erlCallsAJarlGenServerThatCrashes() {
        assertThat(erl.eval("catch gen_server:call({echo, " + q(jarlName) + "}, crash).")).startsWith(
                "{'EXIT',{crashed,");
    }

    @Test
    void erlSendsAndJarlAnswers() {
        assertThat(erl.eval("begin {echo, " + q(jarlName) + "} ! {self(), ping}, receive M -> M after 5000 -> timeout end end."))
                .isEqualTo("{echo,ping}");
    }

    /**
     * With the atom cache and fragments negotiated (Jarl offers both, as erl does), erl sends its
     * atoms through the atom cache and a message over 64 KiB in fragments; Jarl answers with
     * headers and no fragments, which erl accepts.
     */
    @Test
    void largeMessagesArriveInFragmentsAndGoBackWhole() {
        assertThat(erl.eval("begin B = crypto:strong_rand_bytes(200000), {echo, " + q(jarlName) + "} ! {self(), {big, B}},"
                + " receive {echo, {big, B}} -> same; Other -> {other, size(term_to_binary(Other))}"
                + " after 5000 -> timeout end end.")).isEqualTo("same");
        assertThat(erl.eval("begin L = lists:seq(1, 30000), R = gen_server:call({echo, " + q(jarlName) + "}, {list, L}),"
                + " R =:= {list, L} end.")).isEqualTo("true");
    }

    @Test
    void rpcFromErl() {
        assertThat(erl.eval("rpc:call(" + q(jarlName) + ", erlang, node, []).").replace("'", "")).isEqualTo(jarlName);
        assertThat(erl.eval("rpc:call(" + q(jarlName) + ", jarl_demo, reverse, [<<\"abc\">>]).")).isEqualTo("<<99,98,97>>");
        assertThat(erl.eval("rpc:call(" + q(jarlName) + ", os, cmd, [\"ls\"]).")).startsWith("{badrpc,{'EXIT',{undef,");
        assertThat(erl.eval("erpc:call(" + q(jarlName) + ", erlang, whereis, [echo]).")).startsWith("<");
    }

    @Test
    void rpcFromJarl() throws Exception {
        Jarl.run(() -> {
            assertThat(node.rpc(erlName, "erlang", "node", List.of(), Duration.ofSeconds(5))).isEqualTo(Atom.of(erlName));
            assertThat(node.rpc(erlName, "lists", "reverse", List.of(List.of(1, 2, 3)), Duration.ofSeconds(5)))
                    .isEqualTo(List.of(3L, 2L, 1L));
            assertThatThrownBy(() -> node.rpc(erlName, "no_such_module", "f", List.of(), Duration.ofSeconds(5)))
                    .isInstanceOf(RpcException.class).hasMessageContaining("undef");
            return null;
        });
    }

    @Test
    void jarlCallsAnErlangGenServer() throws Exception {
        Jarl.run(() -> {
            // erl's net_kernel is a gen_server
            Object answer = GenServer.call(new RemoteName("net_kernel", erlName), Tuple.of(Atom.of("is_auth"),
                    Atom.of(jarlName)));
            assertThat(answer).isEqualTo(Atom.of("yes"));
            assertThatThrownBy(() -> GenServer.call(new RemoteName("nobody", erlName), Atom.of("x"), Duration.ofSeconds(5)))
                    .isInstanceOfSatisfying(ExitException.class, e -> assertThat(e.reason()).isEqualTo(
                            ExitReason.callFailed(ExitReason.noproc(), "GenServer.call",
                                    List.of(new RemoteName("nobody", erlName), Atom.of("x"), Duration.ofSeconds(5)))));
            return null;
        });
    }

    @Test
    void linksAndExitsBothWays() throws Exception {
        Jarl.run(() -> {
            Jarl.trapExit(true);
            // an erl process linked to us, told to exit with a reason
            erl.eval("register(linker, spawn(fun() -> receive {link, P} -> link(P), P ! linked, receive {die, R} -> exit(R) end end end)).");
            Jarl.send(new RemoteName("linker", erlName), Tuple.of(Atom.of("link"), Jarl.self()));
            assertThat(Jarl.receive(Duration.ofSeconds(5))).contains(Atom.of("linked"));
            Jarl.send(new RemoteName("linker", erlName), Tuple.of(Atom.of("die"), Atom.of("goodbye")));
            Exit exit = (Exit) Jarl.receive(m -> m instanceof Exit e ? e : null, Duration.ofSeconds(5)).orElseThrow();
            assertThat(exit.from()).isInstanceOf(RemotePid.class);
            assertThat(exit.reason()).isEqualTo(ExitReason.of("goodbye"));
            Jarl.trapExit(false);
            return null;
        });
        // erl links to a Jarl process that then crashes: erl sees the reason
        Pid victim = Jarl.spawn(() -> {
            Jarl.receive(Atom.class);
            throw new ExitException(ExitReason.of("boom"), "test");
        });
        Jarl.register("victim", victim);
        String r = erl.eval("begin process_flag(trap_exit, true), {victim, " + q(jarlName) + "} ! x, ok end.");
        assertThat(r).isEqualTo("ok");
    }

    @Test
    void erlMonitorsAJarlProcessByName() {
        String ref = erl.eval("begin R = monitor(process, {echo, " + q(jarlName) + "}), put(r, R), ok end.");
        assertThat(ref).isEqualTo("ok");
        // monitor/2 returns before the MONITOR_P reaches the Jarl node: stopping the server at once
        // could beat it (the DOWN would then say noproc)
        eventually("erl's monitor reached the server", () -> Jarl.info(echo).map(i -> !i.monitoredBy().isEmpty())
                .orElse(false));
        GenServer.stop(echo, ExitReason.of("bye"), Duration.ofSeconds(5));
        assertThat(erl.eval("receive {'DOWN', _, process, _, Reason} -> Reason after 5000 -> timeout end.")).isEqualTo("bye");
    }

    @Test
    void jarlMonitorsAnErlProcess() throws Exception {
        erl.eval("register(sleeper, spawn(fun() -> receive stop -> exit(stopped) end end)).");
        Jarl.run(() -> {
            Ref ref = Jarl.monitor(new RemoteName("sleeper", erlName));
            Jarl.send(new RemoteName("sleeper", erlName), Atom.of("stop"));
            Down down = awaitDown(ref);
            assertThat(down.reason()).isEqualTo(ExitReason.of("stopped"));
            assertThat(down.object()).isEqualTo(new RemoteName("sleeper", erlName));
            Ref none = Jarl.monitor(new RemoteName("sleeper", erlName));
            assertThat(awaitDown(none).reason()).isEqualTo(ExitReason.noproc());
            return null;
        });
    }

    @Test
    void nodeMonitorsSeeADisconnect() throws Exception {
        assertThat(node.connect(erlName)).isTrue();
        Jarl.run(() -> {
            node.monitorNodes(true);
            node.monitorNode(erlName, true);
            assertThat(node.disconnect(erlName)).isTrue();
            NodeDown a = Jarl.receive(NodeDown.class, Duration.ofSeconds(5)).orElseThrow();
            NodeDown b = Jarl.receive(NodeDown.class, Duration.ofSeconds(5)).orElseThrow();
            assertThat(List.of(a.node(), b.node())).containsOnly(erlName);
            assertThat(node.connect(erlName)).isTrue();
            assertThat(Jarl.receive(NodeUp.class, Duration.ofSeconds(5))).contains(new NodeUp(erlName));
            node.monitorNodes(false);
            return null;
        });
    }
}
