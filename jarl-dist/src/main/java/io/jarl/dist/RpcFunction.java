package io.jarl.dist;

import java.util.List;

/**
 * A Java function that other nodes may call with {@code rpc:call(JarlNode, Module, Function, Args)}
 * or {@code erpc:call}, once exported through {@link NodeOptions#export}. Nothing else on a Jarl
 * node can be called from another node: the exports are an allow-list.
 *
 * <p>It runs in a process of its own. The arguments arrive mapped by the node's
 * {@link io.jarl.dist.term.TermMapper} (untyped: binaries as {@link io.jarl.dist.term.Binary},
 * atoms as {@link io.jarl.dist.term.Atom}, integers as {@code Long}); the result is mapped back. An
 * exception becomes an {@code error} the caller sees ({@code {badrpc, {'EXIT', {Reason, Stack}}}}
 * from {@code rpc:call}): an {@link io.jarl.ExitException}'s reason as it is (throw one with
 * {@code ExitReason.of("badarg")} for Erlang's {@code error:badarg}), any other exception as
 * {@code {'its.Class', <<"its message">>}}.
 */
@FunctionalInterface
public interface RpcFunction {
    Object apply(List<Object> args) throws Exception;
}
