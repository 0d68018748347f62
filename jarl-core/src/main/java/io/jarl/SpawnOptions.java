package io.jarl;

import java.util.Objects;
import java.util.Optional;

/**
 * How to start a process (OTP: the options of {@code spawn_opt/2} and {@code proc_lib}).
 *
 * <p>Immutable; each method returns a changed copy. {@code SpawnOptions.defaults().link().register("db")}
 * starts a process linked to the caller and registered as {@code db} before its body runs, so the
 * name is usable as soon as {@code spawn} returns.
 *
 * @param linked      link the new process to the caller (the caller must be a process)
 * @param trapsExits  the new process traps exits from its first instruction
 * @param name        a name to register the process under, atomically with its creation
 * @param initialCall what {@link ProcessInfo#initialCall()} reports, e.g. {@code "Chat.room/1"}
 * @param runsDirty   run the process on a platform thread of its own (see {@link #dirty()})
 * @param mailbox     a bound on its mailbox and a long-queue alarm (see {@link #mailbox(MailboxLimits)})
 */
public record SpawnOptions(boolean linked, boolean trapsExits, Optional<String> name, Optional<String> initialCall,
                           boolean runsDirty, Optional<MailboxLimits> mailbox) {
    public SpawnOptions {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(initialCall, "initialCall");
        Objects.requireNonNull(mailbox, "mailbox");
    }

    private static final SpawnOptions DEFAULTS = new SpawnOptions(false, false, Optional.empty(), Optional.empty(), false,
            Optional.empty());

    /** No link, not trapping exits, no name. */
    public static SpawnOptions defaults() {
        return DEFAULTS;
    }

    /** Link the new process to the caller (OTP: the {@code link} option). */
    public SpawnOptions link() {
        return new SpawnOptions(true, trapsExits, name, initialCall, runsDirty, mailbox);
    }

    /** The new process traps exits before its body runs. */
    public SpawnOptions trapExit() {
        return new SpawnOptions(linked, true, name, initialCall, runsDirty, mailbox);
    }

    /** Register the new process under {@code name} before its body runs. */
    public SpawnOptions register(String name) {
        return new SpawnOptions(linked, trapsExits, Optional.of(Objects.requireNonNull(name, "name")), initialCall,
                runsDirty, mailbox);
    }

    /** What {@link ProcessInfo#initialCall()} and crash reports call the process's function. */
    public SpawnOptions initialCall(String initialCall) {
        return new SpawnOptions(linked, trapsExits, name, Optional.of(Objects.requireNonNull(initialCall, "initialCall")),
                runsDirty, mailbox);
    }

    /**
     * Run the process on a platform thread of its own, which the operating system time-slices (the
     * BEAM's dirty CPU schedulers): for a process that computes for long without a runtime call, so
     * that it cannot hold one of the scheduler's workers. Everything else about it is an ordinary
     * process. It costs a platform thread (about a megabyte of reserved stack, and a thread start
     * of some tens of microseconds), so keep it for work that needs it.
     */
    public SpawnOptions dirty() {
        return new SpawnOptions(linked, trapsExits, name, initialCall, true, mailbox);
    }

    /**
     * Bound the new process's mailbox and raise an alarm when its queue grows long (see
     * {@link MailboxLimits}; neither OTP nor Elixir has this). A bounded mailbox costs its senders a
     * lock; unbounded processes pay nothing.
     */
    public SpawnOptions mailbox(MailboxLimits limits) {
        return new SpawnOptions(linked, trapsExits, name, initialCall, runsDirty,
                Optional.of(Objects.requireNonNull(limits, "limits")));
    }
}
