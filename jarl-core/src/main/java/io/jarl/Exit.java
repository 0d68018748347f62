package io.jarl;

import java.util.Objects;

/**
 * The message a process that traps exits receives in place of an exit signal
 * (OTP: {@code {'EXIT', From, Reason}}).
 *
 * @param from   the process that sent the signal: a linked process that ended, or the caller of
 *               {@link Jarl#exit(Pid, ExitReason)}
 * @param reason the signal's reason
 */
public record Exit(Pid from, ExitReason reason) {
    public Exit {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(reason, "reason");
    }
}
