package io.jarl.dist.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.jarl.ExitReason;
import io.jarl.dist.term.Atom;
import io.jarl.dist.term.ErlList;
import io.jarl.dist.term.TermMapper;
import io.jarl.dist.term.Tuple;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Exit reasons as the other node reads them. */
class WireExitReasonTest {
    private final Wire wire = new Wire("jarl_wire_test@localhost", 1, TermMapper.builder());

    @Test
    void aFailedCallIsGenServerCallsExit() {
        // {noproc, {gen_server, call, [Server, Request, 5000]}}, as gen_server:call exits.
        Object term = wire.toTerm(ExitReason.callFailed(ExitReason.noproc(), "GenServer.call",
                List.of("server", "request", Duration.ofSeconds(5))));
        assertThat(term).isEqualTo(Tuple.of(Atom.of("noproc"), Tuple.of(Atom.of("gen_server"), Atom.of("call"),
                ErlList.of(termOf("server"), termOf("request"), 5000L))));
    }

    @Test
    void aFailedCallWithoutTimeoutAndNestedFailuresKeepTheirShape() {
        ExitReason inner = ExitReason.callFailed(ExitReason.timeout(), "GenStateMachine.call",
                List.of("machine", "go", "infinity"));
        Object term = wire.toTerm(ExitReason.callFailed(inner, "GenEvent.syncNotify", List.of("manager", "event",
                "infinity")));
        assertThat(term).isEqualTo(Tuple.of(
                Tuple.of(Atom.of("timeout"), Tuple.of(Atom.of("gen_statem"), Atom.of("call"),
                        ErlList.of(termOf("machine"), termOf("go"), Atom.of("infinity")))),
                Tuple.of(Atom.of("gen_event"), Atom.of("sync_notify"),
                        ErlList.of(termOf("manager"), termOf("event"), Atom.of("infinity")))));
    }

    @Test
    void aFailedAwaitIsElixirsTaskAwaitExit() {
        // {timeout, {'Elixir.Task', await_many, [Tasks, 0]}}, as Task.await_many exits.
        Object term = wire.toTerm(ExitReason.callFailed(ExitReason.timeout(), "Task.awaitMany",
                List.of("tasks", Duration.ZERO)));
        assertThat(term).isEqualTo(Tuple.of(Atom.of("timeout"),
                Tuple.of(Atom.of("Elixir.Task"), Atom.of("await_many"), ErlList.of(termOf("tasks"), 0L))));
    }

    @Test
    void aMailboxOverflowIsATupleBothWays() {
        // {mailbox_overflow, 1001}: an Erlang process linked to a Jarl one reads the reason as a tuple.
        Object term = wire.toTerm(ExitReason.mailboxOverflow(1001));
        assertThat(term).isEqualTo(Tuple.of(Atom.of("mailbox_overflow"), 1001L));
        assertThat(wire.reasonFromTerm(term)).isEqualTo(ExitReason.mailboxOverflow(1001));
        // Not a length: any other term, kept as it came.
        assertThat(wire.reasonFromTerm(Tuple.of(Atom.of("mailbox_overflow"), -1L)))
                .isInstanceOf(ExitReason.Other.class);
    }

    private static Object termOf(Object value) {
        return TermMapper.builder().build().toTerm(value);
    }
}
