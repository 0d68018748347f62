package io.jarl.dist.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's name registered in EPMD, held for as long as this object is open (OTP: the socket
 * {@code erl_epmd} keeps after {@code register_node/3}).
 *
 * <p>EPMD keeps a name exactly as long as the TCP connection that registered it stays open;
 * {@link #close()} closes it and so unregisters the name. The {@link #creation()} EPMD handed out
 * identifies this incarnation of the node and belongs in every pid, port and reference the node
 * creates; a node that registers again gets a new one.
 *
 * <p>If EPMD goes away (killed, restarted), the name is lost: this object notices the closed
 * connection, logs one warning and reports {@link #isLost()}; the node must register again to be
 * found by name.
 */
public final class EpmdRegistration implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EpmdRegistration.class);

    private final String alive;
    private final int port;
    private final int creation;
    private final Socket socket;
    private final String epmd;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CountDownLatch ended = new CountDownLatch(1);
    private volatile boolean lost;

    EpmdRegistration(String alive, int port, int creation, Socket socket, String epmd) {
        this.alive = alive;
        this.port = port;
        this.creation = creation;
        this.socket = socket;
        this.epmd = epmd;
        Thread.ofVirtual().name("jarl-epmd-registration-" + alive).start(this::watch);
    }

    /** Waits for EPMD to close the connection; anything it sends instead is also the end. */
    private void watch() {
        try {
            InputStream in = socket.getInputStream();
            int b = in.read();
            if (!closed.get()) {
                lost = true;
                log.warn("EPMD at {} {} the registration of '{}'; other nodes can no longer find this node by name",
                        epmd, b < 0 ? "closed" : "sent unexpected data on", alive);
            }
        } catch (IOException e) {
            if (!closed.get()) {
                lost = true;
                log.warn("the connection to EPMD at {} holding the registration of '{}' failed ({}); other nodes can "
                        + "no longer find this node by name", epmd, alive, e.getMessage());
            }
        } finally {
            EpmdClient.closeQuietly(socket);
            ended.countDown();
        }
    }

    /** The registered alive name. */
    public String name() {
        return alive;
    }

    /** The distribution port registered for the name. */
    public int port() {
        return port;
    }

    /** The creation EPMD assigned to this registration (never 0). */
    public int creation() {
        return creation;
    }

    /** Whether EPMD dropped the registration without this object being closed. */
    public boolean isLost() {
        return lost;
    }

    /** Whether the registration still holds: neither closed nor lost. */
    public boolean isOpen() {
        return !closed.get() && !lost;
    }

    /** Waits up to {@code millis} for the connection to EPMD to end (tests). */
    boolean awaitEnd(long millis) throws InterruptedException {
        return ended.await(millis, TimeUnit.MILLISECONDS);
    }

    /** Unregisters the name by closing the connection to EPMD. Idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            EpmdClient.closeQuietly(socket);
        }
    }

    @Override
    public String toString() {
        return "EpmdRegistration[" + alive + " port " + port + " creation " + Integer.toUnsignedString(creation)
                + " at " + epmd + (isOpen() ? "" : lost ? ", lost" : ", closed") + "]";
    }
}
