package io.jarl.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jarl.Down;
import io.jarl.Exit;
import io.jarl.ExitException;
import io.jarl.ExitReason;
import io.jarl.Jarl;
import io.jarl.Pid;
import io.jarl.ProcessScope;
import io.jarl.Ref;
import io.jarl.RemoteName;
import io.jarl.RemotePid;
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
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A Jarl node and JInterface 1.13.1 (OTP 25's own Java library, {@link JInterface}) in one cluster:
 * a second, independent implementation of the distribution protocol, which connects as a hidden node
 * with pass-through framing and none of DIST_MONITOR, SPAWN or ALIAS. Pings both ways, messages to
 * registered processes, a gen_server call, the C-node RPC of {@code OtpConnection.sendRPC}, and links
 * with exits both ways. One Jarl node (with its embedded EPMD on a private port) and one JInterface
 * node serve the class.
 */
@ExtendWith(NoLeakedProcesses.class)
class JInterfaceInteropTest {
    static final String COOKIE = "JINTERFACEINTEROP";
    static final Duration WAIT = Duration.ofSeconds(5);

    static JInterface jinterface;
    static Node node;
    static String jarlName;
    static JInterface.OtpNode otp;
    static String otpName;
    static Pid echo;
    static int epmdPort;

    /** Replies to every call with its request; {@code {Pid, Term}} is answered with {@code {echo, Term}}. */
    static final class Echo implements GenServer<Integer, Object, Object> {
        @Override
        public Init<Integer> init() {
            return Init.ok(0);
        }

        @Override
        public CallResult<Integer> handleCall(Object request, From from, Integer calls) {
            return CallResult.reply(request, calls + 1);
        }

        @Override
        public Result<Integer> handleInfo(Object message, Integer calls) {
            if (message instanceof Tuple t && t.arity() == 2 && t.get(0) instanceof Pid p) {
                Jarl.send(p, Tuple.of(Atom.of("echo"), t.get(1)));
            }
            return Result.noReply(calls);
        }
    }

    @BeforeAll
    static void startNodes() throws IOException {
        jinterface = JInterface.loadIfInstalled().orElse(null);
        if (jinterface == null) {
            return; // every test is skipped, saying why
        }
        try {
            try (ServerSocket s = new ServerSocket(0)) {
                epmdPort = s.getLocalPort();
            }
            // the Jarl node starts an EPMD of its own there; JInterface registers with it
            node = Node.start(NodeOptions.sname(randomName("jarl")).withCookie(COOKIE).withEpmdPort(epmdPort)
                    .export("jarl_test", "reverse", 1, args -> Binary.of(new StringBuilder(
                            ((Binary) args.getFirst()).toUtf8String()).reverse().toString())));
            jarlName = node.name();
            otp = jinterface.node(randomName("jint"), COOKIE, epmdPort);
            otpName = otp.name();
            echo = GenServer.start(new Echo(), StartOptions.named("echo")).orElseThrow();
        } catch (IOException | RuntimeException | AssertionError e) {
            stopNodes();
            throw e;
        }
    }

    @AfterAll
    static void stopNodes() {
        if (echo != null) {
            GenServer.stop(echo);
        }
        if (otp != null) {
            otp.close();
        }
        if (node != null) {
            node.close();
        }
    }

    @BeforeEach
    void needsJInterface() {
        assumeTrue(jinterface != null, JInterface.MISSING);
    }

    static String randomName(String prefix) {
        return prefix + Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36)
                .toLowerCase(Locale.ROOT).substring(0, 6);
    }

    @Test
    void jinterfacePingsJarl() {
        assertThat(otp.ping(jarlName, WAIT)).isTrue();
        assertThat(otp.ping("nobody@" + NodeName.parse(jarlName).host(), WAIT)).isFalse();
    }

    /** JInterface's net_kernel answers {@code {Tag, yes}} with the tag as it came: Jarl's {@code [alias | Ref]}. */
    @Test
    void jarlPingsJInterface() {
        assertThat(node.ping(otpName)).isTrue();
        // JInterface nodes are hidden: in nodes(hidden), not in nodes()
        assertThat(node.hiddenNodes()).contains(otpName);
        assertThat(node.nodes()).doesNotContain(otpName);
    }

    @Test
    void jinterfaceSendsToARegisteredJarlProcessAndGetsAReply() throws Exception {
        JInterface.Mbox mbox = otp.mbox(null);
        try {
            mbox.send("echo", jarlName, jinterface.tuple(mbox.self(), jinterface.atom("hi")));
            assertThat(mbox.receive(WAIT)).isEqualTo(jinterface.tuple(jinterface.atom("echo"), jinterface.atom("hi")));
            Object big = jinterface.tuple(jinterface.list(jinterface.integer(1), jinterface.integer(Long.MIN_VALUE)),
                    jinterface.binary("binär".getBytes(StandardCharsets.UTF_8)), mbox.self());
            mbox.send("echo", jarlName, jinterface.tuple(mbox.self(), big));
            assertThat(mbox.receive(WAIT)).isEqualTo(jinterface.tuple(jinterface.atom("echo"), big));
        } finally {
            mbox.close();
        }
    }

    /** A gen_server call written by hand, as JInterface users do: the tag is a plain reference. */
    @Test
    void jinterfaceCallsAJarlGenServer() throws Exception {
        JInterface.Mbox mbox = otp.mbox(null);
        try {
            Object ref = otp.makeRef();
            Object request = jinterface.tuple(jinterface.atom("hello"), jinterface.integer(42));
            mbox.send("echo", jarlName, jinterface.tuple(jinterface.atom("$gen_call"),
                    jinterface.tuple(mbox.self(), ref), request));
            assertThat(mbox.receive(WAIT)).isEqualTo(jinterface.tuple(ref, request));
        } finally {
            mbox.close();
        }
    }

    @Test
    void jarlSendsToARegisteredJInterfaceMailbox() throws Exception {
        JInterface.Mbox mbox = otp.mbox("jbox");
        try {
            Jarl.run(() -> {
                Jarl.send(new RemoteName("jbox", otpName), Tuple.of(Atom.of("hello"), Binary.of("from Jarl")));
                return null;
            });
            assertThat(mbox.receive(WAIT)).isEqualTo(jinterface.tuple(jinterface.atom("hello"),
                    jinterface.binary("from Jarl".getBytes(StandardCharsets.UTF_8))));
        } finally {
            mbox.close();
        }
    }

    /**
     * {@code OtpConnection.sendRPC} sends {@code {Self, {call, M, F, A, user}}} to {@code rex} and
     * {@code receiveRPC} takes the {@code {rex, Result}} it answers (OTP's rex serves this form for
     * C nodes and JInterface; OTP 23+ nodes use erpc instead).
     */
    @Test
    void rpcWithSendRpcAndReceiveRpc() throws Exception {
        try (JInterface.OtpConnection connection = jinterface.connect(randomName("jrpc"), COOKIE, jarlName)) {
            connection.sendRpc("erlang", "node");
            assertThat(connection.receiveRpc(WAIT)).isEqualTo(jinterface.atom(jarlName));
            connection.sendRpc("jarl_test", "reverse", jinterface.binary("abc".getBytes(StandardCharsets.UTF_8)));
            assertThat(connection.receiveRpc(WAIT)).isEqualTo(jinterface.binary("cba".getBytes(StandardCharsets.UTF_8)));
            connection.sendRpc("erlang", "whereis", jinterface.atom("echo"));
            assertThat(jinterface.isPid(connection.receiveRpc(WAIT))).isTrue();
            connection.sendRpc("os", "cmd", jinterface.list());
            assertThat(connection.receiveRpc(WAIT).toString()).startsWith("{badrpc,{'EXIT',{undef,");
        }
    }

    @Test
    void jinterfaceLinksToAJarlProcessAndSeesItsExit() throws Exception {
        Pid victim = Jarl.spawn(() -> {
            Tuple hello = (Tuple) Jarl.receive(m -> m instanceof Tuple t && t.arity() == 2 ? t : Jarl.skip());
            Jarl.send(node.mapper().fromTerm(hello.get(1), Pid.class), Tuple.of(Atom.of("victim"),
                    node.mapper().toTerm(Jarl.self())));
            Jarl.receive(m -> Atom.of("die").equals(m) ? m : Jarl.skip());
            throw new ExitException(ExitReason.of("boom"), "asked to die");
        });
        Jarl.register("victim", victim);
        JInterface.Mbox mbox = otp.mbox(null);
        try {
            mbox.send("victim", jarlName, jinterface.tuple(jinterface.atom("who"), mbox.self()));
            Object answer = mbox.receive(WAIT);
            assertThat(answer).isNotNull();
            Object pid = jinterface.element(answer, 1);
            mbox.link(pid);
            mbox.send(pid, jinterface.atom("die")); // after the LINK on the same connection
            assertThatThrownBy(() -> mbox.receive(WAIT)).isInstanceOfSatisfying(JInterface.Exited.class, e -> {
                assertThat(e.reason()).isEqualTo(jinterface.atom("boom"));
                assertThat(e.from()).isEqualTo(pid);
            });
            // a link to a process that is gone is an immediate noproc exit
            JInterface.Mbox late = otp.mbox(null);
            try {
                late.link(pid);
                assertThatThrownBy(() -> late.receive(WAIT)).isInstanceOfSatisfying(JInterface.Exited.class,
                        e -> assertThat(e.reason()).isEqualTo(jinterface.atom("noproc")));
            } finally {
                late.close();
            }
        } finally {
            mbox.close();
        }
    }

    @Test
    void aJInterfaceExitReachesALinkedJarlProcess() throws Exception {
        JInterface.Mbox mbox = otp.mbox(null);
        try (ProcessScope scope = Jarl.attach()) {
            Jarl.trapExit(true);
            Jarl.register("linker", scope.pid());
            mbox.send("linker", jarlName, jinterface.tuple(jinterface.atom("hello"), mbox.self()));
            Tuple hello = (Tuple) Jarl.receive(Tuple.class, WAIT).orElseThrow();
            Pid other = node.mapper().fromTerm(hello.get(1), Pid.class);
            assertThat(other).isInstanceOf(RemotePid.class);
            Jarl.link(other);
            Jarl.send(other, Atom.of("linked")); // after the LINK on the same connection
            assertThat(mbox.receive(WAIT)).isEqualTo(jinterface.atom("linked"));
            mbox.exit(jinterface.atom("bye"));
            Exit exit = Jarl.receive(Exit.class, WAIT).orElseThrow();
            assertThat(exit.from()).isEqualTo(other);
            assertThat(exit.reason()).isEqualTo(ExitReason.of("bye"));
            Jarl.trapExit(false);
        }
    }

    /**
     * JInterface has no DIST_MONITOR: a monitor of one of its processes, by name or by pid, stays on
     * the Jarl side (the BEAM does the same), the connection stays up, and the connection's loss is
     * the DOWN, with reason {@code noconnection}.
     */
    @Test
    void monitorsOfJInterfaceProcessesStayLocalAndSeeTheConnectionGo() throws Exception {
        JInterface.OtpNode other = jinterface.node(randomName("jmon"), COOKIE, epmdPort);
        boolean closed = false;
        try {
            JInterface.Mbox watched = other.mbox("watched");
            Jarl.run(() -> {
                Jarl.register("watcher", Jarl.self());
                RemoteName name = new RemoteName("watched", other.name());
                Ref byName = Jarl.monitor(name);
                Jarl.send(name, Atom.of("still_connected"));
                assertThat(watched.receive(WAIT)).isEqualTo(jinterface.atom("still_connected"));
                watched.send("watcher", jarlName, jinterface.tuple(jinterface.atom("me"), watched.self()));
                Tuple me = Jarl.receive(Tuple.class, WAIT).orElseThrow();
                Pid pid = node.mapper().fromTerm(me.get(1), Pid.class);
                Ref byPid = Jarl.monitor(pid);
                Jarl.send(pid, Atom.of("still_connected"));
                assertThat(watched.receive(WAIT)).isEqualTo(jinterface.atom("still_connected"));
                other.close();
                Down first = Jarl.receive(Down.class, WAIT).orElseThrow();
                Down second = Jarl.receive(Down.class, WAIT).orElseThrow();
                assertThat(java.util.List.of(first.ref(), second.ref())).containsExactlyInAnyOrder(byName, byPid);
                assertThat(first.reason()).isEqualTo(ExitReason.noconnection());
                assertThat(second.reason()).isEqualTo(ExitReason.noconnection());
                Jarl.unregister("watcher");
                return null;
            });
            closed = true;
        } finally {
            if (!closed) {
                other.close();
            }
        }
    }
}
