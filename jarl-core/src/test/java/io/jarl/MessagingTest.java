package io.jarl;

import static io.jarl.Jarl.*;
import static io.jarl.testing.ProcessTesting.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jarl.testing.NoLeakedProcesses;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Sending and (selective) receiving (reference section 1). */
@ExtendWith(NoLeakedProcesses.class)
class MessagingTest {

    record Seq(Pid from, int n) {}

    record Request(Ref tag, Pid from, int value) {}

    record Reply(Ref tag, int value) {}

    @Test
    void sendToUnknownNameThrows() {
        assertThatThrownBy(() -> send("messaging-test-nobody", "hello"))
                .isInstanceOf(NoSuchNameException.class)
                .satisfies(e -> assertThat(((NoSuchNameException) e).name()).isEqualTo("messaging-test-nobody"));
        try (var me = attach()) {
            assertThatThrownBy(() -> send("messaging-test-nobody", "hello")).isInstanceOf(NoSuchNameException.class);
            assertThat(me.pid().isAlive()).as("badarg is an exception, not an exit").isTrue();
        }
    }

    @Test
    void sendByNameDelivers() {
        try (var me = attach()) {
            register("messaging-test-me", me.pid());
            send("messaging-test-me", "by name");
            awaitMessage("by name");
        }
        assertThat(whereis("messaging-test-me")).isEmpty();
    }

    @Test
    void sendToDeadPidIsDropped() {
        Pid dead = deadProcess();
        send(dead, "from a plain thread");
        try (var me = attach()) {
            send(dead, "from a process");
            assertThat(me.pid().isAlive()).isTrue();
            assertThat(info(dead)).isEmpty();
        }
    }

    @Test
    void sendToSelfArrives() {
        try (var me = attach()) {
            send(self(), "to myself");
            assertThat(receive(Duration.ZERO)).contains("to myself");
        }
    }

    @Test
    void perPairFifoOrder() {
        int senders = 4, perSender = 2_000;
        try (var me = attach()) {
            for (int s = 0; s < senders; s++) {
                spawn(() -> {
                    for (int i = 0; i < perSender; i++) {
                        send(me.pid(), new Seq(self(), i));
                    }
                });
            }
            // A plain thread is a sender too.
            Thread plain = Thread.ofPlatform().start(() -> {
                for (int i = 0; i < perSender; i++) {
                    send(me.pid(), new Seq(me.pid(), i)); // tagged with the receiver's pid: the plain sender
                }
            });
            Map<Pid, Integer> next = new HashMap<>();
            for (int i = 0; i < (senders + 1) * perSender; i++) {
                Seq seq = await(Seq.class);
                int expected = next.getOrDefault(seq.from(), 0);
                assertThat(seq.n()).as("message from %s", seq.from()).isEqualTo(expected);
                next.put(seq.from(), expected + 1);
            }
            join(plain);
            assertThat(next).hasSize(senders + 1).allSatisfy((pid, n) -> assertThat(n).isEqualTo(perSender));
        }
    }

    /**
     * Many short round trips between two processes (and an attached thread), each bounded: a lost
     * wake-up between a sender's delivery and a receiver's park would stall one of them.
     */
    @Test
    void pingPongNeverLosesAWakeup() {
        int rounds = 20_000;
        try (var me = attach()) {
            Pid ponger = spawn(() -> {
                for (int i = 0; i < rounds; i++) {
                    Seq ping = receive(Seq.class, WAIT).orElseThrow(() -> new AssertionError("ponger stalled"));
                    send(ping.from(), new Seq(self(), ping.n()));
                }
            });
            Spawned pinger = spawnMonitor(() -> {
                for (int i = 0; i < rounds; i++) {
                    send(ponger, new Seq(self(), i));
                    Seq pong = receive(Seq.class, WAIT).orElseThrow(() -> new AssertionError("pinger stalled"));
                    if (pong.n() != i) {
                        throw new AssertionError("pong " + pong.n() + " for ping " + i);
                    }
                }
            });
            assertThat(awaitDown(pinger.monitor()).reason()).isEqualTo(ExitReason.normal());
            awaitDeath(ponger);

            // An attached (platform) thread parks differently from a virtual one.
            Pid echo = spawn(() -> {
                while (true) {
                    Seq m = receive(Seq.class);
                    send(m.from(), m);
                }
            });
            for (int i = 0; i < rounds / 4; i++) {
                send(echo, new Seq(me.pid(), i));
                assertThat(await(Seq.class).n()).isEqualTo(i);
            }
            kill(echo);
        }
    }

    /** Messages and the signals that follow them from the same process arrive in the order sent. */
    @Test
    void messagesBeforeExitAndDownFromSameSenderArriveFirst() {
        try (var me = attach()) {
            trapExit(true);
            Spawned sender = spawnMonitor(SpawnOptions.defaults().link(), () -> {
                for (int i = 0; i < 1_000; i++) {
                    send(me.pid(), new Seq(self(), i));
                }
                exit(ExitReason.of("done"));
            });
            Ref ref = sender.monitor();
            Down down = null;
            Exit exit = null;
            int seen = 0;
            while (down == null || exit == null) {
                Object m = receiveIf(x -> true, WAIT).orElseThrow(() -> new AssertionError("no message"));
                switch (m) {
                    case Seq s -> {
                        assertThat(down).as("a message after the Down").isNull();
                        assertThat(exit).as("a message after the Exit").isNull();
                        assertThat(s.n()).isEqualTo(seen++);
                    }
                    case Down d -> down = d;
                    case Exit e -> exit = e;
                    default -> throw new AssertionError("unexpected " + m);
                }
            }
            assertThat(seen).isEqualTo(1_000);
            assertThat(down).isEqualTo(new Down(ref, sender.pid(), ExitReason.of("done")));
            assertThat(exit).isEqualTo(new Exit(sender.pid(), ExitReason.of("done")));
        }
    }

    @Test
    void selectiveReceiveKeepsOrderOfSkipped() {
        try (var me = attach()) {
            for (int i = 1; i <= 10; i++) {
                send(me.pid(), i);
            }
            // Take the even ones: each receive takes the oldest match.
            for (int even = 2; even <= 10; even += 2) {
                Integer got = receive(m -> m instanceof Integer n && n % 2 == 0 ? n : Jarl.<Integer>skip(), WAIT)
                        .orElseThrow();
                assertThat(got).isEqualTo(even);
            }
            // A message that arrives now goes after the skipped ones.
            send(me.pid(), 11);
            assertThat(flush()).containsExactly(1, 3, 5, 7, 9, 11);
        }
    }

    @Test
    void selectiveReceiveWaitsForAMatchArrivingLater() {
        try (var me = attach()) {
            send(me.pid(), "noise");
            Pid sender = spawn(() -> {
                receive(String.class);
                send(me.pid(), 42);
            });
            send(sender, "go");
            assertThat(receive(Integer.class, WAIT)).contains(42);
            assertThat(flush()).containsExactly("noise");
        }
    }

    /** The variants without a timeout; the messages are queued already, the test's timeout bounds a failure. */
    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void receiveByTypeAndPredicate() {
        try (var me = attach()) {
            send(me.pid(), "a");
            send(me.pid(), 1);
            send(me.pid(), "b");
            assertThat(receive(Integer.class)).isEqualTo(1);
            assertThat(receiveIf(m -> m.equals("b"))).isEqualTo("b");
            assertThat(receive()).isEqualTo("a");
        }
    }

    @Test
    void receiveZeroTimeoutPolls() {
        try (var me = attach()) {
            assertThat(receive(Duration.ZERO)).isEmpty();
            send(me.pid(), "not an int");
            assertThat(receive(Integer.class, Duration.ZERO)).isEmpty();
            assertThat(receive(m -> m instanceof Integer i ? i : Jarl.<Integer>skip(), Duration.ZERO)).isEmpty();
            assertThat(receiveIf(m -> m instanceof Integer, Duration.ZERO)).isEmpty();
            send(me.pid(), 7);
            assertThat(receive(Integer.class, Duration.ZERO)).contains(7);
            assertThat(receive(Duration.ZERO)).contains("not an int");
            assertThat(receive(Duration.ZERO)).isEmpty();
        }
    }

    @Test
    void receiveTimesOutWhenNothingMatches() {
        try (var me = attach()) {
            send(me.pid(), "noise");
            assertThat(receive(Integer.class, Duration.ofMillis(20))).isEmpty();
            assertThat(receiveIf(m -> false, Duration.ofMillis(1))).isEmpty();
            assertThat(flush()).containsExactly("noise");
            assertThatThrownBy(() -> receive(Duration.ofMillis(-1))).isInstanceOf(IllegalArgumentException.class);
        }
    }

    /** A matcher leaves a message queued by returning {@link Jarl#skip()}, which is {@code null}. */
    @Test
    void matcherReturningSkipOrNullLeavesMessageQueued() {
        try (var me = attach()) {
            send(me.pid(), "x");
            assertThat(receive(m -> null, Duration.ZERO)).isEmpty();
            assertThat(receive(m -> Jarl.<String>skip(), Duration.ZERO)).isEmpty();
            assertThat(flush()).containsExactly("x");
        }
    }

    @Test
    void flushTakesEverythingInOrder() {
        try (var me = attach()) {
            assertThat(flush()).isEmpty();
            IntStream.range(0, 100).forEach(i -> send(me.pid(), i));
            assertThat(flush()).containsExactlyElementsOf(IntStream.range(0, 100).boxed().toList());
            assertThat(receive(Duration.ZERO)).isEmpty();
        }
    }

    @Test
    void sleepKeepsMessagesQueued() {
        try (var me = attach()) {
            send(me.pid(), "one");
            send(me.pid(), "two");
            sleep(Duration.ofMillis(5));
            assertThat(flush()).containsExactly("one", "two");
        }
    }

    /**
     * The receive-reference optimisation, for correctness: with a reference made just before,
     * the receive never looks at the messages queued before it (the matcher is not even called on
     * them), yet finds the reply and leaves the others in order.
     */
    @Test
    void receiveRefSinceSkipsOlderMessages() {
        try (var me = attach()) {
            for (int i = 0; i < 1_000; i++) {
                send(me.pid(), i);
            }
            Ref tag = makeRef();
            Pid server = spawn(() -> {
                Request r = receive(Request.class);
                send(r.from(), new Reply(r.tag(), r.value() * 2));
            });
            send(server, new Request(tag, me.pid(), 21));
            AtomicInteger looked = new AtomicInteger();
            Optional<Integer> reply = receive(tag, m -> {
                looked.incrementAndGet();
                return m instanceof Reply(Ref t, int v) && t.equals(tag) ? v : Jarl.<Integer>skip();
            }, WAIT);
            assertThat(reply).contains(42);
            assertThat(looked.get()).as("messages the matcher was shown").isEqualTo(1);
            assertThat(flush()).containsExactlyElementsOf(IntStream.range(0, 1_000).boxed().toList());
        }
    }

    /** If the process received anything after making the reference, the receive still works. */
    @Test
    void receiveRefSinceAfterAnotherReceiveStillFindsReply() {
        try (var me = attach()) {
            send(me.pid(), "old");
            Ref tag = makeRef();
            send(me.pid(), new Reply(tag, 1));
            send(me.pid(), "newer");
            assertThat(receive(Duration.ZERO)).contains("old"); // forgets the mark
            Optional<Integer> reply = receive(tag,
                    m -> m instanceof Reply(Ref t, int v) && t.equals(tag) ? v : Jarl.<Integer>skip(), WAIT);
            assertThat(reply).contains(1);
            assertThat(flush()).containsExactly("newer");

            // A reference the process did not make just before: a full scan, same result.
            Ref foreign = makeRef();
            Ref later = makeRef();
            send(me.pid(), new Reply(foreign, 2));
            assertThat(receive(foreign,
                    m -> m instanceof Reply(Ref t, int v) && t.equals(foreign) ? v : Jarl.<Integer>skip(), WAIT))
                    .contains(2);
            assertThat(later).isNotEqualTo(foreign);
        }
    }

    /**
     * A call's cost does not depend on the caller's mailbox (OTP: gen_server_SUITE
     * call_with_huge_message_queue), checked without timing: with 100,000 unrelated messages
     * queued, a gen-style call (monitor, send, receive since the monitor's reference) shows its
     * matcher only the reply, call after call.
     */
    @Test
    void callCostIndependentOfMailboxDepth() {
        try (var me = attach()) {
            Pid server = spawn(() -> {
                while (true) {
                    Request r = receive(Request.class);
                    send(r.from(), new Reply(r.tag(), r.value() + 1));
                }
            });
            for (int i = 0; i < 100_000; i++) {
                send(me.pid(), "unrelated " + i);
            }
            AtomicInteger looked = new AtomicInteger();
            for (int call = 0; call < 100; call++) {
                Ref mref = monitor(server);
                send(server, new Request(mref, me.pid(), call));
                int result = receive(mref, m -> {
                    looked.incrementAndGet();
                    return switch (m) {
                        case Reply(Ref t, int v) when t.equals(mref) -> v;
                        case Down d when d.ref().equals(mref) -> throw new AssertionError("server died: " + d);
                        default -> Jarl.<Integer>skip();
                    };
                }, WAIT).orElseThrow(() -> new AssertionError("no reply"));
                demonitor(mref, true);
                assertThat(result).isEqualTo(call + 1);
            }
            assertThat(looked.get()).as("messages shown to the matchers of 100 calls").isEqualTo(100);
            assertThat(info(me.pid()).orElseThrow().messageQueueLength()).isEqualTo(100_000);
            List<Object> rest = new ArrayList<>(flush());
            assertThat(rest).hasSize(100_000).startsWith("unrelated 0").endsWith("unrelated 99999");
            kill(server);
        }
    }

    /**
     * gen:call to a dead process: monitor (which gives an immediate noproc Down), then a receive
     * since the monitor's reference must see that Down; it arrived after the reference was made.
     */
    @Test
    void receiveRefSinceSeesNoprocDownOfMonitor() {
        Pid dead = deadProcess();
        try (var me = attach()) {
            send(me.pid(), "queued before");
            Ref mref = monitor(dead);
            Optional<Down> down = receive(mref,
                    m -> m instanceof Down d && d.ref().equals(mref) ? d : Jarl.<Down>skip(), Duration.ofSeconds(2));
            assertThat(down).as("the noproc Down of a monitor of a dead pid, received since its reference")
                    .contains(new Down(mref, dead, ExitReason.noproc()));

            Ref nref = monitor("messaging-test-nobody");
            Optional<Down> byName = receive(nref,
                    m -> m instanceof Down d && d.ref().equals(nref) ? d : Jarl.<Down>skip(), Duration.ofSeconds(2));
            assertThat(byName).as("the noproc Down of a monitor of an unknown name, received since its reference")
                    .contains(new Down(nref, "messaging-test-nobody", ExitReason.noproc()));
            flush();
        }
    }
}
