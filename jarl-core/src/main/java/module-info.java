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
    exports io.jarl.task;
    exports io.jarl.agent;
}
