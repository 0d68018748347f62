package io.jarl.dist.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jarl.dist.EpmdException;
import io.jarl.dist.EpmdException.Reason;
import io.jarl.testing.LogCapture;
import io.jarl.testing.NoLeakedProcesses;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The Java EPMD client against the embedded EPMD, and each against misbehaving counterparts. */
@ExtendWith(NoLeakedProcesses.class)
class EpmdTest {
    static final Duration WAIT = Duration.ofSeconds(5);

    EmbeddedEpmd epmd;
    EpmdClient client;
    final List<AutoCloseable> toClose = new ArrayList<>();

    @BeforeEach
    void startEpmd() throws IOException {
        epmd = EmbeddedEpmd.start(InetAddress.getLoopbackAddress(), 0, EmbeddedEpmd.Limits.DEFAULT, () -> 1000);
        client = EpmdClient.local(epmd.port());
    }

    @AfterEach
    void stopEpmd() throws Exception {
        for (AutoCloseable c : toClose.reversed()) {
            c.close();
        }
        epmd.close();
    }

    private <T extends AutoCloseable> T closeLater(T closeable) {
        toClose.add(closeable);
        return closeable;
    }

    @Test
    void aRegisteredNameIsFoundWithItsPort() throws Exception {
        EpmdRegistration reg = closeLater(client.register("java", 45635));
        assertThat(reg.name()).isEqualTo("java");
        assertThat(reg.creation()).isEqualTo(1001); // the clock says 1000; a new name gets it plus one
        assertThat(reg.isOpen()).isTrue();
        EpmdClient.PortInfo info = client.portPlease("java").orElseThrow();
        assertThat(info).isEqualTo(new EpmdClient.PortInfo("java", 45635, 'M', 0, 6, 5, new byte[0]));
        assertThat(info.bestVersion()).isEqualTo(6);
        assertThat(client.names()).containsExactly(new EpmdClient.Registered("java", 45635));
        assertThat(epmd.names()).containsExactly(new EpmdClient.Registered("java", 45635));
    }

    @Test
    void anUnknownNameHasNoPort() throws Exception {
        assertThat(client.portPlease("nobody")).isEmpty();
    }

    @Test
    void namesAreListedNewestFirstInEpmdsFormat() throws Exception {
        closeLater(client.register("first", 1000));
        closeLater(client.register("second", 2000));
        assertThat(client.names()).containsExactly(new EpmdClient.Registered("second", 2000),
                new EpmdClient.Registered("first", 1000));
        byte[] raw = rawRequest(new byte[] {0, 1, 'n'});
        byte[] port = {(byte) (epmd.port() >>> 24), (byte) (epmd.port() >>> 16), (byte) (epmd.port() >>> 8),
                (byte) epmd.port()};
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        expected.write(port);
        expected.write("name second at port 2000\nname first at port 1000\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(raw).isEqualTo(expected.toByteArray());
    }

    @Test
    void aTakenNameIsRefused() throws Exception {
        closeLater(client.register("java", 1000));
        assertThatThrownBy(() -> client.register("java", 2000)).isInstanceOf(EpmdException.class)
                .hasMessageContaining("refused to register 'java'").hasMessageContaining("in use by another node")
                .extracting(e -> ((EpmdException) e).reason()).isEqualTo(Reason.NAME_TAKEN);
        assertThat(client.portPlease("java").orElseThrow().port()).isEqualTo(1000);
        // what epmd answers on the wire: result 1, creation 99
        byte[] reply = rawRequest(alive2("java", 2000, 6));
        assertThat(reply).containsExactly('v', 1, 0, 0, 0, 99);
    }

    @Test
    void closingTheRegistrationUnregistersTheName() throws Exception {
        EpmdRegistration reg = client.register("java", 1000);
        reg.close();
        assertThat(reg.isOpen()).isFalse();
        assertThat(epmd.await(() -> epmd.names().isEmpty(), WAIT)).isTrue();
        assertThat(client.portPlease("java")).isEmpty();
    }

    /** epmd_srv.c: a name registered again gets the next creation; a counter never falls below 4. */
    @Test
    void aNameRegisteredAgainGetsTheNextCreation() throws Exception {
        EpmdRegistration first = client.register("java", 1000);
        first.close();
        assertThat(epmd.await(() -> epmd.names().isEmpty(), WAIT)).isTrue();
        try (EpmdRegistration second = client.register("java", 1000)) {
            assertThat(second.creation()).isEqualTo(first.creation() + 1);
        }
        assertThat(EmbeddedEpmd.bump(0xFFFF_FFFF)).isEqualTo(4);
        assertThat(EmbeddedEpmd.bump(2)).isEqualTo(4);
        assertThat(EmbeddedEpmd.bump(4)).isEqualTo(5);
    }

    /** A version 5 node gets the old ALIVE2_RESP with a 16-bit creation 1..3. */
    @Test
    void aVersion5NodeGetsTheOldReplyWithCreationOneToThree() throws Exception {
        try (EpmdRegistration old = client.register("old", 1000, 'M', 5, 5, new byte[0])) {
            assertThat(old.creation()).isEqualTo(1001 % 3 + 1);
        }
        assertThat(rawRequest(alive2("raw5", 1000, 5))).containsExactly('y', 0, 0, 1001 % 3 + 1);
    }

    @Test
    void extraDataIsKeptAndReturned() throws Exception {
        closeLater(client.register("x", 7, 'H', 6, 5, new byte[] {1, 2, 3}));
        EpmdClient.PortInfo info = client.portPlease("x").orElseThrow();
        assertThat(info.extra()).containsExactly(1, 2, 3);
        assertThat(info.nodeType()).isEqualTo('H');
    }

    @Test
    void namesAreUtf8AsEpmdChecksThem() throws Exception {
        closeLater(client.register("nœud", 1000));
        assertThat(client.portPlease("nœud").orElseThrow().name()).isEqualTo("nœud");
        assertThatThrownBy(() -> client.register("", 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> client.register("a\u0000b", 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> client.register("x".repeat(256), 1)).hasMessageContaining("1 to 255 characters");
        // invalid UTF-8 is refused with result 1 (node_reg2 fails), a NUL gets no answer at all
        byte[] bad = alive2("ab", 1, 6);
        bad[13] = (byte) 0xC3; // a lead byte followed by 'b'
        assertThat(rawRequest(bad)).containsExactly('v', 1, 0, 0, 0, 99);
        byte[] nul = alive2("ab", 1, 6);
        nul[14] = 0;
        assertThat(rawRequest(nul)).isEmpty();
    }

    /** do_read: a length of 0, or one that fills epmd's buffer, closes the connection unanswered. */
    @Test
    void requestsOfImpossibleSizeCloseTheConnection() throws Exception {
        assertThat(rawRequest(new byte[] {0, 0})).isEmpty();
        byte[] tooLong = new byte[2 + EpmdProtocol.MAX_REQUEST + 1];
        tooLong[0] = (byte) ((EpmdProtocol.MAX_REQUEST + 1) >>> 8);
        tooLong[1] = (byte) (EpmdProtocol.MAX_REQUEST + 1);
        tooLong[2] = 'n';
        assertThat(rawRequest(tooLong)).isEmpty();
        byte[] longest = new byte[2 + EpmdProtocol.MAX_REQUEST];
        longest[0] = (byte) (EpmdProtocol.MAX_REQUEST >>> 8);
        longest[1] = (byte) EpmdProtocol.MAX_REQUEST;
        longest[2] = 'n';
        assertThat(rawRequest(longest)).hasSize(4); // accepted: NAMES answers with the port and no names
        assertThat(rawRequest(new byte[] {0, 1, 'k'})).isEmpty(); // KILL_REQ is not implemented
        assertThat(rawRequest(new byte[] {0, 1, 'd'})).isEmpty(); // nor DUMP_REQ
        assertThat(rawRequest(new byte[] {0, 3, 'x', 0, 1})).isEmpty(); // ALIVE2_REQ too small
        assertThat(rawRequest(new byte[] {0, 1, 'z'})).isEmpty(); // PORT_PLEASE2_REQ without a name
    }

    @Test
    void aPortPleaseWithATrailingNulIsAnswered() throws Exception {
        closeLater(client.register("java", 1234));
        byte[] reply = rawRequest(new byte[] {0, 6, 'z', 'j', 'a', 'v', 'a', 0});
        assertThat(reply).startsWith('w', 0, 1234 >>> 8, 1234 & 0xFF);
        assertThat(rawRequest(new byte[] {0, 5, 'z', 'j', 'a', 'v', 'b'})).containsExactly('w', 1);
    }

    @Test
    void aConnectionThatSendsNoRequestIsClosedAfterTheRequestTimeout() throws Exception {
        try (EmbeddedEpmd quick = EmbeddedEpmd.start(InetAddress.getLoopbackAddress(), 0,
                new EmbeddedEpmd.Limits(10, Duration.ofMillis(200)));
                Socket idle = connect(quick.port())) {
            long start = System.nanoTime();
            assertThat(idle.getInputStream().read()).isEqualTo(-1);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(WAIT);
        }
    }

    @Test
    void connectionsBeyondTheCapAreClosedAtOnce() throws Exception {
        try (EmbeddedEpmd small = EmbeddedEpmd.start(InetAddress.getLoopbackAddress(), 0,
                new EmbeddedEpmd.Limits(2, Duration.ofSeconds(30)));
                Socket a = connect(small.port());
                Socket b = connect(small.port());
                Socket c = connect(small.port())) {
            assertThat(c.getInputStream().read()).isEqualTo(-1); // a and b were accepted first and hold the slots
            assertThat(small.activeConnections()).isEqualTo(2);
            a.close();
            assertThat(small.await(() -> small.activeConnections() == 1, WAIT)).isTrue();
            assertThat(EpmdClient.local(small.port()).names()).isEmpty(); // a slot is free again
        }
    }

    @Test
    void aRegisteringConnectionThatSendsMoreLosesItsName() throws Exception {
        try (Socket s = connect(epmd.port())) {
            s.getOutputStream().write(alive2("chatty", 1, 6));
            assertThat(s.getInputStream().readNBytes(6)).startsWith('v', 0);
            assertThat(epmd.names()).extracting(EpmdClient.Registered::name).containsExactly("chatty");
            s.getOutputStream().write('?');
            assertThat(epmd.await(() -> epmd.names().isEmpty(), WAIT)).isTrue();
            assertThat(s.getInputStream().read()).isEqualTo(-1);
        }
    }

    @Test
    void aRegistrationNoticesThatEpmdWentAway() throws Exception {
        try (LogCapture log = LogCapture.start()) {
            EpmdRegistration reg = client.register("java", 1000);
            epmd.close();
            assertThat(reg.awaitEnd(WAIT.toMillis())).isTrue();
            assertThat(reg.isLost()).isTrue();
            assertThat(reg.isOpen()).isFalse();
            assertThat(log.linesContaining("closed the registration of 'java'")).hasSize(1);
            reg.close();
        }
    }

    @Test
    void startIfAbsentStartsOnlyWhenNothingListens() throws Exception {
        assertThat(EmbeddedEpmd.startIfAbsent(epmd.port())).isEmpty();
        int free = ErlNode.freePort();
        Optional<EmbeddedEpmd> started = EmbeddedEpmd.startIfAbsent(free);
        try {
            assertThat(started).isPresent();
            assertThat(started.get().port()).isEqualTo(free);
            assertThat(EmbeddedEpmd.startIfAbsent(free)).isEmpty();
            assertThat(EpmdClient.local(free).names()).isEmpty();
        } finally {
            started.ifPresent(EmbeddedEpmd::close);
        }
        assertThat(EmbeddedEpmd.start(0).port()).isPositive();
    }

    // ---------------------------------------------------------------------------------------------
    // The client against misbehaving servers

    @Test
    void noEpmdIsUnreachable() {
        int free = ErlNode.freePort();
        assertThatThrownBy(() -> EpmdClient.local(free).names()).isInstanceOf(EpmdException.class)
                .hasMessageContaining("nothing listens at 127.0.0.1:" + free)
                .extracting(e -> ((EpmdException) e).reason()).isEqualTo(Reason.UNREACHABLE);
        assertThatThrownBy(() -> EpmdClient.at("no-such-host.invalid", 4369).names())
                .hasMessageContaining("unknown host 'no-such-host.invalid'");
    }

    @Test
    void garbageRepliesAreMalformed() throws Exception {
        assertReply(new byte[] {'x', 0, 0, 0}, c -> c.register("java", 1), Reason.MALFORMED_RESPONSE,
                "tag 120; expected 118 (ALIVE2_X_RESP) or 121 (ALIVE2_RESP)");
        assertReply(new byte[] {'v', 0, 0, 0}, c -> c.register("java", 1), Reason.MALFORMED_RESPONSE,
                "truncated reply (3 of 5 bytes");
        assertReply(new byte[] {'v', 0, 0, 0, 0, 0}, c -> c.register("java", 1), Reason.MALFORMED_RESPONSE,
                "creation 0");
        assertReply(new byte[] {'v', 3, 0, 0, 0, 99}, c -> c.register("java", 1), Reason.NAME_TAKEN, "(result 3)");
        assertReply(new byte[] {}, c -> c.register("java", 1), Reason.CLOSED, "closed the connection without answering");
        assertReply(new byte[] {'w', 0, 0, 1, 77}, c -> c.portPlease("java"), Reason.MALFORMED_RESPONSE,
                "truncated reply");
        assertReply(new byte[] {'y', 1}, c -> c.portPlease("java"), Reason.MALFORMED_RESPONSE,
                "expected 119 (PORT2_RESP)");
        assertReply(new byte[] {0, 0, 0, 1}, EpmdClient::names, Reason.MALFORMED_RESPONSE,
                "answered with port 1 instead of");
    }

    @Test
    void aMalformedNamesLineIsReported() throws Exception {
        try (FakeServer fake = FakeServer.start(s -> {
            FakeServer.readPacket2(s.getInputStream());
            int port = s.getLocalPort();
            s.getOutputStream().write(new byte[] {(byte) (port >>> 24), (byte) (port >>> 16), (byte) (port >>> 8),
                    (byte) port});
            s.getOutputStream().write("name a at port x\n".getBytes(StandardCharsets.US_ASCII));
        })) {
            assertThatThrownBy(() -> EpmdClient.local(fake.port()).names())
                    .hasMessageContaining("'name a at port x'; the port is not a number");
        }
    }

    @Test
    void aSilentEpmdTimesOut() throws Exception {
        try (FakeServer fake = FakeServer.start(FakeServer::holdUntilClosed)) {
            EpmdClient quick = EpmdClient.local(fake.port()).withTimeout(Duration.ofMillis(200));
            assertThatThrownBy(() -> quick.register("java", 1)).isInstanceOf(EpmdException.class)
                    .hasMessageContaining("did not answer ALIVE2_REQ for 'java' within 200 ms")
                    .extracting(e -> ((EpmdException) e).reason()).isEqualTo(Reason.TIMEOUT);
        }
    }

    /** erl honours ERL_EPMD_PORT; so does Jarl. */
    @Test
    void thePortComesFromErlEpmdPort() {
        assertThat(EpmdProtocol.portFrom(Map.of())).isEqualTo(4369);
        assertThat(EpmdProtocol.portFrom(Map.of("ERL_EPMD_PORT", "4370"))).isEqualTo(4370);
        assertThat(EpmdProtocol.portFrom(Map.of("ERL_EPMD_PORT", " 4371 "))).isEqualTo(4371);
        assertThatThrownBy(() -> EpmdProtocol.portFrom(Map.of("ERL_EPMD_PORT", "epmd")))
                .hasMessageContaining("ERL_EPMD_PORT is not a port number: 'epmd'");
        assertThatThrownBy(() -> EpmdProtocol.portFrom(Map.of("ERL_EPMD_PORT", "70000")))
                .hasMessageContaining("1 to 65535");
    }

    // ---------------------------------------------------------------------------------------------

    interface Request {
        Object send(EpmdClient client) throws EpmdException;
    }

    private static void assertReply(byte[] reply, Request request, Reason reason, String message) throws Exception {
        try (FakeServer fake = FakeServer.start(s -> {
            FakeServer.readPacket2(s.getInputStream());
            s.getOutputStream().write(reply);
        })) {
            assertThatThrownBy(() -> request.send(EpmdClient.local(fake.port()))).isInstanceOf(EpmdException.class)
                    .hasMessageContaining(message)
                    .extracting(e -> ((EpmdException) e).reason()).isEqualTo(reason);
        }
    }

    /** ALIVE2_REQ as OTP sends it, for raw tests. */
    static byte[] alive2(String name, int port, int highest) {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        byte[] r = new byte[2 + 13 + n.length];
        int length = 13 + n.length;
        r[0] = (byte) (length >>> 8);
        r[1] = (byte) length;
        r[2] = 'x';
        r[3] = (byte) (port >>> 8);
        r[4] = (byte) port;
        r[5] = 'M';
        r[6] = 0;
        r[8] = (byte) highest;
        r[10] = 5;
        r[12] = (byte) n.length;
        System.arraycopy(n, 0, r, 13, n.length);
        return r;
    }

    /** Sends raw bytes to the EPMD and returns everything it answers before closing (or 2 s). */
    private byte[] rawRequest(byte[] request) throws IOException {
        try (Socket s = connect(epmd.port())) {
            s.getOutputStream().write(request);
            s.shutdownOutput();
            s.setSoTimeout(2000);
            InputStream in = s.getInputStream();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try {
                in.transferTo(out);
            } catch (java.net.SocketTimeoutException kept) {
                // a registration stays open: return what came
            } catch (java.net.SocketException reset) {
                // a connection closed while unread bytes remained: return what came
            }
            return out.toByteArray();
        }
    }

    private static Socket connect(int port) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2000);
        s.setSoTimeout((int) WAIT.toMillis());
        return s;
    }
}
