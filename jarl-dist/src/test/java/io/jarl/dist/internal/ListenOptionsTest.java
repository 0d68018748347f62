package io.jarl.dist.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jarl.Jarl;
import io.jarl.dist.Node;
import io.jarl.dist.NodeOptions;
import io.jarl.dist.term.Atom;
import io.jarl.dist.term.ErlPid;
import io.jarl.dist.term.TermEncoder;
import io.jarl.dist.term.Tuple;
import io.jarl.testing.NoLeakedProcesses;
import java.io.IOException;
import java.io.InputStream;
import java.net.BindException;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Where a node listens (OTP's {@code inet_dist_use_interface}, {@code inet_dist_listen_min/max}),
 * and that a peer which has not completed the handshake can make the node do nothing. Jarl only:
 * an embedded EPMD on a private port, no erl.
 */
@ExtendWith(NoLeakedProcesses.class)
class ListenOptionsTest {
    private EmbeddedEpmd epmd;
    private Node node;

    @BeforeEach
    void startEpmd() throws IOException {
        epmd = EmbeddedEpmd.start(InetAddress.getLoopbackAddress(), 0, EmbeddedEpmd.Limits.DEFAULT);
    }

    @AfterEach
    void stop() {
        if (node != null) {
            node.close();
        }
        epmd.close();
    }

    private NodeOptions options() {
        return NodeOptions.sname("listen" + ThreadLocalRandom.current().nextInt(1 << 30)).withCookie("LISTEN")
                .withEpmdPort(epmd.port()).withEmbeddedEpmd(false);
    }

    /** A port p, held open, such that p + 1 was free a moment ago. */
    private static ServerSocket heldPortBeforeAFreeOne() throws IOException {
        for (int attempt = 0; attempt < 50; attempt++) {
            ServerSocket held = new ServerSocket(0, 50, InetAddress.getByName("0.0.0.0"));
            int next = held.getLocalPort() + 1;
            if (next <= 65535) {
                try (ServerSocket probe = new ServerSocket(next, 50, InetAddress.getByName("0.0.0.0"))) {
                    return held;
                } catch (IOException taken) {
                    // try another
                }
            }
            held.close();
        }
        throw new AssertionError("no free port after a taken one in 50 tries");
    }

    @Test
    void aPortRangeSkipsTakenPortsAndFailsClearlyWhenAllAreTaken() throws IOException {
        try (ServerSocket held = heldPortBeforeAFreeOne()) {
            int taken = held.getLocalPort();
            assertThatThrownBy(() -> Node.start(options().withPortRange(taken, taken)))
                    .isInstanceOf(BindException.class)
                    .hasMessageContaining("cannot listen for distribution on 0.0.0.0 port " + taken + ": taken");
            node = Node.start(options().withPortRange(taken, taken + 1));
            assertThat(node.port()).isEqualTo(taken + 1);
            node.close();
            node = null;
            // All taken: the node's own ports from before are free again, the held one is not.
            try (ServerSocket second = new ServerSocket(taken + 1)) {
                assertThatThrownBy(() -> Node.start(options().withPortRange(taken, taken + 1)))
                        .isInstanceOf(BindException.class)
                        .hasMessageContaining("ports " + taken + ".." + (taken + 1) + ": all taken");
            }
        }
    }

    @Test
    void aLoopbackListenAddressIsNotReachableFromAnotherInterface() throws IOException {
        node = Node.start(options().withListenAddress(InetAddress.getLoopbackAddress()));
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), node.port())) {
            assertThat(s.isConnected()).isTrue();
        }
        Optional<InetAddress> other = NetworkInterface.networkInterfaces()
                .flatMap(NetworkInterface::inetAddresses)
                .filter(a -> a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress())
                .findFirst();
        assumeTrue(other.isPresent(), "this machine has no non-loopback IPv4 address to try the node's port on");
        assertThatThrownBy(() -> {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(other.get(), node.port()), 5_000);
            }
        }).isInstanceOf(ConnectException.class);
    }

    @Test
    void badListenOptionsAreRefused() {
        assertThatThrownBy(() -> options().withPortRange(10, 9)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("10..9");
        assertThatThrownBy(() -> options().withPortRange(0, 9)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("starts at 1");
        assertThatThrownBy(() -> options().withPortRange(1, 65536)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> options().withListenAddress(null)).isInstanceOf(NullPointerException.class);
        assertThat(options().withPort(4370).portMax()).isEqualTo(4370);
        assertThat(options().withPort(0).portMax()).isZero();
    }

    @Test
    void aPeerThatSkipsTheHandshakeCanSendNothing() throws Exception {
        node = Node.start(options());
        try (var me = Jarl.attach()) {
            Jarl.register("listen-victim", me.pid());
            // A well-formed REG_SEND to "listen-victim", as a connected peer would send it: once with
            // the handshake's 2-byte length, once with a connection's 4-byte one.
            ErlPid from = new ErlPid(Atom.of("intruder@localhost"), 1, 0, 1);
            TermEncoder e = new TermEncoder();
            e.writeByte(112).write(Tuple.of(6L, from, Atom.of(""), Atom.of("listen-victim"))).write(Atom.of("hi"));
            byte[] body = e.toByteArray();
            for (int lengthBytes : new int[] {2, 4}) {
                try (Socket s = new Socket(InetAddress.getLoopbackAddress(), node.port())) {
                    s.setSoTimeout(10_000);
                    byte[] frame = new byte[lengthBytes + body.length];
                    for (int i = 0; i < lengthBytes; i++) {
                        frame[i] = (byte) (body.length >>> (8 * (lengthBytes - 1 - i)));
                    }
                    System.arraycopy(body, 0, frame, lengthBytes, body.length);
                    s.getOutputStream().write(frame);
                    s.getOutputStream().flush();
                    assertThat(readUntilClosed(s.getInputStream())).as("what the node answered").isLessThan(64);
                }
            }
            assertThat(Jarl.receive(Duration.ZERO)).as("a message to the victim").isEmpty();
            assertThat(node.nodes()).isEmpty();
            assertThat(node.hiddenNodes()).isEmpty();
            Jarl.unregister("listen-victim");
        }
    }

    /** Reads until the node closes the connection; returns how many bytes came (a refusal at most). */
    private static int readUntilClosed(InputStream in) throws IOException {
        int n = 0;
        try {
            for (int b; (b = in.read()) >= 0; ) {
                n++;
            }
        } catch (SocketException reset) {
            // closed by the node with a reset
        }
        return n;
    }
}
