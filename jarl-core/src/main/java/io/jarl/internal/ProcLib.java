package io.jarl.internal;

import io.jarl.Down;
import io.jarl.Exit;
import io.jarl.ExitReason;
import io.jarl.Jarl;
import io.jarl.NameTakenException;
import io.jarl.NotAProcessException;
import io.jarl.Pid;
import io.jarl.Ref;
import io.jarl.SpawnOptions;
import io.jarl.Spawned;
import io.jarl.Via;
import io.jarl.server.StartOptions;
import io.jarl.server.StartResult;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/*
 * Implementation overview.
 *
 * proc_lib's synchronous start, as gen:start and gen_server:init_it use it. The caller spawns the
 * process (linked and registered atomically when asked), monitored from birth, and waits for an Ack
 * that the process sends through its Starter once its init has returned; a Down before the Ack is a
 * failed start. A start that times out kills the process (OTP: {error, timeout}). A via name is
 * registered by the process itself before init (gen:register_name). A failed start frees the name
 * before the caller is told (gen:unregister_name before init_fail), and the caller waits for the
 * process to be gone, so that the name is free and no stray Exit reaches a trapping caller later.
 */
/** Synchronous start of a generic process (OTP: {@code proc_lib:start_link} with {@code init_ack}). */
public final class ProcLib {
    private ProcLib() {}

    private record Ack(Ref tag, StartResult result) {}

    private static final ClassValue<String> INIT_CALLS = new ClassValue<>() {
        @Override
        protected String computeValue(Class<?> type) {
            return type.getName() + ".init/0";
        }
    };

    /**
     * The initial call that {@link io.jarl.Jarl#info} shows for a behaviour whose callback is
     * {@code type}: one string per class, shared by all its processes (a million idle servers
     * would otherwise keep a million copies).
     */
    public static String initCall(Class<?> type) {
        return INIT_CALLS.get(type);
    }

    /** What the new process runs: {@code parent} is the linked starter, or the process itself. */
    @FunctionalInterface
    public interface Body {
        void run(Pid parent, Starter starter);
    }

    /**
     * What a handler process (see {@link io.jarl.Handler}) runs first: it answers the starter and
     * gives the process's first state, or {@code null} to end it normally.
     */
    @FunctionalInterface
    public interface Init<S> {
        S init(Pid parent, Starter starter);
    }

    /** How a starting process answers its starter (OTP: {@code proc_lib:init_ack/1}). */
    public static final class Starter {
        private final Pid caller;
        private final Ref tag;
        private final StartOptions options;

        private Starter(Pid caller, Ref tag, StartOptions options) {
            this.caller = caller;
            this.tag = tag;
            this.options = options;
        }

        /** The process that is waiting for the start. */
        public Pid caller() {
            return caller;
        }

        /**
         * Registers the process under its via name, if it has one (OTP: {@code gen:register_name}).
         * A taken name fails the start with {@code {already_started, Pid}}: the caller is told, and
         * the process must then exit normal.
         *
         * @return false if the name was taken
         */
        public boolean registerVia() {
            if (options.via().isEmpty()) {
                return true;
            }
            Via via = options.via().get();
            if (via.registry().registerName(via.key(), Jarl.self())) {
                return true;
            }
            Jarl.send(caller, new Ack(tag, nameTaken(via.resolve(), "name " + via + " could not be registered")));
            return false;
        }

        /** Tells the caller that the process runs. */
        public void ok() {
            Jarl.send(caller, new Ack(tag, new StartResult.Ok(Jarl.self())));
        }

        /** Frees the process's name, then tells the caller that the start failed or was ignored. */
        public void fail(StartResult result) {
            options.name().ifPresent(n -> {
                if (Jarl.whereis(n).filter(Jarl.self()::equals).isPresent()) {
                    Jarl.unregister(n);
                }
            });
            options.via().ifPresent(via -> via.registry().unregisterName(via.key()));
            Jarl.send(caller, new Ack(tag, result));
        }
    }

    /**
     * Starts a process running {@code body} and waits until it has answered through its
     * {@link Starter}, died, or {@code options.timeout()} ran out.
     *
     * @param initialCall what {@link Jarl#info} shows as the process's initial call
     * @param link        link the process to the caller, which must then be a process
     */
    public static StartResult start(String initialCall, StartOptions options, boolean link, Body body) {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(body, "body");
        requireProcessToLink(link);
        return Gen.inProcess(() -> doStart(initialCall, options, link, (spawn, caller, starter) ->
                Jarl.spawnMonitor(spawn, () -> body.run(link ? caller : Jarl.self(), starter))));
    }

    /**
     * Starts a handler process, as {@link #start} starts a body: {@code init} runs in the new
     * process, answers the starter and gives the first state, and {@code handler} takes the messages
     * from then on; between two messages the process holds no thread.
     */
    public static <S> StartResult startHandler(String initialCall, StartOptions options, boolean link, Init<S> init,
                                               io.jarl.Handler<S> handler) {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(init, "init");
        Objects.requireNonNull(handler, "handler");
        requireProcessToLink(link);
        return Gen.inProcess(() -> doStart(initialCall, options, link, (spawn, caller, starter) ->
                Jarl.spawnHandlerMonitor(spawn, () -> init.init(link ? caller : Jarl.self(), starter), handler)));
    }

    private static void requireProcessToLink(boolean link) {
        if (link && !Jarl.inProcess()) {
            throw new NotAProcessException("startLink links the new process to the caller, which must be a"
                    + " process; use start, or call from a process (Jarl.attach(), Jarl.run())");
        }
    }

    @FunctionalInterface
    private interface Spawner {
        Spawned spawn(SpawnOptions options, Pid caller, Starter starter);
    }

    private static StartResult doStart(String initialCall, StartOptions options, boolean link, Spawner spawner) {
        Pid caller = Jarl.self();
        Ref tag = Jarl.makeRef();
        SpawnOptions spawn = SpawnOptions.defaults().initialCall(initialCall);
        if (link) {
            spawn = spawn.link();
        }
        if (options.name().isPresent()) {
            spawn = spawn.register(options.name().get());
        }
        if (options.mailbox().isPresent()) {
            spawn = spawn.mailbox(options.mailbox().get());
        }
        Starter starter = new Starter(caller, tag, options);
        Pid pid;
        Ref monitor;
        try {
            // Monitored from birth: the Ack or Down can come before a later monitor() would mark the
            // mailbox, and the receive below skips what came before the tag's mark only.
            Spawned spawned = spawner.spawn(spawn, caller, starter);
            pid = spawned.pid();
            monitor = spawned.monitor();
        } catch (NameTakenException e) {
            return nameTaken(Jarl.whereis(e.name()), e.getMessage());
        }
        Duration timeout = options.timeout().orElse(Gen.FOREVER);
        Object answer = Jarl.receive(tag,
                m -> m instanceof Ack a && a.tag().equals(tag) ? a
                        : m instanceof Down d && d.ref().equals(monitor) ? d : null, timeout).orElse(null);
        StartResult result = switch (answer) {
            case Ack a -> a.result();
            case Down d -> new StartResult.Failed(d.reason());
            case null -> {
                // OTP kills a process whose init did not return in time.
                if (link) {
                    Jarl.unlink(pid);
                }
                Jarl.exit(pid, ExitReason.kill());
                yield new StartResult.Failed(ExitReason.timeout());
            }
            default -> throw new IllegalStateException("unreachable: " + answer);
        };
        if (result instanceof StartResult.Ok) {
            Jarl.demonitor(monitor, true);
        } else {
            // The process is ending or has ended: wait for it, so that the name is free and a linked
            // caller that traps exits does not find a stray Exit from it later.
            if (!(answer instanceof Down)) {
                Jarl.receive(monitor, m -> m instanceof Down d && d.ref().equals(monitor) ? d : null, Gen.FOREVER);
            }
            if (link) {
                Jarl.receive(m -> m instanceof Exit e && e.from().equals(pid) ? e : null, Duration.ZERO);
            }
        }
        return result;
    }

    /** A start that failed on its name: {@code {already_started, Owner}}, or {@code why} if the owner is gone. */
    public static StartResult nameTaken(Optional<Pid> owner, String why) {
        return new StartResult.Failed(owner.isPresent()
                ? ExitReason.of(new StartResult.AlreadyStarted(owner.get()))
                : ExitReason.of(why));
    }
}
