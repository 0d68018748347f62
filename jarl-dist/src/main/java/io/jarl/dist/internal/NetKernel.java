package io.jarl.dist.internal;

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
 * The process registered as {@code net_kernel}: what another node's {@code net_adm:ping/1} calls
 * ({@code {is_auth, Node}} answered {@code yes}, as net_kernel.erl does once the handshake has
 * authenticated the peer).
 */
final class NetKernel implements GenServer<DistNode, Object, Object> {
    private static final Logger log = LoggerFactory.getLogger("io.jarl.dist");
    private static final Atom IS_AUTH = Atom.of("is_auth");
    private static final Atom YES = Atom.of("yes");

    private final DistNode node;

    private NetKernel(DistNode node) {
        this.node = node;
    }

    static Pid start(DistNode node) {
        return GenServer.start(new NetKernel(node), StartOptions.named("net_kernel")).orElseThrow();
    }

    @Override
    public Init<DistNode> init() {
        return Init.ok(node);
    }

    @Override
    public CallResult<DistNode> handleCall(Object request, From from, DistNode state) {
        if (request instanceof Tuple t && t.arity() == 2 && IS_AUTH.equals(t.get(0))) {
            return CallResult.reply(YES, state);
        }
        log.debug("net_kernel: unsupported call {} from {}", request, from.pid());
        return CallResult.reply(Tuple.of(Atom.ERROR, Atom.of("not_supported")), state);
    }

    @Override
    public Result<DistNode> handleCast(Object request, DistNode state) {
        log.debug("net_kernel: ignored cast {}", request);
        return Result.noReply(state);
    }

    @Override
    public Result<DistNode> handleInfo(Object message, DistNode state) {
        log.debug("net_kernel: ignored message {}", message);
        return Result.noReply(state);
    }
}
