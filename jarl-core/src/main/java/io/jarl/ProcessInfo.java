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
 * @param stack              its current stack (Erlang's {@code current_stacktrace}), innermost first
 */
public record ProcessInfo(Pid pid, Status status, int messageQueueLength, List<Pid> links, List<Pid> monitors,
                          List<Pid> monitoredBy, Optional<String> registeredName, boolean trapExit,
                          String initialCall, List<Pid> ancestors, List<StackTraceElement> stack) {

    /** A process's state (OTP: the {@code status} item). */
    public enum Status {
        /** Blocked in a receive (or {@link Jarl#sleep}) with no message to take. */
        WAITING,
        /** Running or ready to run. */
        RUNNING
    }
}
