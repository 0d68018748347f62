package io.jarl;

import java.util.Objects;

/**
 * A bound on a process's mailbox, what becomes of a message that would pass it, and an alarm for a
 * long queue. Neither OTP nor Elixir bounds a mailbox: a process that cannot keep up grows its queue
 * until the node runs out of memory. A process started with limits cannot.
 *
 * <p>{@code MailboxLimits.max(1000, Overflow.dropOldest()).alarm(800, 100)} keeps at most 1,000
 * messages, makes room for a new one by dropping the oldest not yet looked at, and raises the
 * long-queue alarm when 800 are queued, clearing it when the queue is down to 100. Pass it to
 * {@link SpawnOptions#mailbox} or, for a behaviour, {@code StartOptions.withMailbox}.
 *
 * <h2>What counts</h2>
 * The length is every message queued and not yet received, those a selective receive has passed over
 * included. A {@link Down} and an {@link Exit} of a trapped exit signal are signals turned into
 * messages: they are always queued (a supervisor must hear of its children) and count towards the
 * length, so they can push it past {@code max}; every other message is held to it. Every message
 * the bound kept out is counted ({@link ProcessInfo#messagesDropped()},
 * {@link ProcessInfo#messagesRedirected()}). A dropped {@code GenServer.call} is never answered: its
 * caller waits until its timeout.
 *
 * <h2>The alarm</h2>
 * OTP 27's {@code long_message_queue} system monitor, per process: when the length reaches
 * {@code alarmAt}, Jarl logs a warning (logger {@code io.jarl.mailbox}) and sends
 * {@link SystemEvent.LongMessageQueue}{@code (pid, true, length)} to every subscriber
 * ({@link Jarl#subscribeSystemEvents}); when it falls to {@code alarmClearAt}, an info line and
 * {@code LongMessageQueue(pid, false, length)}. Once per episode: nothing more is reported until the
 * queue has been short again.
 *
 * @param max          the most messages the mailbox holds ({@link Integer#MAX_VALUE}: no bound)
 * @param overflow     what happens to a message that finds the mailbox full
 * @param alarmAt      the length that raises the alarm ({@link Integer#MAX_VALUE}: no alarm)
 * @param alarmClearAt the length that clears it again, below {@code alarmAt}
 */
public record MailboxLimits(int max, Overflow overflow, int alarmAt, int alarmClearAt) {
    public MailboxLimits {
        Objects.requireNonNull(overflow, "overflow");
        if (max < 1) {
            throw new IllegalArgumentException("a mailbox must hold at least one message: max " + max);
        }
        if (alarmAt < 1 || alarmClearAt < 0 || alarmClearAt >= alarmAt) {
            throw new IllegalArgumentException("the long-queue alarm needs 0 <= alarmClearAt < alarmAt, 1 <= alarmAt:"
                    + " alarmAt " + alarmAt + ", alarmClearAt " + alarmClearAt);
        }
    }

    /** At most {@code max} messages; {@code overflow} says what becomes of one more. No alarm. */
    public static MailboxLimits max(int max, Overflow overflow) {
        return new MailboxLimits(max, overflow, Integer.MAX_VALUE, 0);
    }

    /**
     * No bound, only the long-queue alarm: raised at {@code alarmAt} messages, cleared at
     * {@code alarmClearAt} (OTP 27: {@code {long_message_queue, {Disable, Enable}}}).
     */
    public static MailboxLimits alarmOnly(int alarmAt, int alarmClearAt) {
        return new MailboxLimits(Integer.MAX_VALUE, Overflow.dropNewest(), alarmAt, alarmClearAt);
    }

    /** These limits with the long-queue alarm raised at {@code alarmAt} and cleared at {@code alarmClearAt}. */
    public MailboxLimits alarm(int alarmAt, int alarmClearAt) {
        return new MailboxLimits(max, overflow, alarmAt, alarmClearAt);
    }

    /** Whether the mailbox has a bound (rather than only an alarm). */
    public boolean bounded() {
        return max != Integer.MAX_VALUE;
    }

    /** Whether the long-queue alarm is on. */
    public boolean alarms() {
        return alarmAt != Integer.MAX_VALUE;
    }

    /** What becomes of a message sent to a full mailbox. */
    public sealed interface Overflow {
        /** The new message is dropped (Pekko's bounded mailbox: to dead letters). */
        record DropNewest() implements Overflow {}

        /**
         * The oldest message the process has not looked at yet is dropped to make room. Messages a
         * selective receive has passed over stay; if only those are queued, the new message is
         * dropped instead.
         */
        record DropOldest() implements Overflow {}

        /**
         * The new message goes to {@code to} instead, wrapped in {@link Redirected} (Ergo's fallback
         * process). A redirected message that finds the fallback full too is dropped, not redirected
         * again, so two fallbacks of each other cannot loop.
         */
        record Redirect(Pid to) implements Overflow {
            public Redirect {
                Objects.requireNonNull(to, "to");
            }
        }

        /**
         * The process is killed with {@link ExitReason.MailboxOverflow} {@code {mailbox_overflow, Len}},
         * which it cannot trap (OTP's {@code max_heap_size} kill, for queues): its links and monitors
         * hear it, a supervisor restarts it with an empty mailbox.
         */
        record Exit() implements Overflow {}

        static Overflow dropNewest() {
            return new DropNewest();
        }

        static Overflow dropOldest() {
            return new DropOldest();
        }

        static Overflow redirect(Pid to) {
            return new Redirect(to);
        }

        static Overflow exit() {
            return new Exit();
        }
    }

    /**
     * What a fallback process receives for a message that overflowed the mailbox of {@code to}
     * ({@link Overflow.Redirect}).
     *
     * @param to      the process the message was sent to
     * @param message the message
     */
    public record Redirected(Pid to, Object message) {
        public Redirected {
            Objects.requireNonNull(to, "to");
            Objects.requireNonNull(message, "message");
        }
    }
}
