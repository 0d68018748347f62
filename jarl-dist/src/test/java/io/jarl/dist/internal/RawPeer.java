package io.jarl.dist.internal;

import io.jarl.dist.Cookie;
import io.jarl.dist.HandshakeException;
import io.jarl.dist.NodeName;
import io.jarl.dist.term.Atom;
import io.jarl.dist.term.ErlPid;
import io.jarl.dist.term.TermDecoder;
import io.jarl.dist.term.TermEncoder;
import io.jarl.dist.term.Tuple;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A peer node that speaks the distribution protocol by hand: it completes a real handshake with a
 * Jarl node (with the handshake classes), then writes whatever frames a test gives it, well-formed
 * or not, and reads what comes back. Its pids are {@link #pid(int)}. Reads are bounded (10 s).
 */
final class RawPeer implements AutoCloseable {
    static final Duration READ_TIMEOUT = Duration.ofSeconds(10);

    final NodeName name;
    final int creation;
    private final HandshakeResult connection;
    private final DataInputStream in;
    private final OutputStream out;

    private RawPeer(NodeName name, int creation, HandshakeResult connection) throws IOException {
        this.name = name;
        this.creation = creation;
        this.connection = connection;
        connection.socket().setSoTimeout((int) READ_TIMEOUT.toMillis());
        this.in = new DataInputStream(connection.in());
        this.out = connection.out();
    }

    /** Connects as {@code alive@host} (the Jarl node's host) with {@code cookie} to the node at {@code port}. */
    static RawPeer connect(String alive, String jarlNode, int port, String cookie) {
        return connect(alive, jarlNode, port, cookie, false);
    }

    /**
     * As {@link #connect(String, String, int, String)}; {@code headers}: the peer offers the atom
     * cache and fragments as erl does, so the Jarl node sends and expects distribution headers.
     */
    static RawPeer connect(String alive, String jarlNode, int port, String cookie, boolean headers) {
        NodeName jarl = NodeName.parse(jarlNode);
        NodeName self = NodeName.of(alive, jarl.host());
        int creation = ThreadLocalRandom.current().nextInt(1, Integer.MAX_VALUE);
        ConnectionTable table = new ConnectionTable();
        HandshakeAttempt attempt = table.beginConnect(jarl).orElseThrow();
        try {
            // A pass-through peer (as JInterface): it offers neither the atom cache nor fragments, so
            // both sides write 112 frames, which this peer reads and writes by hand.
            HandshakeConfig config = HandshakeConfig.of(self, creation, Cookie.of(cookie));
            if (!headers) {
                config = config.withFlags(config.offered() & ~(DistFlags.DIST_HDR_ATOM_CACHE | DistFlags.FRAGMENTS),
                        config.required());
            }
            HandshakeResult result = Handshake.initiate(config, jarl,
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), port), table, attempt);
            return new RawPeer(self, creation, result);
        } catch (HandshakeException e) {
            throw new AssertionError("the raw peer's handshake failed", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A pid of this peer. */
    ErlPid pid(int number) {
        return new ErlPid(Atom.of(name.toString()), number, 0, Integer.toUnsignedLong(creation));
    }

    /** Writes {@code bytes} as they are. */
    void sendRaw(byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes the frame {@code 112, 131 Control [, 131 Payload]} with its length. */
    void send(Object control, Object... payload) {
        TermEncoder e = new TermEncoder();
        e.writeByte(0).writeByte(0).writeByte(0).writeByte(0).writeByte(112).write(control);
        for (Object p : payload) {
            e.write(p);
        }
        byte[] frame = e.toByteArray();
        putLength(frame, frame.length - 4);
        sendRaw(frame);
    }

    /** A frame of {@code body} with its 4-byte length. */
    static byte[] frame(int... body) {
        byte[] frame = new byte[4 + body.length];
        putLength(frame, body.length);
        for (int i = 0; i < body.length; i++) {
            frame[4 + i] = (byte) body[i];
        }
        return frame;
    }

    private static void putLength(byte[] frame, int length) {
        frame[0] = (byte) (length >>> 24);
        frame[1] = (byte) (length >>> 16);
        frame[2] = (byte) (length >>> 8);
        frame[3] = (byte) length;
    }

    /** A received frame: its control tuple and its payload (null if none). */
    record Frame(Tuple control, Object payload) {}

    /** The next frame that is not a tick; fails if the connection closes or nothing comes in time. */
    Frame receive() {
        try {
            while (true) {
                int length = in.readInt();
                if (length == 0) {
                    continue;
                }
                byte[] body = new byte[length];
                in.readFully(body);
                if ((body[0] & 0xFF) != 112) {
                    throw new AssertionError("not a pass-through frame: starts with " + (body[0] & 0xFF));
                }
                TermDecoder decoder = new TermDecoder();
                TermDecoder.Decoded control = decoder.decode(body, 1, body.length);
                Object payload = control.end() < body.length ? decoder.decode(body, control.end(), body.length).term()
                        : null;
                return new Frame((Tuple) control.term(), payload);
            }
        } catch (EOFException e) {
            throw new AssertionError("the Jarl node closed the connection", e);
        } catch (IOException e) {
            throw new AssertionError("nothing from the Jarl node: " + e, e);
        }
    }

    /** Reads (and drops) what comes until the Jarl node closes the connection; fails if it does not in time. */
    void awaitClosed() {
        try {
            byte[] buffer = new byte[4096];
            while (in.read(buffer) >= 0) {
                // ticks, or frames sent before the close
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the Jarl node did not close the connection within " + READ_TIMEOUT);
        } catch (IOException e) {
            // reset by the peer: closed
        }
    }

    @Override
    public void close() {
        EpmdClient.closeQuietly(connection.socket());
    }
}
