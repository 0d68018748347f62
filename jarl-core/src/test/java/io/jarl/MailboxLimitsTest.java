package io.jarl;

import static io.jarl.Jarl.*;
import static io.jarl.testing.ProcessTesting.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jarl.MailboxLimits.Overflow;
import io.jarl.MailboxLimits.Redirected;
import io.jarl.SystemEvent.LongMessageQueue;
import io.jarl.server.CallResult;
import io.jarl.server.From;
import io.jarl.server.GenServer;
import io.jarl.server.Init;
import io.jarl.server.Request;
import io.jarl.server.Result;
import io.jarl.server.StartOptions;
import io.jarl.testing.LogCapture;
import io.jarl.testing.NoLeakedProcesses;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Bounded mailboxes and the long-queue alarm ({@link MailboxLimits}). A process under test blocks
 * on a latch (outside the runtime, as a process writing to a slow socket does) while the test sends:
 * a send is delivered in the sender's thread, so once the sends return, what was queued, dropped or
 * redirected is settled.
 */
@ExtendWith(NoLeakedProcesses.class)
class MailboxLimitsTest {

    /** A process that tells {@code parent} it is blocked, blocks until {@code go}, then returns all it can receive. */
    private static Pid blockedThenDrain(SpawnOptions options, Pid parent, CountDownLatch go) {
        return spawn(options, () -> {
            send(parent, "blocked");
            awaitLatch(go);
            List<Object> got = new ArrayList<>();
            for (Object m; (m = receive(Duration.ZERO).orElse(null)) != null; ) {
                got.add(m);
            }
            send(parent, got);
        });
    }

    private static void awaitLatch(CountDownLatch latch) {
        try {
            if (!latch.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("latch not released within " + WAIT);
            }
        } catch (InterruptedException e) {
            throw new ExitException(ExitReason.of("interrupted"), "interrupted while blocked");
        }
    }

    private static SpawnOptions bounded(int max, Overflow overflow) {
        return SpawnOptions.defaults().mailbox(MailboxLimits.max(max, overflow));
    }

    private static List<Integer> range(int from, int to) {
        List<Integer> out = new ArrayList<>();
        for (int i = from; i < to; i++) {
            out.add(i);
        }
        return out;
    }

    @Test
    void aFullMailboxDropsTheNewestAndCountsIt() {
        try (var me = attach()) {
            CountDownLatch go = new CountDownLatch(1);
            Pid p = blockedThenDrain(bounded(10, Overflow.dropNewest()), me.pid(), go);
            awaitMessage("blocked");
            for (int i = 0; i < 25; i++) {
                send(p, i);
            }
            ProcessInfo info = info(p).orElseThrow();
            assertThat(info.messageQueueLength()).isEqualTo(10);
            assertThat(info.messagesDropped()).isEqualTo(15);
            assertThat(info.messagesRedirected()).isZero();
            assertThat(info.mailboxLimits()).contains(MailboxLimits.max(10, Overflow.dropNewest()));
            go.countDown();
            assertThat(await(List.class)).isEqualTo(range(0, 10));
        }
    }

    @Test
    void dropOldestKeepsTheNewest() {
        try (var me = attach()) {
            CountDownLatch go = new CountDownLatch(1);
            Pid p = blockedThenDrain(bounded(10, Overflow.dropOldest()), me.pid(), go);
            awaitMessage("blocked");
            for (int i = 0; i < 25; i++) {
                send(p, i);
            }
            assertThat(info(p).orElseThrow().messageQueueLength()).isEqualTo(10);
            assertThat(info(p).orElseThrow().messagesDropped()).isEqualTo(15);
            go.countDown();
            assertThat(await(List.class)).isEqualTo(range(15, 25));
        }
    }

    @Test
    void dropOldestKeepsWhatASelectiveReceivePassedOver() {
        try (var me = attach()) {
            CountDownLatch go = new CountDownLatch(1);
            Pid p = spawn(bounded(4, Overflow.dropOldest()), () -> {
                receive(m -> "start".equals(m) ? m : skip()); // passes over a, b, c: they stay, in order
                send(me.pid(), "blocked");
                awaitLatch(go);
                List<Object> got = new ArrayList<>();
                for (Object m; (m = receive(Duration.ZERO).orElse(null)) != null; ) {
                    got.add(m);
                }
                send(me.pid(), got);
            });
            for (String s : List.of("a", "b", "c", "start")) {
                send(p, s);
            }
            awaitMessage("blocked");
            // Three held, one free: 1 takes it, then 2 and 3 each push out the oldest not looked at.
            for (int i = 1; i <= 3; i++) {
                send(p, i);
            }
            assertThat(info(p).orElseThrow().messageQueueLength()).isEqualTo(4);
            assertThat(info(p).orElseThrow().messagesDropped()).isEqualTo(2);
            go.countDown();
            assertThat(await(List.class)).isEqualTo(List.of("a", "b", "c", 3));
        }
    }

    @Test
    void dropOldestDropsTheNewestWhenOnlyPassedOverMessagesAreQueued() {
        try (var me = attach()) {
            CountDownLatch go = new CountDownLatch(1);
            Pid p = spawn(bounded(2, Overflow.dropOldest()), () -> {
                send(self(), "a");
                send(self(), "b");
                assertThat(receive(m -> skip(), Duration.ZERO)).isEmpty(); // passes over both: both held
                send(me.pid(), "blocked");
                awaitLatch(go);
                send(me.pid(), List.of(receive(), receive(), receive(Duration.ZERO).orElse("nothing more")));
            });
            awaitMessage("blocked");
            send(p, "late");
            assertThat(info(p).orElseThrow().messagesDropped()).isEqualTo(1);
            go.countDown();
            assertThat(await(List.class)).isEqualTo(List.of("a", "b", "nothing more"));
        }
    }

    @Test
    void redirectSendsTheOverflowToTheFallbackInOrder() {
        try (var me = attach()) {
            CountDownLatch go = new CountDownLatch(1);
            Pid p = blockedThenDrain(bounded(2, Overflow.redirect(me.pid())), me.pid(), go);
            awaitMessage("blocked");
            for (int i = 0; i < 5; i++) {
                send(p, i);
            }
            for (int i = 2; i < 5; i++) {
                assertThat(await(Redirected.class)).isEqualTo(new Redirected(p, i));
            }
            ProcessInfo info = info(p).orElseThrow();
            assertThat(info.messagesRedirected()).isEqualTo(3);
            assertThat(info.messagesDropped()).isZero();
            go.countDown();
            assertThat(await(List.class)).isEqualTo(List.of(0, 1));
        }
    }

    @Test
    void aRedirectedMessageIsNotRedirectedAgainSoFallbacksCannotLoop() {
        try (var me = attach()) {
            CountDownLatch go = new CountDownLatch(1);
            // a's fallback is b, b's is this process: a's overflow reaches b, and stops there.
            Pid b = spawn(SpawnOptions.defaults().mailbox(MailboxLimits.max(1, Overflow.redirect(me.pid()))), () -> {
                send(me.pid(), "blocked");
                awaitLatch(go);
                send(me.pid(), List.of(receive(), receive(Duration.ZERO).orElse("nothing more")));
            });
            awaitMessage("blocked");
            Pid a = spawn(SpawnOptions.defaults().mailbox(MailboxLimits.max(1, Overflow.redirect(b))), () -> {
                send(me.pid(), "blocked");
                awaitLatch(go);
                send(me.pid(), List.of(receive(), receive(Duration.ZERO).orElse("nothing more")));
            });
            awaitMessage("blocked");
            send(b, "b's");
            send(a, "a's");
            send(a, "overflow"); // to b as Redirected; b is full, and does not pass it on
            assertThat(info(a).orElseThrow().messagesRedirected()).isEqualTo(1);
            assertThat(info(b).orElseThrow().messagesDropped()).isEqualTo(1);
            assertThat(info(b).orElseThrow().messagesRedirected()).isZero();
            assertThat(pollMatching(m -> m instanceof Redirected)).isFalse();
            send(b, "to b"); // b's own overflow goes to its fallback, this process
            assertThat(await(Redirected.class)).isEqualTo(new Redirected(b, "to b"));
            go.countDown();
            List<Object> got = List.of(await(List.class), await(List.class));
            assertThat(got).containsExactlyInAnyOrder(List.of("b's", "nothing more"), List.of("a's", "nothing more"));
        }
    }

    @Test
    void exitKillsTheProcessWithMailboxOverflowWhichItCannotTrap() {
        try (var me = attach(); LogCapture log = LogCapture.start()) {
            trapExit(true);
            CountDownLatch go = new CountDownLatch(1);
            Pid p = spawn(bounded(3, Overflow.exit()).trapExit().link(), () -> {
                send(me.pid(), "blocked");
                awaitLatch(go);
            });
            Ref ref = monitor(p);
            awaitMessage("blocked");
            for (int i = 0; i < 3; i++) {
                send(p, i);
            }
            assertThat(p.isAlive()).isTrue();
            send(p, 3); // the fourth: it is killed in this send
            assertThat(p.isAlive()).isFalse();
            assertThat(awaitDown(ref).reason()).isEqualTo(ExitReason.mailboxOverflow(4));
            assertThat(awaitExit(p).reason()).isEqualTo(ExitReason.mailboxOverflow(4));
            assertThat(ExitReason.mailboxOverflow(4).toString()).isEqualTo("{mailbox_overflow, 4}");
            assertThat(ExitReason.mailboxOverflow(4).isAbnormal()).isTrue();
            assertThat(log.linesContaining("exited with reason {mailbox_overflow, 4}")).hasSize(1);
            send(p, 4); // to a dead process: nothing happens
            go.countDown();
            trapExit(false);
        }
    }

    @Test
    void downsAndTrappedExitsAreAlwaysQueued() {
        try (var me = attach()) {
            CountDownLatch go = new CountDownLatch(1);
            Pid watched = spawn(() -> receive("end"::equals));
            Pid linked = spawn(() -> receive("end"::equals));
            Pid p = spawn(bounded(1, Overflow.dropNewest()).trapExit(), () -> {
                Ref ref = monitor(watched);
                link(linked);
                send(me.pid(), ref);
                awaitLatch(go);
                List<Object> got = new ArrayList<>();
                for (Object m; (m = receive(Duration.ZERO).orElse(null)) != null; ) {
                    got.add(m);
                }
                send(me.pid(), got);
            });
            Ref ref = await(Ref.class);
            send(p, "fills it");
            send(p, "dropped");
            send(watched, "end");
            awaitDeath(watched);
            exit(linked, ExitReason.of("stop"));
            awaitDeath(linked);
            ProcessInfo info = info(p).orElseThrow();
            assertThat(info.messageQueueLength()).isEqualTo(3); // past the bound: signals are never dropped
            assertThat(info.messagesDropped()).isEqualTo(1);
            go.countDown();
            assertThat(await(List.class)).isEqualTo(List.of("fills it", new Down(ref, watched, ExitReason.NORMAL),
                    new Exit(linked, ExitReason.of("stop"))));
        }
    }

    @Test
    void theAlarmIsRaisedOncePerEpisodeAndClearsWhenTheQueueIsShortAgain() {
        try (var me = attach(); LogCapture log = LogCapture.start()) {
            assertThat(subscribeSystemEvents(me.pid())).isTrue();
            assertThat(subscribeSystemEvents(me.pid())).isTrue(); // one subscription
            CountDownLatch first = new CountDownLatch(1), second = new CountDownLatch(1);
            Pid p = spawn(SpawnOptions.defaults().mailbox(MailboxLimits.alarmOnly(5, 2)), () -> {
                for (CountDownLatch latch : List.of(first, second)) {
                    send(me.pid(), "blocked");
                    awaitLatch(latch);
                    for (int i = 0; i < 10; i++) {
                        receive();
                    }
                    send(me.pid(), "drained");
                }
            });
            for (CountDownLatch latch : List.of(first, second)) {
                awaitMessage("blocked");
                for (int i = 0; i < 10; i++) {
                    send(p, i);
                }
                assertThat(await(LongMessageQueue.class)).isEqualTo(new LongMessageQueue(p, true, 5));
                assertThat(pollMatching(m -> m instanceof LongMessageQueue)).isFalse(); // once, not at 6..10
                latch.countDown();
                awaitMessage("drained");
                // Cleared when two were left: the clear is sent before the process's "drained".
                assertThat(pollMatching(new LongMessageQueue(p, false, 2)::equals)).isTrue();
                assertThat(pollMatching(m -> m instanceof LongMessageQueue)).isFalse();
            }
            awaitDeath(p);
            assertThat(log.linesContaining("has a long message queue: 5 messages (alarm at 5, clears at 2, bound none)"))
                    .hasSize(2);
            assertThat(log.linesContaining("has a short message queue again: 2 messages")).hasSize(2);
            assertThat(unsubscribeSystemEvents(me.pid())).isTrue();
            assertThat(unsubscribeSystemEvents(me.pid())).isFalse();
        }
    }

    @Test
    void anUnsubscribedOrDeadSubscriberHearsNothing() {
        try (var me = attach()) {
            Spawned sub = spawnMonitor(() -> {
                subscribeSystemEvents(self());
                send(me.pid(), "subscribed");
                receive("end"::equals);
            });
            awaitMessage("subscribed");
            send(sub.pid(), "end");
            awaitDown(sub.monitor());
            assertThat(subscribeSystemEvents(sub.pid())).isFalse(); // dead
            assertThat(unsubscribeSystemEvents(sub.pid())).isFalse(); // its death ended it
            CountDownLatch go = new CountDownLatch(1);
            Pid p = blockedThenDrain(SpawnOptions.defaults().mailbox(MailboxLimits.alarmOnly(1, 0)), me.pid(), go);
            awaitMessage("blocked");
            send(p, "one");
            assertThat(pollMatching(m -> m instanceof LongMessageQueue)).isFalse(); // never subscribed
            go.countDown();
            assertThat(await(List.class)).isEqualTo(List.of("one"));
        }
    }

    @Test
    void theBoundHoldsWhileTheOwnerReceivesAndManySend() {
        for (Overflow overflow : List.of(Overflow.dropNewest(), Overflow.dropOldest())) {
            int senders = 4, each = 20_000, max = 16;
            try (var me = attach()) {
                // The process starts the senders and monitors them: a sender's Down comes after all it
                // sent (a signal, never dropped), so after four Downs every message is in or counted.
                Pid p = spawn(SpawnOptions.defaults().mailbox(MailboxLimits.max(max, overflow)), () -> {
                    Pid self = self();
                    List<Ref> refs = new ArrayList<>();
                    for (int s = 0; s < senders; s++) {
                        int sender = s;
                        refs.add(monitor(spawn(() -> {
                            for (int i = 0; i < each; i++) {
                                send(self, new int[] {sender, i});
                            }
                        })));
                    }
                    int[] last = {-1, -1, -1, -1};
                    long got = 0, outOfOrder = 0;
                    int downs = 0, longest = 0;
                    while (downs < senders) {
                        Object m = receive();
                        if (m instanceof Down) {
                            downs++;
                        } else {
                            int[] v = (int[]) m;
                            outOfOrder += v[1] > last[v[0]] ? 0 : 1;
                            last[v[0]] = v[1];
                            got++;
                        }
                        if ((got & 255) == 0) { // info reads the stack too: not at every message
                            longest = Math.max(longest, info(self).orElseThrow().messageQueueLength());
                        }
                    }
                    ProcessInfo info = info(self).orElseThrow();
                    send(me.pid(), List.of(got, info.messagesDropped(), outOfOrder, longest, refs.size()));
                });
                List<?> r = await(List.class);
                long got = (Long) r.get(0), dropped = (Long) r.get(1);
                assertThat(got + dropped).as("received + dropped, %s", overflow).isEqualTo((long) senders * each);
                assertThat(r.get(2)).as("out of order, %s", overflow).isEqualTo(0L);
                // Down messages may take the queue past the bound, by at most one per sender.
                assertThat((Integer) r.get(3)).as("longest queue, %s", overflow).isLessThanOrEqualTo(max + senders);
                awaitDeath(p);
            }
        }
    }

    record Block(CountDownLatch go) implements Request<String> {}

    record Count() implements Request<Integer> {}

    /** A server that counts casts, and blocks in a call until released. */
    static final class Counter implements GenServer<Integer, Request<?>, String> {
        private final Pid parent;

        Counter(Pid parent) {
            this.parent = parent;
        }

        @Override
        public Init<Integer> init() {
            return Init.ok(0);
        }

        @Override
        public CallResult<Integer> handleCall(Request<?> request, From from, Integer n) {
            return switch (request) {
                case Block b -> {
                    send(parent, "blocked");
                    awaitLatch(b.go());
                    yield CallResult.reply("released", n);
                }
                case Count c -> CallResult.reply(n, n);
                default -> throw new IllegalArgumentException(String.valueOf(request));
            };
        }

        @Override
        public Result<Integer> handleCast(String cast, Integer n) {
            return Result.noReply(n + 1);
        }
    }

    @Test
    void aGenServerStartedWithAMailboxBoundKeepsIt() {
        try (var me = attach()) {
            Pid server = GenServer.start(new Counter(me.pid()),
                    StartOptions.defaults().withMailbox(MailboxLimits.max(3, Overflow.dropNewest()))).orElseThrow();
            CountDownLatch go = new CountDownLatch(1);
            Pid caller = spawn(() -> send(me.pid(), GenServer.call(server, new Block(go))));
            awaitMessage("blocked");
            for (int i = 0; i < 10; i++) {
                GenServer.cast(server, "inc");
            }
            ProcessInfo info = info(server).orElseThrow();
            assertThat(info.messageQueueLength()).isEqualTo(3);
            assertThat(info.messagesDropped()).isEqualTo(7);
            go.countDown();
            awaitMessage("released");
            assertThat(GenServer.call(server, new Count())).isEqualTo(3);
            awaitDeath(caller);
            GenServer.stop(server);
        }
    }

    @Test
    void badLimitsAreRefused() {
        assertThatThrownBy(() -> MailboxLimits.max(0, Overflow.dropNewest()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one message: max 0");
        assertThatThrownBy(() -> MailboxLimits.alarmOnly(5, 5))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("alarmAt 5, alarmClearAt 5");
        assertThatThrownBy(() -> MailboxLimits.alarmOnly(0, -1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MailboxLimits.max(5, null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> Overflow.redirect(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> SpawnOptions.defaults().mailbox(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> subscribeSystemEvents(null)).isInstanceOf(NullPointerException.class);
        assertThat(MailboxLimits.max(5, Overflow.exit()).alarm(4, 1))
                .isEqualTo(new MailboxLimits(5, Overflow.exit(), 4, 1));
    }
}
