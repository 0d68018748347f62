package io.jarl.dist.internal;

import java.net.Socket;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One handshake in progress, initiated or accepted, as the connection table knows it (OTP: the pid
 * of a setup or accept process, which {@code net_kernel} records as a connection's owner).
 *
 * <p>The table uses it to tell attempts apart and to end one that another attempt replaces
 * ({@link #cancel(String)}, OTP: {@code exit(OldOwner, remarked)}). Cancelling closes the
 * attempt's socket, which makes the handshake's blocking read fail; the handshake then reports
 * {@link io.jarl.dist.HandshakeException.Reason#SUPERSEDED}. Thread-safe.
 */
public final class HandshakeAttempt {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition cancelledCondition = lock.newCondition();
    private final boolean initiated;
    private Socket socket;
    private String cancelled;

    /** A new attempt; {@code initiated} if this node dials, false if it accepts. */
    public HandshakeAttempt(boolean initiated) {
        this.initiated = initiated;
    }

    /** Whether this node started the attempt (dials the peer). */
    public boolean initiated() {
        return initiated;
    }

    /**
     * Ties the attempt to its socket; if it was cancelled already, closes the socket at once.
     *
     * @return false if the attempt was cancelled
     */
    boolean attach(Socket socket) {
        lock.lock();
        try {
            if (cancelled != null) {
                EpmdClient.closeQuietly(socket);
                return false;
            }
            this.socket = socket;
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Ends the attempt because another one replaces it: records {@code why} and closes the socket.
     * The first reason wins; later calls do nothing.
     */
    public void cancel(String why) {
        Socket toClose;
        lock.lock();
        try {
            if (cancelled != null) {
                return;
            }
            cancelled = why;
            toClose = socket;
            cancelledCondition.signalAll();
        } finally {
            lock.unlock();
        }
        if (toClose != null) {
            EpmdClient.closeQuietly(toClose);
        }
    }

    /** Why the attempt was cancelled, if it was. */
    public Optional<String> cancelReason() {
        lock.lock();
        try {
            return Optional.ofNullable(cancelled);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until the attempt is cancelled or {@code timeout} passes (OTP: an initiator told
     * {@code nok} waits to be killed by {@code net_kernel}).
     *
     * @return whether it was cancelled
     */
    boolean awaitCancellation(Duration timeout) throws InterruptedException {
        long left = timeout.toNanos();
        lock.lock();
        try {
            while (cancelled == null && left > 0) {
                left = cancelledCondition.awaitNanos(left);
            }
            return cancelled != null;
        } finally {
            lock.unlock();
        }
    }

    /** Whether the attempt was cancelled. */
    public boolean isCancelled() {
        return cancelReason().isPresent();
    }

    @Override
    public String toString() {
        return "HandshakeAttempt@" + Integer.toHexString(System.identityHashCode(this))
                + (initiated ? "[initiated]" : "[accepted]") + cancelReason().map(r -> "[cancelled: " + r + "]").orElse("");
    }
}
