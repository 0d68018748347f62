package io.jarl.dist.internal;

import static io.jarl.dist.internal.DistFlags.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jarl.dist.Cookie;
import io.jarl.dist.HandshakeException;
import io.jarl.dist.HandshakeException.Reason;
import io.jarl.dist.NodeName;
import io.jarl.testing.LogCapture;
import io.jarl.testing.NoLeakedProcesses;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The handshake between Java nodes, and against raw peers that follow or break the protocol. */
@ExtendWith(NoLeakedProcesses.class)
class HandshakeTest {
    static final Cookie COOKIE = Cookie.of("SECRET");
    static final Duration WAIT = Duration.ofSeconds(10);

    final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : toClose.reversed()) {
            c.close();
        }
    }

    private TestNode node(String alive) {
        return closeLater(TestNode.start(alive, COOKIE));
    }

    private <T extends AutoCloseable> T closeLater(T closeable) {
        toClose.add(closeable);
        return closeable;
    }

    private static Reason reasonOf(Throwable t) {
        return ((HandshakeException) t).reason();
    }

    // ---------------------------------------------------------------------------------------------
    // Java to Java

    @Test
    void aJavaNodeConnectsToAnother() throws Exception {
        TestNode a = node("a");
        TestNode b = node("b");
        HandshakeResult dialled = a.dial(b);
        HandshakeResult accepted = b.awaitAccepted();

        assertThat(dialled.self()).isEqualTo(a.name);
        assertThat(dialled.peer()).isEqualTo(b.name);
        assertThat(dialled.peerCreation()).isEqualTo(b.config.creation());
        assertThat(dialled.initiatedByUs()).isTrue();
        assertThat(dialled.negotiatedFlags()).isEqualTo(DEFAULT_OFFERED | PUBLISHED);
        assertThat(dialled.visible()).isTrue();
        assertThat(accepted.self()).isEqualTo(b.name);
        assertThat(accepted.peer()).isEqualTo(a.name);
        assertThat(accepted.peerCreation()).isEqualTo(a.config.creation());
        assertThat(accepted.initiatedByUs()).isFalse();
        assertThat(accepted.peerFlags()).isEqualTo(DEFAULT_OFFERED | PUBLISHED);
        assertThat(accepted.negotiatedFlags()).isEqualTo(dialled.negotiatedFlags());

        // the connection carries what follows the handshake, nothing lost and nothing extra
        dialled.out().write(new byte[] {0, 0, 0, 0, 0, 0, 0, 2, 'h', 'i'});
        dialled.out().flush();
        assertThat(accepted.in().readNBytes(10)).containsExactly(0, 0, 0, 0, 0, 0, 0, 2, 'h', 'i');
        accepted.out().write(new byte[] {0, 0, 0, 0});
        accepted.out().flush();
        assertThat(dialled.in().readNBytes(4)).containsExactly(0, 0, 0, 0);

        assertThat(a.table.markUp(b.name, dialled.attempt(), dialled.socket())).isTrue();
        assertThat(b.table.markUp(a.name, accepted.attempt(), accepted.socket())).isTrue();
        assertThat(a.table.state(b.name)).contains(ConnectionTable.State.UP);
        assertThat(b.table.state(a.name)).contains(ConnectionTable.State.UP);
    }

    /** dist_util:publish_type/1: a connection is visible only if both sides publish. */
    @Test
    void aHiddenNodeMakesTheConnectionHidden() throws Exception {
        TestNode a = closeLater(TestNode.start("a", COOKIE, c -> c.withHidden(true), 16));
        TestNode b = node("b");
        HandshakeResult dialled = a.dial(b);
        HandshakeResult accepted = b.awaitAccepted();
        assertThat(dialled.visible()).isFalse();
        assertThat(accepted.visible()).isFalse();
        assertThat(accepted.peerFlags() & PUBLISHED).isZero();
        assertThat(dialled.peerFlags() & PUBLISHED).isEqualTo(PUBLISHED);
        assertThat(dialled.negotiatedFlags()).isEqualTo(DEFAULT_OFFERED);
    }

    @Test
    void aWrongCookieIsRefusedOnBothSidesWithOneLogLineEach() throws Exception {
        TestNode a = closeLater(TestNode.start("a", Cookie.of("WRONG"), c -> c, 16));
        TestNode b = node("b");
        try (LogCapture log = LogCapture.start()) {
            assertThatThrownBy(() -> a.dial(b)).isInstanceOf(HandshakeException.class)
                    .hasMessageContaining("cookie most likely differs")
                    .extracting(HandshakeTest::reasonOf).isEqualTo(Reason.BAD_COOKIE);
            HandshakeException refused = b.awaitFailure();
            assertThat(refused.reason()).isEqualTo(Reason.BAD_COOKIE);
            assertThat(refused.peer()).contains(a.name);
            assertThat(log.linesContaining("Connection attempt from node a@h rejected. Invalid challenge reply."))
                    .hasSize(1);
            assertThat(log.linesContaining("Connection attempt to node b@h failed")).hasSize(1);
            assertThat(log.text()).doesNotContain("\tat ").doesNotContain("SECRET").doesNotContain("WRONG");
        }
        assertThat(a.table.state(b.name)).isEmpty();
        assertThat(b.table.state(a.name)).isEmpty();
    }

    /** recv_challenge_ack: an acknowledgement that does not match our challenge is refused. */
    @Test
    void anInvalidChallengeAckIsRefused() throws Exception {
        TestNode a = node("a");
        NodeName fake = NodeName.of("fake", "h");
        try (FakeServer acceptor = FakeServer.start(s -> {
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            Frames.receive(in);
            Frames.send(out, "sok".getBytes(StandardCharsets.ISO_8859_1));
            Frames.send(out, Frames.challenge(DEFAULT_OFFERED | PUBLISHED, 42, 7, fake.toString()));
            byte[] reply = Frames.receive(in);
            int theirs = Frames.getInt(reply, 1);
            Frames.send(out, Frames.ack(Frames.md5("OTHER", theirs)));
            FakeServer.holdUntilClosed(s);
        }); LogCapture log = LogCapture.start()) {
            HandshakeAttempt attempt = a.table.beginConnect(fake).orElseThrow();
            assertThatThrownBy(() -> a.dial(fake, acceptor.address(), attempt))
                    .hasMessageContaining("does not match our cookie")
                    .extracting(HandshakeTest::reasonOf).isEqualTo(Reason.BAD_COOKIE);
            assertThat(log.linesContaining("Connection attempt to node fake@h cancelled. Invalid challenge ack."))
                    .hasSize(1);
        }
    }

    /** check_dflags/2 on the acceptor: not_allowed, and the missing flags by name. */
    @Test
    void aPeerLackingRequiredFlagsIsRefused() throws Exception {
        TestNode a = closeLater(TestNode.start("a", COOKIE, c -> c.withFlags(DEFAULT_OFFERED & ~ALIAS, DEFAULT_REQUIRED), 16));
        TestNode b = closeLater(TestNode.start("b", COOKIE, c -> c.withFlags(DEFAULT_OFFERED, DEFAULT_REQUIRED | ALIAS), 16));
        try (LogCapture log = LogCapture.start()) {
            assertThatThrownBy(() -> a.dial(b)).hasMessageContaining("not_allowed")
                    .extracting(HandshakeTest::reasonOf).isEqualTo(Reason.NOT_ALLOWED);
            HandshakeException refused = b.awaitFailure();
            assertThat(refused.reason()).isEqualTo(Reason.MISSING_FLAGS);
            assertThat(refused).hasMessageContaining("cannot handle [ALIAS]");
            assertThat(log.linesContaining("Connection attempt from node a@h rejected since it cannot handle [ALIAS]"))
                    .hasSize(1);
        }
    }

    /** check_dflags/2 on the initiator: it aborts. */
    @Test
    void theInitiatorAbortsWhenTheAcceptorLacksRequiredFlags() throws Exception {
        TestNode a = closeLater(TestNode.start("a", COOKIE, c -> c.withFlags(DEFAULT_OFFERED, DEFAULT_REQUIRED | ALIAS), 16));
        TestNode b = closeLater(TestNode.start("b", COOKIE, c -> c.withFlags(DEFAULT_OFFERED & ~ALIAS, DEFAULT_REQUIRED), 16));
        try (LogCapture log = LogCapture.start()) {
            assertThatThrownBy(() -> a.dial(b)).hasMessageContaining("aborted since it cannot handle [ALIAS]")
                    .extracting(HandshakeTest::reasonOf).isEqualTo(Reason.MISSING_FLAGS);
            assertThat(b.awaitFailure().reason()).isEqualTo(Reason.CLOSED);
            assertThat(log.linesContaining("Connection attempt to node b@h aborted since it cannot handle [ALIAS]"))
                    .hasSize(1);
        }
    }

    @Test
    void theAcceptorMustAnswerWithTheNameThatWasDialled() throws Exception {
        TestNode a = node("a");
        TestNode b = node("b");
        NodeName wrong = NodeName.of("c", "h");
        HandshakeAttempt attempt = a.table.beginConnect(wrong).orElseThrow();
        assertThatThrownBy(() -> a.dial(wrong, b.address(), attempt))
                .hasMessageContaining("we dialled c@h but the node there calls itself 'b@h'")
                .extracting(HandshakeTest::reasonOf).isEqualTo(Reason.NAME_MISMATCH);
        assertThat(a.table.state(wrong)).isEmpty();
    }

    /** net_kernel:allow/1. */
    @Test
    void aDisallowedNodeIsRefused() throws Exception {
        TestNode a = node("a");
        TestNode b = closeLater(TestNode.start("b", COOKIE, c -> c.withAllowed(n -> n.alive().equals("friend")), 16));
        try (LogCapture log = LogCapture.start()) {
            assertThatThrownBy(() -> a.dial(b)).extracting(HandshakeTest::reasonOf).isEqualTo(Reason.NOT_ALLOWED);
            assertThat(b.awaitFailure().reason()).isEqualTo(Reason.NOT_ALLOWED);
            assertThat(log.linesContaining("Connection attempt from disallowed node a@h")).hasSize(1);
        }
        TestNode friend = node("friend");
        assertThat(friend.dial(b).peer()).isEqualTo(b.name);
    }

    /**
     * net_kernel's accept_pending: when two nodes dial each other at once, the greater name keeps
     * its own attempt, the other node accepts it, and exactly one connection results.
     */
    @Test
    void aSimultaneousConnectEndsWithOneConnection() throws Exception {
        for (int round = 0; round < 10; round++) {
            try (TestNode a = TestNode.start("a" + round, COOKIE); TestNode b = TestNode.start("b" + round, COOKIE)) {
                assertThat(a.name).isLessThan(b.name);
                HandshakeAttempt fromA = a.table.beginConnect(b.name).orElseThrow();
                HandshakeAttempt fromB = b.table.beginConnect(a.name).orElseThrow();
                CompletableFuture<HandshakeResult> aDials = dialAsync(a, b, fromA);
                CompletableFuture<HandshakeResult> bDials = dialAsync(b, a, fromB);

                HandshakeResult winner = bDials.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
                assertThat(winner.peer()).isEqualTo(a.name);
                assertThatThrownBy(() -> aDials.get(WAIT.toMillis(), TimeUnit.MILLISECONDS))
                        .isInstanceOf(ExecutionException.class).cause()
                        .extracting(HandshakeTest::reasonOf).isIn(Reason.SIMULTANEOUS_NOK, Reason.SUPERSEDED);
                assertThat(fromA.isCancelled()).isTrue();
                HandshakeResult acceptedByA = a.awaitAccepted();
                assertThat(acceptedByA.peer()).isEqualTo(b.name);

                assertThat(a.table.markUp(b.name, acceptedByA.attempt(), acceptedByA.socket())).isTrue();
                assertThat(b.table.markUp(a.name, winner.attempt(), winner.socket())).isTrue();
                assertThat(a.table.markUp(b.name, fromA, null)).isFalse();
                assertThat(b.accepted).isEmpty();
                winner.socket().close();
            }
        }
    }

    private static CompletableFuture<HandshakeResult> dialAsync(TestNode from, TestNode to, HandshakeAttempt attempt) {
        CompletableFuture<HandshakeResult> result = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                result.complete(from.dial(to.name, to.address(), attempt));
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        });
        return result;
    }

    /**
     * mark_pending with up_pending: a node that comes back while the acceptor still has its old
     * connection up is asked whether that one is dead ("alive"); it is, so it is closed and the new
     * connection replaces it.
     */
    @Test
    void aNodeThatComesBackReplacesItsOldConnection() throws Exception {
        TestNode a = node("a");
        TestNode b = node("b");
        HandshakeResult first = a.dial(b);
        HandshakeResult firstAccepted = b.awaitAccepted();
        AtomicBoolean oldClosed = new AtomicBoolean();
        AutoCloseable oldConnection = new AutoCloseable() {
            @Override
            public void close() throws IOException {
                oldClosed.set(true);
                firstAccepted.socket().close();
                b.table.connectionDown(a.name, this);
            }
        };
        assertThat(b.table.markUp(a.name, firstAccepted.attempt(), oldConnection)).isTrue();

        // a restarts: a fresh table that knows nothing of the old connection
        ConnectionTable restarted = new ConnectionTable();
        HandshakeAttempt again = restarted.beginConnect(b.name).orElseThrow();
        HandshakeResult second = Handshake.initiate(a.config, b.name, b.address(), restarted, again);
        closeLater(second.socket());
        HandshakeResult secondAccepted = b.awaitAccepted();
        assertThat(secondAccepted.peer()).isEqualTo(a.name);
        assertThat(oldClosed).isTrue();
        assertThat(first.in().read()).isEqualTo(-1); // the old connection is gone
        assertThat(b.table.state(a.name)).contains(ConnectionTable.State.PENDING);
        assertThat(b.table.markUp(a.name, secondAccepted.attempt(), secondAccepted.socket())).isTrue();
    }

    /** recv_status "alive": an initiator with no such attempt pending answers false, and it ends. */
    @Test
    void aNodeWhoseOldConnectionIsAliveIsTurnedAway() throws Exception {
        TestNode a = node("a");
        TestNode b = node("b");
        a.dial(b);
        HandshakeResult firstAccepted = b.awaitAccepted();
        assertThat(b.table.markUp(a.name, firstAccepted.attempt(), firstAccepted.socket())).isTrue();

        HandshakeAttempt notPending = new HandshakeAttempt(true); // not in a's table
        assertThatThrownBy(() -> a.dial(b.name, b.address(), notPending))
                .extracting(HandshakeTest::reasonOf).isEqualTo(Reason.ALIVE_REFUSED);
        assertThat(b.awaitFailure().reason()).isEqualTo(Reason.ALIVE_REFUSED);
        assertThat(b.table.state(a.name)).contains(ConnectionTable.State.UP);
    }

    /** A node without a name of its own asks the acceptor for one (NAME_ME, status named:). */
    @Test
    void aNodeWithoutANameIsNamedByTheAcceptor() throws Exception {
        TestNode b = node("b");
        HandshakeConfig anonymous = HandshakeConfig.dynamic("h", COOKIE);
        ConnectionTable table = new ConnectionTable();
        HandshakeResult named = Handshake.initiate(anonymous, b.name, b.address(), table,
                table.beginConnect(b.name).orElseThrow());
        closeLater(named.socket());
        HandshakeResult accepted = b.awaitAccepted();
        assertThat(named.self().host()).isEqualTo("h");
        assertThat(named.self().alive()).matches("[0-9A-Z]+");
        assertThat(named.selfCreation()).isNotZero();
        assertThat(accepted.peer()).isEqualTo(named.self());
        assertThat(accepted.peerCreation()).isEqualTo(named.selfCreation());
        assertThat(named.has(NAME_ME)).isTrue();
        assertThat(named.visible()).isFalse();
        assertThat(b.table.state(named.self())).contains(ConnectionTable.State.PENDING);
    }

    // ---------------------------------------------------------------------------------------------
    // Raw peers that speak the protocol exactly (bytes built by the test, not by the code under test)

    /** OTP 25+ accepts MANDATORY_25_DIGEST alone in place of the eleven flags. */
    @Test
    void aRawPeerOfferingTheDigestCompletesTheHandshake() throws Exception {
        TestNode b = node("b");
        long flags = MANDATORY_25_DIGEST | V4_NC | UNLINK_ID | PUBLISHED | SPAWN;
        try (Socket s = connect(b)) {
            InputStream in = s.getInputStream();
            Frames.send(s.getOutputStream(), Frames.name(flags, 0x6b0128e9, "raw@h"));
            assertThat(new String(Frames.receive(in), StandardCharsets.ISO_8859_1)).isEqualTo("sok");
            byte[] challenge = Frames.receive(in);
            assertThat(challenge[0]).isEqualTo((byte) 'N');
            assertThat(Frames.getLong(challenge, 1)).isEqualTo(DEFAULT_OFFERED | PUBLISHED);
            assertThat(Frames.getInt(challenge, 13)).isEqualTo(b.config.creation());
            assertThat(new String(challenge, 19, challenge.length - 19, StandardCharsets.ISO_8859_1)).isEqualTo("b@h");
            int theirs = Frames.getInt(challenge, 9);
            int ours = 0xa00ddcf5;
            Frames.send(s.getOutputStream(), Frames.reply(ours, Frames.md5("SECRET", theirs)));
            byte[] ack = Frames.receive(in);
            assertThat(ack).hasSize(17);
            assertThat(Arrays.copyOfRange(ack, 1, 17)).isEqualTo(Frames.md5("SECRET", ours));
            HandshakeResult accepted = b.awaitAccepted();
            assertThat(accepted.peer()).isEqualTo(NodeName.of("raw", "h"));
            assertThat(accepted.peerCreation()).isEqualTo(0x6b0128e9);
            assertThat(accepted.peerFlags()).isEqualTo(flags | MANDATORY_25);
            assertThat(accepted.negotiatedFlags()).isEqualTo((DEFAULT_OFFERED | PUBLISHED) & (flags | MANDATORY_25));
        }
    }

    /** recv_name_old and recv_complement (OTP 25.3+): 'n' with HANDSHAKE_23, then 'c'. */
    @Test
    void anOldNameMessageWithHandshake23IsFollowedByItsComplement() throws Exception {
        TestNode b = node("b");
        int low = (int) (MANDATORY_25 | UNLINK_ID | DIST_MONITOR);
        try (Socket s = connect(b)) {
            InputStream in = s.getInputStream();
            Frames.send(s.getOutputStream(), Frames.oldName(low, "old@h"));
            assertThat(new String(Frames.receive(in), StandardCharsets.ISO_8859_1)).isEqualTo("sok");
            byte[] challenge = Frames.receive(in);
            assertThat(challenge[0]).isEqualTo((byte) 'N'); // always the new form
            byte[] complement = new byte[9];
            complement[0] = 'c';
            Frames.putInt(complement, 1, (int) ((V4_NC | SPAWN) >>> 32));
            Frames.putInt(complement, 5, 77);
            Frames.send(s.getOutputStream(), complement);
            Frames.send(s.getOutputStream(), Frames.reply(5, Frames.md5("SECRET", Frames.getInt(challenge, 9))));
            assertThat(Frames.receive(in)).hasSize(17);
            HandshakeResult accepted = b.awaitAccepted();
            assertThat(accepted.peerCreation()).isEqualTo(77);
            assertThat(accepted.peerFlags()).isEqualTo(Integer.toUnsignedLong(low) | V4_NC | SPAWN);
        }
    }

    /** The bytes JInterface 1.6.1 sends: no HANDSHAKE_23, so not_allowed. */
    @Test
    void anOldNameMessageWithoutHandshake23IsRefused() throws Exception {
        TestNode b = node("b");
        try (Socket s = connect(b); LogCapture log = LogCapture.start()) {
            s.getOutputStream().write(new byte[] {0, 14, 'n', 0, 5, 0, 3, 0x0d, (byte) 0x94, 'j', '1', '6', '1', '@',
                    'v', 'm'});
            assertThat(new String(Frames.receive(s.getInputStream()), StandardCharsets.ISO_8859_1))
                    .isEqualTo("snot_allowed");
            assertThat(s.getInputStream().read()).isEqualTo(-1);
            HandshakeException refused = b.awaitFailure();
            assertThat(refused.reason()).isEqualTo(Reason.MISSING_FLAGS);
            assertThat(refused.getMessage()).contains("HANDSHAKE_23", "BIG_CREATION", "EXPORT_PTR_TAG")
                    .doesNotContain("V4_NC"); // the upper flags are checked only after the complement
            assertThat(log.linesContaining("j161@vm rejected since it cannot handle")).hasSize(1);
        }
    }

    @Test
    void anOldNameMessageWithoutItsComplementFails() throws Exception {
        TestNode b = node("b");
        try (Socket s = connect(b)) {
            InputStream in = s.getInputStream();
            Frames.send(s.getOutputStream(), Frames.oldName((int) (MANDATORY_25 | UNLINK_ID), "old@h"));
            Frames.receive(in);
            byte[] challenge = Frames.receive(in);
            Frames.send(s.getOutputStream(), Frames.reply(5, Frames.md5("SECRET", Frames.getInt(challenge, 9))));
            HandshakeException failure = b.awaitFailure();
            assertThat(failure.reason()).isEqualTo(Reason.PROTOCOL);
            assertThat(failure).hasMessageContaining("instead of the complement ('c', 9 bytes)");
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Malformed input: every failure is prompt and precise, never a hang

    @Test
    void malformedNameMessagesAreRefusedPrecisely() throws Exception {
        TestNode b = node("b");
        assertRefused(b, new byte[] {0, 0}, Reason.PROTOCOL, "an empty message instead of the name");
        assertRefused(b, new byte[] {0, 3, 'x', 1, 2}, Reason.PROTOCOL, "opened with message tag 120");
        assertRefused(b, frame(Arrays.copyOf(Frames.name(DEFAULT_OFFERED, 1, "a@h"), 16)), Reason.PROTOCOL,
                "whose name does not fit in it");
        assertRefused(b, frame(Frames.name(DEFAULT_OFFERED, 1, "nohost")), Reason.PROTOCOL,
                "sent 'nohost' as its name, which is not a node name: invalid node name 'nohost': no '@'");
        assertRefused(b, frame(Frames.name(DEFAULT_OFFERED, 1, "a@b@c")), Reason.PROTOCOL, "exactly one '@'");
        assertRefused(b, frame(Frames.name(DEFAULT_OFFERED | NAME_ME, 1, "a@h")), Reason.PROTOCOL,
                "asked for a name on the host 'a@h', which is not a host");
        assertRefused(b, frame(Frames.oldName(0, "")), Reason.PROTOCOL, "too short");
        assertRefused(b, new byte[] {0, 10, 'N', 0, 0}, Reason.CLOSED, "(3 of 10 bytes had arrived)");
        assertRefused(b, new byte[] {0}, Reason.CLOSED, "closed the connection while we waited for its name");
    }

    @Test
    void fuzzedInputNeverHangsTheAcceptor() throws Exception {
        TestNode b = node("b");
        Random random = new Random(20250704);
        Set<Reason> allowed = EnumSet.of(Reason.PROTOCOL, Reason.CLOSED, Reason.MISSING_FLAGS);
        try (LogCapture ignored = LogCapture.start()) {
            for (int i = 0; i < 300; i++) {
                byte[] input = switch (i % 4) {
                    case 0 -> randomBytes(random, random.nextInt(40));
                    case 1 -> frame(randomBytes(random, 1 + random.nextInt(40)), (byte) "Nnxa".charAt(random.nextInt(4)));
                    case 2 -> {
                        byte[] valid = frame(Frames.name(random.nextLong(), random.nextInt(), "f" + i + "@h"));
                        yield Arrays.copyOf(valid, random.nextInt(valid.length + 1));
                    }
                    default -> frame(Frames.name(random.nextLong() | DEFAULT_REQUIRED, random.nextInt(),
                            new String(randomBytes(random, random.nextInt(12)), StandardCharsets.ISO_8859_1)));
                };
                try (Socket s = connect(b)) {
                    s.getOutputStream().write(input);
                    s.shutdownOutput();
                    s.getInputStream().readAllBytes(); // whatever the acceptor answers, until it closes
                }
                HandshakeException failure = b.awaitFailure();
                assertThat(failure.reason()).as("input %d: %s", i, failure.getMessage()).isIn(allowed);
            }
        }
        assertThat(b.accepted).isEmpty();
        assertThat(b.acceptor.pendingCount()).isZero();
    }

    @Test
    void fuzzedRepliesNeverHangTheInitiator() throws Exception {
        Random random = new Random(20250705);
        NodeName fake = NodeName.of("fake", "h");
        HandshakeConfig config = HandshakeConfig.of(NodeName.of("a", "h"), 5, COOKIE).withSetupTime(Duration.ofMillis(300));
        byte[] challenge = Frames.challenge(DEFAULT_OFFERED | PUBLISHED, 1, 2, "fake@h");
        try (LogCapture ignored = LogCapture.start()) {
            for (int i = 0; i < 150; i++) {
                byte[] reply = switch (i % 3) {
                    case 0 -> randomBytes(random, random.nextInt(40));
                    case 1 -> frame(randomBytes(random, 1 + random.nextInt(30)), (byte) "sNa".charAt(random.nextInt(3)));
                    default -> {
                        byte[] valid = new byte[5 + 2 + challenge.length];
                        System.arraycopy(frame("sok".getBytes(StandardCharsets.ISO_8859_1)), 0, valid, 0, 5);
                        byte[] corrupted = challenge.clone();
                        corrupted[random.nextInt(corrupted.length)] = (byte) random.nextInt(256);
                        System.arraycopy(frame(corrupted), 0, valid, 5, 2 + corrupted.length);
                        yield Arrays.copyOf(valid, random.nextInt(valid.length + 1));
                    }
                };
                try (FakeServer acceptor = FakeServer.start(s -> {
                    Frames.receive(s.getInputStream());
                    s.getOutputStream().write(reply);
                    s.shutdownOutput();
                    s.getInputStream().readAllBytes();
                })) {
                    ConnectionTable table = new ConnectionTable();
                    HandshakeAttempt attempt = table.beginConnect(fake).orElseThrow();
                    long start = System.nanoTime();
                    try {
                        Handshake.initiate(config, fake, acceptor.address(), table, attempt).socket().close();
                        throw new AssertionError("input " + i + " completed a handshake without the cookie");
                    } catch (HandshakeException e) {
                        assertThat(e.reason()).as("input %d: %s", i, e.getMessage()).isIn(Reason.PROTOCOL,
                                Reason.CLOSED, Reason.NAME_MISMATCH, Reason.MISSING_FLAGS, Reason.BAD_COOKIE,
                                Reason.SIMULTANEOUS_NOK, Reason.NOT_ALLOWED);
                    }
                    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
                    assertThat(table.state(fake)).isEmpty();
                }
            }
        }
    }

    @Test
    void aTruncatedOrSilentPeerTimesOutWithinTheSetupTime() throws Exception {
        TestNode b = closeLater(TestNode.start("b", COOKIE, c -> c.withSetupTime(Duration.ofMillis(300)), 16));
        try (Socket truncated = connect(b); Socket silent = connect(b)) {
            truncated.getOutputStream().write(new byte[] {0, 100, 'N', 0, 0, 0});
            long start = System.nanoTime();
            HandshakeException first = b.awaitFailure();
            HandshakeException second = b.awaitFailure();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
            assertThat(List.of(first.reason(), second.reason())).containsOnly(Reason.TIMEOUT);
            assertThat(first.getMessage() + second.getMessage()).contains("within the setup time of 300 ms");
            assertThat(truncated.getInputStream().read()).isEqualTo(-1);
            assertThat(silent.getInputStream().read()).isEqualTo(-1);
        }
    }

    @Test
    void theInitiatorRefusesBrokenAcceptorsPromptly() throws Exception {
        byte[] goodChallenge = Frames.challenge(DEFAULT_OFFERED | PUBLISHED, 1, 2, "fake@h");
        assertInitiatorFails(List.of(new byte[] {'x', 'o', 'k'}), Reason.PROTOCOL, "instead of a status ('s')");
        assertInitiatorFails(List.of("sbogus".getBytes(StandardCharsets.ISO_8859_1)), Reason.PROTOCOL,
                "unknown status 'bogus'");
        assertInitiatorFails(List.of("snot_allowed".getBytes(StandardCharsets.ISO_8859_1)), Reason.NOT_ALLOWED,
                "status not_allowed");
        assertInitiatorFails(List.of("sok".getBytes(StandardCharsets.ISO_8859_1), Arrays.copyOf(goodChallenge, 18)),
                Reason.PROTOCOL, "instead of the challenge ('N', at least 19 bytes)");
        byte[] overrun = goodChallenge.clone();
        overrun[18] = 99;
        assertInitiatorFails(List.of("sok".getBytes(StandardCharsets.ISO_8859_1), overrun), Reason.PROTOCOL,
                "whose name runs past its end");
        assertInitiatorFails(List.of("sok".getBytes(StandardCharsets.ISO_8859_1),
                Frames.challenge(MANDATORY_25, 1, 2, "fake@h")), Reason.MISSING_FLAGS, "cannot handle [UNLINK_ID, V4_NC]");
        assertInitiatorFails(List.of("sok".getBytes(StandardCharsets.ISO_8859_1), goodChallenge, new byte[] {'a', 1}),
                Reason.PROTOCOL, "instead of the challenge acknowledgement ('a', 17 bytes)");
        assertInitiatorFails(List.of(), Reason.CLOSED, "closed the connection while we waited for its status");
        assertInitiatorFails(null, Reason.TIMEOUT, "no status from node fake@h within the setup time of 300 ms");
        assertInitiatorFails(List.of("snok".getBytes(StandardCharsets.ISO_8859_1)), Reason.SIMULTANEOUS_NOK,
                "did not reach us within the setup time");
    }

    /** A peer that opens connections and never finishes cannot hold more than the cap. */
    @Test
    void pendingHandshakesAreCapped() throws Exception {
        TestNode b = closeLater(TestNode.start("b", COOKIE, c -> c.withSetupTime(Duration.ofSeconds(30)), 1));
        try (LogCapture log = LogCapture.start(); Socket holding = connect(b); Socket refused = connect(b)) {
            assertThat(refused.getInputStream().read()).isEqualTo(-1); // closed at once: one handshake is pending
            assertThat(b.acceptor.refusedCount()).isEqualTo(1);
            assertThat(log.linesContaining("handshakes are already in progress (the cap)")).hasSize(1);
            holding.close();
            assertThat(b.awaitFailure().reason()).isEqualTo(Reason.CLOSED);
        }
        TestNode a = node("a");
        assertThat(a.dial(b).peer()).isEqualTo(b.name); // the slot is free again
    }

    // ---------------------------------------------------------------------------------------------

    private static void assertRefused(TestNode node, byte[] input, Reason reason, String message) throws Exception {
        try (Socket s = connect(node)) {
            s.getOutputStream().write(input);
            s.shutdownOutput();
            s.getInputStream().readAllBytes();
        }
        HandshakeException failure = node.awaitFailure();
        assertThat(failure.reason()).as(failure.getMessage()).isEqualTo(reason);
        assertThat(failure).hasMessageContaining(message);
    }

    /**
     * Dials a fake acceptor that reads the name, sends {@code replies} one message each (null: sends
     * nothing and holds the connection; an empty list: closes at once), and expects the failure.
     */
    private void assertInitiatorFails(List<byte[]> replies, Reason reason, String message) throws Exception {
        NodeName fake = NodeName.of("fake", "h");
        HandshakeConfig config = HandshakeConfig.of(NodeName.of("a", "h"), 5, COOKIE).withSetupTime(Duration.ofMillis(300));
        try (FakeServer acceptor = FakeServer.start(s -> {
            Frames.receive(s.getInputStream());
            if (replies == null) {
                FakeServer.holdUntilClosed(s);
                return;
            }
            for (byte[] reply : replies) {
                Frames.send(s.getOutputStream(), reply);
            }
            if (!replies.isEmpty()) {
                FakeServer.holdUntilClosed(s);
            }
        })) {
            ConnectionTable table = new ConnectionTable();
            HandshakeAttempt attempt = table.beginConnect(fake).orElseThrow();
            long start = System.nanoTime();
            assertThatThrownBy(() -> Handshake.initiate(config, fake, acceptor.address(), table, attempt))
                    .isInstanceOf(HandshakeException.class).hasMessageContaining(message)
                    .extracting(HandshakeTest::reasonOf).isEqualTo(reason);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
            assertThat(table.state(fake)).isEmpty();
        }
    }

    private static Socket connect(TestNode node) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), node.acceptor.port()), 2000);
        s.setSoTimeout((int) WAIT.toMillis());
        return s;
    }

    private static byte[] frame(byte[] payload) {
        byte[] f = new byte[2 + payload.length];
        f[0] = (byte) (payload.length >>> 8);
        f[1] = (byte) payload.length;
        System.arraycopy(payload, 0, f, 2, payload.length);
        return f;
    }

    private static byte[] frame(byte[] payload, byte tag) {
        payload[0] = tag;
        return frame(payload);
    }

    private static byte[] randomBytes(Random random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }
}
