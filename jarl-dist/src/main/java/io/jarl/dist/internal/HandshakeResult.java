package io.jarl.dist.internal;

import io.jarl.dist.NodeName;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.Objects;

/**
 * A completed handshake: who is on the other side, what both agreed on, and the socket to talk on
 * (OTP: what {@code dist_util:connection/1} hands to {@code erlang:setnode/3}).
 *
 * <p>From here on, both sides frame messages with a 4-byte length ({@code {packet, 4}}); a frame of
 * length 0 is a tick. Read from {@link #in()}, not from the socket's own stream: bytes the peer sent
 * right after the handshake may already be buffered there. The socket's read timeout is reset to
 * none; the connection layer sets its own (from the tick time).
 *
 * @param self this node's name (for a dynamic name, the one the peer assigned)
 * @param selfCreation this node's creation (for a dynamic name, the one the peer assigned)
 * @param peer the peer's name
 * @param peerCreation the peer's creation, as it announced it
 * @param peerFlags the flags the peer offered, with the OTP 25 digest expanded
 * @param negotiatedFlags the flags of this connection: what both offered
 * @param attempt the attempt that owns the pending connection in the table (for
 *     {@link ConnectionTable#markUp})
 * @param socket the connected socket
 * @param in the socket's input, buffered, positioned after the handshake
 * @param out the socket's output
 */
public record HandshakeResult(NodeName self, int selfCreation, NodeName peer, int peerCreation, long peerFlags,
        long negotiatedFlags, HandshakeAttempt attempt, Socket socket, InputStream in, OutputStream out) {

    public HandshakeResult {
        Objects.requireNonNull(self, "self");
        Objects.requireNonNull(peer, "peer");
        Objects.requireNonNull(attempt, "attempt");
        Objects.requireNonNull(socket, "socket");
        Objects.requireNonNull(in, "in");
        Objects.requireNonNull(out, "out");
    }

    /** Whether this node dialled the peer (false: the peer dialled this node). */
    public boolean initiatedByUs() {
        return attempt.initiated();
    }

    /** Whether the connection has {@code flag} (both offered it). */
    public boolean has(long flag) {
        return (negotiatedFlags & flag) == flag;
    }

    /**
     * Whether the connection is visible (both published: the peer is in {@code nodes()}) rather
     * than hidden (OTP: {@code dist_util:publish_type/1} of the negotiated flags).
     */
    public boolean visible() {
        return has(DistFlags.PUBLISHED);
    }

    @Override
    public String toString() {
        return "HandshakeResult[" + self + " " + (initiatedByUs() ? "->" : "<-") + " " + peer + " (creation "
                + Integer.toUnsignedString(peerCreation) + "), " + (visible() ? "visible" : "hidden") + ", flags 0x"
                + Long.toHexString(negotiatedFlags) + "]";
    }
}
