package io.jarl;

import io.jarl.MailboxLimits.Overflow;
import java.util.ArrayDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * Implementation overview.
 *
 * A process started with MailboxLimits keeps its messages in two places: this inbox, which senders
 * append to under its lock, and the process's own list (LocalProcess), which for such a process only
 * the owner appends to: a receive that reaches the end of its list moves one message across, scans
 * it, and moves the next only if it needs one. So everything the process has not looked at yet is
 * here, where a sender can count it and drop the oldest; what a selective receive has passed over is
 * in the list ("held"), where only the owner goes. The length is held + queued, exact at every
 * moment under the lock but for the owner's decrements of held, which a sender may see late: then it
 * drops one message early, it never queues one too many.
 *
 * The rest of the mailbox is unchanged: the owner waits as it does for the list, and a sender that
 * queued a message wakes it the same way. Unbounded processes (nearly all) have no inbox and pay one
 * null check per message.
 */
final class BoundedInbox {
    private static final Logger LOG = LoggerFactory.getLogger("io.jarl.mailbox");

    final MailboxLimits limits;
    private final ArrayDeque<Object> queue = new ArrayDeque<>();
    /** Messages in {@code queue}; written under the lock, read without it by the owner's waits. */
    volatile int queued;
    /** Messages the owner moved to its list and has not received yet; written by the owner only. */
    private volatile int held;
    private long dropped, redirected;   // guarded by this; read racily by info
    private boolean alarmed, killing;   // guarded by this
    private volatile boolean alarmRaised; // alarmed, for the owner's unlocked check

    BoundedInbox(MailboxLimits limits) {
        this.limits = limits;
    }

    /**
     * A message for {@code p} (any thread). Returns whether it was queued, which wakes the owner; a
     * message that overflowed was dropped, redirected or killed the process here. A {@code signal}
     * (a Down, a trapped exit) is always queued.
     */
    boolean offer(LocalProcess p, Object msg, boolean signal) {
        int length;
        Object outcome; // null: queued; Boolean.FALSE: dropped; a Pid: redirect; an Integer: kill
        boolean alarm = false;
        synchronized (this) {
            if (killing) {
                return false; // the process is being killed for an overflow: nothing more goes in
            }
            length = held + queue.size();
            if (length < limits.max() || signal) {
                outcome = null;
            } else {
                outcome = switch (limits.overflow()) {
                    case Overflow.DropNewest d -> Boolean.FALSE;
                    case Overflow.DropOldest d -> {
                        if (!dropOldest()) {
                            yield Boolean.FALSE; // only signals, and messages the process passed over
                        }
                        queued = queue.size();
                        length--;
                        yield null;
                    }
                    case Overflow.Redirect r -> msg instanceof MailboxLimits.Redirected ? Boolean.FALSE : r.to();
                    case Overflow.Exit e -> {
                        killing = true;
                        yield length + 1;
                    }
                };
                if (outcome instanceof Pid) {
                    redirected++;
                } else {
                    dropped++;
                }
            }
            if (outcome == null) {
                queue.addLast(signal ? new Signal(msg) : msg);
                queued = queue.size();
                length++;
                if (!alarmed && length >= limits.alarmAt()) {
                    alarmed = alarm = alarmRaised = true;
                }
            }
        }
        if (alarm) {
            report(p, true, length);
        }
        switch (outcome) {
            case null -> {
                return true;
            }
            case Pid fallback -> Jarl.send(fallback, new MailboxLimits.Redirected(p, msg));
            case Integer len -> p.overflowed(len);
            default -> { } // dropped
        }
        return false;
    }

    /** A signal turned into a message, marked so that drop-oldest passes it by. */
    private record Signal(Object msg) {}

    /** Drops the oldest queued message that is not a signal (under the lock); false if there is none. */
    private boolean dropOldest() {
        for (var it = queue.iterator(); it.hasNext(); ) {
            if (!(it.next() instanceof Signal)) {
                it.remove();
                return true;
            }
        }
        return false;
    }

    /** The oldest message not looked at yet, now held in the owner's list; null if none (owner only). */
    Object poll() {
        if (queued == 0) {
            return null;
        }
        synchronized (this) {
            Object m = queue.pollFirst();
            if (m != null) {
                queued = queue.size();
                held = held + 1;
            }
            return m instanceof Signal(Object msg) ? msg : m;
        }
    }

    /** The owner received or removed {@code n} held messages; clears the alarm when the queue is short again. */
    void took(LocalProcess p, int n) {
        held = held - n;
        if (!alarmRaised) {
            return;
        }
        int length;
        synchronized (this) {
            length = held + queue.size();
            if (!alarmed || length > limits.alarmClearAt()) {
                return;
            }
            alarmed = alarmRaised = false;
        }
        report(p, false, length);
    }

    /** The process died: what it never received goes now, not when the last holder of its pid lets go. */
    synchronized void clear() {
        queue.clear();
        queued = 0;
    }

    synchronized long dropped() {
        return dropped;
    }

    synchronized long redirected() {
        return redirected;
    }

    private void report(LocalProcess p, boolean isLong, int length) {
        if (isLong) {
            LOG.warn("process {}{} has a long message queue: {} messages (alarm at {}, clears at {}, bound {})", p,
                    name(p), length, limits.alarmAt(), limits.alarmClearAt(),
                    limits.bounded() ? String.valueOf(limits.max()) : "none");
        } else {
            LOG.info("process {}{} has a short message queue again: {} messages (clears at {})", p, name(p), length,
                    limits.alarmClearAt());
        }
        p.kernel.systemEvent(new SystemEvent.LongMessageQueue(p, isLong, length));
    }

    private static String name(LocalProcess p) {
        String n = p.registeredName;
        return n == null ? "" : " (" + n + ")";
    }
}
