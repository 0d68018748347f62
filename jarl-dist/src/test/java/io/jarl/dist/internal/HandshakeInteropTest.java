package io.jarl.dist.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jarl.dist.Cookie;
import io.jarl.dist.HandshakeException;
import io.jarl.dist.HandshakeException.Reason;
import io.jarl.dist.NodeName;
import io.jarl.testing.LogCapture;
import io.jarl.testing.NoLeakedProcesses;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The handshake against a real {@code erl} (OTP 25 here), in both directions, registered in the
 * embedded EPMD on a private port. One {@code erl} node serves the whole class; it watches node
 * events ({@code net_kernel:monitor_nodes/2}) so a test can wait for the nodeup erl sees.
 */
@ExtendWith(NoLeakedProcesses.class)
class HandshakeInteropTest {
    static final String COOKIE = "INTEROP";

    static EmbeddedEpmd epmd;
    static ErlNode erl;
    static NodeName erlName;

    final List<AutoCloseable> toClose = new ArrayList<>();

    @BeforeAll
    static void startErl() throws IOException {
        ErlNode.assumeErlang();
        epmd = EmbeddedEpmd.start(InetAddress.getLoopbackAddress(), 0, EmbeddedEpmd.Limits.DEFAULT);
        try {
            erl = ErlNode.start(ErlNode.randomName("e"), COOKIE, epmd.port());
            erlName = NodeName.parse(erl.eval("node()."));
            assertThat(erl.eval("net_kernel:monitor_nodes(true, [{node_type, all}]).")).isEqualTo("ok");
        } catch (RuntimeException | AssertionError e) {
            stopErl();
            throw e;
        }
    }

    @AfterAll
    static void stopErl() {
        if (erl != null) {
            erl.close();
        }
        if (epmd != null) {
            epmd.close();
        }
    }

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : toClose.reversed()) {
            c.close();
        }
    }

    private NodeName javaName() {
        return NodeName.of(ErlNode.randomName("j"), erlName.host());
    }

    /** Keeps reading (and dropping) what erl sends on a connection, so that it stays open and unblocked. */
    private void drain(HandshakeResult result) {
        toClose.add(result.socket());
        Thread.ofVirtual().name("drain-" + result.peer()).start(() -> {
            try {
                InputStream in = result.in();
                while (in.read() >= 0) {
                    // erl's ticks, global's and rex's messages: the connection layer's business
                }
            } catch (IOException closed) {
                // the test closed it
            }
        });
    }

    private HandshakeResult connectToErl(HandshakeConfig config) throws HandshakeException {
        ConnectionTable table = new ConnectionTable();
        return Handshake.connect(config, erlName, epmd.port(), table, table.beginConnect(erlName).orElseThrow());
    }

    private static String awaitNodeEvent(String event, NodeName node) {
        return erl.eval("receive {" + event + ", '" + node + "', _} -> " + event + " after 10000 -> timeout end.");
    }

    // ---------------------------------------------------------------------------------------------
    // Java dials erl

    @Test
    void javaConnectsToErlAndErlSeesAVisibleNode() throws Exception {
        NodeName me = javaName();
        HandshakeResult result = connectToErl(HandshakeConfig.of(me, 77, Cookie.of(COOKIE)));
        drain(result);
        assertThat(result.peer()).isEqualTo(erlName);
        assertThat(Integer.toUnsignedString(result.peerCreation())).isEqualTo(erl.eval("erlang:system_info(creation)."));
        assertThat(result.peerFlags() & DistFlags.DEFAULT_OFFERED).isEqualTo(DistFlags.DEFAULT_OFFERED);
        assertThat(result.negotiatedFlags()).isEqualTo(DistFlags.DEFAULT_OFFERED | DistFlags.PUBLISHED);
        assertThat(result.visible()).isTrue();

        assertThat(awaitNodeEvent("nodeup", me)).isEqualTo("nodeup");
        assertThat(erl.eval("lists:member('" + me + "', nodes()).")).isEqualTo("true");
        assertThat(erl.eval("lists:member('" + me + "', nodes(hidden)).")).isEqualTo("false");

        result.socket().close();
        assertThat(awaitNodeEvent("nodedown", me)).isEqualTo("nodedown");
        assertThat(erl.eval("lists:member('" + me + "', nodes(connected)).")).isEqualTo("false");
    }

    @Test
    void aHiddenJavaNodeIsListedAmongErlsHiddenNodes() throws Exception {
        NodeName me = javaName();
        HandshakeResult result = connectToErl(HandshakeConfig.of(me, 78, Cookie.of(COOKIE)).withHidden(true));
        drain(result);
        assertThat(result.visible()).isFalse();
        assertThat(awaitNodeEvent("nodeup", me)).isEqualTo("nodeup");
        assertThat(erl.eval("lists:member('" + me + "', nodes(hidden)).")).isEqualTo("true");
        assertThat(erl.eval("lists:member('" + me + "', nodes()).")).isEqualTo("false");
        result.socket().close();
        assertThat(awaitNodeEvent("nodedown", me)).isEqualTo("nodedown");
    }

    @Test
    void erlRefusesAJavaNodeWithAnotherCookie() throws Exception {
        NodeName me = javaName();
        int mark = erl.mark();
        try (LogCapture log = LogCapture.start()) {
            assertThatThrownBy(() -> connectToErl(HandshakeConfig.of(me, 79, Cookie.of("WRONG"))))
                    .isInstanceOf(HandshakeException.class)
                    .extracting(e -> ((HandshakeException) e).reason()).isEqualTo(Reason.BAD_COOKIE);
            assertThat(log.linesContaining("Connection attempt to node " + erlName + " failed")).hasSize(1);
            assertThat(log.text()).doesNotContain("\tat ");
        }
        erl.awaitLine(l -> l.contains("Connection attempt from node " + me + " rejected. Invalid challenge reply."),
                mark);
        assertThat(erl.eval("lists:member('" + me + "', nodes(connected)).")).isEqualTo("false");
    }

    // ---------------------------------------------------------------------------------------------
    // erl dials Java

    /** A Java node that registers in EPMD and accepts; returns the queues of outcomes. */
    private record JavaAcceptor(NodeName name, HandshakeConfig config, ConnectionTable table,
            BlockingQueue<HandshakeResult> accepted, BlockingQueue<HandshakeException> failed) {}

    private JavaAcceptor acceptor(Cookie cookie) throws IOException {
        return acceptor(javaName(), cookie);
    }

    private JavaAcceptor acceptor(NodeName me, Cookie cookie) throws IOException {
        ServerSocket server = new ServerSocket(0); // every address: erl dials the address its host resolves to
        EpmdRegistration registration = EpmdClient.local(epmd.port()).register(me.alive(), server.getLocalPort());
        toClose.add(registration);
        HandshakeConfig config = HandshakeConfig.of(me, registration.creation(), cookie);
        BlockingQueue<HandshakeResult> accepted = new LinkedBlockingQueue<>();
        BlockingQueue<HandshakeException> failed = new LinkedBlockingQueue<>();
        ConnectionTable table = new ConnectionTable();
        HandshakeAcceptor acceptor = HandshakeAcceptor.start(server, config, table, 16,
                new HandshakeAcceptor.Listener() {
                    @Override
                    public void connected(HandshakeResult result) {
                        drain(result);
                        accepted.add(result);
                    }

                    @Override
                    public void failed(HandshakeException failure) {
                        failed.add(failure);
                    }
                });
        toClose.add(acceptor);
        return new JavaAcceptor(me, config, table, accepted, failed);
    }

    @Test
    void erlConnectsToAJavaNode() throws Exception {
        JavaAcceptor java = acceptor(Cookie.of(COOKIE));
        assertThat(erl.eval("net_kernel:connect_node('" + java.name() + "').")).isEqualTo("true");
        HandshakeResult result = java.accepted().poll(10, TimeUnit.SECONDS);
        assertThat(result).isNotNull();
        assertThat(result.peer()).isEqualTo(erlName);
        assertThat(result.initiatedByUs()).isFalse();
        assertThat(Integer.toUnsignedString(result.peerCreation())).isEqualTo(erl.eval("erlang:system_info(creation)."));
        assertThat(result.negotiatedFlags()).isEqualTo(DistFlags.DEFAULT_OFFERED | DistFlags.PUBLISHED);
        assertThat(erl.eval("lists:member('" + java.name() + "', nodes()).")).isEqualTo("true");
        result.socket().close();
        assertThat(awaitNodeEvent("nodedown", java.name())).isEqualTo("nodedown");
    }

    @Test
    void aJavaNodeRefusesErlWithAnotherCookie() throws Exception {
        JavaAcceptor java = acceptor(Cookie.of("WRONG"));
        try (LogCapture log = LogCapture.start()) {
            assertThat(erl.eval("net_kernel:connect_node('" + java.name() + "').")).isEqualTo("false");
            HandshakeException refused = java.failed().poll(10, TimeUnit.SECONDS);
            assertThat(refused).isNotNull();
            assertThat(refused.reason()).isEqualTo(Reason.BAD_COOKIE);
            assertThat(refused.peer()).contains(erlName);
            assertThat(log.linesContaining("Connection attempt from node " + erlName
                    + " rejected. Invalid challenge reply.")).hasSize(1);
            assertThat(log.text()).doesNotContain("\tat ");
        }
        assertThat(java.accepted()).isEmpty();
    }

    /**
     * An erl node that restarts before the Java node noticed its old connection end: the Java node
     * answers "alive", erl answers "true" (its attempt is pending), the old connection is closed and
     * the new one completes.
     */
    @Test
    void anErlNodeThatComesBackReplacesItsOldConnection() throws Exception {
        JavaAcceptor java = acceptor(Cookie.of(COOKIE));
        String name = ErlNode.randomName("r");
        NodeName restarting;
        AtomicInteger closes = new AtomicInteger();
        try (ErlNode first = ErlNode.start(name, COOKIE, epmd.port())) {
            restarting = NodeName.parse(first.eval("node()."));
            assertThat(first.eval("net_kernel:connect_node('" + java.name() + "').")).isEqualTo("true");
            HandshakeResult old = java.accepted().poll(10, TimeUnit.SECONDS);
            assertThat(old).isNotNull();
            AutoCloseable[] connection = new AutoCloseable[1];
            connection[0] = () -> {
                closes.incrementAndGet();
                old.socket().close();
                java.table().connectionDown(restarting, connection[0]);
            };
            assertThat(java.table().markUp(restarting, old.attempt(), connection[0])).isTrue();
        }
        // erl is gone, but nothing told the table: the connection still counts as up
        assertThat(java.table().state(restarting)).contains(ConnectionTable.State.UP);
        assertThat(epmd.await(() -> epmd.names().stream().noneMatch(r -> r.name().equals(name)),
                Duration.ofSeconds(10))).isTrue();
        try (ErlNode second = ErlNode.start(name, COOKIE, epmd.port())) {
            assertThat(second.eval("net_kernel:connect_node('" + java.name() + "').")).isEqualTo("true");
            HandshakeResult replacement = java.accepted().poll(10, TimeUnit.SECONDS);
            assertThat(replacement).isNotNull();
            assertThat(replacement.peer()).isEqualTo(restarting);
            assertThat(closes).hasValue(1);
            assertThat(java.table().markUp(restarting, replacement.attempt(), replacement.socket())).isTrue();
            assertThat(second.eval("lists:member('" + java.name() + "', nodes()).")).isEqualTo("true");
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Simultaneous connects with erl (net_kernel's accept_pending on both sides)

    /** Starts net_kernel:connect_node/1 to {@code node} in a new erl process that prints the result. */
    private static void erlConnectsInTheBackground(NodeName node) {
        assertThat(erl.eval("is_pid(spawn(fun() -> io:format(\"CONNECT ~w ~w~n\", ['" + node
                + "', net_kernel:connect_node('" + node + "')]) end)).")).isEqualTo("true");
    }

    /** Java's name is the greater: Java refuses erl's attempt (nok), dials erl itself, and erl gives way. */
    @Test
    void aSimultaneousConnectWithErlWhereJavaHasTheGreaterName() throws Exception {
        NodeName me = NodeName.of("z" + ErlNode.randomName("j"), erlName.host());
        JavaAcceptor java = acceptor(me, Cookie.of(COOKIE));
        assertThat(me).isGreaterThan(erlName);
        HandshakeAttempt ours = java.table().beginConnect(erlName).orElseThrow(); // Java is "dialling" erl
        int mark = erl.mark();
        erlConnectsInTheBackground(me);
        HandshakeException refused = java.failed().poll(10, TimeUnit.SECONDS);
        assertThat(refused).isNotNull();
        assertThat(refused.reason()).isEqualTo(Reason.SIMULTANEOUS_NOK);

        HandshakeResult result = Handshake.connect(java.config(), erlName, epmd.port(), java.table(), ours);
        drain(result);
        assertThat(java.table().markUp(erlName, ours, result.socket())).isTrue();
        erl.awaitLine(l -> l.equals("CONNECT " + me + " true"), mark); // erl's own call is answered by our connection
        assertThat(java.accepted()).isEmpty();
        result.socket().close();
        assertThat(awaitNodeEvent("nodedown", me)).isEqualTo("nodedown");
    }

    /** erl's name is the greater: Java gives up its own attempt and accepts erl's. */
    @Test
    void aSimultaneousConnectWithErlWhereErlHasTheGreaterName() throws Exception {
        NodeName me = NodeName.of("a" + ErlNode.randomName("j"), erlName.host());
        JavaAcceptor java = acceptor(me, Cookie.of(COOKIE));
        assertThat(me).isLessThan(erlName);
        HandshakeAttempt ours = java.table().beginConnect(erlName).orElseThrow();
        int mark = erl.mark();
        erlConnectsInTheBackground(me);
        HandshakeResult accepted = java.accepted().poll(10, TimeUnit.SECONDS);
        assertThat(accepted).isNotNull();
        assertThat(accepted.peer()).isEqualTo(erlName);
        assertThat(ours.isCancelled()).isTrue();
        assertThatThrownBy(() -> Handshake.connect(java.config(), erlName, epmd.port(), java.table(), ours))
                .extracting(e -> ((HandshakeException) e).reason()).isEqualTo(Reason.SUPERSEDED);
        assertThat(java.table().markUp(erlName, accepted.attempt(), accepted.socket())).isTrue();
        erl.awaitLine(l -> l.equals("CONNECT " + me + " true"), mark);
        accepted.socket().close();
        assertThat(awaitNodeEvent("nodedown", me)).isEqualTo("nodedown");
    }

    // ---------------------------------------------------------------------------------------------
    // The pieces agree with erl's

    @Test
    void theDigestIsErlsDigest() {
        String erlDigest = erl.eval("binary_to_list(erlang:md5([\"SECRET\" | integer_to_list(4294967295)])).");
        byte[] ours = Cookie.of("SECRET").digest(-1);
        String expected = IntStream.range(0, 16).mapToObj(i -> Integer.toString(ours[i] & 0xFF))
                .collect(Collectors.joining(",", "[", "]"));
        assertThat(erlDigest).isEqualTo(expected);
        assertThat(HexFormat.of().formatHex(ours)).isEqualTo("f335ffb3b43b205ab67645d9cbd55727");
    }

    @Test
    void aLocalShortNameHasErlsHost() {
        assertThat(NodeName.local("java", NodeName.Domain.SHORT).host()).isEqualTo(erlName.host());
    }
}
