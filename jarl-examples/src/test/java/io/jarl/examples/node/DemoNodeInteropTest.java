package io.jarl.examples.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.jarl.dist.Node;
import io.jarl.dist.NodeOptions;
import io.jarl.supervisor.Supervisor;
import io.jarl.testing.ChildProcess;
import io.jarl.testing.NoLeakedProcesses;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The demo node ({@link DemoNode}, in this JVM) and a real {@code erl -sname} in one cluster: the
 * README's session, line by line, and the cases around it. A private {@code epmd} and one erl node
 * serve the class; each test starts a demo node of its own, with a new name (so erl never reuses a
 * connection to the previous test's node), and stops it.
 */
@ExtendWith(NoLeakedProcesses.class)
class DemoNodeInteropTest {
    static final String COOKIE = "DEMONODETEST";

    static int epmdPort;
    static ChildProcess epmd;
    static String erlName;
    static ErlShell erl;
    DemoNode demo;
    String node;

    @BeforeAll
    static void startErlang() {
        if (!ErlShell.installed()) {
            return; // every test is skipped, saying why
        }
        epmdPort = ErlShell.freePort();
        epmd = ErlShell.startEpmd(epmdPort);
        try {
            erlName = ErlShell.randomName("e");
            erl = ErlShell.start(erlName, COOKIE, epmdPort);
        } catch (RuntimeException | AssertionError e) {
            stopErlang();
            throw e;
        }
    }

    @AfterAll
    static void stopErlang() {
        if (erl != null) {
            erl.close();
        }
        if (epmd != null) {
            epmd.close();
        }
    }

    @BeforeEach
    void startDemoNode() throws IOException {
        ErlShell.assumeErlang();
        demo = DemoNode.start(NodeOptions.sname(ErlShell.randomName("jarl")).withCookie(COOKIE)
                .withEpmdPort(epmdPort).withEmbeddedEpmd(false));
        node = demo.name();
        // a fresh shell: no bindings, no messages left by the previous test
        erl.eval("f().");
        erl.eval("(fun F() -> receive _ -> F() after 0 -> ok end end)().");
        assertThat(erl.eval("N = '" + node + "'.")).isEqualTo(node);
    }

    @AfterEach
    void stopDemoNode() {
        if (demo != null) {
            demo.close();
        }
    }

    /** The README's session, command by command, with the values the shell prints. */
    @Test
    void readmeSession() {
        assertThat(erl.eval("net_adm:ping(N).")).isEqualTo("pong");
        assertThat(erl.eval("gen_server:call({echo, N}, hello).")).isEqualTo("hello");
        assertThat(erl.eval("{echo, N} ! {self(), hi}, receive R -> R after 5000 -> timeout end.")).isEqualTo("{echo,hi}");
        assertThat(erl.eval("gen_server:call({counter, N}, get).")).isEqualTo("0");
        assertThat(erl.eval("gen_server:call({counter, N}, incr).")).isEqualTo("1");
        assertThat(erl.eval("gen_server:call({counter, N}, incr).")).isEqualTo("2");
        assertThat(erl.eval("catch gen_server:call({counter, N}, crash).")).isEqualTo(
                "{'EXIT',{crashed,{gen_server,call,[{counter," + node + "},crash]}}}");
        awaitRestarts();
        assertThat(erl.eval("gen_server:call({counter, N}, get).")).isEqualTo("0");
        assertThat(erl.eval("rpc:call(N, jarl_demo, reverse, [<<\"abc\">>]).")).isEqualTo("<<\"cba\">>");
        assertThat(erl.eval("rpc:call(N, erlang, node, []).")).isEqualTo(node);
        assertThat(erl.eval("rpc:call(N, erlang, whereis, [counter]).")).matches("<\\d+\\.\\d+\\.\\d+>");
        assertThat(erl.eval("rpc:call(N, os, cmd, [\"ls\"]).")).isEqualTo("{badrpc,{'EXIT',{undef,[{os,cmd,[\"ls\"],[]}]}}}");
        assertThat(erl.eval("lists:member(N, nodes()).")).isEqualTo("true");
    }

    /**
     * When erl's crash call returns, the counter is dead and its supervisor has its exit signal
     * queued (a process signals its links before its monitors), but may not have restarted it yet: a
     * call to the supervisor is answered only after that. A person typing is slower than this.
     */
    private void awaitRestarts() {
        Supervisor.whichChildren(demo.supervisor());
    }

    @Test
    void theCounterIsRestartedUnderItsNameByItsSupervisor() {
        String before = erl.eval("P1 = rpc:call(N, erlang, whereis, [counter]).");
        assertThat(erl.eval("M = erlang:monitor(process, {counter, N}), gen_server:call({counter, N}, get).")).isEqualTo("0");
        assertThat(erl.eval("catch gen_server:call({counter, N}, crash).")).startsWith("{'EXIT',{crashed,");
        assertThat(erl.eval("receive {'DOWN', M, process, _, Why} -> Why after 5000 -> timeout end.")).isEqualTo("crashed");
        awaitRestarts();
        String after = erl.eval("P2 = rpc:call(N, erlang, whereis, [counter]).");
        assertThat(after).matches("<\\d+\\.\\d+\\.\\d+>").isNotEqualTo(before);
        assertThat(erl.eval("gen_server:call({counter, N}, incr).")).isEqualTo("1");
        // the echo server, its sibling, was not restarted (one_for_one)
        assertThat(erl.eval("gen_server:call({echo, N}, still_here).")).isEqualTo("still_here");
    }

    @Test
    void echoGivesBackAnyTerm() {
        assertThat(erl.eval("T = {a, [1, 2.5, \"text\"], <<\"bin\">>, #{k => v}, self(), make_ref(), -12345678901234567890}, "
                + "gen_server:call({echo, N}, T) =:= T.")).isEqualTo("true");
        assertThat(erl.eval("{echo, N} ! {self(), T}, receive {echo, T2} -> T2 =:= T after 5000 -> timeout end."))
                .isEqualTo("true");
    }

    @Test
    void echoIgnoresCastsAndOtherMessages() {
        erl.eval("gen_server:cast({echo, N}, hello), {echo, N} ! not_a_pair, {echo, N} ! {not_a_pid, x}.");
        assertThat(erl.eval("gen_server:call({echo, N}, after_those).")).isEqualTo("after_those");
    }

    @Test
    void theCounterAnswersUnknownCallsWithAnError() {
        assertThat(erl.eval("gen_server:call({counter, N}, {set, 5}).")).isEqualTo("{error,{unknown_call,{set,5}}}");
        assertThat(erl.eval("gen_server:call({counter, N}, get).")).isEqualTo("0");
    }

    @Test
    void reverseByCharactersOverErpcAndRefusesWhatIsNotABinary() {
        // "e" + U+0301 (combining acute) is one character: it stays in front of its accent
        assertThat(erl.eval("erpc:call(N, jarl_demo, reverse, [<<\"e\", 204, 129, \"x\">>]) =:= <<\"xe\", 204, 129>>."))
                .isEqualTo("true");
        assertThat(erl.eval("rpc:call(N, jarl_demo, reverse, [<<255, 1>>]).")).isEqualTo("<<1,255>>");
        assertThat(erl.eval("rpc:call(N, jarl_demo, reverse, [abc]).")).startsWith(
                "{badrpc,{'EXIT',{{'java.lang.IllegalArgumentException',<<\"jarl_demo:reverse/1 takes a binary, not abc\">>},");
        assertThat(erl.eval("rpc:call(N, jarl_demo, reverse, [<<\"a\">>, <<\"b\">>]).")).startsWith(
                "{badrpc,{'EXIT',{undef,");
    }

    @Test
    void stoppingTheNodeIsANodedownForErl() {
        assertThat(erl.eval("net_adm:ping(N).")).isEqualTo("pong");
        assertThat(erl.eval("monitor_node(N, true).")).isEqualTo("true");
        // signals from one process to another arrive in order: once echo answers, it is monitored
        assertThat(erl.eval("M = erlang:monitor(process, {echo, N}), gen_server:call({echo, N}, monitored).")).isEqualTo(
                "monitored");
        demo.close();
        assertThat(Node.current()).isEmpty();
        // the tree stops before the connection closes: the monitor sees shutdown, not noconnection
        assertThat(erl.eval("receive {'DOWN', M, process, _, Why} -> Why after 5000 -> timeout end.")).isEqualTo("shutdown");
        assertThat(erl.eval("receive {nodedown, N} -> nodedown after 5000 -> timeout end.")).isEqualTo("nodedown");
        assertThat(erl.eval("net_adm:ping(N).")).isEqualTo("pang");
    }

    /** erl's {@code the name ... seems to be in use by another Erlang node}, and exit status 1. */
    @Test
    void aTakenNameIsRefused() {
        demo.close(); // one node per JVM: the program's own start must be the only one
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int status = DemoNode.run(List.of("--sname", erlName, "--cookie", COOKIE),
                Map.of("ERL_EPMD_PORT", Integer.toString(epmdPort)), InputStream.nullInputStream(),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(status).isEqualTo(1);
        assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("bin/jarl node: the name " + erlName + "@")
                .contains("seems to be in use by another Erlang node");
        assertThat(Node.current()).isEmpty();
    }
}
