package io.jarl.dist.internal;

import io.jarl.Jarl;
import io.jarl.Pid;
import io.jarl.dist.term.Atom;
import io.jarl.dist.term.Tuple;
import io.jarl.server.CallResult;
import io.jarl.server.From;
import io.jarl.server.GenServer;
import io.jarl.server.Init;
import io.jarl.server.Result;
import io.jarl.server.StartOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The process registered as {@code rex}: the RPC server of OTP's {@code rpc} module as older nodes
 * and other Jarl nodes call it ({@code {call, M, F, A, GroupLeader}}, answered by a process of its
 * own so that a slow function does not hold up other calls; {@code {cast, M, F, A, GroupLeader}}).
 * OTP 23+ nodes call through erpc's spawn requests instead (see DistNode). Only exported functions
 * run; anything else answers {@code {badrpc, {'EXIT', {undef, ...}}}}.
 */
final class Rex implements GenServer<DistNode, Object, Object> {
    private static final Logger log = LoggerFactory.getLogger("io.jarl.dist");
    private static final Atom CALL = Atom.of("call");
    private static final Atom CAST = Atom.of("cast");
    private static final Atom REX = Atom.of("rex");

    private final DistNode node;

    private Rex(DistNode node) {
        this.node = node;
    }

    static Pid start(DistNode node) {
        return GenServer.start(new Rex(node), StartOptions.named("rex")).orElseThrow();
    }

    @Override
    public Init<DistNode> init() {
        return Init.ok(node);
    }

    @Override
    public CallResult<DistNode> handleCall(Object request, From from, DistNode state) {
        if (request instanceof Tuple t && t.arity() == 5 && CALL.equals(t.get(0))) {
            Jarl.spawn(() -> GenServer.reply(from, state.applyForRex(t.get(1), t.get(2), t.get(3))));
            return CallResult.noReply(state);
        }
        return CallResult.reply(Tuple.of(Atom.of("badrpc"), Atom.of("notsup")), state);
    }

    @Override
    public Result<DistNode> handleCast(Object request, DistNode state) {
        if (request instanceof Tuple t && t.arity() == 5 && CAST.equals(t.get(0))) {
            Jarl.spawn(() -> state.applyForRex(t.get(1), t.get(2), t.get(3)));
        } else {
            log.debug("rex: ignored cast {}", request);
        }
        return Result.noReply(state);
    }

    @Override
    public Result<DistNode> handleInfo(Object message, DistNode state) {
        if (message instanceof Tuple t && t.arity() == 2 && t.get(0) instanceof Pid to
                && t.get(1) instanceof Tuple call && call.arity() == 5 && CALL.equals(call.get(0))) {
            // {Pid, {call, M, F, A, GroupLeader}}: the form C nodes and JInterface (OtpConnection.sendRPC)
            // send; rex answers it {rex, Result} (rpc.erl: handle_info({From, {call, ...}}, S)).
            Jarl.spawn(() -> Jarl.send(to, Tuple.of(REX, state.applyForRex(call.get(1), call.get(2), call.get(3)))));
            return Result.noReply(state);
        }
        // e.g. {Pid, features_request} that OTP 23/24 nodes send on connect: not needed by OTP 25+.
        log.debug("rex: ignored message {}", message);
        return Result.noReply(state);
    }
}
