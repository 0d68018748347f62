package io.jarl.dist;

import java.io.IOException;
import java.util.Objects;
import java.util.Optional;

/**
 * A distribution handshake, the exchange that authenticates two nodes and agrees on what their
 * connection supports, did not produce a connection (OTP: the reasons a {@code dist_util}
 * handshake process shuts down with, and {@code net_kernel:connect_node/1} returning
 * {@code false}).
 *
 * <p>{@link #reason()} says what went wrong in a form a program can act on; the message says it
 * for a person. Some reasons are a normal part of the protocol rather than errors:
 * {@link Reason#SIMULTANEOUS_NOK} and {@link Reason#SUPERSEDED} mean that two nodes dialled each
 * other at the same time and the other attempt is the one that will carry the connection.
 */
public final class HandshakeException extends IOException {
    /** What went wrong. */
    public enum Reason {
        /** The TCP connection to the peer could not be opened. */
        CONNECT_FAILED,
        /** EPMD on the peer's host does not know the peer's name. */
        NOT_REGISTERED,
        /**
         * The cookies differ: a challenge reply or acknowledgement did not match, or the peer closed
         * the connection right after checking ours (which is what a node does when they differ).
         */
        BAD_COOKIE,
        /**
         * The peer lacks capability flags this side requires, or this side lacks flags the peer
         * requires (OTP logs {@code cannot handle [...]}).
         */
        MISSING_FLAGS,
        /** The acceptor refused the peer: it is not in the allowed list ({@code not_allowed}). */
        NOT_ALLOWED,
        /**
         * Both nodes dialled each other and the acceptor's name is the greater: it keeps its own
         * attempt and answered {@code nok} to this one.
         */
        SIMULTANEOUS_NOK,
        /**
         * This attempt was cancelled because another one to the same node took over (OTP: the setup
         * process exits with {@code remarked}).
         */
        SUPERSEDED,
        /**
         * The acceptor still had a connection to the initiator up ({@code alive}) and the initiator
         * answered that it has no such attempt pending, so this one ends.
         */
        ALIVE_REFUSED,
        /** A second attempt arrived while the acceptor was already replacing a live connection. */
        ALREADY_PENDING,
        /** The acceptor answered with a different node name than the one dialled. */
        NAME_MISMATCH,
        /** A message broke the protocol: unknown tag, wrong length, bad name, unknown status. */
        PROTOCOL,
        /** The peer closed the connection in the middle of the handshake. */
        CLOSED,
        /** A step took longer than the setup time (OTP: {@code net_setuptime}, 7 s by default). */
        TIMEOUT,
        /** Another I/O error. */
        IO
    }

    private final Reason reason;
    private final NodeName peer;

    public HandshakeException(Reason reason, NodeName peer, String message) {
        this(reason, peer, message, null);
    }

    public HandshakeException(Reason reason, NodeName peer, String message, Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
        this.peer = peer;
    }

    /** What went wrong. */
    public Reason reason() {
        return reason;
    }

    /** The node on the other side, if its name was known when the handshake failed. */
    public Optional<NodeName> peer() {
        return Optional.ofNullable(peer);
    }
}
