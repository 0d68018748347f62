package io.jarl.dist.internal;

import static io.jarl.dist.internal.EpmdProtocol.getShort;
import static io.jarl.dist.internal.EpmdProtocol.putInt;
import static io.jarl.dist.internal.EpmdProtocol.putShort;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * EPMD, the Erlang port mapper daemon, in Java (OTP: the {@code epmd} program,
 * {@code erts/epmd/src/epmd_srv.c}).
 *
 * <p>Every host that runs nodes runs one EPMD: nodes register their alive name and distribution port
 * with it, and nodes elsewhere ask it where a name listens. Real {@code erl} nodes register with
 * this implementation as with the C one, and {@code net_adm:names()} lists what is registered here.
 *
 * {@snippet :
 * // a single command works on a fresh machine: use the system's EPMD if one runs, else embed one
 * Optional<EmbeddedEpmd> started = EmbeddedEpmd.startIfAbsent(EpmdClient.portFromEnvironment());
 * try (EpmdRegistration me = EpmdClient.local().register("java", listenPort)) {
 *     ...
 * } finally {
 *     started.ifPresent(EmbeddedEpmd::close);
 * }
 * }
 *
 * <h2>What it does, as epmd does</h2>
 * <ul>
 *   <li>{@code ALIVE2_REQ}: registers a name, from local peers only (loopback, or this host's own
 *       address), and answers {@code ALIVE2_X_RESP} with a 32-bit creation to nodes that register
 *       version 6 or above, {@code ALIVE2_RESP} with a creation 1..3 to older ones. A name already
 *       registered is refused (result 1, creation 99). The registration lasts as long as the
 *       connection: when it closes, or the node sends anything more on it, the name is dropped.</li>
 *   <li>Creations as {@code epmd} numbers them: a new name starts from the current time in seconds,
 *       plus one; a name registered again (remembered for the last 1000 names dropped) gets its
 *       previous number plus one; a number never falls below 4.</li>
 *   <li>{@code PORT_PLEASE2_REQ}: the full {@code PORT2_RESP} for a registered name, result 1 for
 *       an unknown one.</li>
 *   <li>{@code NAMES_REQ}: the port, then one {@code name N at port P\n} line per name, newest
 *       first.</li>
 *   <li>Limits: at most {@link Limits#maxConnections()} connections at once (more are closed at
 *       once); requests of 1 to {@value EpmdProtocol#MAX_REQUEST} bytes (the length epmd's buffer
 *       allows; anything else closes the connection); a request must arrive within
 *       {@link Limits#requestTimeout()} (epmd: 60 s); names and extra data are checked as epmd
 *       checks them (valid UTF-8, 1 to 255 characters, no NUL, at most 1020 bytes).</li>
 * </ul>
 *
 * <h2>What it does not do</h2>
 * {@code DUMP_REQ}, {@code KILL_REQ} and {@code STOP_REQ} (the {@code epmd -names/-kill/-stop}
 * administration commands other than {@code -names}) are not implemented: such a request closes
 * the connection without an answer, like any unknown request. An embedded EPMD ends with
 * {@link #close()}, not by request. There is no IPv6-only mode and no {@code ERL_EPMD_ADDRESS}
 * handling: pass the address to bind to {@link #start(InetAddress, int, Limits)}.
 *
 * <h2>Security</h2>
 * EPMD is unauthenticated: anyone who can reach it learns the names and ports of the nodes on this
 * host. Like epmd it binds every address by default so that other hosts can find the nodes here;
 * bind it to the loopback address when only local nodes should talk to it. Only local peers can
 * register names.
 */
/*
 * Implementation overview.
 *
 * epmd_srv.c without its select() loop: one virtual thread accepts (do_accept, with the connection
 * cap of conn_open); each connection gets its own virtual thread that reads one request with the
 * request timeout (do_read) and answers it (do_request). A registering connection then stays in its
 * thread, blocked on a read, until it closes or sends anything, which drops the name (do_read on a
 * "keep" connection, node_unreg_sock). node_reg2's two lists are the two maps: registered names
 * (newest last here, listed newest first as epmd links new nodes at the head) and dropped names with
 * their creation counters, for bump_creation when a name comes back. One lock guards both; its
 * condition lets tests wait for a name or a connection to come or go.
 */
public final class EmbeddedEpmd implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedEpmd.class);

    /** Names dropped and remembered for their next creation ({@code MAX_UNREG_COUNT}). */
    static final int MAX_REMEMBERED = 1000;

    /**
     * The limits of a server.
     *
     * @param maxConnections connections served at once; more are closed when accepted
     * @param requestTimeout how long a connection may take to send its request (epmd: 60 s)
     */
    public record Limits(int maxConnections, Duration requestTimeout) {
        /** 1024 connections, 60 s per request. */
        public static final Limits DEFAULT = new Limits(1024, Duration.ofSeconds(60));

        public Limits {
            if (maxConnections < 1) {
                throw new IllegalArgumentException("maxConnections must be positive: " + maxConnections);
            }
            if (requestTimeout.isNegative() || requestTimeout.isZero()) {
                throw new IllegalArgumentException("requestTimeout must be positive: " + requestTimeout);
            }
        }
    }

    /** A registered name ({@code struct enode}). */
    private record Node(String name, int port, int nodeType, int protocol, int highest, int lowest, byte[] extra,
            int counter, Socket socket) {}

    private final ServerSocket server;
    private final Limits limits;
    private final LongSupplier clockSeconds;
    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled whenever a name or a connection comes or goes (for tests that wait on it). */
    private final Condition changed = lock.newCondition();
    /** Registered names, newest first as epmd links new nodes at the head. */
    private final LinkedHashMap<String, Node> registered = new LinkedHashMap<>();
    /** Dropped names and their last creation counter, oldest first. */
    private final LinkedHashMap<String, Integer> dropped = new LinkedHashMap<>();
    private final Set<Socket> connections = ConcurrentHashMap.newKeySet();
    private final AtomicInteger active = new AtomicInteger();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Thread acceptor;

    private EmbeddedEpmd(ServerSocket server, Limits limits, LongSupplier clockSeconds) {
        this.server = server;
        this.limits = limits;
        this.clockSeconds = clockSeconds;
        this.acceptor = Thread.ofVirtual().name("jarl-epmd-accept-" + server.getLocalPort()).unstarted(this::acceptLoop);
    }

    /**
     * Starts an EPMD on every address at {@code port} (0 picks a free port; see {@link #port()}).
     *
     * @throws BindException if something already listens on the port
     */
    public static EmbeddedEpmd start(int port) throws IOException {
        return start(null, port, Limits.DEFAULT);
    }

    /**
     * Starts an EPMD on {@code address} (every address if null) at {@code port} with {@code limits}.
     *
     * @throws BindException if something already listens on the port
     */
    public static EmbeddedEpmd start(InetAddress address, int port, Limits limits) throws IOException {
        return start(address, port, limits, () -> System.currentTimeMillis() / 1000);
    }

    static EmbeddedEpmd start(InetAddress address, int port, Limits limits, LongSupplier clockSeconds)
            throws IOException {
        Objects.requireNonNull(limits, "limits");
        ServerSocket server = new ServerSocket();
        try {
            server.setReuseAddress(true);
            server.bind(new InetSocketAddress(address, port), 128);
        } catch (IOException e) {
            server.close();
            if (e instanceof BindException) {
                BindException clear = new BindException("cannot start EPMD on port " + port + ": " + e.getMessage()
                        + " (another EPMD or program listens there)");
                clear.initCause(e);
                throw clear;
            }
            throw e;
        }
        EmbeddedEpmd epmd = new EmbeddedEpmd(server, limits, clockSeconds);
        epmd.acceptor.start();
        log.debug("EPMD started on {}", server.getLocalSocketAddress());
        return epmd;
    }

    /**
     * Starts an EPMD on every address at {@code port} unless something already listens there (a
     * system {@code epmd}, or another node's embedded one), so that a node runs on a fresh machine
     * without a separate {@code epmd -daemon}. Returns the server it started, or empty if there was
     * one already; the caller closes what it started.
     */
    public static Optional<EmbeddedEpmd> startIfAbsent(int port) throws IOException {
        try (Socket probe = new Socket()) {
            probe.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
            return Optional.empty(); // someone answers: use it
        } catch (IOException nobody) {
            // nothing accepts on the loopback address: try to be the one
        }
        try {
            return Optional.of(start(port));
        } catch (BindException raced) {
            return Optional.empty(); // another process bound it between the probe and now
        }
    }

    /** The port this server listens on. */
    public int port() {
        return server.getLocalPort();
    }

    /** The names registered now and their ports, newest first (what {@code NAMES_REQ} answers). */
    public List<EpmdClient.Registered> names() {
        lock.lock();
        try {
            List<EpmdClient.Registered> names = new ArrayList<>();
            for (Node node : registered.values()) {
                names.add(new EpmdClient.Registered(node.name(), node.port()));
            }
            return List.copyOf(names.reversed());
        } finally {
            lock.unlock();
        }
    }

    /** How many connections are open now. */
    int activeConnections() {
        return active.get();
    }

    /** Stops accepting and closes every connection, which unregisters every name. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            server.close();
        } catch (IOException e) {
            log.debug("closing EPMD's listening socket: {}", e.getMessage());
        }
        for (Socket socket : connections) {
            EpmdClient.closeQuietly(socket);
        }
        try {
            acceptor.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        lock.lock();
        try {
            registered.clear();
        } finally {
            lock.unlock();
        }
    }

    private void acceptLoop() {
        while (!closed.get()) {
            Socket socket;
            try {
                socket = server.accept();
            } catch (IOException e) {
                if (!closed.get()) {
                    log.error("EPMD on port {} stopped accepting: {}", port(), e.getMessage());
                }
                return;
            }
            if (active.incrementAndGet() > limits.maxConnections()) {
                active.decrementAndGet();
                log.debug("EPMD refused a connection from {}: {} connections already open",
                        socket.getRemoteSocketAddress(), limits.maxConnections());
                EpmdClient.closeQuietly(socket);
                continue;
            }
            connections.add(socket);
            signal();
            if (closed.get()) {
                EpmdClient.closeQuietly(socket);
            }
            Thread.ofVirtual().name("jarl-epmd-conn").start(() -> serve(socket));
        }
    }

    /** One connection: read one request, answer it, and close unless it registered a name. */
    private void serve(Socket socket) {
        try {
            socket.setSoTimeout(Math.toIntExact(Math.max(1, limits.requestTimeout().toMillis())));
            InputStream in = socket.getInputStream();
            byte[] header = in.readNBytes(2);
            if (header.length < 2) {
                return;
            }
            int length = getShort(header, 0);
            if (length < 1 || length > EpmdProtocol.MAX_REQUEST) {
                log.debug("EPMD: invalid packet size {} from {}", length, socket.getRemoteSocketAddress());
                return;
            }
            byte[] request = in.readNBytes(length);
            if (request.length < length) {
                log.debug("EPMD: got partial packet only ({} of {} bytes)", request.length, length);
                return;
            }
            OutputStream out = socket.getOutputStream();
            switch (request[0] & 0xFF) {
                case EpmdProtocol.ALIVE2_REQ -> alive2(socket, request, out);
                case EpmdProtocol.PORT_PLEASE2_REQ -> portPlease2(request, out);
                case EpmdProtocol.NAMES_REQ -> names(out);
                default -> log.debug("EPMD: got garbage (request {}) from {}", request[0] & 0xFF,
                        socket.getRemoteSocketAddress());
            }
        } catch (SocketTimeoutException e) {
            log.debug("EPMD: closing {}: no request within {} ms", socket.getRemoteSocketAddress(),
                    limits.requestTimeout().toMillis());
        } catch (IOException e) {
            log.debug("EPMD: connection from {} failed: {}", socket.getRemoteSocketAddress(), e.getMessage());
        } finally {
            EpmdClient.closeQuietly(socket);
            connections.remove(socket);
            active.decrementAndGet();
            signal();
        }
    }

    private void signal() {
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until {@code condition} holds, re-checking whenever a name or connection comes or goes;
     * returns whether it held within {@code timeout} (for tests).
     */
    boolean await(BooleanSupplier condition, Duration timeout) throws InterruptedException {
        long left = timeout.toNanos();
        lock.lock();
        try {
            while (!condition.getAsBoolean()) {
                if (left <= 0) {
                    return false;
                }
                left = changed.awaitNanos(left);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** The creation of the registered {@code name}, as its registration was answered (for tests). */
    OptionalLong creationOf(String name) {
        lock.lock();
        try {
            Node node = registered.get(name);
            return node == null ? OptionalLong.empty() : OptionalLong.of(creation(node));
        } finally {
            lock.unlock();
        }
    }

    /** {@code ALIVE2_REQ}: register, answer, then hold the connection until it closes. */
    private void alive2(Socket socket, byte[] buf, OutputStream out) throws IOException {
        if (!isLocalPeer(socket)) {
            log.debug("EPMD: ALIVE2_REQ from non local address {}", socket.getRemoteSocketAddress());
            return;
        }
        int size = buf.length;
        if (size <= 13) {
            log.debug("EPMD: packet too small for request ALIVE2_REQ ({})", size);
            return;
        }
        int port = getShort(buf, 1);
        int nodeType = buf[3] & 0xFF;
        int protocol = buf[4] & 0xFF;
        int highest = getShort(buf, 5);
        int lowest = getShort(buf, 7);
        int nameLength = getShort(buf, 9);
        if (nameLength + 13 > size) {
            log.debug("EPMD: node name size error in ALIVE2_REQ");
            return;
        }
        int extraLength = getShort(buf, 11 + nameLength);
        if (extraLength + nameLength + 13 > size) {
            log.debug("EPMD: extra info size error in ALIVE2_REQ");
            return;
        }
        for (int i = 11; i < 11 + nameLength; i++) {
            if (buf[i] == 0) {
                log.debug("EPMD: node name contains ascii 0 in ALIVE2_REQ");
                return;
            }
        }
        byte[] extra = new byte[extraLength];
        System.arraycopy(buf, 13 + nameLength, extra, 0, extraLength);
        Optional<String> name = extraLength > EpmdProtocol.MAX_SYMBOL_BYTES
                ? Optional.empty()
                : EpmdProtocol.decodeName(buf, 11, nameLength);
        Optional<Node> node = name.flatMap(n -> register(new Node(n, port, nodeType, protocol, highest, lowest,
                extra, 0, socket)));
        long creation = node.map(EmbeddedEpmd::creation).orElse(99L);
        byte[] reply;
        if (highest >= 6) {
            reply = new byte[6];
            reply[0] = (byte) EpmdProtocol.ALIVE2_X_RESP;
            reply[1] = (byte) (node.isPresent() ? 0 : 1);
            putInt(reply, 2, (int) creation);
        } else {
            reply = new byte[4];
            reply[0] = (byte) EpmdProtocol.ALIVE2_RESP;
            reply[1] = (byte) (node.isPresent() ? 0 : 1);
            putShort(reply, 2, (int) creation);
        }
        try {
            out.write(reply);
            out.flush();
        } catch (IOException e) {
            node.ifPresent(this::unregister);
            throw e;
        }
        if (node.isEmpty()) {
            log.debug("EPMD refused to register {} (taken or invalid)", name.orElse("an invalid name"));
            return;
        }
        log.debug("EPMD registered '{}' port {} creation {}", node.get().name(), port,
                Integer.toUnsignedString((int) creation));
        try {
            socket.setSoTimeout(0); // epmd's "keep": an ALIVE socket never times out
            int more = socket.getInputStream().read();
            if (more >= 0) {
                log.debug("EPMD: got more than expected on the ALIVE socket of '{}'", node.get().name());
            }
        } catch (IOException closed) {
            // the node went away: the name goes with it
        } finally {
            unregister(node.get());
        }
    }

    /**
     * {@code node_reg2}: registers {@code node} unless its name is taken; picks its creation
     * counter.
     */
    private Optional<Node> register(Node node) {
        lock.lock();
        try {
            if (closed.get() || registered.containsKey(node.name())) {
                return Optional.empty();
            }
            Integer previous = dropped.remove(node.name());
            int counter = previous != null ? bump(previous) : bump((int) clockSeconds.getAsLong());
            Node entry = new Node(node.name(), node.port(), node.nodeType(), node.protocol(), node.highest(),
                    node.lowest(), node.extra(), counter, node.socket());
            registered.put(entry.name(), entry);
            changed.signalAll();
            return Optional.of(entry);
        } finally {
            lock.unlock();
        }
    }

    /** {@code node_unreg_sock}: drops {@code node} if it is still the registration of its name. */
    private void unregister(Node node) {
        lock.lock();
        try {
            if (registered.get(node.name()) == node) {
                registered.remove(node.name());
                dropped.put(node.name(), node.counter());
                while (dropped.size() > MAX_REMEMBERED) {
                    dropped.pollFirstEntry();
                }
                log.debug("EPMD unregistered '{}'", node.name());
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /** {@code bump_creation}: the next counter, unsigned 32-bit, never below 4. */
    static int bump(int counter) {
        int next = counter + 1;
        return Integer.compareUnsigned(next, 4) < 0 ? 4 : next;
    }

    /** {@code get_creation}: the counter for version 6 nodes, 1..3 for older ones. */
    private static long creation(Node node) {
        return node.highest() >= 6
                ? Integer.toUnsignedLong(node.counter())
                : Integer.remainderUnsigned(node.counter(), 3) + 1;
    }

    /** {@code PORT_PLEASE2_REQ}: the registration of a name, or result 1. */
    private void portPlease2(byte[] buf, OutputStream out) throws IOException {
        int size = buf.length;
        if (buf[size - 1] == 0) {
            size--; // skip a NUL terminator, as epmd does
        }
        if (size <= 1) {
            log.debug("EPMD: packet too small for request PORT2_REQ ({})", size);
            return;
        }
        Optional<String> name = EpmdProtocol.decodeName(buf, 1, size - 1);
        if (name.isEmpty()) {
            log.debug("EPMD: invalid node name in PORT2_REQ");
            return;
        }
        Node node;
        lock.lock();
        try {
            node = registered.get(name.get());
        } finally {
            lock.unlock();
        }
        if (node == null) {
            out.write(new byte[] {(byte) EpmdProtocol.PORT2_RESP, 1});
            out.flush();
            return;
        }
        byte[] nameBytes = node.name().getBytes(StandardCharsets.UTF_8);
        byte[] reply = new byte[14 + nameBytes.length + node.extra().length];
        reply[0] = (byte) EpmdProtocol.PORT2_RESP;
        reply[1] = 0;
        putShort(reply, 2, node.port());
        reply[4] = (byte) node.nodeType();
        reply[5] = (byte) node.protocol();
        putShort(reply, 6, node.highest());
        putShort(reply, 8, node.lowest());
        putShort(reply, 10, nameBytes.length);
        System.arraycopy(nameBytes, 0, reply, 12, nameBytes.length);
        putShort(reply, 12 + nameBytes.length, node.extra().length);
        System.arraycopy(node.extra(), 0, reply, 14 + nameBytes.length, node.extra().length);
        out.write(reply);
        out.flush();
    }

    /** {@code NAMES_REQ}: our port, then a line per registered name, newest first. */
    private void names(OutputStream out) throws IOException {
        ByteArrayOutputStream reply = new ByteArrayOutputStream();
        byte[] port = new byte[4];
        putInt(port, 0, port());
        reply.write(port);
        lock.lock();
        try {
            for (Node node : registered.reversed().values()) {
                reply.write(("name " + node.name() + " at port " + node.port() + "\n").getBytes(StandardCharsets.UTF_8));
            }
        } finally {
            lock.unlock();
        }
        out.write(reply.toByteArray());
        out.flush();
    }

    /** epmd's {@code conn_local_peer_check}: loopback, or the peer is this host's own address. */
    private static boolean isLocalPeer(Socket socket) {
        InetAddress peer = socket.getInetAddress();
        return peer != null && (peer.isLoopbackAddress() || peer.equals(socket.getLocalAddress()));
    }

    /** For tests: the creation counters of names dropped and remembered. */
    Map<String, Integer> rememberedCounters() {
        lock.lock();
        try {
            return Map.copyOf(dropped);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return "EmbeddedEpmd[" + server.getLocalSocketAddress() + ", " + names().size() + " names]";
    }
}
