package io.jarl.dist.internal;

import io.jarl.dist.HandshakeException;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accepts distribution connections on a listening socket and runs the acceptor's handshake for
 * each, with a cap on how many may be in progress at once (OTP: {@code inet_tcp_dist:accept/1} and
 * {@code accept_connection/5}).
 *
 * {@snippet :
 * ServerSocket listen = new ServerSocket(0);
 * HandshakeAcceptor acceptor = HandshakeAcceptor.start(listen, config, table, 64, result -> {
 *     // the connection layer takes over: table.markUp(result.peer(), result.attempt(), connection) ...
 * });
 * EpmdClient.local().register("java", acceptor.port());
 * }
 *
 * <h2>Pending handshakes</h2>
 * Each accepted socket gets a virtual thread for its handshake, which ends within a few setup
 * times however the peer behaves. At most {@code maxPending} handshakes run at once: a connection
 * accepted beyond that is closed at once, so that a flood of connections that never finish their
 * handshake cannot exhaust the node (OTP has no such cap; its setup timer alone bounds each one).
 * The first refusal of a burst is logged as a warning, the rest at debug level.
 *
 * <h2>Results</h2>
 * A completed handshake goes to {@link Listener#connected}, on the handshake's thread; if that
 * throws, the socket is closed. A failed one goes to {@link Listener#failed}; the handshake has
 * already logged the failures OTP reports (bad cookie, missing flags, disallowed node), other
 * failures are logged here at debug level, as OTP is silent about them.
 */
public final class HandshakeAcceptor implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HandshakeAcceptor.class);

    /** Where the outcomes of handshakes go. */
    public interface Listener {
        /** A handshake completed; the connection is the callee's to run or close. */
        void connected(HandshakeResult result);

        /** A handshake failed; the socket is closed already. Does nothing by default. */
        default void failed(HandshakeException failure) {}
    }

    private final ServerSocket server;
    private final HandshakeConfig config;
    private final PendingConnections table;
    private final int maxPending;
    private final Listener listener;
    private final AtomicInteger pending = new AtomicInteger();
    private final AtomicInteger refused = new AtomicInteger();
    private final AtomicBoolean capReported = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Set<Socket> handshaking = ConcurrentHashMap.newKeySet();
    private final Thread acceptor;

    private HandshakeAcceptor(ServerSocket server, HandshakeConfig config, PendingConnections table, int maxPending,
            Listener listener) {
        this.server = server;
        this.config = config;
        this.table = table;
        this.maxPending = maxPending;
        this.listener = listener;
        this.acceptor = Thread.ofVirtual().name("jarl-dist-accept-" + server.getLocalPort()).unstarted(this::acceptLoop);
    }

    /**
     * Starts accepting on {@code server} (already bound) for the node {@code config} describes.
     *
     * @param maxPending how many handshakes may run at once
     */
    public static HandshakeAcceptor start(ServerSocket server, HandshakeConfig config, PendingConnections table,
            int maxPending, Listener listener) {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(listener, "listener");
        if (config.self().isEmpty()) {
            throw new IllegalArgumentException("a node without a name of its own cannot accept connections");
        }
        if (maxPending < 1) {
            throw new IllegalArgumentException("maxPending must be positive: " + maxPending);
        }
        if (!server.isBound()) {
            throw new IllegalArgumentException("the server socket is not bound");
        }
        HandshakeAcceptor acceptor = new HandshakeAcceptor(server, config, table, maxPending, listener);
        acceptor.acceptor.start();
        return acceptor;
    }

    /** The port connections are accepted on (to register in EPMD). */
    public int port() {
        return server.getLocalPort();
    }

    /** How many handshakes are in progress now. */
    public int pendingCount() {
        return pending.get();
    }

    /** How many connections were closed unhandled because {@code maxPending} handshakes were running. */
    public int refusedCount() {
        return refused.get();
    }

    private void acceptLoop() {
        while (!closed.get()) {
            Socket socket;
            try {
                socket = server.accept();
            } catch (IOException e) {
                if (!closed.get()) {
                    log.error("{} stopped accepting distribution connections on port {}: {}",
                            config.self().orElseThrow(), port(), e.getMessage());
                }
                return;
            }
            if (pending.incrementAndGet() > maxPending) {
                pending.decrementAndGet();
                refused.incrementAndGet();
                if (capReported.compareAndSet(false, true)) {
                    log.warn("{} refuses connections: {} handshakes are already in progress (the cap); closing the "
                            + "connection from {}", config.self().orElseThrow(), maxPending,
                            socket.getRemoteSocketAddress());
                } else {
                    log.debug("refused the connection from {}: {} handshakes in progress",
                            socket.getRemoteSocketAddress(), maxPending);
                }
                EpmdClient.closeQuietly(socket);
                continue;
            }
            handshaking.add(socket);
            if (closed.get()) {
                EpmdClient.closeQuietly(socket);
            }
            Thread.ofVirtual().name("jarl-dist-handshake").start(() -> handshake(socket));
        }
    }

    private void handshake(Socket socket) {
        HandshakeResult result;
        try {
            result = Handshake.accept(config, socket, table);
        } catch (HandshakeException e) {
            log.debug("handshake with {} failed: {}", socket.getRemoteSocketAddress(), e.getMessage());
            release(socket);
            report(e);
            return;
        } catch (RuntimeException e) {
            log.error("handshake with {} crashed", socket.getRemoteSocketAddress(), e);
            EpmdClient.closeQuietly(socket);
            release(socket);
            return;
        }
        release(socket);
        try {
            listener.connected(result);
        } catch (RuntimeException e) {
            log.error("the connection from {} could not be taken over; closing it", result.peer(), e);
            EpmdClient.closeQuietly(socket);
        }
    }

    private void release(Socket socket) {
        handshaking.remove(socket);
        if (pending.decrementAndGet() < maxPending) {
            capReported.set(false);
        }
    }

    private void report(HandshakeException failure) {
        try {
            listener.failed(failure);
        } catch (RuntimeException e) {
            log.error("the listener of failed handshakes threw", e);
        }
    }

    /**
     * Stops accepting and closes the sockets of handshakes in progress (they fail). Connections
     * already handed to the listener are not affected. Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            server.close();
        } catch (IOException e) {
            log.debug("closing the distribution listener: {}", e.getMessage());
        }
        for (Socket socket : handshaking) {
            EpmdClient.closeQuietly(socket);
        }
        try {
            acceptor.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "HandshakeAcceptor[" + config.self().orElseThrow() + " on port " + port() + ", " + pending.get()
                + " pending]";
    }
}
