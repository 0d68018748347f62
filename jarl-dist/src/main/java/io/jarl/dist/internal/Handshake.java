package io.jarl.dist.internal;

import static io.jarl.dist.internal.EpmdProtocol.getInt;
import static io.jarl.dist.internal.EpmdProtocol.getShort;
import static io.jarl.dist.internal.EpmdProtocol.putInt;
import static io.jarl.dist.internal.EpmdProtocol.putShort;

import io.jarl.dist.EpmdException;
import io.jarl.dist.HandshakeException;
import io.jarl.dist.HandshakeException.Reason;
import io.jarl.dist.NodeName;
import io.jarl.dist.internal.PendingConnections.AcceptDecision;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Erlang distribution handshake, version 6, on both sides (OTP: {@code dist_util}'s
 * {@code handshake_we_started/1} and {@code handshake_other_started/1}).
 *
 * <p>Two nodes that want a connection exchange names and capability flags, agree on the flags of
 * the connection, and prove to each other that they share the cookie:
 *
 * <pre>
 * initiator                                   acceptor
 *   'N' Flags:64 Creation:32 Nlen:16 Name   ->
 *                                           &lt;-  's' Status     ("ok", "ok_simultaneous", "nok",
 *                                                               "not_allowed", "alive", "named:...")
 *  ('s' "true" | "false", after "alive")     ->
 *                                           &lt;-  'N' Flags:64 Challenge:32 Creation:32 Nlen:16 Name
 *   'r' Challenge:32 Digest:16              ->     Digest = MD5(cookie ++ decimal(acceptor's challenge))
 *                                           &lt;-  'a' Digest:16  (MD5(cookie ++ decimal(initiator's challenge)))
 * </pre>
 *
 * Every message is framed with a 2-byte length; after the acknowledgement both sides switch to a
 * 4-byte length, which is the connection layer's business ({@link HandshakeResult}).
 *
 * {@snippet :
 * // dial
 * HandshakeAttempt attempt = table.beginConnect(peer).orElseThrow();
 * HandshakeResult r = Handshake.initiate(config, peer, new InetSocketAddress(host, port), table, attempt);
 * // accept (HandshakeAcceptor does this for every incoming socket)
 * HandshakeResult r = Handshake.accept(config, socket, table);
 * table.markUp(r.peer(), r.attempt(), connection);
 * }
 *
 * <h2>What is checked</h2>
 * <ul>
 *   <li>Flags: the peer's flags, with the OTP 25 digest expanded, must include the required ones;
 *       otherwise the acceptor answers {@code not_allowed} and both log {@code cannot handle [...]}
 *       with the missing flags by name. The connection's flags are what both offered.</li>
 *   <li>Cookie: each side's digest is compared in constant time ({@link MessageDigest#isEqual});
 *       a mismatch is logged in one line, as OTP logs it, and ends the handshake. Challenges come
 *       from {@link SecureRandom}.</li>
 *   <li>Names: the acceptor must answer with exactly the name the initiator dialled; a name must be
 *       {@code alive@host} with both parts non-empty (a dynamic-name request: a host).</li>
 *   <li>Lengths: each message has exactly the length its form has; extra bytes after a name are
 *       ignored, as OTP ignores them.</li>
 *   <li>Time: each step must complete within the setup time (OTP's {@code net_setuptime}, reset at
 *       the same points), so a silent or trickling peer cannot hold a handshake.</li>
 * </ul>
 *
 * <h2>Simultaneous connects and old connections</h2>
 * The acceptor asks the connection table ({@link PendingConnections}) about the peer before
 * answering: if this node is dialling the peer too, the greater name keeps its own attempt and the
 * other gets {@code nok} (the loser's own attempt is cancelled and the peer's goes on with
 * {@code ok_simultaneous}); if a connection is up already, the acceptor answers {@code alive}, the
 * initiator says whether that one is dead, and the old connection is ended before the new one
 * completes.
 *
 * <h2>Old peers</h2>
 * Jarl never sends the version 5 {@code 'n'} name message (OTP 25.0 to 25.2 close the connection on
 * it). As acceptor it takes an {@code 'n'} from a peer that offers {@code HANDSHAKE_23}, answers
 * with an {@code 'N'} challenge and expects the {@code 'c'} complement with the upper flags and the
 * creation (OTP 25.3+ and 23/24 without EPMD); without {@code HANDSHAKE_23} the peer is refused
 * with {@code not_allowed}.
 *
 * <h2>Dynamic names</h2>
 * A node configured without a name ({@link HandshakeConfig#dynamic}) sends its host with
 * {@link DistFlags#NAME_ME} and takes the name and creation the acceptor assigns ({@code named:});
 * an acceptor names such a peer {@code <random base 36>@host}, as {@code net_kernel} does, unless
 * it restricts which nodes may connect.
 */
/*
 * Implementation overview.
 *
 * dist_util, step for step: weStarted() is handshake_we_started/1 (send_name, recv_status,
 * recv_challenge, check_dflags, send_challenge_reply, recv_challenge_ack), otherStarted() is
 * handshake_other_started/1 (recv_name, check_allowed, check_dflags, mark_pending with its
 * send_status, send_challenge, recv_complement, recv_challenge_reply, wait_pending,
 * send_challenge_ack). What net_kernel decides (accept_pending, is_pending, wait_pending) is asked
 * of PendingConnections, so the table stays the connection layer's. Blocking I/O on the caller's
 * thread (a virtual thread in HandshakeAcceptor); HandshakeChannel frames {packet, 2} and bounds
 * every read by the SetupTimer, which is reset where dist_util calls reset_timer/1. Failures throw
 * HandshakeException; the socket is closed and the table told (abandon) before the exception
 * leaves. The events OTP reports with error_msg (bad cookie, missing flags, disallowed node) are
 * logged here once, without a stack trace; everything else is for the caller to report.
 */
public final class Handshake {
    private static final Logger log = LoggerFactory.getLogger(Handshake.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private static final int SEND_NAME = 'N';
    private static final int SEND_NAME_OLD = 'n';
    private static final int STATUS = 's';
    private static final int CHALLENGE = 'N';
    private static final int COMPLEMENT = 'c';
    private static final int CHALLENGE_REPLY = 'r';
    private static final int CHALLENGE_ACK = 'a';
    private static final String NAMED = "named:";
    /** As long as the longest dynamic alive name: an unsigned 64-bit number in base 36. */
    private static final String DYNAMIC_PLACEHOLDER = "X".repeat(Long.toUnsignedString(-1L, 36).length());

    private Handshake() {}

    // ---------------------------------------------------------------------------------------------
    // Initiator: dist_util:handshake_we_started/1
    // ---------------------------------------------------------------------------------------------

    /**
     * Looks {@code peer} up in EPMD on its host and dials it ({@link #initiate}).
     *
     * @throws HandshakeException with {@link Reason#NOT_REGISTERED} if EPMD there does not know the
     *     peer, {@link Reason#CONNECT_FAILED} if EPMD cannot be asked, or why the handshake failed
     */
    public static HandshakeResult connect(HandshakeConfig config, NodeName peer, int epmdPort,
            PendingConnections table, HandshakeAttempt attempt) throws HandshakeException {
        Optional<EpmdClient.PortInfo> info;
        try {
            info = EpmdClient.at(peer.host(), epmdPort).withTimeout(config.setupTime()).portPlease(peer.alive());
        } catch (EpmdException e) {
            table.abandon(peer, attempt);
            throw new HandshakeException(Reason.CONNECT_FAILED, peer, "cannot find the port of " + peer + ": "
                    + e.getMessage(), e);
        }
        if (info.isEmpty()) {
            table.abandon(peer, attempt);
            throw new HandshakeException(Reason.NOT_REGISTERED, peer, "no node '" + peer.alive()
                    + "' is registered in EPMD on " + peer.host() + " (port " + epmdPort + ")");
        }
        if (info.get().bestVersion() == 0) {
            table.abandon(peer, attempt);
            throw new HandshakeException(Reason.PROTOCOL, peer, peer + " registered distribution versions "
                    + info.get().lowestVersion() + " to " + info.get().highestVersion() + "; Jarl speaks 5 to 6");
        }
        return initiate(config, peer, new InetSocketAddress(peer.host(), info.get().port()), table, attempt);
    }

    /**
     * Dials {@code peer} at {@code address} and runs the handshake as the initiator, on behalf of
     * {@code attempt} (which the caller registered in {@code table} as pending).
     *
     * @throws HandshakeException if no connection results; the table has then been told
     */
    public static HandshakeResult initiate(HandshakeConfig config, NodeName peer, InetSocketAddress address,
            PendingConnections table, HandshakeAttempt attempt) throws HandshakeException {
        SetupTimer timer = new SetupTimer(config.setupTime());
        Socket socket = new Socket();
        boolean done = false;
        try {
            if (!attempt.attach(socket)) {
                throw new HandshakeException(Reason.SUPERSEDED, peer, "the attempt to connect to " + peer
                        + " was cancelled before it started: " + attempt.cancelReason().orElse(""));
            }
            try {
                socket.connect(address, timer.remainingMillis());
                socket.setTcpNoDelay(true);
            } catch (SocketTimeoutException e) {
                throw new HandshakeException(Reason.TIMEOUT, peer, "connecting to " + peer + " at " + address
                        + " took longer than the setup time of " + timer.step().toMillis() + " ms", e);
            } catch (IOException e) {
                if (attempt.isCancelled()) {
                    throw new HandshakeException(Reason.SUPERSEDED, peer, "the attempt to connect to " + peer
                            + " was cancelled: " + attempt.cancelReason().orElse(""));
                }
                throw new HandshakeException(Reason.CONNECT_FAILED, peer, "cannot connect to " + peer + " at "
                        + address + ": " + e.getMessage(), e);
            }
            HandshakeChannel ch;
            try {
                ch = new HandshakeChannel(socket, timer, attempt, peer);
            } catch (IOException e) {
                throw new HandshakeException(Reason.IO, peer, "cannot use the connection to " + peer + ": "
                        + e.getMessage(), e);
            }
            HandshakeResult result = weStarted(config, peer, table, attempt, ch);
            done = true;
            return result;
        } finally {
            if (!done) {
                EpmdClient.closeQuietly(socket);
                table.abandon(peer, attempt);
            }
        }
    }

    private static HandshakeResult weStarted(HandshakeConfig config, NodeName peer, PendingConnections table,
            HandshakeAttempt attempt, HandshakeChannel ch) throws HandshakeException {
        boolean dynamic = config.self().isEmpty();
        long thisFlags = config.flagsFor(dynamic);
        sendName(ch, config, thisFlags);

        // recv_status
        NodeName self = config.self().orElse(null);
        int selfCreation = config.creation();
        byte[] status = ch.receive("status");
        if (status[0] != STATUS) {
            throw ch.failure(Reason.PROTOCOL, peer + " answered our name with message tag " + (status[0] & 0xFF)
                    + " instead of a status ('s')");
        }
        String text = new String(status, 1, status.length - 1, StandardCharsets.ISO_8859_1);
        if (text.equals("not_allowed")) {
            log.warn("connection attempt to node {} refused: it does not allow this node to connect (not_allowed)",
                    peer);
            throw ch.failure(Reason.NOT_ALLOWED, peer + " does not allow " + nameOf(config)
                    + " to connect (status not_allowed): it restricts its peers or cannot handle our flags");
        }
        if (dynamic) {
            if (!text.startsWith(NAMED)) {
                throw ch.failure(Reason.PROTOCOL, peer + " answered our request for a name with status '"
                        + printable(text) + "' instead of named:");
            }
            byte[] named = Arrays.copyOfRange(status, 1 + NAMED.length(), status.length);
            if (named.length < 2 || named.length < 2 + getShort(named, 0) + 4) {
                throw ch.failure(Reason.PROTOCOL, peer + " sent a truncated named: status");
            }
            int length = getShort(named, 0);
            self = parseName(ch, new String(named, 2, length, StandardCharsets.ISO_8859_1), "the name it assigned us");
            if (!self.host().equals(config.host())) {
                throw ch.failure(Reason.PROTOCOL, peer + " named us " + self + ", on another host than ours ("
                        + config.host() + ")");
            }
            selfCreation = getInt(named, 2 + length);
        } else {
            switch (text) {
                case "ok", "ok_simultaneous" -> {
                    // go on
                }
                case "nok" -> throw lostSimultaneousConnect(peer, attempt, ch);
                case "alive" -> {
                    boolean pending = table.isPending(peer, attempt);
                    ch.send(("s" + pending).getBytes(StandardCharsets.ISO_8859_1), "status reply");
                    if (!pending) {
                        throw ch.failure(Reason.ALIVE_REFUSED, peer + " still has a connection to us up, and this "
                                + "attempt is no longer pending here; it ends");
                    }
                }
                default -> throw ch.failure(Reason.PROTOCOL, peer + " answered our name with the unknown status '"
                        + printable(text) + "'");
            }
        }

        // recv_challenge
        byte[] challenge = ch.receive("challenge");
        if (challenge[0] != CHALLENGE || challenge.length < 19) {
            throw ch.failure(Reason.PROTOCOL, peer + " sent a message with tag " + (challenge[0] & 0xFF) + " and "
                    + challenge.length + " bytes instead of the challenge ('N', at least 19 bytes)");
        }
        long peerFlags = DistFlags.expand(getLong(challenge, 1));
        int challengeA = getInt(challenge, 9);
        int peerCreation = getInt(challenge, 13);
        int nameLength = getShort(challenge, 17);
        if (19 + nameLength > challenge.length) {
            throw ch.failure(Reason.PROTOCOL, peer + " sent a challenge whose name runs past its end");
        }
        String answered = new String(challenge, 19, nameLength, StandardCharsets.ISO_8859_1);
        if (!answered.equals(peer.toString())) {
            throw ch.failure(Reason.NAME_MISMATCH, "we dialled " + peer + " but the node there calls itself '"
                    + printable(answered) + "'");
        }
        long negotiated = thisFlags & peerFlags;
        long missing = DistFlags.missing(config.required(), peerFlags);
        if (missing != 0) {
            log.error("** {}: Connection attempt to node {} aborted since it cannot handle {}. **", nameOf(config),
                    peer, DistFlags.names(missing));
            throw ch.failure(Reason.MISSING_FLAGS, "connection attempt to " + peer + " aborted since it cannot handle "
                    + DistFlags.names(missing));
        }

        // send_challenge_reply, recv_challenge_ack
        int challengeB = RANDOM.nextInt();
        byte[] reply = new byte[21];
        reply[0] = (byte) CHALLENGE_REPLY;
        putInt(reply, 1, challengeB);
        System.arraycopy(config.cookie().digest(challengeA), 0, reply, 5, 16);
        ch.send(reply, "challenge reply");
        ch.timer().reset();
        byte[] ack;
        try {
            ack = ch.receive("challenge acknowledgement");
        } catch (HandshakeException e) {
            if (e.reason() == Reason.CLOSED) {
                log.error("** Connection attempt to node {} failed: it closed the connection after checking our "
                        + "challenge reply; the cookies most likely differ. **", peer);
                throw new HandshakeException(Reason.BAD_COOKIE, peer, peer + " closed the connection after checking "
                        + "our challenge reply: its cookie most likely differs from ours", e);
            }
            throw e;
        }
        if (ack[0] != CHALLENGE_ACK || ack.length != 17) {
            throw ch.failure(Reason.PROTOCOL, peer + " sent a message with tag " + (ack[0] & 0xFF) + " and "
                    + ack.length + " bytes instead of the challenge acknowledgement ('a', 17 bytes)");
        }
        if (!MessageDigest.isEqual(Arrays.copyOfRange(ack, 1, 17), config.cookie().digest(challengeB))) {
            log.error("** Connection attempt to node {} cancelled. Invalid challenge ack. **", peer);
            throw ch.failure(Reason.BAD_COOKIE, "the challenge acknowledgement from " + peer
                    + " does not match our cookie: the cookies differ");
        }
        log.debug("connected to {} (flags 0x{})", peer, Long.toHexString(negotiated));
        handOver(ch);
        return new HandshakeResult(self, selfCreation, peer, peerCreation, peerFlags, negotiated, attempt,
                ch.socket(), ch.in(), ch.out());
    }

    /** {@code send_name}: the version 6 form, always. */
    private static void sendName(HandshakeChannel ch, HandshakeConfig config, long flags) throws HandshakeException {
        byte[] name = config.self().map(NodeName::toString).orElse(config.host()).getBytes(StandardCharsets.ISO_8859_1);
        byte[] message = new byte[15 + name.length];
        message[0] = (byte) SEND_NAME;
        putLong(message, 1, flags);
        putInt(message, 9, config.creation());
        putShort(message, 13, name.length);
        System.arraycopy(name, 0, message, 15, name.length);
        ch.send(message, "name");
    }

    /**
     * {@code nok}: the peer keeps its own attempt to us. OTP's setup process waits to be killed by
     * {@code net_kernel}, which happens when the peer's attempt reaches our acceptor and replaces
     * this one; until then the pending entry keeps the callers waiting for the connection.
     */
    private static HandshakeException lostSimultaneousConnect(NodeName peer, HandshakeAttempt attempt,
            HandshakeChannel ch) {
        boolean replaced;
        try {
            replaced = attempt.awaitCancellation(ch.timer().remaining());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            replaced = attempt.isCancelled();
        }
        log.debug("simultaneous connect with {}: it keeps its own attempt (nok); ours was {}", peer,
                replaced ? "replaced by its attempt" : "not replaced within the setup time");
        return ch.failure(Reason.SIMULTANEOUS_NOK, peer + " is connecting to us at the same time and its name is "
                + "the greater, so its attempt is the one that goes on (status nok)"
                + (replaced ? "" : "; it did not reach us within the setup time"));
    }

    // ---------------------------------------------------------------------------------------------
    // Acceptor: dist_util:handshake_other_started/1
    // ---------------------------------------------------------------------------------------------

    /**
     * Runs the handshake as the acceptor on {@code socket}, which a listener accepted.
     *
     * @throws HandshakeException if no connection results; the socket is then closed and the table
     *     told
     * @throws IllegalStateException if this node has no name of its own (a dynamic-name node cannot
     *     accept)
     */
    public static HandshakeResult accept(HandshakeConfig config, Socket socket, PendingConnections table)
            throws HandshakeException {
        NodeName self = config.self().orElseThrow(
                () -> new IllegalStateException("a node without a name of its own cannot accept connections"));
        SetupTimer timer = new SetupTimer(config.setupTime());
        HandshakeAttempt attempt = new HandshakeAttempt(false);
        attempt.attach(socket);
        HandshakeChannel ch = null;
        boolean done = false;
        try {
            try {
                socket.setTcpNoDelay(true);
                ch = new HandshakeChannel(socket, timer, attempt, null);
            } catch (IOException e) {
                throw new HandshakeException(Reason.IO, null, "cannot use the connection from "
                        + socket.getRemoteSocketAddress() + ": " + e.getMessage(), e);
            }
            HandshakeResult result = otherStarted(config, self, table, attempt, ch);
            done = true;
            return result;
        } finally {
            if (!done) {
                EpmdClient.closeQuietly(socket);
                if (ch != null && ch.peer != null) {
                    table.abandon(ch.peer, attempt);
                }
            }
        }
    }

    private static HandshakeResult otherStarted(HandshakeConfig config, NodeName self, PendingConnections table,
            HandshakeAttempt attempt, HandshakeChannel ch) throws HandshakeException {
        // recv_name
        byte[] name = ch.receive("name");
        long peerFlags;
        int peerCreation;
        String peerText;
        boolean old;
        if (name[0] == SEND_NAME) {
            if (name.length < 15 || 15 + getShort(name, 13) > name.length) {
                throw ch.failure(Reason.PROTOCOL, ch.who() + " sent a name message ('N') of " + name.length
                        + " bytes whose name does not fit in it");
            }
            peerFlags = getLong(name, 1);
            peerCreation = getInt(name, 9);
            peerText = new String(name, 15, getShort(name, 13), StandardCharsets.ISO_8859_1);
            old = false;
        } else if (name[0] == SEND_NAME_OLD) {
            if (name.length < 8) {
                throw ch.failure(Reason.PROTOCOL, ch.who() + " sent an old name message ('n') of " + name.length
                        + " bytes, too short to hold a version, flags and a name");
            }
            peerFlags = Integer.toUnsignedLong(getInt(name, 3));
            peerCreation = 0;
            peerText = new String(name, 7, name.length - 7, StandardCharsets.ISO_8859_1);
            old = true;
        } else {
            throw ch.failure(Reason.PROTOCOL, ch.who() + " opened with message tag " + (name[0] & 0xFF)
                    + " instead of its name ('N')");
        }
        boolean dynamic = !old && (peerFlags & DistFlags.NAME_ME) != 0;
        NodeName peer;
        if (dynamic) {
            try {
                NodeName.of(DYNAMIC_PLACEHOLDER, peerText); // the name it would get must be a node name
            } catch (IllegalArgumentException e) {
                throw ch.failure(Reason.PROTOCOL, ch.who() + " asked for a name on the host '" + printable(peerText)
                        + "', which is not a host: " + e.getMessage());
            }
            if (config.restricted()) {
                ch.send(("snot_allowed").getBytes(StandardCharsets.ISO_8859_1), "status");
                log.error("** Connection attempt from a node on host {} asking for a dynamic name refused: this node "
                        + "only allows {} **", printable(peerText), config.allowed());
                throw ch.failure(Reason.NOT_ALLOWED, "a node on " + peerText + " asked for a dynamic name, which a "
                        + "node with an allowed list refuses");
            }
            peer = null;
        } else {
            peer = parseName(ch, peerText, "its name");
            ch.peer = peer;
            if (!config.allowed().test(peer)) {
                ch.send(("snot_allowed").getBytes(StandardCharsets.ISO_8859_1), "status");
                log.error("** Connection attempt from disallowed node {} ** ", peer);
                throw ch.failure(Reason.NOT_ALLOWED, "connection attempt from disallowed node " + peer);
            }
        }
        peerFlags = DistFlags.expand(peerFlags);
        long thisFlags = config.flagsFor(dynamic);
        checkFlags(ch, config, self, peerText, peerFlags, old ? 0xFFFF_FFFFL : -1L);

        // mark_pending, send_status
        AcceptDecision decision;
        if (dynamic) {
            decision = AcceptDecision.OK;
            for (int tries = 0; ; tries++) {
                peer = NodeName.of(Long.toUnsignedString(RANDOM.nextLong(), 36).toUpperCase(), peerText);
                if (table.acceptPending(self, peer, false, attempt) == AcceptDecision.OK) {
                    break;
                }
                table.abandon(peer, attempt);
                if (tries == 8) {
                    throw ch.failure(Reason.ALREADY_PENDING, "no free dynamic name for a node on " + peerText);
                }
            }
            ch.peer = peer;
            peerCreation = nonZeroRandom();
            byte[] assigned = peer.toString().getBytes(StandardCharsets.ISO_8859_1);
            byte[] status = new byte[1 + NAMED.length() + 2 + assigned.length + 4];
            status[0] = (byte) STATUS;
            System.arraycopy(NAMED.getBytes(StandardCharsets.ISO_8859_1), 0, status, 1, NAMED.length());
            putShort(status, 1 + NAMED.length(), assigned.length);
            System.arraycopy(assigned, 0, status, 3 + NAMED.length(), assigned.length);
            putInt(status, 3 + NAMED.length() + assigned.length, peerCreation);
            ch.send(status, "status");
        } else {
            decision = table.acceptPending(self, peer, (peerFlags & DistFlags.PUBLISHED) != 0, attempt);
            switch (decision) {
                case OK -> ch.send(status("ok"), "status");
                case OK_SIMULTANEOUS -> ch.send(status("ok_simultaneous"), "status");
                case NOK -> {
                    ch.send(status("nok"), "status");
                    log.debug("simultaneous connect with {}: we keep our own attempt ({} > {})", peer, self, peer);
                    throw ch.failure(Reason.SIMULTANEOUS_NOK, "refused " + peer + " with nok: we are connecting to "
                            + "it at the same time and our name is the greater");
                }
                case ALIVE -> {
                    ch.send(status("alive"), "status");
                    byte[] answer = ch.receive("answer to status alive");
                    String text = new String(answer, StandardCharsets.ISO_8859_1);
                    if (text.equals("sfalse")) {
                        throw ch.failure(Reason.ALIVE_REFUSED, peer + " says it has no attempt to us pending, so "
                                + "its connection to us is still alive; this attempt ends");
                    }
                    if (!text.equals("strue")) {
                        throw ch.failure(Reason.PROTOCOL, peer + " answered status alive with '" + printable(text)
                                + "' instead of 'strue' or 'sfalse'");
                    }
                }
                case ALREADY_PENDING -> throw ch.failure(Reason.ALREADY_PENDING, "an attempt from " + peer
                        + " to replace its live connection to us is already under way");
            }
        }
        ch.timer().reset();

        // send_challenge
        int challengeA = RANDOM.nextInt();
        byte[] ours = self.toString().getBytes(StandardCharsets.ISO_8859_1);
        byte[] challenge = new byte[19 + ours.length];
        challenge[0] = (byte) CHALLENGE;
        putLong(challenge, 1, thisFlags);
        putInt(challenge, 9, challengeA);
        putInt(challenge, 13, config.creation());
        putShort(challenge, 17, ours.length);
        System.arraycopy(ours, 0, challenge, 19, ours.length);
        ch.send(challenge, "challenge");
        ch.timer().reset();

        // recv_complement (old peers only)
        if (old) {
            byte[] complement = ch.receive("complement");
            if (complement[0] != COMPLEMENT || complement.length != 9) {
                throw ch.failure(Reason.PROTOCOL, peer + " sent a message with tag " + (complement[0] & 0xFF)
                        + " and " + complement.length + " bytes instead of the complement ('c', 9 bytes) that "
                        + "follows an old name message");
            }
            peerFlags |= Integer.toUnsignedLong(getInt(complement, 1)) << 32;
            peerCreation = getInt(complement, 5);
            checkFlags(ch, config, self, peerText, peerFlags, -1L);
        }
        long negotiated = thisFlags & peerFlags;

        // recv_challenge_reply
        byte[] reply = ch.receive("challenge reply");
        if (reply[0] != CHALLENGE_REPLY || reply.length != 21) {
            throw ch.failure(Reason.PROTOCOL, peer + " sent a message with tag " + (reply[0] & 0xFF) + " and "
                    + reply.length + " bytes instead of the challenge reply ('r', 21 bytes)");
        }
        int challengeB = getInt(reply, 1);
        if (!MessageDigest.isEqual(Arrays.copyOfRange(reply, 5, 21), config.cookie().digest(challengeA))) {
            log.error("** Connection attempt from node {} rejected. Invalid challenge reply. **", peer);
            throw ch.failure(Reason.BAD_COOKIE, "the challenge reply from " + peer
                    + " does not match our cookie: the cookies differ");
        }
        if (decision == AcceptDecision.ALIVE) {
            try {
                table.waitPending(peer, attempt, ch.timer().remaining());
            } catch (TimeoutException e) {
                throw ch.failure(Reason.TIMEOUT, "the old connection to " + peer + " did not end within the setup "
                        + "time of " + ch.timer().step().toMillis() + " ms");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw ch.failure(Reason.IO, "interrupted while waiting for the old connection to " + peer + " to end");
            } catch (IllegalStateException e) {
                throw ch.failure(Reason.SUPERSEDED, e.getMessage());
            }
        }

        // send_challenge_ack
        byte[] ack = new byte[17];
        ack[0] = (byte) CHALLENGE_ACK;
        System.arraycopy(config.cookie().digest(challengeB), 0, ack, 1, 16);
        ch.send(ack, "challenge acknowledgement");
        log.debug("accepted {} (flags 0x{})", peer, Long.toHexString(negotiated));
        handOver(ch);
        return new HandshakeResult(self, config.creation(), peer, peerCreation, peerFlags, negotiated, attempt,
                ch.socket(), ch.in(), ch.out());
    }

    /** Leaves the socket as the connection layer expects it: reads block without a timeout. */
    private static void handOver(HandshakeChannel ch) throws HandshakeException {
        try {
            ch.socket().setSoTimeout(0);
        } catch (IOException e) {
            throw ch.failure(Reason.IO, "the connection to " + ch.who() + " failed as the handshake ended: "
                    + e.getMessage());
        }
    }

    /**
     * {@code check_dflags/2}: refuses a peer that lacks required flags; {@code mask} limits the
     * check to the low 32 bits before an old peer's complement has brought the high ones.
     */
    private static void checkFlags(HandshakeChannel ch, HandshakeConfig config, NodeName self, String peerText,
            long peerFlags, long mask) throws HandshakeException {
        long missing = DistFlags.missing(config.required() & mask, peerFlags);
        if (missing != 0) {
            ch.send(status("not_allowed"), "status");
            log.error("** {}: Connection attempt from node {} rejected since it cannot handle {}. **", self,
                    printable(peerText), DistFlags.names(missing));
            throw ch.failure(Reason.MISSING_FLAGS, "connection attempt from " + printable(peerText)
                    + " rejected since it cannot handle " + DistFlags.names(missing));
        }
    }

    private static byte[] status(String text) {
        return ("s" + text).getBytes(StandardCharsets.ISO_8859_1);
    }

    private static NodeName parseName(HandshakeChannel ch, String text, String what) throws HandshakeException {
        try {
            return NodeName.parse(text);
        } catch (IllegalArgumentException e) {
            throw ch.failure(Reason.PROTOCOL, ch.who() + " sent '" + printable(text) + "' as " + what
                    + ", which is not a node name: " + e.getMessage());
        }
    }

    private static String nameOf(HandshakeConfig config) {
        return config.self().map(NodeName::toString).orElse("a node on " + config.host());
    }

    private static int nonZeroRandom() {
        int value;
        do {
            value = RANDOM.nextInt();
        } while (value == 0);
        return value;
    }

    /** {@code text} with control characters escaped, for messages. */
    private static String printable(String text) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < text.length() && i < 300; i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c == 0x7F) {
                out.append(String.format("\\x%02X", (int) c));
            } else {
                out.append(c);
            }
        }
        return text.length() > 300 ? out + "..." : out.toString();
    }

    private static long getLong(byte[] b, int at) {
        return (Integer.toUnsignedLong(getInt(b, at)) << 32) | Integer.toUnsignedLong(getInt(b, at + 4));
    }

    private static void putLong(byte[] b, int at, long value) {
        putInt(b, at, (int) (value >>> 32));
        putInt(b, at + 4, (int) value);
    }
}
