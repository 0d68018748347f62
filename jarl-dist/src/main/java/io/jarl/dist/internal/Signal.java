package io.jarl.dist.internal;

import io.jarl.ExitReason;
import io.jarl.Pid;
import io.jarl.Ref;

/**
 * A signal on its way to another node, before it is encoded for the connection (which may not be
 * up yet: the flags it negotiates decide the encoding). One record per control message Jarl
 * sends (erl_dist_protocol.md, "Protocol between connected nodes").
 */
sealed interface Signal {
    /** SEND_SENDER (22), or SEND (2) without SEND_SENDER. */
    record Send(Pid from, Pid to, Object message) implements Signal {}

    /** REG_SEND (6). */
    record RegSend(Pid from, String name, Object message) implements Signal {}

    /** ALIAS_SEND (33), or a SEND to the owner... which we do not know: dropped without ALIAS. */
    record AliasSend(Pid from, Ref alias, Object message) implements Signal {}

    /** LINK (1). */
    record Link(Pid from, Pid to) implements Signal {}

    /** UNLINK_ID (35). */
    record UnlinkId(long id, Pid from, Pid to) implements Signal {}

    /** UNLINK_ID_ACK (36). */
    record UnlinkIdAck(long id, Pid from, Pid to) implements Signal {}

    /** PAYLOAD_EXIT (24) or EXIT (3): a link broke because {@code from} ended. */
    record LinkExit(Pid from, Pid to, ExitReason reason) implements Signal {}

    /** PAYLOAD_EXIT2 (26) or EXIT2 (8): {@code exit(to, reason)}. */
    record Exit2(Pid from, Pid to, ExitReason reason) implements Signal {}

    /** MONITOR_P (19); {@code target} is a pid or a name (a String). */
    record MonitorP(Pid from, Object target, Ref ref) implements Signal {}

    /** DEMONITOR_P (20). */
    record DemonitorP(Pid from, Object target, Ref ref) implements Signal {}

    /**
     * PAYLOAD_MONITOR_P_EXIT (28) or MONITOR_P_EXIT (21); {@code object} is the pid or the name (a
     * String) as the watcher monitored it.
     */
    record MonitorPExit(Object object, Pid to, Ref ref, ExitReason reason) implements Signal {}

    /** SPAWN_REPLY (31); {@code result} is the new pid or an error atom's name. */
    record SpawnReply(Ref request, Pid to, int flags, Object result) implements Signal {}
}
