/**
 * Jarl's process runtime: lightweight processes with mailboxes, selective receive, links, monitors,
 * exit signals, registered names and timers, with Erlang/OTP's semantics.
 *
 * <p>Start with {@link io.jarl.Jarl}.
 */
module io.jarl.core {
    requires org.slf4j;

    exports io.jarl;
    exports io.jarl.server;
    exports io.jarl.supervisor;
    exports io.jarl.event;
    exports io.jarl.registry;
    exports io.jarl.pg;
    exports io.jarl.application;
    exports io.jarl.statem;
    // The machinery the behaviours share (gen, proc_lib, sys); the distribution layer speaks it too.
    exports io.jarl.internal to io.jarl.dist;
    exports io.jarl.task;
    exports io.jarl.agent;
}
