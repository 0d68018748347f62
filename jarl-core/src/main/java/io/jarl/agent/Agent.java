package io.jarl.agent;

import io.jarl.Address;
import io.jarl.ExitException;
import io.jarl.ExitReason;
import io.jarl.Pid;
import io.jarl.server.GenServer;
import io.jarl.server.StartOptions;
import io.jarl.server.StartResult;
import io.jarl.supervisor.ChildSpec;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A process that holds one piece of state, read and changed by functions that run inside it (Elixir:
 * {@code Agent}).
 *
 * <p>An agent is the simplest way to share state between processes: a {@link GenServer} whose only
 * requests are "apply this function to your state". A counter:
 * {@snippet :
 * Pid pid = Agent.startLink(() -> 0, StartOptions.named("counter")).orElseThrow();
 * Agent<Integer> counter = Agent.of(Name.of("counter"));
 *
 * counter.update(n -> n + 1);
 * counter.update(n -> n + 1);
 * int now = counter.get(n -> n);                               // 2
 * int before = counter.getAndUpdate(n -> Agent.GetAndUpdate.of(n, 0)); // 2, and the state is 0
 * counter.stop();
 * }
 * Because all the functions run in the agent, one after the other, the counter can be incremented
 * from any number of processes without losing an update.
 *
 * <h2>Client and server</h2>
 * {@link #startLink}, {@link #get}, {@link #update}, {@link #getAndUpdate}, {@link #cast} and
 * {@link #stop} run in the caller; the functions given to them run in the agent. That matters: a slow
 * function blocks the agent for every other client, while reading the state out ({@code get(s -> s)})
 * and computing in the caller copies nothing (state is shared on the Java heap) but lets the state
 * change meanwhile. Compute in the agent what must be atomic (an update that depends on the current
 * state); compute in the caller what is slow.
 *
 * <p>{@code get}, {@code update} and {@code getAndUpdate} are calls: they wait for the agent (5 s by
 * default, {@link #DEFAULT_TIMEOUT}) and work from plain threads too. {@code cast} returns at once,
 * even if the agent does not exist. A function that throws crashes the agent: it exits with the
 * exception as reason (after one crash report) and the call fails with an {@link ExitException}
 * carrying that reason, as does every later call ({@code noproc}). A call that runs out of time
 * fails with {@code timeout}; its function may still run later.
 *
 * <h2>Supervision</h2>
 * {@link #childSpec(Supplier)} starts an agent under a supervisor (a permanent worker, id
 * {@code "Agent"}): the initial function runs again at each restart.
 * {@snippet :
 * Supervisor.startLink(SupervisorFlags.oneForOne(), List.of(
 *         Agent.childSpec("counter", () -> 0, StartOptions.named("counter"))));
 * }
 *
 * <h2>Naming</h2>
 * Start it with {@link StartOptions#named(String)} or {@link StartOptions#via}, then make the handle
 * from the name: {@code Agent.of(Name.of("counter"))}. A handle is only an address with the state's
 * type: making one checks nothing, and the type is the caller's promise.
 *
 * <h2>When not to use it</h2>
 * When the state comes with rules (requests that can be refused, timeouts, messages from other
 * processes), write a {@link GenServer}: an agent that grows them becomes a server with its logic
 * scattered in its clients. For a value read far more often than written by many processes, an
 * immutable snapshot behind an {@code AtomicReference} may do.
 *
 * <h2>Where it differs from Elixir</h2>
 * There is no module-function-arguments form and no {@code code_change} (no hot code upgrade); the
 * initial call of the process is the agent's server ({@code io.jarl.agent.AgentServer.init/0}), not the
 * initial function. A failed call names {@code Agent.get(...)} etc. rather than
 * {@code GenServer.call}.
 *
 * @param address where the agent is: its pid, a {@link io.jarl.Name} or a {@link io.jarl.Via}
 * @param <S>     the type of its state
 */
public record Agent<S>(Address address) {

    /** How long {@link #get}, {@link #update} and {@link #getAndUpdate} wait by default (Elixir: 5000 ms). */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

    /** Waits as long as it takes (Elixir: {@code :infinity}). */
    public static final Duration INFINITY = Duration.ofNanos(Long.MAX_VALUE);

    public Agent {
        Objects.requireNonNull(address, "address");
    }

    /**
     * What the function of {@link #getAndUpdate} returns: the value to reply and the new state (Elixir:
     * the {@code {reply, new_state}} tuple).
     */
    public record GetAndUpdate<R, S>(R reply, S state) {
        public static <R, S> GetAndUpdate<R, S> of(R reply, S state) {
            return new GetAndUpdate<>(reply, state);
        }
    }

    /**
     * The exit reason of an agent whose {@link #getAndUpdate} function returned {@code null} instead of a
     * {@link GetAndUpdate} (Elixir: {@code {:bad_return_value, value}}).
     */
    public record BadReturnValue(Object value) {
        @Override
        public String toString() {
            return "{bad_return_value, " + value + "}";
        }
    }

    // ------------------------------------------------------------------ starting

    /**
     * Starts an agent linked to the caller, whose state is what {@code initial} returns, run inside the
     * agent; returns once it has (Elixir: {@code Agent.start_link/2}). If {@code initial} throws, the
     * start fails with the exception as reason (and, through the link, so does a caller that does not
     * trap exits, as in Elixir).
     *
     * @throws io.jarl.NotAProcessException if the caller is not a process (the link needs one)
     */
    public static <S> StartResult startLink(Supplier<S> initial) {
        return startLink(initial, StartOptions.defaults());
    }

    /**
     * {@link #startLink(Supplier)} with a name ({@link StartOptions#named}, {@link StartOptions#via}) or a
     * start timeout; a taken name fails the start with {@link StartResult.AlreadyStarted}.
     */
    public static <S> StartResult startLink(Supplier<S> initial, StartOptions options) {
        Objects.requireNonNull(initial, "initial");
        return GenServer.startLink(new AgentServer<>(initial), options);
    }

    /** Starts an agent not linked to the caller (Elixir: {@code Agent.start/2}); works from any thread. */
    public static <S> StartResult start(Supplier<S> initial) {
        return start(initial, StartOptions.defaults());
    }

    /** {@link #start(Supplier)} with a name or a start timeout. */
    public static <S> StartResult start(Supplier<S> initial, StartOptions options) {
        Objects.requireNonNull(initial, "initial");
        return GenServer.start(new AgentServer<>(initial), options);
    }

    /** A handle on the agent at {@code address}, with the state's type (nothing is checked). */
    public static <S> Agent<S> of(Address address) {
        return new Agent<>(address);
    }

    /** A child spec that starts an agent with {@code initial} (Elixir: {@code {Agent, fun}}): a permanent worker, id {@code "Agent"}. */
    public static ChildSpec childSpec(Supplier<?> initial) {
        return childSpec("Agent", initial, StartOptions.defaults());
    }

    /** {@link #childSpec(Supplier)} with an id and a name. */
    public static ChildSpec childSpec(Object id, Supplier<?> initial, StartOptions options) {
        Objects.requireNonNull(initial, "initial");
        Objects.requireNonNull(options, "options");
        return ChildSpec.worker(id, () -> startLink(initial, options));
    }

    // ------------------------------------------------------------------ the client API

    /** {@link #get(Function, Duration)} with the default 5 seconds. */
    public <R> R get(Function<? super S, ? extends R> fn) {
        return get(fn, DEFAULT_TIMEOUT);
    }

    /**
     * Returns what {@code fn} makes of the state, run in the agent (Elixir: {@code Agent.get/3}).
     *
     * @throws ExitException with the agent's exit reason if {@code fn} threw or the agent died,
     *         {@code noproc} if it is not running, {@code timeout} if it did not answer in time
     */
    @SuppressWarnings("unchecked")
    public <R> R get(Function<? super S, ? extends R> fn, Duration timeout) {
        Objects.requireNonNull(fn, "fn");
        AgentServer.Box box = (AgentServer.Box) call(new AgentServer.Call.Get(erase(fn)), timeout, "get", fn);
        return (R) box.value();
    }

    /** {@link #update(Function, Duration)} with the default 5 seconds. */
    public void update(Function<? super S, ? extends S> fn) {
        update(fn, DEFAULT_TIMEOUT);
    }

    /**
     * Replaces the state with what {@code fn} makes of it, run in the agent, and waits until it is done
     * (Elixir: {@code Agent.update/3}).
     *
     * @throws ExitException as {@link #get(Function, Duration)}
     */
    public void update(Function<? super S, ? extends S> fn, Duration timeout) {
        Objects.requireNonNull(fn, "fn");
        call(new AgentServer.Call.Update(erase(fn)), timeout, "update", fn);
    }

    /** {@link #getAndUpdate(Function, Duration)} with the default 5 seconds. */
    public <R> R getAndUpdate(Function<? super S, GetAndUpdate<R, S>> fn) {
        return getAndUpdate(fn, DEFAULT_TIMEOUT);
    }

    /**
     * Gets a value and replaces the state in one step, run in the agent: {@code fn} returns the reply and
     * the new state (Elixir: {@code Agent.get_and_update/3}). A function that returns {@code null} stops
     * the agent with {@link BadReturnValue}.
     *
     * @throws ExitException as {@link #get(Function, Duration)}
     */
    @SuppressWarnings("unchecked")
    public <R> R getAndUpdate(Function<? super S, GetAndUpdate<R, S>> fn, Duration timeout) {
        Objects.requireNonNull(fn, "fn");
        Function<Object, GetAndUpdate<?, ?>> erased = (Function<Object, GetAndUpdate<?, ?>>) (Function<?, ?>) fn;
        AgentServer.Box box = (AgentServer.Box) call(new AgentServer.Call.GetAndUpdate(erased), timeout,
                "getAndUpdate", fn);
        return (R) box.value();
    }

    /**
     * Replaces the state with what {@code fn} makes of it, without waiting (Elixir: {@code Agent.cast/2}).
     * Never fails, even if the agent is not running.
     */
    public void cast(Function<? super S, ? extends S> fn) {
        Objects.requireNonNull(fn, "fn");
        GenServer.cast(address, new AgentServer.Cast.Apply(erase(fn)));
    }

    /** Stops the agent with reason {@code normal} and waits as long as it takes (Elixir: {@code Agent.stop/1}). */
    public void stop() {
        stop(ExitReason.normal(), INFINITY);
    }

    /**
     * Stops the agent with {@code reason} and waits up to {@code timeout} (Elixir: {@code Agent.stop/3}). A
     * reason other than {@code normal}, {@code shutdown} or {@code {shutdown, _}} is logged, as for any
     * server.
     *
     * @throws ExitException with {@code noproc} if it is not running, {@code timeout} if it did not stop in
     *         time
     */
    public void stop(ExitReason reason, Duration timeout) {
        try {
            GenServer.stop(address, reason, timeout);
        } catch (ExitException e) {
            throw renamed(e, "Agent.stop(" + address + ", " + reason + ", " + timeout + ")");
        }
    }

    /** The agent's pid, if it is running. */
    public Optional<Pid> whereis() {
        return address.resolve();
    }

    private Object call(Object request, Duration timeout, String operation, Object fn) {
        Objects.requireNonNull(timeout, "timeout");
        try {
            return GenServer.call(address, request, timeout);
        } catch (ExitException e) {
            throw renamed(e, "Agent." + operation + "(" + address + ", " + fn + ", " + timeout + ")");
        }
    }

    /** The same exit, naming the agent's operation; the GenServer's exception is kept as suppressed. */
    private static ExitException renamed(ExitException e, String context) {
        ExitException exit = new ExitException(e.reason(), context);
        exit.addSuppressed(e);
        return exit;
    }

    /** The function as the server sees it (the state's type is erased there); kept as it is, for reports. */
    @SuppressWarnings("unchecked")
    private static Function<Object, Object> erase(Function<?, ?> fn) {
        return (Function<Object, Object>) fn;
    }
}
