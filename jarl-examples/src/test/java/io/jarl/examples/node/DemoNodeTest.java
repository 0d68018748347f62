package io.jarl.examples.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jarl.Down;
import io.jarl.ExitException;
import io.jarl.ExitReason;
import io.jarl.Jarl;
import io.jarl.Name;
import io.jarl.Pid;
import io.jarl.Ref;
import io.jarl.dist.Cookie;
import io.jarl.dist.NodeName;
import io.jarl.dist.Node;
import io.jarl.dist.NodeOptions;
import io.jarl.dist.term.Atom;
import io.jarl.dist.term.Binary;
import io.jarl.dist.term.TermMapper;
import io.jarl.dist.term.Tuple;
import io.jarl.examples.node.DemoNode.Command;
import io.jarl.server.GenServer;
import io.jarl.server.StartOptions;
import io.jarl.supervisor.Supervisor;
import io.jarl.testing.NoLeakedProcesses;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The demo node without Erlang: its command line, its servers, its start and stop. */
@ExtendWith(NoLeakedProcesses.class)
class DemoNodeTest {
    static final Duration WAIT = Duration.ofSeconds(5);

    // ------------------------------------------------------------------ the command line

    @Test
    void snameAndCookie() {
        Command.Run run = (Command.Run) DemoNode.parse(List.of("--sname", "jarl", "--cookie", "C"), Map.of());
        assertThat(run.options().name()).isEqualTo("jarl");
        assertThat(run.options().domain()).isEqualTo(NodeName.Domain.SHORT);
        assertThat(run.options().cookie()).contains(Cookie.of("C"));
        assertThat(run.options().epmdPort()).isEqualTo(4369);
        assertThat(run.options().startEpmd()).isTrue();
        assertThat(run.stopOnEof()).isFalse();
    }

    @Test
    void longNameAndTheDefaults() {
        Command.Run run = (Command.Run) DemoNode.parse(List.of("--name", "jarl@10.0.0.5"), Map.of());
        assertThat(run.options().name()).isEqualTo("jarl@10.0.0.5");
        assertThat(run.options().domain()).isEqualTo(NodeName.Domain.LONG);
        assertThat(run.options().cookie()).isEmpty(); // ~/.erlang.cookie, read when the node starts
    }

    @Test
    void epmdPortFromTheEnvironmentAndTheFlags() {
        Command.Run run = (Command.Run) DemoNode.parse(List.of("--stop-on-eof", "--sname", "x", "--no-start-epmd"),
                Map.of("ERL_EPMD_PORT", "4400"));
        assertThat(run.options().epmdPort()).isEqualTo(4400);
        assertThat(run.options().startEpmd()).isFalse();
        assertThat(run.stopOnEof()).isTrue();
    }

    @Test
    void badArgumentsGiveTheUsage() {
        assertThat(usage(List.of())).contains("a node name is needed");
        assertThat(usage(List.of("--sname"))).isEqualTo("--sname needs a node name");
        assertThat(usage(List.of("--sname", "a", "--name", "b@host.example.com"))).contains("one of --sname and --name");
        assertThat(usage(List.of("--sname", "a b"))).contains("invalid node name 'a b'");
        assertThat(usage(List.of("--sname", "a@host.example.com"))).contains("is a long name");
        assertThat(usage(List.of("--name", "a@vm"))).contains("is a short name");
        assertThat(usage(List.of("--sname", "a", "--cookie"))).isEqualTo("--cookie needs a cookie");
        assertThat(usage(List.of("--sname", "a", "--cookie", ""))).startsWith("bad cookie");
        assertThat(usage(List.of("--sname", "a", "--cookie", "x", "--cookie", "y"))).contains("twice");
        assertThat(usage(List.of("--sname", "a", "--port", "5"))).isEqualTo("unknown argument: --port");
        assertThat(DemoNode.parse(List.of("--sname", "a"), Map.of("ERL_EPMD_PORT", "epmd")))
                .isEqualTo(new Command.Usage("ERL_EPMD_PORT is not a port number: epmd"));
        assertThat(DemoNode.parse(List.of("--help"), Map.of())).isEqualTo(new Command.Usage(""));
    }

    private static String usage(List<String> args) {
        return ((Command.Usage) DemoNode.parse(args, Map.of())).problem();
    }

    @Test
    void usageExitsWithStatus2AndHelpWith0() {
        Output output = new Output();
        assertThat(DemoNode.run(List.of("--bogus"), Map.of(), InputStream.nullInputStream(), output.out, output.err))
                .isEqualTo(2);
        assertThat(output.err()).startsWith("bin/jarl node: unknown argument: --bogus\nusage: bin/jarl node");
        assertThat(output.out()).isEmpty();

        Output help = new Output();
        assertThat(DemoNode.run(List.of("--help"), Map.of(), InputStream.nullInputStream(), help.out, help.err))
                .isEqualTo(0);
        assertThat(help.out()).startsWith("usage: bin/jarl node");
        assertThat(help.err()).isEmpty();
    }

    /** As {@code erl -sname x -start_epmd false} without an EPMD: the node does not start. */
    @Test
    void noEpmdWithNoStartEpmdIsAClearFailure() {
        int port = ErlShell.freePort();
        Output output = new Output();
        int status = DemoNode.run(List.of("--sname", "x", "--cookie", "C", "--no-start-epmd"),
                Map.of("ERL_EPMD_PORT", Integer.toString(port)), InputStream.nullInputStream(), output.out, output.err);
        assertThat(status).isEqualTo(1);
        assertThat(output.err()).startsWith("bin/jarl node: cannot start node x@")
                .contains("no EPMD answers on port " + port).contains("--no-start-epmd");
        assertThat(output.out()).isEmpty();
        assertThat(Node.current()).isEmpty();
    }

    /** Captured stdout and stderr. */
    static final class Output {
        final ByteArrayOutputStream outBytes = new ByteArrayOutputStream(), errBytes = new ByteArrayOutputStream();
        final PrintStream out = new PrintStream(outBytes, true, StandardCharsets.UTF_8);
        final PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);

        String out() {
            return outBytes.toString(StandardCharsets.UTF_8);
        }

        String err() {
            return errBytes.toString(StandardCharsets.UTF_8);
        }
    }

    // ------------------------------------------------------------------ the servers, from Java

    @Test
    void echoRepliesWithTheRequest() {
        Pid echo = GenServer.start(new EchoServer()).orElseThrow();
        try {
            assertThat(GenServer.call(echo, Atom.of("hello"))).isEqualTo(Atom.of("hello"));
            assertThat(GenServer.call(echo, List.of(1, "two"))).isEqualTo(List.of(1, "two"));
        } finally {
            GenServer.stop(echo);
        }
    }

    @Test
    void counterCountsAndCrashesWithReasonCrashed() throws Exception {
        Pid counter = GenServer.start(new CounterServer(TermMapper.defaults())).orElseThrow();
        long n = GenServer.call(counter, CounterServer.Call.GET);
        assertThat(n).isEqualTo(0L);
        assertThat(GenServer.call(counter, CounterServer.Call.INCR)).isEqualTo(1L);
        assertThat(GenServer.call(counter, CounterServer.Call.INCR)).isEqualTo(2L);
        assertThat(GenServer.call(counter, CounterServer.Call.GET)).isEqualTo(2L);
        // the atoms stay atoms unless the node's mapper maps them: then an unknown call
        assertThat(GenServer.call(counter, Atom.of("get"))).isEqualTo(
                Tuple.of(Atom.ERROR, Tuple.of(Atom.of("unknown_call"), Atom.of("get"))));
        assertThat(GenServer.call(counter, "what")).isEqualTo(
                Tuple.of(Atom.ERROR, Tuple.of(Atom.of("unknown_call"), Binary.of("what"))));
        assertThat(GenServer.call(counter, new Object() {
            @Override
            public String toString() {
                return "no term";
            }
        })).isEqualTo(Tuple.of(Atom.ERROR, Tuple.of(Atom.of("unknown_call"), Binary.of("no term"))));
        Jarl.run(() -> {
            Ref ref = Jarl.monitor(counter);
            assertThatThrownBy(() -> GenServer.call(counter, CounterServer.Call.CRASH))
                    .isInstanceOfSatisfying(ExitException.class, e -> assertThat(e.reason().cause()).isEqualTo(ExitReason.of("crashed")));
            Down down = Jarl.receive(m -> m instanceof Down d && d.ref().equals(ref) ? d : Jarl.skip(), WAIT).orElseThrow();
            assertThat(down.reason()).isEqualTo(ExitReason.of("crashed"));
            return null;
        });
    }

    @Test
    void reverseReversesCharactersOfTextAndBytesOfTheRest() {
        assertThat(Reverse.apply(List.of(Binary.of("abc")))).isEqualTo(Binary.of("cba"));
        assertThat(Reverse.apply(List.of(Binary.EMPTY))).isEqualTo(Binary.EMPTY);
        assertThat(Reverse.apply(List.of(Binary.of("añb€")))).isEqualTo(Binary.of("€bña"));
        assertThat(Reverse.apply(List.of(Binary.of("e\u0301x")))).isEqualTo(Binary.of("xe\u0301"));
        assertThat(Reverse.apply(List.of(Binary.of("a\uD83D\uDE00")))).isEqualTo(Binary.of("\uD83D\uDE00a"));
        assertThat(Reverse.apply(List.of(Binary.of(new byte[] {(byte) 0xff, 1, 2})))).isEqualTo(
                Binary.of(new byte[] {2, 1, (byte) 0xff}));
        assertThatThrownBy(() -> Reverse.apply(List.of(Atom.of("abc"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("jarl_demo:reverse/1 takes a binary, not abc");
    }

    // ------------------------------------------------------------------ start and stop, in this JVM

    @Test
    void startHostsTheTreeAndStopRemovesEverything() throws Exception {
        DemoNode demo = DemoNode.start(NodeOptions.sname(ErlShell.randomName("jarl")).withCookie("C")
                .withEpmdPort(ErlShell.freePort())); // no EPMD there: it starts its own
        try {
            assertThat(Node.current()).contains(demo.node());
            assertThat(Jarl.whereis(DemoNode.SUPERVISOR)).contains(demo.supervisor());
            assertThat(Supervisor.whichChildren(demo.supervisor())).hasSize(2);
            Optional<Pid> counter = Jarl.whereis(DemoNode.COUNTER);
            assertThat(counter).isPresent();
            assertThat(Jarl.whereis(DemoNode.ECHO)).isPresent();
            // a pair from a Jarl process, its pid written as a term, is echoed as from another node
            Jarl.run(() -> {
                Jarl.send(Name.of(DemoNode.ECHO), Tuple.of(Jarl.self(), Atom.of("hi")));
                assertThat(Jarl.receive(WAIT)).contains(Tuple.of(Atom.of("echo"), Atom.of("hi")));
                return null;
            });
            // crashed, the counter is restarted at 0 under its name
            assertThatThrownBy(() -> GenServer.call(counter.get(), CounterServer.Call.CRASH)).isInstanceOf(ExitException.class);
            Supervisor.whichChildren(demo.supervisor()); // answered once the supervisor handled the exit
            assertThat(Jarl.whereis(DemoNode.COUNTER)).isPresent().isNotEqualTo(counter);
            assertThat(GenServer.call(Name.of(DemoNode.COUNTER), CounterServer.Call.GET)).isEqualTo(0L);
            // the node maps the atoms to the requests: a term with the atom get is the request
            assertThat(demo.node().mapper().fromTerm(Atom.of("incr"))).isEqualTo(CounterServer.Call.INCR);
        } finally {
            assertThat(demo.stop()).isTrue();
        }
        assertThat(demo.stop()).isFalse();
        assertThat(Node.current()).isEmpty();
        assertThat(Jarl.whereis(DemoNode.SUPERVISOR)).isEmpty();
        assertThat(Jarl.whereis(DemoNode.COUNTER)).isEmpty();
        assertThat(Jarl.whereis(DemoNode.ECHO)).isEmpty();
    }

    @Test
    void aSecondNodeInTheSameJvmIsRefused() throws Exception {
        try (DemoNode demo = DemoNode.start(NodeOptions.sname(ErlShell.randomName("jarl")).withCookie("C")
                .withEpmdPort(ErlShell.freePort()))) {
            Output output = new Output();
            int status = DemoNode.run(List.of("--sname", "other", "--cookie", "C"), Map.of(),
                    InputStream.nullInputStream(), output.out, output.err);
            assertThat(status).isEqualTo(1);
            assertThat(output.err()).isEqualTo("bin/jarl node: cannot start node other@" + NodeName.parse(demo.name()).host()
                    + ": this JVM is already the node " + demo.name() + "\n");
            assertThat(Node.current()).contains(demo.node());
        }
    }

    @Test
    void aTakenProcessNameFailsTheStartAndStopsTheNode() throws Exception {
        Pid squatter = GenServer.start(new CounterServer(TermMapper.defaults()), StartOptions.named(DemoNode.COUNTER))
                .orElseThrow();
        try {
            assertThatThrownBy(() -> DemoNode.start(NodeOptions.sname(ErlShell.randomName("jarl")).withCookie("C")
                    .withEpmdPort(ErlShell.freePort()))).isInstanceOf(ExitException.class);
            assertThat(Node.current()).isEmpty();
        } finally {
            GenServer.stop(squatter);
        }
    }

    /** A supervisor that gives up ends the program: status 1, and the node stops. */
    @Test
    void theTreeGivingUpEndsTheProgramWithStatus1() throws Exception {
        CountDownLatch ready = new CountDownLatch(1);
        ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(new OutputStream() {
            @Override
            public synchronized void write(int b) {
                outBytes.write(b);
                if (b == '\n' && outBytes.toString(StandardCharsets.UTF_8).startsWith("ready ")) {
                    ready.countDown();
                }
            }
        }, true, StandardCharsets.UTF_8);
        Output errors = new Output();
        PipedOutputStream stdin = new PipedOutputStream();
        PipedInputStream in = new PipedInputStream(stdin);
        CompletableFuture<Integer> status = new CompletableFuture<>();
        Thread program = Thread.ofPlatform().name("demo-node-program").start(() -> status.complete(DemoNode.run(
                List.of("--sname", ErlShell.randomName("jarl"), "--cookie", "C", "--stop-on-eof"),
                Map.of("ERL_EPMD_PORT", Integer.toString(ErlShell.freePort())), in, out, errors.err)));
        try {
            assertThat(ready.await(WAIT.toSeconds(), TimeUnit.SECONDS)).as("ready printed").isTrue();
            // 10 restarts in 10 s are allowed; the 11th crash makes the supervisor give up
            for (int crash = 1; crash <= 11; crash++) {
                assertThatThrownBy(() -> GenServer.call(Name.of(DemoNode.COUNTER), CounterServer.Call.CRASH))
                        .isInstanceOf(ExitException.class);
                if (crash < 11) {
                    Supervisor.whichChildren(Name.of(DemoNode.SUPERVISOR)); // the restart is done
                }
            }
            assertThat(status.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(1);
            assertThat(outBytes.toString(StandardCharsets.UTF_8)).matches("ready \\S+\nstopped \\S+\n");
            assertThat(errors.err()).contains("bin/jarl node: the supervision tree ended: shutdown");
            assertThat(Node.current()).isEmpty();
        } finally {
            stdin.close();
            program.join(WAIT.toMillis());
        }
    }
}
