package io.jarl.dist.internal;

import io.jarl.dist.NodeName;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's table of connections as far as handshakes need it: which peers have a connection
 * pending or up, and which attempt owns each (OTP: {@code net_kernel}'s {@code sys_dist} table and
 * its {@code accept_pending}, {@code is_pending}, {@code wait_pending}, {@code nodeup} and
 * {@code nodedown} handling).
 *
 * <p>The connection layer calls {@link #beginConnect} before dialling, {@link #markUp} when a
 * handshake completes and {@link #connectionDown} when a connection ends; handshakes call the
 * {@link PendingConnections} methods. Together they resolve simultaneous connects as OTP does:
 * when two nodes dial each other at once, the node whose name is the greater keeps its own attempt,
 * the other cancels its own and accepts the incoming one, so exactly one connection results.
 *
 * <h2>States of a peer's entry</h2>
 * <ul>
 *   <li>absent: no connection;</li>
 *   <li>{@link State#PENDING}: a handshake owns it (dialled or accepted);</li>
 *   <li>{@link State#UP}: a connection is up;</li>
 *   <li>{@link State#UP_PENDING}: a connection is up, and a new attempt from the same peer waits to
 *       replace it (the peer restarted before this node noticed).</li>
 * </ul>
 * Thread-safe; one lock guards the table.
 */
/*
 * Implementation overview.
 *
 * net_kernel's #connection{} record reduced to what handshakes need: state, owner (the attempt
 * that owns a pending entry, or whose handshake made the connection), pending_owner (an attempt
 * waiting to replace an up connection) and the connection itself (what wait_pending closes, as
 * net_kernel exits the old controller). The rules are net_kernel's handle_info clauses:
 * accept_pending (pending: compare names, nok or remark the old owner; up: up_pending; up_pending:
 * already_pending; absent: insert), is_pending (is the attempt the owner?), wait_pending plus
 * up_pending_nodedown (the old connection's down hands the entry to the pending owner), and the
 * owner's exit (abandon). Cancelling a replaced owner happens outside the lock; it only closes a
 * socket. A condition signals every change for the waits.
 */
public final class ConnectionTable implements PendingConnections {
    private static final Logger log = LoggerFactory.getLogger(ConnectionTable.class);

    /** The state of a peer's entry. */
    public enum State { PENDING, UP, UP_PENDING }

    private static final class Entry {
        State state;
        HandshakeAttempt owner;
        HandshakeAttempt pendingOwner;
        AutoCloseable connection;

        Entry(State state, HandshakeAttempt owner) {
            this.state = state;
            this.owner = owner;
        }
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Map<NodeName, Entry> entries = new HashMap<>();

    /**
     * Starts dialling {@code peer} (OTP: {@code net_kernel:setup/5} inserting a pending entry):
     * returns the new attempt, or empty if a connection to {@code peer} is already pending or up
     * (the caller waits for that one instead).
     */
    public Optional<HandshakeAttempt> beginConnect(NodeName peer) {
        lock.lock();
        try {
            if (entries.containsKey(peer)) {
                return Optional.empty();
            }
            HandshakeAttempt attempt = new HandshakeAttempt(true);
            entries.put(peer, new Entry(State.PENDING, attempt));
            changed.signalAll();
            return Optional.of(attempt);
        } finally {
            lock.unlock();
        }
    }

    /**
     * The handshake of {@code owner} completed: the connection to {@code peer} is up (OTP:
     * {@code nodeup}). {@code connection} is what {@link #waitPending} closes if the peer comes back
     * while it is up.
     *
     * @return false if {@code owner} no longer owns the pending entry (it was replaced meanwhile);
     *     the caller must then close the connection
     */
    public boolean markUp(NodeName peer, HandshakeAttempt owner, AutoCloseable connection) {
        lock.lock();
        try {
            Entry entry = entries.get(peer);
            if (entry == null || entry.state != State.PENDING || entry.owner != owner || owner.isCancelled()) {
                return false;
            }
            entry.state = State.UP;
            entry.connection = connection;
            changed.signalAll();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The connection to {@code peer} ended (OTP: {@code nodedown}). If an attempt was waiting to
     * replace it, that attempt now owns a pending entry; otherwise the entry is gone.
     */
    public void connectionDown(NodeName peer, AutoCloseable connection) {
        lock.lock();
        try {
            Entry entry = entries.get(peer);
            if (entry == null || entry.connection != connection) {
                return;
            }
            if (entry.state == State.UP_PENDING) {
                entry.state = State.PENDING;
                entry.owner = entry.pendingOwner;
                entry.pendingOwner = null;
                entry.connection = null;
            } else {
                entries.remove(peer);
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The state of {@code peer}'s entry, if there is one. */
    public Optional<State> state(NodeName peer) {
        lock.lock();
        try {
            return Optional.ofNullable(entries.get(peer)).map(e -> e.state);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until {@code peer} has no pending attempt (its entry is up or absent) or
     * {@code timeout} passes; returns the state then. For callers that found an attempt pending in
     * {@link #beginConnect} (OTP: the {@code waiting} list of a connection).
     */
    public Optional<State> awaitSettled(NodeName peer, Duration timeout) throws InterruptedException {
        long left = timeout.toNanos();
        lock.lock();
        try {
            for (;;) {
                Entry entry = entries.get(peer);
                if (entry == null || entry.state == State.UP) {
                    return Optional.ofNullable(entry).map(e -> e.state);
                }
                if (left <= 0) {
                    return Optional.of(entry.state);
                }
                left = changed.awaitNanos(left);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until {@code peer} has an entry (a handshake from it has started, or a connection is
     * up) or {@code timeout} passes; returns whether it has one. For a dial that lost a simultaneous
     * connect before the peer's own attempt arrived.
     */
    public boolean awaitEntry(NodeName peer, Duration timeout) throws InterruptedException {
        long left = timeout.toNanos();
        lock.lock();
        try {
            while (!entries.containsKey(peer)) {
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

    @Override
    public AcceptDecision acceptPending(NodeName self, NodeName peer, boolean published, HandshakeAttempt acceptor) {
        HandshakeAttempt replaced = null;
        AcceptDecision decision;
        lock.lock();
        try {
            Entry entry = entries.get(peer);
            if (entry == null) {
                entries.put(peer, new Entry(State.PENDING, acceptor));
                decision = AcceptDecision.OK;
            } else {
                decision = switch (entry.state) {
                    case PENDING -> {
                        if (self.compareTo(peer) > 0) {
                            yield AcceptDecision.NOK;
                        }
                        replaced = entry.owner;
                        entry.owner = acceptor;
                        yield AcceptDecision.OK_SIMULTANEOUS;
                    }
                    case UP -> {
                        entry.state = State.UP_PENDING;
                        entry.pendingOwner = acceptor;
                        yield AcceptDecision.ALIVE;
                    }
                    case UP_PENDING -> AcceptDecision.ALREADY_PENDING;
                };
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        if (replaced != null) {
            log.debug("simultaneous connect with {}: its attempt replaces ours ({} < {})", peer, self, peer);
            replaced.cancel("remarked: simultaneous connect with " + peer + ", whose name is the greater");
        }
        return decision;
    }

    @Override
    public boolean isPending(NodeName peer, HandshakeAttempt initiator) {
        lock.lock();
        try {
            Entry entry = entries.get(peer);
            return entry != null && entry.owner == initiator;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void waitPending(NodeName peer, HandshakeAttempt acceptor, Duration timeout)
            throws InterruptedException, TimeoutException {
        AutoCloseable old;
        lock.lock();
        try {
            Entry entry = entries.get(peer);
            if (entry != null && entry.state == State.PENDING && entry.owner == acceptor) {
                return; // the old connection is gone already
            }
            if (entry == null || entry.state != State.UP_PENDING || entry.pendingOwner != acceptor) {
                throw new IllegalStateException("no connection to " + peer + " waits to be replaced by " + acceptor);
            }
            old = entry.connection;
        } finally {
            lock.unlock();
        }
        if (old != null) {
            try {
                old.close(); // OTP: exit(OldCtrlr, wait_pending)
            } catch (Exception e) {
                log.debug("closing the old connection to {} failed: {}", peer, e.getMessage());
            }
        }
        long left = timeout.toNanos();
        lock.lock();
        try {
            for (;;) {
                Entry entry = entries.get(peer);
                if (entry != null && entry.state == State.PENDING && entry.owner == acceptor) {
                    return;
                }
                if (entry == null || (entry.state == State.UP_PENDING && entry.pendingOwner != acceptor)) {
                    throw new IllegalStateException("the attempt of " + acceptor + " to replace the connection to "
                            + peer + " was dropped");
                }
                if (left <= 0) {
                    throw new TimeoutException("the old connection to " + peer + " did not end within "
                            + timeout.toMillis() + " ms");
                }
                left = changed.awaitNanos(left);
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void abandon(NodeName peer, HandshakeAttempt attempt) {
        lock.lock();
        try {
            Entry entry = entries.get(peer);
            if (entry == null) {
                return;
            }
            if (entry.state == State.PENDING && entry.owner == attempt) {
                entries.remove(peer);
                changed.signalAll();
            } else if (entry.state == State.UP_PENDING && entry.pendingOwner == attempt) {
                entry.state = State.UP;
                entry.pendingOwner = null;
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        lock.lock();
        try {
            StringBuilder out = new StringBuilder("ConnectionTable[");
            entries.forEach((peer, e) -> out.append(peer).append('=').append(e.state).append(' '));
            return out.toString().stripTrailing() + "]";
        } finally {
            lock.unlock();
        }
    }
}
