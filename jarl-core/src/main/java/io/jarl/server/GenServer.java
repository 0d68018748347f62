package io.jarl.server;

import io.jarl.internal.Gen;
import io.jarl.Address;
import io.jarl.ExitReason;
import io.jarl.Jarl;
import io.jarl.Pid;
import java.time.Duration;
import java.util.Objects;

/**
 * A process that holds state and answers requests (OTP: {@code gen_server}; Elixir: {@code GenServer}).
 *
 * <p>A server is an implementation of this interface: {@link #init()} makes the first state, and
 * each callback takes a message and the current state and returns a result that carries the next
 * state. The engine that runs it (receiving, replying, timeouts, exit signals, crash reports) is the
 * same for every server. Requests are best written as a sealed interface of records, so that the
 * {@code switch} in a callback is checked for completeness by the compiler:
 *
 * {@snippet :
 * final class Stack implements GenServer<List<String>, Stack.Call, Stack.Cast> {
 *     sealed interface Call {
 *         record Pop() implements Call, Request<Optional<String>> {}
 *         record Size() implements Call, Request<Integer> {}
 *     }
 *     sealed interface Cast {
 *         record Push(String item) implements Cast {}
 *     }
 *
 *     public Init<List<String>> init() {
 *         return Init.ok(List.of());
 *     }
 *
 *     public CallResult<List<String>> handleCall(Call call, From from, List<String> items) {
 *         return switch (call) {
 *             case Call.Pop() when items.isEmpty() -> CallResult.reply(Optional.empty(), items);
 *             case Call.Pop() -> CallResult.reply(Optional.of(items.getFirst()), items.subList(1, items.size()));
 *             case Call.Size() -> CallResult.reply(items.size(), items);
 *         };
 *     }
 *
 *     public Result<List<String>> handleCast(Cast cast, List<String> items) {
 *         return switch (cast) {
 *             case Cast.Push(String item) -> Result.noReply(Stream.concat(Stream.of(item), items.stream()).toList());
 *         };
 *     }
 * }
 *
 * Pid stack = GenServer.startLink(new Stack()).orElseThrow();
 * GenServer.cast(stack, new Stack.Cast.Push("a"));
 * Optional<String> top = GenServer.call(stack, new Stack.Call.Pop());   // no cast needed
 * }
 *
 * <h2>Client and server</h2>
 * The static methods ({@link #start}, {@link #call}, {@link #cast}, {@link #stop}, ...) run in the
 * caller; the callbacks run in the server's process, one message at a time. Calls work from plain
 * threads too (the thread is attached as a process for the duration of the call).
 *
 * <h2>Timeouts</h2>
 * {@link #call(Address, Object)} waits 5 seconds; on timeout it throws {@link io.jarl.ExitException}
 * and a reply that comes later never reaches the caller's mailbox. A callback result with
 * {@link Next#timeout(Duration)} makes the server receive {@link #TIMEOUT} in {@link #handleInfo} if
 * no message arrives first.
 *
 * <h2>A failed call</h2>
 * A call that fails throws {@link io.jarl.ExitException} with the reason gen_server:call exits
 * with, {@code {Reason, {gen_server, call, [Server, Request, Timeout]}}}: an
 * {@link io.jarl.ExitReason.CallFailed} of why ({@code noproc}, {@code timeout}, {@code calling_self},
 * the server's exit reason), {@code "GenServer.call"} and the arguments. Uncaught, the caller exits
 * with it, which is abnormal even when the server stopped {@code normal}ly. Code that decides by
 * why reads {@link io.jarl.ExitReason#cause()}; the exception's message names the call.
 *
 * <h2>Between messages</h2>
 * A server is a {@linkplain io.jarl.Handler handler process}: while it waits for a message it is
 * its state and its mailbox, with no thread and no stack (what OTP's {@code hibernate} gives a
 * process, so {@link Next#hibernate()} adds nothing). A callback that blocks ({@code call} to
 * another server, {@code receive}, {@code sleep}, blocking I/O) holds the thread it runs on until
 * it returns, and the scheduler runs the other processes meanwhile; a kill interrupts it.
 *
 * <h2>Where it differs from OTP</h2>
 * A failed call's reason names {@code GenServer.call} (on the wire to another node:
 * {@code gen_server, call}) and its timeout as a {@link Duration} or {@code "infinity"}.
 *
 * @param <S> the state
 * @param <C> the call requests this server answers
 * @param <K> the cast requests it accepts
 */
public interface GenServer<S, C, K> {

    /** The message {@link #handleInfo} receives when a {@link Next.Timeout} expires (OTP: {@code timeout}). */
    Object TIMEOUT = new Object() {
        @Override
        public String toString() {
            return "timeout";
        }
    };

    /** The default time a {@link #call} waits for its reply (OTP: 5000 ms). */
    Duration DEFAULT_CALL_TIMEOUT = Duration.ofSeconds(5);

    /**
     * Makes the first state, in the server's process, while {@link #start} waits (OTP: {@code init/1}).
     * Throwing makes the start fail with the exception as reason.
     */
    Init<S> init() throws Exception;

    /**
     * Answers a call (OTP: {@code handle_call/3}). The default crashes the server: a server that is
     * called must say how it answers.
     */
    default CallResult<S> handleCall(C request, From from, S state) throws Exception {
        throw new UnsupportedOperationException(getClass().getName() + " received a call but does not implement"
                + " handleCall: " + request);
    }

    /**
     * Handles a cast (OTP: {@code handle_cast/2}). The default crashes the server: a server that
     * receives casts must say what they do.
     */
    default Result<S> handleCast(K request, S state) throws Exception {
        throw new UnsupportedOperationException(getClass().getName() + " received a cast but does not implement"
                + " handleCast: " + request);
    }

    /**
     * Handles any other message: {@link #TIMEOUT}, {@link io.jarl.Down}, {@link io.jarl.Exit} while
     * trapping exits, plain messages (OTP: {@code handle_info/2}). The default logs the message and
     * goes on, as Elixir's does.
     */
    default Result<S> handleInfo(Object message, S state) throws Exception {
        GenServerEngine.LOG.warn("{} {} received an unexpected message in handleInfo: {}", getClass().getName(),
                Jarl.self(), message);
        return Result.noReply(state);
    }

    /**
     * Continues work requested by {@link Next#continueWith(Object)}, before any message is taken
     * (OTP: {@code handle_continue/2}). The default crashes the server.
     */
    default Result<S> handleContinue(Object arg, S state) throws Exception {
        throw new UnsupportedOperationException(getClass().getName() + " asked to continue with " + arg
                + " but does not implement handleContinue");
    }

    /**
     * Cleans up before the server exits (OTP: {@code terminate/2}). Called when a callback returns
     * stop or throws, and when the parent sends an exit signal while the server traps exits. Not
     * called when the server is killed, or ended by an exit signal it does not trap.
     */
    default void terminate(ExitReason reason, S state) throws Exception {}

    /**
     * What {@link Sys#getStatus} and crash reports show of the state (OTP: {@code format_status/1}),
     * e.g. with secrets removed. The default shows the state as it is.
     */
    default Object formatStatus(S state) {
        return state;
    }

    // ------------------------------------------------------------------ client API

    /** Starts a server not linked to the caller, and waits until its {@code init} has returned. */
    static StartResult start(GenServer<?, ?, ?> server) {
        return GenServerEngine.start(server, StartOptions.defaults(), false);
    }

    /** Starts a server with options (a name to register, a start timeout), not linked to the caller. */
    static StartResult start(GenServer<?, ?, ?> server, StartOptions options) {
        return GenServerEngine.start(server, options, false);
    }

    /**
     * Starts a server linked to the caller (OTP: {@code gen_server:start_link}), and waits until its
     * {@code init} has returned. The link exists before {@code init} runs. If {@code init} fails, the
     * server exits with the failure's reason, which reaches the caller through the link: a caller
     * that traps exits gets {@link StartResult.Failed}; one that does not exits too, as in OTP.
     */
    static StartResult startLink(GenServer<?, ?, ?> server) {
        return GenServerEngine.start(server, StartOptions.defaults(), true);
    }

    /** {@link #startLink(GenServer)} with options. */
    static StartResult startLink(GenServer<?, ?, ?> server, StartOptions options) {
        return GenServerEngine.start(server, options, true);
    }

    /**
     * Calls the server and waits up to 5 seconds for its reply, typed by the request.
     *
     * @throws io.jarl.ExitException a {@link io.jarl.ExitReason.CallFailed} whose cause is
     *         {@code noproc} if the server is not running, {@code timeout} if no reply came in time,
     *         {@code calling_self} for a call to oneself, or the server's exit reason if it ended
     *         before replying
     */
    static <R> R call(Address server, Request<R> request) {
        return call(server, request, DEFAULT_CALL_TIMEOUT);
    }

    /** A typed call with a timeout. */
    @SuppressWarnings("unchecked")
    static <R> R call(Address server, Request<R> request, Duration timeout) {
        return (R) Gen.call("GenServer.call", server, request, timeout);
    }

    /** Calls the server with any request and waits up to 5 seconds (OTP: {@code gen_server:call/2}). */
    static Object call(Address server, Object request) {
        return Gen.call("GenServer.call", server, request, DEFAULT_CALL_TIMEOUT);
    }

    /** Calls the server with any request (OTP: {@code gen_server:call/3}). */
    static Object call(Address server, Object request, Duration timeout) {
        return Gen.call("GenServer.call", server, request, timeout);
    }

    /**
     * Sends the server a request without waiting (OTP: {@code gen_server:cast/2}). Never fails, even
     * if the server is not running.
     */
    static void cast(Address server, Object request) {
        Gen.cast(server, request);
    }

    /**
     * Answers a call whose callback returned {@code noReply} (OTP: {@code gen_server:reply/2}).
     * Works from any process or thread; a reply to a caller that has given up is dropped.
     */
    static void reply(From from, Object reply) {
        Gen.reply(from, reply);
    }

    /** Stops the server with reason {@code normal} and waits (OTP: {@code gen_server:stop/1}). */
    static void stop(Address server) {
        stop(server, ExitReason.normal(), Duration.ofNanos(Long.MAX_VALUE));
    }

    /**
     * Stops the server with {@code reason}: its {@code terminate} runs, then it exits; waits up to
     * {@code timeout} (OTP: {@code gen_server:stop/3}).
     *
     * @throws io.jarl.ExitException with {@code noproc} if it is not running, {@code timeout} if it
     *         did not stop in time, or its exit reason if {@code terminate} failed
     */
    static void stop(Address server, ExitReason reason, Duration timeout) {
        Gen.stop("GenServer.stop", server, reason, timeout);
    }

    /**
     * Sends a call without waiting for the reply (OTP: {@code gen_server:send_request/2}); collect it
     * with {@link #receiveResponse}, {@link #waitResponse} or {@link #checkResponse}. The caller
     * monitors the server until then.
     */
    static RequestId sendRequest(Address server, Object request) {
        return GenServerEngine.sendRequest(server, request);
    }

    /**
     * Waits for the reply to {@code id} (OTP: {@code receive_response/2}): on timeout the request is
     * abandoned and a later reply never arrives.
     */
    static Response receiveResponse(RequestId id, Duration timeout) {
        return GenServerEngine.receiveResponse(id, timeout, true);
    }

    /**
     * Waits for the reply to {@code id} (OTP: {@code wait_response/2}): on timeout the request stays
     * active and can be waited for again.
     */
    static Response waitResponse(RequestId id, Duration timeout) {
        return GenServerEngine.receiveResponse(id, timeout, false);
    }

    /**
     * Checks whether {@code message}, already received by the caller, is the reply to {@code id}
     * (OTP: {@code check_response/2}).
     */
    static Response checkResponse(Object message, RequestId id) {
        return GenServerEngine.checkResponse(message, id);
    }

    /**
     * Sends a call without waiting and adds it, with {@code label}, to {@code ids}
     * (OTP: {@code send_request/4}). Returns the new collection.
     */
    static <L> RequestIds<L> sendRequest(Address server, Object request, L label, RequestIds<L> ids) {
        return ids.add(sendRequest(server, request), label);
    }

    /**
     * Waits for a reply to any request of {@code ids} (OTP: {@code receive_response/3}). With
     * {@code delete} the answered request leaves the returned collection. On timeout all the requests
     * are abandoned: their late replies never arrive.
     */
    static <L> Responses<L> receiveResponse(RequestIds<L> ids, Duration timeout, boolean delete) {
        return GenServerEngine.receiveResponse(ids, timeout, delete, true);
    }

    /** As {@link #receiveResponse(RequestIds, Duration, boolean)}, but on timeout the requests stay active (OTP: {@code wait_response/3}). */
    static <L> Responses<L> waitResponse(RequestIds<L> ids, Duration timeout, boolean delete) {
        return GenServerEngine.receiveResponse(ids, timeout, delete, false);
    }

    /** Whether {@code message}, already received, answers a request of {@code ids} (OTP: {@code check_response/3}). */
    static <L> Responses<L> checkResponse(Object message, RequestIds<L> ids, boolean delete) {
        return GenServerEngine.checkResponse(message, ids, delete);
    }

    /** The pid of a server address, if it runs (OTP: {@code whereis/1} for names). */
    static java.util.Optional<Pid> whereis(Address server) {
        return server.resolve();
    }
}
