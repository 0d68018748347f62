package io.jarl.dist.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.jarl.Down;
import io.jarl.ExitReason;
import io.jarl.Jarl;
import io.jarl.Pid;
import io.jarl.Ref;
import io.jarl.dist.Node;
import io.jarl.dist.NodeOptions;
import io.jarl.dist.term.Atom;
import io.jarl.testing.NoLeakedProcesses;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The Jarl node's {@code rex} as a real {@code erl} reaches it without erpc: the gen_server call
 * {@code {call, M, F, A, GroupLeader}} (what {@code rpc:call} of OTP before 23 and Jarl's own
 * {@link Node#rpc} send), and the C-node form {@code {Pid, {call, M, F, A, GroupLeader}}}, answered
 * {@code {rex, Result}} (what JInterface's {@code OtpConnection.sendRPC} sends); and an
 * {@code rpc:cast}, whose worker must end normally.
 */
@ExtendWith(NoLeakedProcesses.class)
class RexInteropTest {
    static final String COOKIE = "REXINTEROP";
    static final Duration WAIT = Duration.ofSeconds(5);
    static final Atom GO = Atom.of("go");

    static EmbeddedEpmd epmd;
    static ErlNode erl;
    static Node node;
    static String jarlName;

    @BeforeAll
    static void startNodes() throws IOException {
        ErlNode.assumeErlang();
        epmd = EmbeddedEpmd.start(InetAddress.getLoopbackAddress(), 0, EmbeddedEpmd.Limits.DEFAULT);
        try {
            erl = ErlNode.start(ErlNode.randomName("e"), COOKIE, epmd.port());
            node = Node.start(NodeOptions.sname(ErlNode.randomName("j")).withCookie(COOKIE).withEpmdPort(epmd.port())
                    .withEmbeddedEpmd(false)
                    .export("jarl_test", "tell", 1, args -> {
                        // tells the process registered as the argument which process runs the call,
                        // and returns once that process says go
                        Jarl.send(((Atom) args.getFirst()).name(), Jarl.self());
                        Jarl.receive(m -> GO.equals(m) ? m : Jarl.skip());
                        return Atom.OK;
                    }));
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

    private static String q(String atom) {
        return "'" + atom + "'";
    }

    @Test
    void genServerCallToRex() {
        assertThat(erl.eval("gen_server:call({rex, " + q(jarlName) + "}, {call, erlang, node, [], user}).")
                .replace("'", "")).isEqualTo(jarlName);
        assertThat(erl.eval("gen_server:call({rex, " + q(jarlName) + "}, {call, os, cmd, [\"ls\"], user}).")).startsWith(
                "{badrpc,{'EXIT',{undef,");
    }

    @Test
    void cNodeCallToRexIsAnsweredRexResult() {
        assertThat(erl.eval("begin {rex, " + q(jarlName) + "} ! {self(), {call, erlang, node, [], user}}, "
                + "receive {rex, R} -> R after 5000 -> timeout end end.").replace("'", "")).isEqualTo(jarlName);
        assertThat(erl.eval("begin {rex, " + q(jarlName) + "} ! {self(), {call, os, cmd, [\"ls\"], user}}, "
                + "receive {rex, R} -> R after 5000 -> timeout end end.")).startsWith("{badrpc,{'EXIT',{undef,");
    }

    @Test
    void rpcCastRunsTheFunctionAndItsWorkerEndsNormally() throws Exception {
        Jarl.run(() -> {
            Jarl.register("rex_cast_test", Jarl.self());
            assertThat(erl.eval("rpc:cast(" + q(jarlName) + ", jarl_test, tell, [rex_cast_test]).")).isEqualTo("true");
            Pid worker = Jarl.receive(Pid.class, WAIT).orElseThrow();
            Ref ref = Jarl.monitor(worker);
            Jarl.send(worker, GO);
            Down down = Jarl.receive(m -> m instanceof Down d && d.ref().equals(ref) ? d : Jarl.skip(), WAIT).orElseThrow();
            assertThat(down.reason()).isEqualTo(ExitReason.normal());
            Jarl.unregister("rex_cast_test");
            return null;
        });
    }
}
