package io.jarl;

import java.util.List;
import java.util.Optional;

/**
 * A snapshot of one live process (OTP: {@code process_info/1}).
 *
 * @param pid                the process
 * @param status             what it is doing
 * @param messageQueueLength messages queued and not yet received
 * @param links              processes linked to it
 * @param monitors           processes it monitors
 * @param monitoredBy        processes monitoring it
 * @param registeredName     its registered name, if any
 * @param trapExit           whether it traps exits
 * @param initialCall        what it was started to run
 * @param ancestors          the process that spawned it, that one's parent, and so on
 * @param stack              its current stack (Erlang's {@code current_stacktrace}), innermost first;
 *                           empty for a handler process between two messages (it has none)
 * @param messagesReceived   messages it has taken from its mailbox so far (what the BEAM's
 *                           {@code reductions} count, for an observer's "busiest" column)
 * @param mailboxLimits      the bound and alarm of its mailbox, if it was started with any
 *                           ({@link SpawnOptions#mailbox})
 * @param messagesDropped    messages its bounded mailbox dropped: a new one that found it full, an
 *                           old one dropped to make room, or the one that made it exit
 * @param messagesRedirected messages its bounded mailbox sent to the fallback process instead
 */
public record ProcessInfo(Pid pid, Status status, int messageQueueLength, List<Pid> links, List<Pid> monitors,
                          List<Pid> monitoredBy, Optional<String> registeredName, boolean trapExit,
                          String initialCall, List<Pid> ancestors, List<StackTraceElement> stack,
                          long messagesReceived, Optional<MailboxLimits> mailboxLimits, long messagesDropped,
                          long messagesRedirected) {

    /** A process's state (OTP: the {@code status} item). */
    public enum Status {
        /**
         * Nothing to do until a message comes: in a receive (or {@link Jarl#sleep}) with no message
         * to take, or a handler process between two messages (OTP: {@code waiting}).
         */
        WAITING,
        /** Ready to run, in a run queue, waiting for a worker (OTP: {@code runnable}). */
        RUNNABLE,
        /** Running on a thread now (OTP: {@code running}). */
        RUNNING,
        /**
         * Blocked outside the runtime: in {@code Thread.sleep}, a lock, blocking I/O, a
         * {@code Future.get}... It holds its thread meanwhile. The BEAM has no such state (its
         * blocking calls go to ports and dirty schedulers); OTP would show {@code waiting}.
         */
        BLOCKED
    }
}
