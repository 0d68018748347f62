package io.jarl.dist.internal;

import io.jarl.ExitReason;
import io.jarl.Pid;
import io.jarl.Ref;
import io.jarl.RemoteName;
import io.jarl.RemotePid;
import io.jarl.dist.NodeName;
import io.jarl.dist.term.Atom;
import io.jarl.dist.term.AtomCache;
import io.jarl.dist.term.TermDecodeException;
import io.jarl.dist.term.TermDecoder;
import io.jarl.dist.term.TermEncoder;
import io.jarl.dist.term.Tuple;
import io.jarl.internal.Core;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * Implementation overview.
 *
 * One connection to one node, in three states: PENDING (a handshake runs; signals wait as
 * objects, since the flags the handshake negotiates decide their encoding), UP, DOWN.
 *
 * Sending: the sending process's thread maps and encodes its signal into a frame
 * (4-byte length, then 112 and the control and optional payload terms (pass-through), or, when the
 * atom cache or fragments were negotiated, a 131,68 header with no atom cache refs and the terms
 * without version bytes) and queues the bytes; a writer thread drains the queue
 * into a buffered stream and flushes when the queue is empty. Encoding in the senders spreads the
 * work over the cores; one queue per connection keeps each sender's signals in order, as the BEAM
 * guarantees between a pair of processes.
 *
 * Receiving: a reader thread reads a frame (pass-through; a 131,68 header whose atom cache
 * references resolve through the peer's AtomCache; or 131,69/70 fragments, reassembled by sequence
 * id with caps on their number and size), decodes the control term and the payload, and applies
 * the signal to the local process through Core (deliver, link, exit, monitor...). Frames larger than
 * the limit, undecodable terms and unknown control messages close the connection with a logged
 * reason, as the BEAM does; the node and its other connections carry on.
 *
 * Links (UNLINK_ID protocol, erl_dist_protocol.md "Link Protocol"): the runtime keeps the links;
 * this class keeps the links being removed (unlinking: (local, remote) -> unlink id) so that an
 * incoming LINK or EXIT on a link we are unlinking is ignored, and forgets them at UNLINK_ID_ACK.
 * Monitors by name from the other node: the target pid is kept by reference (inMonitors) so that
 * DEMONITOR_P, which names the target by name, finds it.
 *
 * Ticks: the node's ticker calls tick() every tick time / 4: a tick (empty frame) if nothing was
 * written since the last call; the connection is closed (net_tick_timeout) when nothing was read
 * for the whole tick time.
 */
final class DistConnection implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger("io.jarl.dist");
    private static final byte[] TICK = new byte[4];
    private static final byte[] CLOSE = new byte[0];

    // Control message operations (erl_dist_protocol.md).
    static final int LINK = 1, SEND = 2, EXIT = 3, UNLINK = 4, NODE_LINK = 5, REG_SEND = 6, GROUP_LEADER = 7,
            EXIT2 = 8, SEND_TT = 12, EXIT_TT = 13, REG_SEND_TT = 16, EXIT2_TT = 18, MONITOR_P = 19,
            DEMONITOR_P = 20, MONITOR_P_EXIT = 21, SEND_SENDER = 22, SEND_SENDER_TT = 23, PAYLOAD_EXIT = 24,
            PAYLOAD_EXIT_TT = 25, PAYLOAD_EXIT2 = 26, PAYLOAD_EXIT2_TT = 27, PAYLOAD_MONITOR_P_EXIT = 28,
            SPAWN_REQUEST = 29, SPAWN_REQUEST_TT = 30, SPAWN_REPLY = 31, SPAWN_REPLY_TT = 32, ALIAS_SEND = 33,
            ALIAS_SEND_TT = 34, UNLINK_ID = 35, UNLINK_ID_ACK = 36;

    enum State { PENDING, UP, DOWN }

    private record LinkKey(Pid local, Pid remote) {}

    final DistNode node;
    final NodeName peer;
    final String peerName;
    private final Core core = Core.get();
    private final Wire wire;

    private volatile State state = State.PENDING;
    private final List<Signal> pending = new ArrayList<>(); // guarded by this while PENDING
    private final LinkedBlockingQueue<byte[]> out = new LinkedBlockingQueue<>();
    private final AtomicBoolean closing = new AtomicBoolean();
    /** Opens when the connection leaves PENDING (up or down). */
    private final CountDownLatch settled = new CountDownLatch(1);
    /** Opens when the node has taken a closed connection out of its tables. */
    private final CountDownLatch released = new CountDownLatch(1);
    /** Opens when the writer has ended. */
    private final CountDownLatch written = new CountDownLatch(1);

    // Set once up.
    private volatile HandshakeResult handshake;
    private long flags;
    /** Whether frames carry distribution headers (131, 68) rather than the pass-through tag 112. */
    private boolean headerFraming;
    private boolean visible;
    private int peerCreation;
    private volatile long lastRead;
    private volatile boolean wrote;

    private final ConcurrentHashMap<LinkKey, Long> unlinking = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Ref, Pid> inMonitors = new ConcurrentHashMap<>();
    private final AtomicLong unlinkIds = new AtomicLong();
    private volatile String downReason = "connection closed";

    DistConnection(DistNode node, NodeName peer) {
        this.node = node;
        this.peer = peer;
        this.peerName = peer.toString();
        this.wire = node.wire();
    }

    State state() {
        return state;
    }

    boolean visible() {
        return visible;
    }

    long flags() {
        return flags;
    }

    boolean has(long flag) {
        return (flags & flag) == flag;
    }

    // ------------------------------------------------------------------ life cycle

    /**
     * The handshake completed: signals queued while pending are encoded and sent first, then the
     * reader and writer start. Returns false if the connection was closed meanwhile.
     */
    boolean up(HandshakeResult result) {
        synchronized (this) {
            if (state != State.PENDING) {
                return false;
            }
            handshake = result;
            flags = result.negotiatedFlags();
            headerFraming = (flags & (DistFlags.DIST_HDR_ATOM_CACHE | DistFlags.FRAGMENTS)) != 0;
            visible = result.visible();
            peerCreation = result.peerCreation();
            lastRead = System.nanoTime();
            for (Signal s : pending) {
                if (!understood(s)) {
                    continue;
                }
                try {
                    out.add(encode(s));
                } catch (RuntimeException e) {
                    log.warn("dropped a signal to {} that cannot be encoded: {}", peerName, e.getMessage());
                }
            }
            pending.clear();
            state = State.UP;
        }
        settled.countDown();
        core.ioThread("jarl-dist-write-" + peerName, this::writeLoop).start();
        core.ioThread("jarl-dist-read-" + peerName, this::readLoop).start();
        return true;
    }

    /** Ends the connection (once): the socket closes, and the node tells links and monitors. */
    void close(String reason) {
        close(reason, Duration.ZERO);
    }

    /**
     * Ends the connection (once) as {@link #close(String)}, but first lets the writer send what
     * was queued before, for at most {@code flush}: a node that stops says what its processes said
     * while they stopped (a monitored process's exit, say) before the peer hears noconnection.
     */
    void close(String reason, Duration flush) {
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        downReason = reason;
        List<Signal> dropped;
        synchronized (this) {
            state = State.DOWN;
            dropped = List.copyOf(pending);
            pending.clear();
        }
        settled.countDown();
        boolean drain = !flush.isZero() && handshake != null; // a writer runs only once the connection is up
        if (!drain) {
            out.clear();
        }
        out.add(CLOSE);
        if (drain) {
            try {
                written.await(flush.toNanos(), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // close at once
            }
        }
        HandshakeResult h = handshake;
        if (h != null) {
            try {
                h.socket().close();
            } catch (IOException e) {
                // closing anyway
            }
        }
        if (!dropped.isEmpty()) {
            log.debug("dropped {} signal(s) queued for {}: {}", dropped.size(), peerName, reason);
        }
        node.connectionDown(this, reason);
    }

    @Override
    public void close() {
        close("disconnected");
    }

    /** Waits until the connection is up or down, at most {@code timeout}; returns its state then. */
    State awaitSettled(Duration timeout) throws InterruptedException {
        settled.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
        return state;
    }

    /** The node took this (closed) connection out of its tables: a new one to the peer may be dialled. */
    void released() {
        released.countDown();
    }

    /** Waits, at most {@code timeout}, until {@link #released()}; no network is involved. */
    void awaitReleased(Duration timeout) throws InterruptedException {
        released.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    String downReason() {
        return downReason;
    }

    // ------------------------------------------------------------------ sending

    /** Queues a signal; never blocks. Dropped if the connection is down (a link or monitor: see below). */
    void signal(Signal s) {
        if (state == State.UP) {
            send(s);
            return;
        }
        synchronized (this) {
            if (state == State.PENDING) {
                pending.add(s);
                return;
            }
        }
        if (state == State.UP) {
            send(s);
            return;
        }
        // Down: the sender found this connection just before it closed. Its link or monitor was
        // recorded before this call, but the node's noconnection sweep (Core.nodeDown) may already
        // have passed that process; answer here, or the link or monitor would stay forever. The
        // runtime ignores the second noconnection if the sweep did see it.
        switch (s) {
            case Signal.Link(Pid from, Pid to) ->
                    core.exitSignal((RemotePid) to, from, ExitReason.noconnection(), true);
            case Signal.MonitorP(Pid from, Object target, Ref ref) -> core.down(from, ref,
                    target instanceof String name ? new RemoteName(name, peerName) : target,
                    ExitReason.noconnection());
            default -> {
                // a send or an exit signal to a node that is not connected is dropped, as on the BEAM
            }
        }
    }

    private void send(Signal s) {
        if (understood(s)) {
            out.add(encode(s));
        }
    }

    /**
     * Whether the peer takes {@code s}. A peer without DIST_MONITOR (DIST_MONITOR_NAME for a name)
     * gets no MONITOR_P or DEMONITOR_P (JInterface closes the connection on them): as on the BEAM,
     * such a monitor stays on this side, and only the connection's loss brings its DOWN.
     */
    private boolean understood(Signal s) {
        return switch (s) {
            case Signal.MonitorP m -> monitorable(m.target());
            case Signal.DemonitorP d -> monitorable(d.target());
            default -> true;
        };
    }

    private boolean monitorable(Object target) {
        return has(target instanceof String ? DistFlags.DIST_MONITOR | DistFlags.DIST_MONITOR_NAME : DistFlags.DIST_MONITOR);
    }

    /** No payload after the control message. */
    private static final Object NO_PAYLOAD = new Object();

    /**
     * The frame for {@code s}: length, then the pass-through tag 112 and the control and payload
     * terms each with its version byte; or, when the atom cache or fragments were negotiated (the
     * BEAM then requires distribution headers), {@code 131, 68} and a header with no atom cache
     * references, then both terms without version bytes, their atoms written inline.
     */
    private byte[] encode(Signal s) {
        Object control;
        Object payload = NO_PAYLOAD;
        switch (s) {
            case Signal.Send(Pid from, Pid to, Object message) -> {
                payload = wire.toWire(message);
                control = has(DistFlags.SEND_SENDER) ? Tuple.of((long) SEND_SENDER, wire.toTerm(from), wire.toTerm(to))
                        : Tuple.of((long) SEND, Wire.EMPTY, wire.toTerm(to));
            }
            case Signal.RegSend(Pid from, String name, Object message) -> {
                payload = wire.toWire(message);
                control = Tuple.of((long) REG_SEND, wire.toTerm(from), Wire.EMPTY, Atom.of(name));
            }
            case Signal.AliasSend(Pid from, Ref alias, Object message) -> {
                payload = wire.toWire(message);
                control = Tuple.of((long) ALIAS_SEND, wire.toTerm(from), wire.toTerm(alias));
            }
            case Signal.Link(Pid from, Pid to) -> control = Tuple.of((long) LINK, wire.toTerm(from), wire.toTerm(to));
            case Signal.UnlinkId(long id, Pid from, Pid to) ->
                    control = Tuple.of((long) UNLINK_ID, unlinkIdTerm(id), wire.toTerm(from), wire.toTerm(to));
            case Signal.UnlinkIdAck(long id, Pid from, Pid to) ->
                    control = Tuple.of((long) UNLINK_ID_ACK, unlinkIdTerm(id), wire.toTerm(from), wire.toTerm(to));
            case Signal.LinkExit(Pid from, Pid to, ExitReason reason) -> {
                if (has(DistFlags.EXIT_PAYLOAD)) {
                    control = Tuple.of((long) PAYLOAD_EXIT, wire.toTerm(from), wire.toTerm(to));
                    payload = wire.toTerm(reason);
                } else {
                    control = Tuple.of((long) EXIT, wire.toTerm(from), wire.toTerm(to), wire.toTerm(reason));
                }
            }
            case Signal.Exit2(Pid from, Pid to, ExitReason reason) -> {
                if (has(DistFlags.EXIT_PAYLOAD)) {
                    control = Tuple.of((long) PAYLOAD_EXIT2, wire.toTerm(from), wire.toTerm(to));
                    payload = wire.toTerm(reason);
                } else {
                    control = Tuple.of((long) EXIT2, wire.toTerm(from), wire.toTerm(to), wire.toTerm(reason));
                }
            }
            case Signal.MonitorP(Pid from, Object target, Ref ref) ->
                    control = Tuple.of((long) MONITOR_P, wire.toTerm(from), procTerm(target), wire.toTerm(ref));
            case Signal.DemonitorP(Pid from, Object target, Ref ref) ->
                    control = Tuple.of((long) DEMONITOR_P, wire.toTerm(from), procTerm(target), wire.toTerm(ref));
            case Signal.MonitorPExit(Object object, Pid to, Ref ref, ExitReason reason) -> {
                if (has(DistFlags.EXIT_PAYLOAD)) {
                    control = Tuple.of((long) PAYLOAD_MONITOR_P_EXIT, procTerm(object), wire.toTerm(to), wire.toTerm(ref));
                    payload = wire.toTerm(reason);
                } else {
                    control = Tuple.of((long) MONITOR_P_EXIT, procTerm(object), wire.toTerm(to), wire.toTerm(ref),
                            wire.toTerm(reason));
                }
            }
            case Signal.SpawnReply(Ref request, Pid to, int replyFlags, Object result) -> control = Tuple.of(
                    (long) SPAWN_REPLY, wire.toTerm(request), wire.toTerm(to), (long) replyFlags,
                    result instanceof Pid p ? wire.toTerm(p) : Atom.of((String) result));
        }
        TermEncoder e = new TermEncoder(TermEncoder.Options.DEFAULT, wire);
        e.writeByte(0).writeByte(0).writeByte(0).writeByte(0);
        if (headerFraming) {
            e.writeByte(131).writeByte(68).writeByte(0); // a distribution header with no atom cache refs
            e.writeBare(control);
            if (payload != NO_PAYLOAD) {
                e.writeBare(payload);
            }
        } else {
            e.writeByte(112);
            e.write(control);
            if (payload != NO_PAYLOAD) {
                e.write(payload);
            }
        }
        byte[] frame = e.toByteArray();
        int len = frame.length - 4;
        frame[0] = (byte) (len >>> 24);
        frame[1] = (byte) (len >>> 16);
        frame[2] = (byte) (len >>> 8);
        frame[3] = (byte) len;
        return frame;
    }

    private Object procTerm(Object target) {
        return target instanceof Pid p ? wire.toTerm(p) : Atom.of((String) target);
    }

    private void writeLoop() {
        OutputStream os = new BufferedOutputStream(handshake.out(), 1 << 16);
        try {
            writeFrames(os);
        } finally {
            written.countDown();
        }
    }

    private void writeFrames(OutputStream os) {
        try {
            while (true) {
                byte[] frame = out.take();
                do {
                    if (frame == CLOSE) {
                        os.flush();
                        return;
                    }
                    os.write(frame);
                    frame = out.poll();
                } while (frame != null);
                wrote = true;
                os.flush();
            }
        } catch (IOException e) {
            close("write failed: " + e.getMessage());
        } catch (InterruptedException e) {
            close("writer interrupted");
        }
    }

    /** Called every tick time / 4 by the node's ticker. */
    void tick(long tickNanos) {
        if (state != State.UP) {
            return;
        }
        if (System.nanoTime() - lastRead > tickNanos) {
            log.warn("node {} not responding: no data for {} ms; removing (timedout) connection", peerName,
                    tickNanos / 1_000_000);
            close("net_tick_timeout");
            return;
        }
        if (!wrote) {
            out.add(TICK);
        }
        wrote = false;
    }

    // ------------------------------------------------------------------ receiving

    private void readLoop() {
        InputStream in = handshake.in();
        TermDecoder decoder = new TermDecoder(node.decodeLimits(), wire);
        byte[] header = new byte[4];
        String reason = "connection closed";
        try {
            while (state == State.UP) {
                readFully(in, header, 4);
                lastRead = System.nanoTime();
                int len = ((header[0] & 0xFF) << 24) | ((header[1] & 0xFF) << 16) | ((header[2] & 0xFF) << 8)
                        | (header[3] & 0xFF);
                if (len == 0) {
                    continue; // a tick
                }
                if (len < 0 || len > node.maxFrameBytes()) {
                    throw new ProtocolException("a frame of " + Integer.toUnsignedString(len) + " bytes exceeds the"
                            + " limit of " + node.maxFrameBytes());
                }
                byte[] frame = new byte[len];
                readFully(in, frame, len);
                lastRead = System.nanoTime();
                dispatch(decoder, frame);
            }
        } catch (EOFException e) {
            reason = "connection closed by " + peerName;
        } catch (IOException e) {
            reason = closing.get() ? downReason : "read failed: " + e.getMessage();
        } catch (ProtocolException | TermDecodeException e) {
            log.error("closing the connection to {}: {}", peerName, e.getMessage());
            reason = "bad frame: " + e.getMessage();
        } catch (RuntimeException e) {
            log.error("closing the connection to {}: a frame could not be handled", peerName, e);
            reason = "bad frame: " + e;
        }
        close(reason);
    }

    private static void readFully(InputStream in, byte[] buf, int len) throws IOException {
        if (in.readNBytes(buf, 0, len) < len) {
            throw new EOFException();
        }
    }

    static final class ProtocolException extends Exception {
        ProtocolException(String message) {
            super(message);
        }
    }

    // Receiving side of the distribution header (reader thread only): the peer's atom cache, and
    // the messages whose fragments are still arriving, by sequence id.
    private AtomCache atomCache;
    private final java.util.HashMap<Long, Fragments> fragments = new java.util.HashMap<>();
    private long fragmentBytes;
    /** How many fragmented messages may be in flight at once on one connection. */
    private static final int MAX_FRAGMENTED = 64;

    /** A fragmented message being reassembled: the bytes so far and the fragment id expected next. */
    private static final class Fragments {
        final java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        long next;
    }

    private void dispatch(TermDecoder decoder, byte[] frame) throws ProtocolException {
        int tag = frame[0] & 0xFF;
        if (tag == 112) {
            TermDecoder.Decoded control = decoder.decode(frame, 1, frame.length);
            Object payload = null;
            boolean hasPayload = control.end() < frame.length;
            if (hasPayload) {
                TermDecoder.Decoded p = decoder.decode(frame, control.end(), frame.length);
                if (p.end() != frame.length) {
                    throw new ProtocolException((frame.length - p.end()) + " bytes follow the payload");
                }
                payload = p.term();
            }
            handle(control.term(), payload, hasPayload);
            return;
        }
        if (tag != 131 || frame.length < 2) {
            throw new ProtocolException("a frame starts with 112 (pass-through) or 131 (a distribution header), not "
                    + tag);
        }
        if (!headerFraming) {
            throw new ProtocolException("a distribution header, but neither the atom cache nor fragments were"
                    + " negotiated");
        }
        switch (frame[1] & 0xFF) {
            case 68 -> headerFrame(decoder, frame, 2, frame.length);
            case 69, 70 -> fragment(decoder, frame, (frame[1] & 0xFF) == 69);
            default -> throw new ProtocolException("unknown distribution header 131," + (frame[1] & 0xFF));
        }
    }

    /** 131,69 (first fragment: sequence id, fragment id, then the header) or 131,70 (the next ones). */
    private void fragment(TermDecoder decoder, byte[] frame, boolean first) throws ProtocolException {
        if (frame.length < 18) {
            throw new ProtocolException("a fragment header needs a sequence and a fragment id: " + frame.length
                    + " bytes");
        }
        long seq = readLong(frame, 2);
        long fragId = readLong(frame, 10);
        if (fragId < 1) {
            throw new ProtocolException("fragment id " + Long.toUnsignedString(fragId) + " (ids count down to 1)");
        }
        Fragments f;
        if (first) {
            if (fragId == 1) {
                headerFrame(decoder, frame, 18, frame.length); // a message in one fragment
                return;
            }
            if (fragments.containsKey(seq)) {
                throw new ProtocolException("fragmented message " + Long.toUnsignedString(seq) + " started twice");
            }
            if (fragments.size() >= MAX_FRAGMENTED) {
                throw new ProtocolException("more than " + MAX_FRAGMENTED + " fragmented messages at once");
            }
            f = new Fragments();
            fragments.put(seq, f);
        } else {
            f = fragments.get(seq);
            if (f == null) {
                throw new ProtocolException("a fragment of message " + Long.toUnsignedString(seq)
                        + ", which never started");
            }
            if (fragId != f.next) {
                throw new ProtocolException("fragment " + fragId + " of message " + Long.toUnsignedString(seq)
                        + " where " + f.next + " was expected");
            }
        }
        int body = frame.length - 18;
        fragmentBytes += body;
        if (fragmentBytes > node.maxFrameBytes()) {
            throw new ProtocolException("fragmented messages hold more than " + node.maxFrameBytes() + " bytes");
        }
        f.bytes.write(frame, 18, body);
        f.next = fragId - 1;
        if (fragId == 1) {
            fragments.remove(seq);
            byte[] whole = f.bytes.toByteArray();
            fragmentBytes -= whole.length;
            headerFrame(decoder, whole, 0, whole.length);
        }
    }

    private static long readLong(byte[] b, int at) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (b[at + i] & 0xFF);
        }
        return v;
    }

    /** The atom cache header at {@code offset}, then the control and payload terms without version bytes. */
    private void headerFrame(TermDecoder decoder, byte[] bytes, int offset, int limit) throws ProtocolException {
        if (atomCache == null) {
            atomCache = new AtomCache(true);
        }
        AtomCache.Header header = atomCache.readHeader(bytes, offset, limit);
        TermDecoder.Decoded control = decoder.decodeBare(bytes, header.end(), limit, header.refs());
        Object payload = null;
        boolean hasPayload = control.end() < limit;
        if (hasPayload) {
            TermDecoder.Decoded p = decoder.decodeBare(bytes, control.end(), limit, header.refs());
            if (p.end() != limit) {
                throw new ProtocolException((limit - p.end()) + " bytes follow the payload");
            }
            payload = p.term();
        }
        handle(control.term(), payload, hasPayload);
    }

    private void handle(Object control, Object payload, boolean hasPayload) throws ProtocolException {
        if (!(control instanceof Tuple t) || t.arity() < 1 || !(t.get(0) instanceof Long op)) {
            throw new ProtocolException("a control message must be a tuple starting with an integer: " + control);
        }
        handle(op.intValue(), t, payload, hasPayload);
    }

    private void handle(int op, Tuple t, Object payload, boolean hasPayload) throws ProtocolException {
        switch (op) {
            case SEND -> {
                expect(t, 3, hasPayload, true);
                deliver(localOrNull(t, 2), payload);
            }
            case SEND_SENDER -> {
                expect(t, 3, hasPayload, true);
                deliver(localOrNull(t, 2), payload);
            }
            case REG_SEND -> {
                expect(t, 4, hasPayload, true);
                if (!(t.get(3) instanceof Atom name)) {
                    throw new ProtocolException("REG_SEND to a name that is not an atom: " + t);
                }
                remote(t, 1); // checked: the sender is a process of the peer
                core.deliver(name.name(), wire.fromWire(payload));
            }
            case ALIAS_SEND -> {
                expect(t, 3, hasPayload, true);
                if (t.get(2) instanceof Ref ref && ref.isLocal()) {
                    core.deliverToAlias(ref, wire.fromWire(payload));
                } // an alias of another node or of an earlier run: dropped
            }
            case LINK -> {
                expect(t, 3, hasPayload, false);
                RemotePid from = remote(t, 1);
                Pid to = localOrNull(t, 2);
                if (unlinking.containsKey(new LinkKey(to, from))) {
                    return; // OTP: a LINK while our UNLINK_ID is pending is ignored
                }
                if (to == null || !core.linked(from, to)) {
                    send(new Signal.LinkExit(to == null ? stalePid(t, 2) : to, from, ExitReason.noproc()));
                }
            }
            case UNLINK_ID -> {
                expect(t, 4, hasPayload, false);
                long id = unlinkId(t);
                RemotePid from = remote(t, 2);
                Pid to = localOrNull(t, 3);
                if (to != null && !unlinking.containsKey(new LinkKey(to, from))) {
                    core.unlinked(from, to);
                }
                send(new Signal.UnlinkIdAck(id, to == null ? stalePid(t, 3) : to, from));
            }
            case UNLINK_ID_ACK -> {
                expect(t, 4, hasPayload, false);
                long id = unlinkId(t);
                RemotePid from = remote(t, 2);
                Pid to = localOrNull(t, 3);
                if (to != null) {
                    unlinking.remove(new LinkKey(to, from), id);
                }
            }
            case UNLINK -> {
                expect(t, 3, hasPayload, false);
                Pid to = localOrNull(t, 2);
                if (to != null) {
                    core.unlinked(remote(t, 1), to);
                }
            }
            case EXIT, PAYLOAD_EXIT -> {
                boolean payloadForm = op == PAYLOAD_EXIT;
                expect(t, payloadForm ? 3 : 4, hasPayload, payloadForm);
                RemotePid from = remote(t, 1);
                Pid to = localOrNull(t, 2);
                if (to != null && !unlinking.containsKey(new LinkKey(to, from))) {
                    core.exitSignal(from, to, wire.reasonFromTerm(payloadForm ? payload : t.get(3)), true);
                }
            }
            case EXIT2, PAYLOAD_EXIT2 -> {
                boolean payloadForm = op == PAYLOAD_EXIT2;
                expect(t, payloadForm ? 3 : 4, hasPayload, payloadForm);
                Pid to = localOrNull(t, 2);
                if (to != null) {
                    core.exitSignal(remote(t, 1), to, wire.reasonFromTerm(payloadForm ? payload : t.get(3)), false);
                }
            }
            case MONITOR_P -> {
                expect(t, 4, hasPayload, false);
                RemotePid from = remote(t, 1);
                Ref ref = ref(t, 3);
                Object target = t.get(2);
                Pid to;
                Object object;
                if (target instanceof Atom name) {
                    to = core.whereis(name.name()).orElse(null);
                    object = name.name();
                } else {
                    to = localOrNull(t, 2);
                    object = to;
                }
                if (to == null) {
                    send(new Signal.MonitorPExit(target instanceof Atom a ? a.name() : stalePid(t, 2), from, ref,
                            ExitReason.noproc()));
                    return;
                }
                inMonitors.put(ref, to);
                if (!core.monitored(from, ref, to, new Watched(this, object))) {
                    inMonitors.remove(ref);
                    send(new Signal.MonitorPExit(object, from, ref, ExitReason.noproc()));
                }
            }
            case DEMONITOR_P -> {
                expect(t, 4, hasPayload, false);
                Ref ref = ref(t, 3);
                Pid to = inMonitors.remove(ref);
                if (to != null) {
                    core.demonitored(to, ref);
                }
            }
            case MONITOR_P_EXIT, PAYLOAD_MONITOR_P_EXIT -> {
                boolean payloadForm = op == PAYLOAD_MONITOR_P_EXIT;
                expect(t, payloadForm ? 4 : 5, hasPayload, payloadForm);
                Pid to = localOrNull(t, 2);
                if (to == null) {
                    return;
                }
                Object object = t.get(1) instanceof Atom name ? new RemoteName(name.name(), peerName)
                        : remote(t, 1);
                core.down(to, ref(t, 3), object, wire.reasonFromTerm(payloadForm ? payload : t.get(4)));
            }
            case SPAWN_REQUEST -> {
                expect(t, 6, hasPayload, true);
                node.spawnRequest(this, t, payload);
            }
            case SPAWN_REPLY -> expect(t, 5, hasPayload, false); // Jarl sends no spawn requests
            case NODE_LINK, GROUP_LEADER -> log.debug("ignored {} from {}: {}", op, peerName, t);
            case SEND_TT, EXIT_TT, REG_SEND_TT, EXIT2_TT, SEND_SENDER_TT, PAYLOAD_EXIT_TT, PAYLOAD_EXIT2_TT,
                 SPAWN_REQUEST_TT, SPAWN_REPLY_TT, ALIAS_SEND_TT ->
                    // Sequential tracing is not supported; the signal is applied without its token.
                    handle(untraced(op), withoutToken(t), payload, hasPayload);
            default -> throw new ProtocolException("unknown control message " + op + ": " + t);
        }
    }

    private static int untraced(int op) {
        return switch (op) {
            case SEND_TT -> SEND;
            case EXIT_TT -> EXIT;
            case REG_SEND_TT -> REG_SEND;
            case EXIT2_TT -> EXIT2;
            case SEND_SENDER_TT -> SEND_SENDER;
            case PAYLOAD_EXIT_TT -> PAYLOAD_EXIT;
            case PAYLOAD_EXIT2_TT -> PAYLOAD_EXIT2;
            case SPAWN_REQUEST_TT -> SPAWN_REQUEST;
            case SPAWN_REPLY_TT -> SPAWN_REPLY;
            case ALIAS_SEND_TT -> ALIAS_SEND;
            default -> throw new IllegalArgumentException("not a traced operation: " + op);
        };
    }

    /** The control tuple without its trailing trace token. */
    private static Tuple withoutToken(Tuple t) {
        List<Object> e = new ArrayList<>(t.elements());
        e.removeLast();
        return Tuple.of(e);
    }

    /**
     * The id of an UNLINK_ID or UNLINK_ID_ACK: an unsigned 64-bit integer (erl_dist_protocol, "Link
     * Protocol"), kept in a long with the same bits. It used to be cast to Long, so an id of 2^63 or
     * more (a BigInteger) or one that was no integer at all failed with a ClassCastException: a
     * stack trace instead of one line, and no acknowledgement for a valid id.
     */
    private static long unlinkId(Tuple t) throws ProtocolException {
        Object id = t.get(1);
        if (id instanceof Long l && l >= 0) {
            return l;
        }
        if (id instanceof BigInteger b && b.signum() > 0 && b.bitLength() <= 64) {
            return b.longValue();
        }
        throw new ProtocolException("the unlink id must be an unsigned 64-bit integer: " + t);
    }

    /** An unlink id as a term: its unsigned value. */
    private static Object unlinkIdTerm(long id) {
        return id >= 0 ? (Object) id : new BigInteger(Long.toUnsignedString(id));
    }

    private static void expect(Tuple t, int arity, boolean hasPayload, boolean payload) throws ProtocolException {
        if (t.arity() != arity) {
            throw new ProtocolException("control message " + t.get(0) + " has arity " + t.arity() + ", expected "
                    + arity + ": " + t);
        }
        if (hasPayload != payload) {
            throw new ProtocolException("control message " + t.get(0) + (payload ? " needs" : " takes no")
                    + " payload: " + t);
        }
    }

    private void deliver(Pid to, Object payload) {
        if (to != null) {
            core.deliver(to, wire.fromWire(payload));
        }
    }

    /** The local pid at {@code i}, or null if it is a pid of an earlier run of this node (dead). */
    private Pid localOrNull(Tuple t, int i) throws ProtocolException {
        if (t.get(i) instanceof Pid p && (p.isLocal() || wire.isThisNode(p.node()))) {
            return p.isLocal() ? p : null; // a RemotePid of this node's name is of an earlier run
        }
        throw new ProtocolException("expected a pid of this node at element " + i + ": " + t);
    }

    /** A pid of an earlier run of this node, to answer a signal for it (as noproc). */
    private static Pid stalePid(Tuple t, int i) {
        return (Pid) t.get(i);
    }

    private RemotePid remote(Tuple t, int i) throws ProtocolException {
        if (t.get(i) instanceof RemotePid r && r.node().equals(peerName)) {
            return r;
        }
        throw new ProtocolException("expected a pid of " + peerName + " at element " + i + ": " + t);
    }

    private static Ref ref(Tuple t, int i) throws ProtocolException {
        if (t.get(i) instanceof Ref r) {
            return r;
        }
        throw new ProtocolException("expected a reference at element " + i + ": " + t);
    }

    // ------------------------------------------------------------------ the runtime's requests

    void link(Pid from, RemotePid to) {
        unlinking.remove(new LinkKey(from, to));
        signal(new Signal.Link(from, to));
    }

    void unlink(Pid from, RemotePid to) {
        long id = unlinkIds.incrementAndGet();
        unlinking.put(new LinkKey(from, to), id);
        signal(new Signal.UnlinkId(id, from, to));
    }

    void linkExit(Pid from, RemotePid to, ExitReason reason) {
        if (!unlinking.containsKey(new LinkKey(from, to))) {
            signal(new Signal.LinkExit(from, to, reason));
        }
    }

    /** A local process monitored from this connection's node ended. */
    void monitorExit(Ref ref, Pid to, Object object, ExitReason reason) {
        inMonitors.remove(ref);
        signal(new Signal.MonitorPExit(object, to, ref, reason));
    }

    /** What a remote watcher monitors: the pid or the name, and through which connection. */
    record Watched(DistConnection connection, Object object) {}

    @Override
    public String toString() {
        return "connection to " + peerName + " (" + state + ")";
    }
}
