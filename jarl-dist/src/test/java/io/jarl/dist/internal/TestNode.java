package io.jarl.dist.internal;

import io.jarl.dist.Cookie;
import io.jarl.dist.HandshakeException;
import io.jarl.dist.NodeName;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * A Java node for handshake tests: a name, a configuration, a connection table, and an acceptor on
 * a loopback port whose outcomes land in queues. {@link #close()} closes the acceptor and every
 * socket a handshake produced.
 */
final class TestNode implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(10);

    final NodeName name;
    final HandshakeConfig config;
    final ConnectionTable table = new ConnectionTable();
    final HandshakeAcceptor acceptor;
    final BlockingQueue<HandshakeResult> accepted = new LinkedBlockingQueue<>();
    final BlockingQueue<HandshakeException> failed = new LinkedBlockingQueue<>();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();

    private TestNode(NodeName name, HandshakeConfig config, int maxPending) throws IOException {
        this.name = name;
        this.config = config;
        ServerSocket server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        this.acceptor = HandshakeAcceptor.start(server, config, table, maxPending, new HandshakeAcceptor.Listener() {
            @Override
            public void connected(HandshakeResult result) {
                sockets.add(result.socket());
                accepted.add(result);
            }

            @Override
            public void failed(HandshakeException failure) {
                TestNode.this.failed.add(failure);
            }
        });
    }

    /** A node {@code alive@h} with a random creation, {@code cookie}, and the defaults changed by {@code tweak}. */
    static TestNode start(String alive, Cookie cookie, UnaryOperator<HandshakeConfig> tweak, int maxPending) {
        NodeName name = NodeName.of(alive, "h");
        int creation = ThreadLocalRandom.current().nextInt(4, Integer.MAX_VALUE);
        try {
            return new TestNode(name, tweak.apply(HandshakeConfig.of(name, creation, cookie)), maxPending);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static TestNode start(String alive, Cookie cookie) {
        return start(alive, cookie, c -> c, 16);
    }

    InetSocketAddress address() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), acceptor.port());
    }

    /** Dials {@code other} through this node's table. */
    HandshakeResult dial(TestNode other) throws HandshakeException {
        HandshakeAttempt attempt = table.beginConnect(other.name).orElseThrow(
                () -> new AssertionError(name + " already has a connection to " + other.name + ": " + table));
        return dial(other.name, other.address(), attempt);
    }

    /** Dials {@code peer} at {@code address} as {@code attempt}, with this node's configuration and table. */
    HandshakeResult dial(NodeName peer, InetSocketAddress address, HandshakeAttempt attempt)
            throws HandshakeException {
        HandshakeResult result = Handshake.initiate(config, peer, address, table, attempt);
        sockets.add(result.socket());
        return result;
    }

    HandshakeResult awaitAccepted() throws InterruptedException {
        HandshakeResult result = accepted.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        if (result == null) {
            throw new AssertionError(name + " accepted no connection within " + WAIT + "; failures: " + failed);
        }
        return result;
    }

    HandshakeException awaitFailure() throws InterruptedException {
        HandshakeException failure = failed.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        if (failure == null) {
            throw new AssertionError(name + " saw no failed handshake within " + WAIT + "; accepted: " + accepted);
        }
        return failure;
    }

    @Override
    public void close() {
        acceptor.close();
        for (Socket socket : sockets) {
            EpmdClient.closeQuietly(socket);
        }
    }

    @Override
    public String toString() {
        return "TestNode[" + name + "]";
    }
}
