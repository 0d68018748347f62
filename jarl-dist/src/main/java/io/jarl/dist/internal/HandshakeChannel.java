package io.jarl.dist.internal;

import io.jarl.dist.HandshakeException;
import io.jarl.dist.HandshakeException.Reason;
import io.jarl.dist.NodeName;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;

/**
 * The handshake's view of a socket: messages framed with a 2-byte length ({@code {packet, 2}}),
 * every read bounded by the {@link SetupTimer}, every failure turned into a
 * {@link HandshakeException} that names the step.
 */
final class HandshakeChannel {
    private final Socket socket;
    private final BufferedInputStream in;
    private final OutputStream out;
    private final SetupTimer timer;
    private final HandshakeAttempt attempt;
    /** The peer, once known; names it in errors. */
    NodeName peer;
    /** Who the peer is, for messages before its name is known ("a peer at 127.0.0.1:5000"). */
    private final String peerAddress;

    HandshakeChannel(Socket socket, SetupTimer timer, HandshakeAttempt attempt, NodeName peer) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream(), 512);
        this.out = socket.getOutputStream();
        this.timer = timer;
        this.attempt = attempt;
        this.peer = peer;
        this.peerAddress = String.valueOf(socket.getRemoteSocketAddress());
    }

    Socket socket() {
        return socket;
    }

    InputStream in() {
        return in;
    }

    OutputStream out() {
        return out;
    }

    SetupTimer timer() {
        return timer;
    }

    /** The peer's name, or its address while the name is unknown. */
    String who() {
        return peer != null ? "node " + peer : "a peer at " + peerAddress;
    }

    /** Sends {@code payload} as one message. */
    void send(byte[] payload, String what) throws HandshakeException {
        byte[] frame = new byte[2 + payload.length];
        frame[0] = (byte) (payload.length >>> 8);
        frame[1] = (byte) payload.length;
        System.arraycopy(payload, 0, frame, 2, payload.length);
        try {
            out.write(frame);
            out.flush();
        } catch (IOException e) {
            throw ioFailure(e, "sending the " + what + " to");
        }
    }

    /** Receives one message, which must not be empty; {@code what} names it in errors. */
    byte[] receive(String what) throws HandshakeException {
        byte[] header = readFully(2, what);
        int length = ((header[0] & 0xFF) << 8) | (header[1] & 0xFF);
        if (length == 0) {
            throw failure(Reason.PROTOCOL, "an empty message instead of the " + what + " from " + who());
        }
        return readFully(length, what);
    }

    private byte[] readFully(int n, String what) throws HandshakeException {
        byte[] bytes = new byte[n];
        int got = 0;
        try {
            while (got < n) {
                int millis = timer.remainingMillis();
                if (millis == 0) {
                    throw timeout(what);
                }
                socket.setSoTimeout(millis);
                int r = in.read(bytes, got, n - got);
                if (r < 0) {
                    if (attempt.isCancelled()) {
                        throw superseded();
                    }
                    throw failure(Reason.CLOSED, who() + " closed the connection while we waited for its " + what
                            + (got > 0 ? " (" + got + " of " + n + " bytes had arrived)" : ""));
                }
                got += r;
            }
            return bytes;
        } catch (HandshakeException e) {
            throw e;
        } catch (SocketTimeoutException e) {
            throw timeout(what);
        } catch (IOException e) {
            throw ioFailure(e, "waiting for the " + what + " from");
        }
    }

    private HandshakeException timeout(String what) {
        return failure(Reason.TIMEOUT, "no " + what + " from " + who() + " within the setup time of "
                + timer.step().toMillis() + " ms");
    }

    private HandshakeException ioFailure(IOException e, String doing) {
        if (attempt.isCancelled()) {
            return superseded();
        }
        return new HandshakeException(Reason.IO, peer, doing + " " + who() + " failed: " + e.getMessage(), e);
    }

    HandshakeException superseded() {
        return failure(Reason.SUPERSEDED, "the handshake with " + who() + " was cancelled: "
                + attempt.cancelReason().orElse("cancelled"));
    }

    HandshakeException failure(Reason reason, String message) {
        return new HandshakeException(reason, peer, message);
    }
}
