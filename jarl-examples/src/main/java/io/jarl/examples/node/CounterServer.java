package io.jarl.examples.node;

import io.jarl.ExitReason;
import io.jarl.dist.term.Atom;
import io.jarl.dist.term.Binary;
import io.jarl.dist.term.TermMapper;
import io.jarl.dist.term.Tuple;
import io.jarl.server.CallResult;
import io.jarl.server.From;
import io.jarl.server.GenServer;
import io.jarl.server.Init;
import io.jarl.server.Request;
import java.util.Objects;

/**
 * The demo node's {@code counter}: a supervised GenServer holding an integer (OTP: the counter
 * {@code gen_server} of the OTP design principles, under a {@code one_for_one} supervisor).
 *
 * <p>From an Erlang node connected to the demo node {@code N}:
 * <pre>{@code
 * 1> gen_server:call({counter, N}, get).
 * 0
 * 2> gen_server:call({counter, N}, incr).
 * 1
 * 3> catch gen_server:call({counter, N}, crash).
 * {'EXIT',{crashed,{gen_server,call,[{counter,jarl@vm},crash]}}}
 * 4> gen_server:call({counter, N}, get).
 * 0
 * }</pre>
 *
 * <ul>
 *   <li>{@code get}: the value;</li>
 *   <li>{@code incr}: adds one and answers the new value;</li>
 *   <li>{@code crash}: the server exits with reason {@code crashed} without answering, so the caller
 *       exits with {@code crashed} too; its supervisor ({@link DemoNode}) starts a new counter, at 0,
 *       under the same name;</li>
 *   <li>anything else: {@code {error, {unknown_call, Request}}}, and the counter goes on (an Erlang
 *       gen_server without a matching clause would crash with {@code function_clause}; a demo that
 *       anyone may call answers instead).</li>
 * </ul>
 * The requests are the constants of {@link Call}, which the demo node registers with its
 * {@link TermMapper}: the atom {@code get} arrives as {@link Call#GET}. A Java caller on the node
 * calls with them too, typed: {@code long n = GenServer.call(Name.of("counter"), Call.GET)}.
 */
final class CounterServer implements GenServer<Long, Object, Object> {
    /** What the counter answers; on the wire, the atoms {@code get}, {@code incr} and {@code crash}. */
    public enum Call implements Request<Long> {
        GET, INCR, CRASH
    }

    /** The reason the counter exits with when asked to crash. */
    static final ExitReason CRASHED = ExitReason.of("crashed");

    private final TermMapper mapper;

    /** @param mapper the node's mapper, to put a request from a Java caller into the error term */
    CounterServer(TermMapper mapper) {
        this.mapper = Objects.requireNonNull(mapper, "mapper");
    }

    @Override
    public Init<Long> init() {
        return Init.ok(0L);
    }

    @Override
    public CallResult<Long> handleCall(Object request, From from, Long n) {
        if (!(request instanceof Call call)) {
            return CallResult.reply(Tuple.of(Atom.ERROR, Tuple.of(Atom.of("unknown_call"), asTerm(request))), n);
        }
        return switch (call) {
            case GET -> CallResult.reply(n, n);
            case INCR -> CallResult.reply(n + 1, n + 1);
            case CRASH -> CallResult.stop(CRASHED, n);
        };
    }

    /** The request as a term; a Java value that has none is shown as its text. */
    private Object asTerm(Object request) {
        try {
            return mapper.toTerm(request);
        } catch (RuntimeException notATerm) {
            return Binary.of(String.valueOf(request));
        }
    }
}
