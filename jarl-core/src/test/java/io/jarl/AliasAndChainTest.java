package io.jarl;

import static io.jarl.Jarl.*;
import static io.jarl.testing.ProcessTesting.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.jarl.testing.NoLeakedProcesses;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Aliases (OTP 24 alias/unalias) and signal propagation along very long chains of links. */
@ExtendWith(NoLeakedProcesses.class)
class AliasAndChainTest {

    record Reply(Ref tag, String text) {}

    record ReplyTo(Ref alias, String text) {}

    record Tail(Pid pid) {}

    @Test
    void messageToAnActiveAliasArrives() {
        try (var me = attach()) {
            Ref alias = alias();
            Pid replier = spawn(() -> {
                ReplyTo r = receive(ReplyTo.class);
                send(r.alias(), new Reply(r.alias(), r.text()));
            });
            send(replier, new ReplyTo(alias, "hi"));
            Reply reply = receive(alias, m -> m instanceof Reply r && r.tag().equals(alias) ? r : skip(), WAIT)
                    .orElseThrow();
            assertThat(reply.text()).isEqualTo("hi");
            assertThat(unalias(alias)).isTrue();
            awaitDeath(replier);
        }
    }

    @Test
    void messageToADeactivatedAliasIsDropped() {
        try (var me = attach()) {
            Ref alias = alias();
            assertThat(unalias(alias)).isTrue();
            assertThat(unalias(alias)).isFalse();
            Pid sender = spawn(() -> send(alias, "late"));
            awaitDeath(sender);
            send(self(), "marker");
            // The marker was sent after the late message's sender ended, by the same receiver's
            // own hand; had "late" been queued it would come first.
            assertThat(receive(Duration.ZERO)).contains("marker");
        }
    }

    @Test
    void sendToAPlainRefIsDropped() {
        try (var me = attach()) {
            send(makeRef(), "nowhere");
            assertThat(receive(Duration.ZERO)).isEmpty();
        }
    }

    @Test
    void unaliasOfAnotherProcessesAliasDoesNothing() {
        try (var me = attach()) {
            Ref mine = alias();
            boolean[] result = new boolean[1];
            run(() -> result[0] = unalias(mine));
            assertThat(result[0]).isFalse();
            assertThat(unalias(mine)).isTrue();
        }
    }

    /** A process that takes every reply through receive-since must not keep a node per reply. */
    @Test
    void receiveSinceLeavesNoRemovedNodesBehind() {
        try (var me = attach()) {
            Pid echo = spawn(() -> {
                while (true) {
                    ReplyTo r = receive(ReplyTo.class);
                    send(r.alias(), new Reply(r.alias(), r.text()));
                }
            });
            LocalProcess self = (LocalProcess) self();
            for (int i = 0; i < 10_000; i++) {
                Ref tag = alias();
                send(echo, new ReplyTo(tag, "x"));
                receive(tag, m -> m instanceof Reply r && r.tag().equals(tag) ? r : skip(), WAIT).orElseThrow();
                unalias(tag);
            }
            assertThat(self.mailboxNodes()).isLessThanOrEqualTo(1);
            kill(echo);
        }
    }

    /** A chain of links far longer than any thread's stack could follow recursively. */
    @Test
    void killingTheHeadOfAHundredThousandLongChainDoesNotOverflowTheStack() {
        int length = 100_000;
        try (var me = attach()) {
            Pid owner = self();
            Pid head = spawn(() -> chainNode(owner, length));
            Pid tail = await(Tail.class).pid();
            Ref ref = monitor(tail);

            exit(head, ExitReason.of("boom"));

            assertThat(awaitDown(ref).reason()).isEqualTo(ExitReason.of("boom"));
        }
    }

    private static void chainNode(Pid owner, int left) {
        if (left > 0) {
            spawnLink(() -> chainNode(owner, left - 1));
        } else {
            send(owner, new Tail(self()));
        }
        receive(m -> skip());
    }
}
