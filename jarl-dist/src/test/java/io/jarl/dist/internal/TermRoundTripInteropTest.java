package io.jarl.dist.internal;

import static io.jarl.testing.ProcessTesting.awaitExit;
import static io.jarl.testing.ProcessTesting.awaitMessage;
import static org.assertj.core.api.Assertions.assertThat;

import io.jarl.Exit;
import io.jarl.ExitReason;
import io.jarl.Jarl;
import io.jarl.Pid;
import io.jarl.RemotePid;
import io.jarl.SpawnOptions;
import io.jarl.dist.Node;
import io.jarl.dist.NodeDown;
import io.jarl.dist.term.Atom;
import io.jarl.dist.term.Tuple;
import io.jarl.testing.LogCapture;
import io.jarl.testing.NoLeakedProcesses;
import io.jarl.testing.ProcessTesting;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every kind of term crosses erl → Jarl → erl unchanged (OTP distribution_SUITE:
 * nil_roundtrip, atom_roundtrip, unicode_atom_roundtrip, ref_port_roundtrip, and the term kinds of
 * erl_ext_dist.md), two ways: inside a tuple, which Jarl leaves as terms (the codec alone), and
 * inside a list, which Jarl maps to Java values and back (the codec and the TermMapper). Erlang
 * itself compares what came back with {@code =:=}. Also what a message that does not fit a
 * registered record does (it is delivered as it is; the connection stays), and rpc casts.
 */
@ExtendWith(NoLeakedProcesses.class)
class TermRoundTripInteropTest {
    /** A record registered with the node: {@code {point, X, Y}} arrives as a Point. */
    record Point(long x, long y) {}

    static Cluster cluster;
    static Node node;
    static Shell erl;
    static Pid echo;

    @BeforeAll
    static void startNodes() {
        cluster = Cluster.start("ROUNDTRIP");
        try {
            node = cluster.jarl(o -> o.registerRecord(Point.class)
                    .export("rt", "notify", 1, args -> {
                        // tells who runs it, and ends only when told to: the test watches it end
                        Jarl.send("rt_inbox", List.of(Atom.of("notified"), args.getFirst(), Jarl.self()));
                        Jarl.receive(m -> Atom.of("go").equals(m) ? m : Jarl.skip(), ProcessTesting.WAIT);
                        return Atom.of("ok");
                    }));
            erl = new Shell(cluster.erl(), node);
            echo = Jarl.spawn(SpawnOptions.defaults().register("rt_echo"), TermRoundTripInteropTest::echo);
        } catch (RuntimeException | Error e) {
            cluster.close();
            throw e;
        }
    }

    @AfterAll
    static void stopNodes() {
        if (echo != null) {
            Jarl.exit(echo, ExitReason.kill());
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    /**
     * {@code {From, T}} is answered {@code {rt_echo, T}} with T untouched; {@code [From, T]}, which
     * arrives as a Java list of mapped values, is answered with the Java list {@code [rt_mapped, T]}.
     */
    private static void echo() {
        while (true) {
            Object m = Jarl.receive();
            if (m instanceof Tuple t && t.arity() == 2 && t.get(0) instanceof Pid from) {
                Jarl.send(from, Tuple.of(Atom.of("rt_echo"), t.get(1)));
            } else if (m instanceof List<?> l && l.size() == 2 && l.getFirst() instanceof Pid from) {
                Jarl.send(from, List.of(Atom.of("rt_mapped"), l.get(1)));
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            // nil_roundtrip, atoms (atom_roundtrip, unicode_atom_roundtrip)
            "[]", "hello", "''", "'with space'", "true", "false", "undefined",
            "list_to_atom([104, 233, 8364, 128512])", "list_to_atom(lists:duplicate(255, 16#10FFFF))",
            // integers at every encoding boundary, and bignums
            "0", "255", "256", "-1", "2147483647", "-2147483648", "2147483648", "-2147483649",
            "9223372036854775807", "-9223372036854775808", "9223372036854775808", "18446744073709551616",
            "1 bsl 100", "-(1 bsl 100)", "1 bsl 2040", "-(1 bsl 2041)",
            // floats
            "0.0", "1.5", "-2.25e-300", "1.7976931348623157e308", "5.0e-324", "-0.5",
            // binaries and bitstrings
            "<<>>", "<<1,2,3>>", "<<\"text\">>", "binary:copy(<<\"0123456789\">>, 20000)", "<<1:1>>",
            "<<1,2,3:3>>", "<<255:7>>", "<<0:0, 5:4>>",
            // lists, strings, improper lists
            "[1,2,3]", "\"a string\"", "[a|b]", "[1,2|3]", "[[]]", "[[], [[]], {[]}]",
            "lists:foldl(fun(_, A) -> [A] end, [], lists:seq(1, 1000))", "lists:seq(1, 70000)",
            "[<<>>|<<1:1>>]", "[1.0|2]",
            // tuples
            "{}", "{a}", "{a, {b, {c, {}}}}", "list_to_tuple(lists:seq(1, 300))",
            // maps (small and hashed), keys of every kind, 1 and 1.0 distinct
            "#{}", "#{a => 1}", "#{1 => a, 1.0 => b}", "#{[1] => #{x => {}}, {t} => <<>>, <<\"k\">> => [], [] => #{}}",
            "maps:from_list([{I, {I}} || I <- lists:seq(1, 100)])", "#{self() => make_ref(), true => false}",
            // pids, references, ports, funs (ref_port_roundtrip)
            "self()", "make_ref()", "alias()", "monitor(process, self())", "hd(erlang:ports())",
            "fun lists:reverse/1", "fun(X) -> {X, self()} end",
            "erpc:call(JarlNode, erlang, whereis, [rt_echo])",
            "{self(), make_ref(), [self(), {make_ref()}], #{self() => [make_ref() | self()]}, "
                    + "erpc:call(JarlNode, erlang, whereis, [rt_echo])}",
            // registered records: a Point both ways
            "{point, 1, 2}", "[{point, -5, 1 bsl 40}]", "{point, 1}", "{point, 1, 2, 3}",
    })
    void aTermRoundTripsUnchanged(String expression) {
        String jarl = "{rt_echo, " + Cluster.atom(node.name()) + "}";
        String result = erl.eval("begin JarlNode = " + Cluster.atom(node.name()) + ", T = " + expression + ", "
                + jarl + " ! {self(), T}, R1 = receive {rt_echo, X1} -> X1 after 5000 -> timeout end, "
                + jarl + " ! [self(), T], R2 = receive [rt_mapped, X2] -> X2 after 5000 -> timeout end, "
                + "case {R1 =:= T, R2 =:= T} of {true, true} -> same; Cmp -> {Cmp, T, R1, R2} end end");
        assertThat(result).as("sent %s", expression).isEqualTo("same");
    }

    /** A registered record arrives as the Java record, and goes back as its tuple. */
    @Test
    void aRegisteredRecordIsMapped() throws Exception {
        Jarl.run(() -> {
            Jarl.register("rt_inbox", Jarl.self());
            try {
                erl.eval("{rt_inbox, " + Cluster.atom(node.name()) + "} ! {point, 3, 4}");
                awaitMessage(new Point(3, 4));
                Jarl.send(new io.jarl.RemoteName("shell", erl.name), new Point(5, 6));
                assertThat(erl.eval("receive {point, X, Y} -> {X, Y} after 5000 -> timeout end")).isEqualTo("{5,6}");
            } finally {
                Jarl.unregister("rt_inbox");
            }
            return null;
        });
    }

    /**
     * A message or exit reason that has a registered record's tag but does not fit it (the BEAM
     * delivers any term) arrives as the term it is; the connection, and everything on it, stays.
     */
    @Test
    void aTermThatDoesNotFitItsRecordIsDeliveredAsItIs() throws Exception {
        Jarl.run(() -> {
            node.monitorNodes(true);
            Jarl.register("rt_inbox", Jarl.self());
            try (LogCapture log = LogCapture.start()) {
                erl.eval("{rt_inbox, " + Cluster.atom(node.name()) + "} ! {point, a, b}");
                awaitMessage(Tuple.of(Atom.of("point"), Atom.of("a"), Atom.of("b")));
                erl.eval("{rt_inbox, " + Cluster.atom(node.name()) + "} ! [x, {point, 1.5, 2}]");
                awaitMessage(List.of(Atom.of("x"), Tuple.of(Atom.of("point"), 1.5, 2L)));
                // as an exit reason
                Jarl.trapExit(true);
                RemotePid e = erl.agent(false);
                Jarl.link(e);
                Jarl.send(e, Tuple.of(Atom.of("exit"), Tuple.of(Atom.of("point"), Atom.of("a"), Atom.of("b"))));
                Exit exit = awaitExit(e);
                assertThat(exit.reason()).isEqualTo(ExitReason.of(Tuple.of(Atom.of("point"), Atom.of("a"),
                        Atom.of("b"))));
                assertThat(ProcessTesting.pollMatching(m -> m instanceof NodeDown)).isFalse();
                assertThat(node.nodes()).contains(erl.name);
                assertThat(log.text()).doesNotContain("closing the connection");
                Jarl.trapExit(false);
            } finally {
                Jarl.unregister("rt_inbox");
                node.monitorNodes(false);
            }
            return null;
        });
    }

    /** rpc:cast and erpc:call from erl run the exported function, whose process then ends normally. */
    @Test
    void rpcCastFromErl() throws Exception {
        Jarl.run(() -> {
            Jarl.register("rt_inbox", Jarl.self());
            try {
                assertThat(erl.eval("rpc:cast(" + Cluster.atom(node.name()) + ", rt, notify, [<<\"hi\">>])"))
                        .isEqualTo("true");
                assertThat(runsAndEnds(io.jarl.dist.term.Binary.of("hi"))).isEqualTo(ExitReason.normal());

                RemotePid caller = erl.agent(false);
                erl.eval(erl.lit(caller) + " ! {do, fun() -> erpc:call(" + Cluster.atom(node.name())
                        + ", rt, notify, [again]) end}");
                assertThat(runsAndEnds(Atom.of("again"))).isEqualTo(ExitReason.normal());
                assertThat(erl.next(caller)).isEqualTo(Tuple.of(Atom.of("done"), Atom.of("ok")));
            } finally {
                Jarl.unregister("rt_inbox");
            }
            return null;
        });
    }

    /** Waits for the exported function to report with {@code arg}, lets it finish, returns how its process ended. */
    private static ExitReason runsAndEnds(Object arg) {
        List<?> notified = (List<?>) ProcessTesting.awaitMatching("notified " + arg,
                x -> x instanceof List<?> l && l.size() == 3 && l.get(1).equals(arg));
        Pid worker = (Pid) notified.get(2);
        io.jarl.Ref ref = Jarl.monitor(worker);
        Jarl.send(worker, Atom.of("go"));
        return ProcessTesting.awaitDown(ref).reason();
    }
}
