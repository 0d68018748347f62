package io.jarl.dist.internal;

import static io.jarl.testing.ProcessTesting.awaitExit;
import static org.assertj.core.api.Assertions.assertThat;

import io.jarl.ExitReason;
import io.jarl.Jarl;
import io.jarl.Pid;
import io.jarl.ProcessInfo;
import io.jarl.RemotePid;
import io.jarl.SpawnOptions;
import io.jarl.dist.Node;
import io.jarl.dist.NodeDown;
import io.jarl.dist.NodeUp;
import io.jarl.dist.term.Atom;
import io.jarl.dist.term.ErlPid;
import io.jarl.dist.term.Tuple;
import io.jarl.testing.LogCapture;
import io.jarl.testing.NoLeakedProcesses;
import io.jarl.testing.ProcessTesting;
import java.math.BigInteger;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A peer that completes the handshake and then breaks the protocol (OTP distribution_SUITE:
 * bad_dist_structure, bad_dist_ext_receive, bad_dist_ext_control, bad_dist_ext_size): whatever it
 * sends, the Jarl node logs one line and closes that connection only, as the BEAM does with an
 * invalid distribution message; the node, and its connection to an erl node, carry on. Also the
 * edges of well-formed traffic a raw peer can produce (an UNLINK_ID id at 2^64 - 1).
 */
@ExtendWith(NoLeakedProcesses.class)
class BadPeerTest {
    static Cluster cluster;
    static Node node;
    static Shell erl;
    static Pid guard;
    static RemotePid guarded;

    @BeforeAll
    static void startNodes() {
        cluster = Cluster.start("BADPEER");
        try {
            node = cluster.jarl();
            erl = new Shell(cluster.erl(), node);
            // a link across the erl connection, which no bad peer may disturb
            guarded = erl.agent(true);
            guard = Jarl.spawn(SpawnOptions.defaults().trapExit(), ProcessTesting::blockForever);
            erl.run(guarded, "link(" + erl.lit(guard) + ")");
        } catch (RuntimeException | Error e) {
            cluster.close();
            throw e;
        }
    }

    @AfterAll
    static void stopNodes() {
        if (guard != null) {
            Jarl.exit(guard, ExitReason.kill());
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    private static RawPeer peer() {
        return cluster.own(RawPeer.connect(ErlNode.randomName("raw"), node.name(), node.port(), cluster.cookie));
    }

    private static ErlPid jarlPid(Pid pid) {
        return (ErlPid) io.jarl.dist.term.Terms.binaryToTerm(node.mapper().termToBinary(pid));
    }

    static Stream<Arguments> garbage() {
        Atom empty = Atom.of("");
        return Stream.of(
                bad("a length over the frame limit", p -> p.sendRaw(new byte[] {0x7F, -1, -1, -1}), "exceeds the limit"),
                bad("a negative length", p -> p.sendRaw(new byte[] {-1, -1, -1, -2}), "exceeds the limit"),
                bad("a term that cannot be decoded", p -> p.sendRaw(RawPeer.frame(112, 131, 255)), "not a term tag"),
                bad("a truncated term", p -> p.sendRaw(RawPeer.frame(112, 131, 104, 3, 97, 1)), "3 elements declared"),
                bad("a frame of only the pass-through byte", p -> p.sendRaw(RawPeer.frame(112)), "version byte"),
                bad("not a pass-through frame", p -> p.sendRaw(RawPeer.frame(131, 68, 0, 104, 1, 97, 2)),
                        "neither the atom cache nor fragments were negotiated"),
                bad("a control message that is not a tuple", p -> p.send(Atom.of("hello")), "must be a tuple"),
                bad("an unknown control message", p -> p.send(Tuple.of(99L, Atom.of("x"))), "unknown control message 99"),
                bad("a LINK of the wrong arity", p -> p.send(Tuple.of(1L, p.pid(1))), "arity"),
                bad("a SEND without its message", p -> p.send(Tuple.of(2L, empty, jarlPid(guard))), "payload"),
                bad("a LINK with a payload", p -> p.send(Tuple.of(1L, p.pid(1), jarlPid(guard)), Atom.of("x")),
                        "payload"),
                bad("bytes after the message", p -> {
                    byte[] ok = new io.jarl.dist.term.TermEncoder().writeByte(112)
                            .write(Tuple.of(6L, p.pid(1), empty, Atom.of("nobody"))).write(Atom.of("m")).toByteArray();
                    byte[] frame = new byte[4 + ok.length + 1];
                    System.arraycopy(RawPeer.frame(new int[ok.length + 1]), 0, frame, 0, 4);
                    System.arraycopy(ok, 0, frame, 4, ok.length);
                    frame[frame.length - 1] = 106;
                    p.sendRaw(frame);
                }, "follow the payload"),
                bad("an UNLINK_ID whose id is not an integer",
                        p -> p.send(Tuple.of(35L, Atom.of("one"), p.pid(1), jarlPid(guard))), "unlink id"),
                bad("an UNLINK_ID whose id is negative",
                        p -> p.send(Tuple.of(35L, -1L, p.pid(1), jarlPid(guard))), "unlink id"),
                bad("an UNLINK_ID whose id has more than 64 bits",
                        p -> p.send(Tuple.of(35L, BigInteger.TWO.pow(64), p.pid(1), jarlPid(guard))), "unlink id"),
                bad("a LINK from another node's pid", p -> p.send(Tuple.of(1L, new ErlPid(Atom.of("other@host"), 1, 0,
                        1), jarlPid(guard))), "expected a pid of"),
                bad("a SEND to another node's pid", p -> p.send(Tuple.of(2L, empty, new ErlPid(Atom.of("other@host"),
                        1, 0, 1)), Atom.of("m")), "expected a pid of this node"),
                bad("a MONITOR_P whose reference is not one", p -> p.send(Tuple.of(19L, p.pid(1), jarlPid(guard),
                        Atom.of("ref"))), "expected a reference"),
                bad("a REG_SEND to a name that is not an atom", p -> p.send(Tuple.of(6L, p.pid(1), empty, 42L),
                        Atom.of("m")), "not an atom"));
    }

    /** Frames of a peer that negotiated distribution headers (the atom cache and fragments). */
    static Stream<Arguments> headerGarbage() {
        return Stream.of(
                bad("an unknown distribution header", p -> p.sendRaw(RawPeer.frame(131, 71, 0)),
                        "unknown distribution header 131,71"),
                bad("a reference to an atom cache entry never filled",
                        p -> p.sendRaw(RawPeer.frame(131, 68, 1, 0, 5, 104, 1, 82, 0)), "cache"),
                bad("a fragment of a message that never started", p -> p.sendRaw(RawPeer.frame(
                        131, 70, 0, 0, 0, 0, 0, 0, 0, 9, 0, 0, 0, 0, 0, 0, 0, 1, 0)), "never started"),
                bad("a fragment out of order", p -> {
                    p.sendRaw(RawPeer.frame(131, 69, 0, 0, 0, 0, 0, 0, 0, 9, 0, 0, 0, 0, 0, 0, 0, 3, 0));
                    p.sendRaw(RawPeer.frame(131, 70, 0, 0, 0, 0, 0, 0, 0, 9, 0, 0, 0, 0, 0, 0, 0, 1, 0));
                }, "where 2 was expected"),
                bad("a fragment id of 0", p -> p.sendRaw(RawPeer.frame(
                        131, 69, 0, 0, 0, 0, 0, 0, 0, 9, 0, 0, 0, 0, 0, 0, 0, 0, 0)), "count down to 1"),
                bad("a cut fragment header", p -> p.sendRaw(RawPeer.frame(131, 69, 0, 0, 0)), "fragment header"));
    }

    /** As {@link #aBadFrameClosesThatConnectionOnly}, for a peer that negotiated distribution headers. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("headerGarbage")
    void aBadHeaderFrameClosesThatConnectionOnly(String what, Consumer<RawPeer> send, String detail) throws Exception {
        check(what, send, detail, true);
    }

    private static Arguments bad(String what, Consumer<RawPeer> send, String detail) {
        return Arguments.of(what, send, detail);
    }

    /** OTP: an invalid distribution message closes that connection, with a report; nothing else. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("garbage")
    void aBadFrameClosesThatConnectionOnly(String what, Consumer<RawPeer> send, String detail) throws Exception {
        check(what, send, detail, false);
    }

    private void check(String what, Consumer<RawPeer> send, String detail, boolean headers) throws Exception {
        Jarl.run(() -> {
            node.monitorNodes(true);
            RawPeer peer = headers
                    ? cluster.own(RawPeer.connect(ErlNode.randomName("raw"), node.name(), node.port(), cluster.cookie, true))
                    : peer();
            // its handshake is done; the Jarl side has the connection up once it says so
            assertThat(ProcessTesting.await(NodeUp.class)).isEqualTo(new NodeUp(peer.name.toString()));
            try (LogCapture log = LogCapture.start()) {
                send.accept(peer);
                peer.awaitClosed();
                NodeDown down = Jarl.receive(NodeDown.class, Duration.ofSeconds(5)).orElseThrow();
                assertThat(down.node()).isEqualTo(peer.name.toString());
                assertThat(down.reason()).startsWith("bad frame").contains(detail);
                List<String> lines = log.linesContaining(peer.name.toString());
                assertThat(lines).as("what the node logged about " + what).singleElement().asString()
                        .contains("closing the connection to " + peer.name).contains(detail);
                assertThat(log.text()).as("no stack trace").doesNotContain("\tat ");
            }
            assertThat(node.nodes()).doesNotContain(peer.name.toString());
            node.monitorNodes(false);
            assertOthersCarryOn();
            return null;
        });
    }

    private static void assertOthersCarryOn() {
        assertThat(node.ping(erl.name)).isTrue();
        assertThat(Jarl.info(guard).map(ProcessInfo::links).orElseThrow()).containsExactly(guarded);
        assertThat(erl.alive(guarded)).isTrue();
        Jarl.send(guarded, Atom.of("still_here"));
        assertThat(erl.next(guarded)).isEqualTo(Atom.of("still_here"));
    }

    /** The peer comes back under the same name after its connection was dropped: a fresh connection. */
    @Test
    void aDroppedPeerCanConnectAgain() throws Exception {
        Jarl.run(() -> {
            String alive = ErlNode.randomName("raw");
            RawPeer first = cluster.own(RawPeer.connect(alive, node.name(), node.port(), cluster.cookie));
            first.send(Tuple.of(99L));
            first.awaitClosed();
            RawPeer second = cluster.own(RawPeer.connect(alive, node.name(), node.port(), cluster.cookie));
            // it works: a message to a registered process arrives
            Jarl.register("inbox", Jarl.self());
            try {
                second.send(Tuple.of(6L, second.pid(1), Atom.of(""), Atom.of("inbox")), Atom.of("hello"));
                ProcessTesting.awaitMessage(Atom.of("hello"));
            } finally {
                Jarl.unregister("inbox");
            }
            return null;
        });
    }

    /**
     * Unlink ids are 64-bit unsigned (erl_dist_protocol "Link Protocol": any value but zero): an
     * UNLINK_ID with 2^64 - 1 removes the link and is acknowledged with the same id.
     */
    @Test
    void anUnlinkIdOf64BitsIsAcknowledged() throws Exception {
        Jarl.run(() -> {
            RawPeer peer = peer();
            Pid j = Jarl.spawn(ProcessTesting::blockForever);
            ErlPid from = peer.pid(7);
            peer.send(Tuple.of(1L, from, jarlPid(j)));
            BigInteger max = BigInteger.TWO.pow(64).subtract(BigInteger.ONE);
            peer.send(Tuple.of(35L, max, from, jarlPid(j)));
            RawPeer.Frame ack = peer.receive();
            assertThat(ack.control()).isEqualTo(Tuple.of(36L, max, jarlPid(j), from));
            assertThat(Jarl.info(j).map(ProcessInfo::links).orElseThrow()).isEmpty();
            // and a process linked to the peer hears noconnection when the peer goes
            Jarl.trapExit(true);
            Jarl.link((Pid) node.mapper().fromTerm(from));
            assertThat(peer.receive().control()).isEqualTo(Tuple.of(1L, jarlPid(Jarl.self()), from));
            peer.close();
            assertThat(awaitExit((Pid) node.mapper().fromTerm(from)).reason()).isEqualTo(ExitReason.noconnection());
            Jarl.trapExit(false);
            Jarl.exit(j, ExitReason.kill());
            return null;
        });
    }
}
