package io.jarl;

import java.util.Objects;

/**
 * What the node tells the processes subscribed with {@link Jarl#subscribeSystemEvents(Pid)}
 * (OTP: the messages of {@code erlang:system_monitor/2}).
 */
public sealed interface SystemEvent {
    /**
     * A process's mailbox reached its alarm length ({@code isLong}), or fell back to its clear length
     * (OTP 27: {@code {monitor, Pid, long_message_queue, Long}}); see {@link MailboxLimits}.
     *
     * @param pid    the process
     * @param isLong true when the alarm is raised, false when it clears
     * @param length the queue's length at that moment
     */
    record LongMessageQueue(Pid pid, boolean isLong, int length) implements SystemEvent {
        public LongMessageQueue {
            Objects.requireNonNull(pid, "pid");
        }
    }
}
