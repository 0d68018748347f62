package io.jarl.dist.internal;

import io.jarl.dist.NodeName;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

/**
 * What a handshake asks the node's table of connections while it runs (OTP: the messages
 * {@code dist_util} sends {@code net_kernel}: {@code accept_pending}, {@code is_pending},
 * {@code wait_pending}, and the owner's exit).
 *
 * <p>The handshake itself only speaks the protocol; whether this node already has a connection to
 * the peer, or is dialling it at this moment, is the table's knowledge. {@link ConnectionTable} is
 * the implementation that follows {@code net_kernel}; the connection layer owns it. Methods are
 * called from the handshake's thread and must be thread-safe.
 */
public interface PendingConnections {

    /** The table's answer to an incoming attempt ({@code net_kernel}'s {@code accept_pending} replies). */
    enum AcceptDecision {
        /** No connection to the peer: go on ({@code ok}; status {@code "ok"}). */
        OK,
        /**
         * This node was dialling the peer too and the peer's name is the greater: this node's own
         * attempt was cancelled and the incoming one goes on ({@code ok_pending}; status
         * {@code "ok_simultaneous"}).
         */
        OK_SIMULTANEOUS,
        /**
         * This node was dialling the peer too and its own name is the greater: the incoming attempt
         * is refused and this node's own goes on ({@code nok_pending}; status {@code "nok"}).
         */
        NOK,
        /**
         * A connection to the peer is up: ask the peer whether that one is dead ({@code up_pending};
         * status {@code "alive"}). If it is, the old connection is ended before this one completes
         * ({@link #waitPending}).
         */
        ALIVE,
        /** An old connection is already being replaced: refuse ({@code already_pending}). */
        ALREADY_PENDING
    }

    /**
     * An attempt from {@code peer} arrived at this node {@code self} (OTP: {@code accept_pending}).
     * Records {@code acceptor} as the owner of the pending connection when the answer lets it go on.
     * The simultaneous-connect rule compares names as atoms: {@code self > peer} keeps this node's
     * own attempt.
     *
     * @param published whether the peer offered {@link DistFlags#PUBLISHED} (a visible node)
     */
    AcceptDecision acceptPending(NodeName self, NodeName peer, boolean published, HandshakeAttempt acceptor);

    /**
     * The acceptor answered {@code alive}: is {@code initiator} still this node's pending attempt to
     * {@code peer} (OTP: {@code is_pending})? If so, any connection the peer believes up is dead.
     */
    boolean isPending(NodeName peer, HandshakeAttempt initiator);

    /**
     * After {@link AcceptDecision#ALIVE} and a good challenge reply: end the old connection to
     * {@code peer} and wait until it is gone and {@code acceptor} owns the pending connection
     * (OTP: {@code wait_pending}).
     *
     * @throws TimeoutException if that did not happen within {@code timeout}
     */
    void waitPending(NodeName peer, HandshakeAttempt acceptor, Duration timeout)
            throws InterruptedException, TimeoutException;

    /**
     * {@code attempt} ended without a connection: forget whatever it owned (OTP: the setup or accept
     * process exits and {@code net_kernel} cleans up). Does nothing if it owns nothing.
     */
    void abandon(NodeName peer, HandshakeAttempt attempt);
}
