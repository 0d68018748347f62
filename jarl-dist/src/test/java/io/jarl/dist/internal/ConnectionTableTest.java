package io.jarl.dist.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jarl.dist.NodeName;
import io.jarl.dist.internal.ConnectionTable.State;
import io.jarl.dist.internal.PendingConnections.AcceptDecision;
import io.jarl.testing.NoLeakedProcesses;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** net_kernel's bookkeeping of pending and up connections, rule by rule. */
@ExtendWith(NoLeakedProcesses.class)
class ConnectionTableTest {
    static final NodeName A = NodeName.of("a", "h");
    static final NodeName B = NodeName.of("b", "h");
    final ConnectionTable table = new ConnectionTable();

    @Test
    void anAttemptFromAnUnknownPeerGoesOn() {
        HandshakeAttempt acceptor = new HandshakeAttempt(false);
        assertThat(table.acceptPending(A, B, true, acceptor)).isEqualTo(AcceptDecision.OK);
        assertThat(table.state(B)).contains(State.PENDING);
        assertThat(table.beginConnect(B)).isEmpty(); // pending: a caller waits for it rather than dialling
    }

    @Test
    void whileDiallingThePeerTheGreaterNameKeepsItsOwnAttempt() {
        HandshakeAttempt ours = table.beginConnect(A).orElseThrow();
        // we are b@h, the greater: the incoming attempt from a@h gets nok, ours goes on
        assertThat(table.acceptPending(B, A, true, new HandshakeAttempt(false))).isEqualTo(AcceptDecision.NOK);
        assertThat(ours.isCancelled()).isFalse();
        assertThat(table.isPending(A, ours)).isTrue();
    }

    @Test
    void whileDiallingThePeerTheSmallerNameGivesWay() {
        HandshakeAttempt ours = table.beginConnect(B).orElseThrow();
        HandshakeAttempt incoming = new HandshakeAttempt(false);
        // we are a@h, the smaller: our attempt is cancelled (remarked), the incoming one owns the entry
        assertThat(table.acceptPending(A, B, true, incoming)).isEqualTo(AcceptDecision.OK_SIMULTANEOUS);
        assertThat(ours.isCancelled()).isTrue();
        assertThat(ours.cancelReason().orElseThrow()).contains("remarked");
        assertThat(table.isPending(B, ours)).isFalse();
        assertThat(table.isPending(B, incoming)).isTrue();
        table.abandon(B, ours); // the cancelled attempt ending changes nothing
        assertThat(table.state(B)).contains(State.PENDING);
        assertThat(table.markUp(B, ours, () -> {})).isFalse();
        assertThat(table.markUp(B, incoming, () -> {})).isTrue();
    }

    @Test
    void anAttemptWhileUpIsAskedWhetherTheOldConnectionIsAliveAndASecondIsRefused() throws Exception {
        HandshakeAttempt first = table.beginConnect(B).orElseThrow();
        AtomicInteger closes = new AtomicInteger();
        AutoCloseable[] old = new AutoCloseable[1];
        old[0] = () -> {
            closes.incrementAndGet();
            table.connectionDown(B, old[0]);
        };
        assertThat(table.markUp(B, first, old[0])).isTrue();
        HandshakeAttempt replacing = new HandshakeAttempt(false);
        assertThat(table.acceptPending(A, B, true, replacing)).isEqualTo(AcceptDecision.ALIVE);
        assertThat(table.state(B)).contains(State.UP_PENDING);
        assertThat(table.acceptPending(A, B, true, new HandshakeAttempt(false)))
                .isEqualTo(AcceptDecision.ALREADY_PENDING);
        table.waitPending(B, replacing, Duration.ofSeconds(5));
        assertThat(closes).hasValue(1);
        assertThat(table.state(B)).contains(State.PENDING);
        assertThat(table.isPending(B, replacing)).isTrue();
    }

    @Test
    void anAbandonedReplacementLeavesTheOldConnectionUp() {
        HandshakeAttempt first = table.beginConnect(B).orElseThrow();
        assertThat(table.markUp(B, first, () -> {})).isTrue();
        HandshakeAttempt replacing = new HandshakeAttempt(false);
        assertThat(table.acceptPending(A, B, true, replacing)).isEqualTo(AcceptDecision.ALIVE);
        table.abandon(B, replacing);
        assertThat(table.state(B)).contains(State.UP);
    }

    @Test
    void waitingForAnOldConnectionThatDoesNotEndTimesOut() {
        HandshakeAttempt first = table.beginConnect(B).orElseThrow();
        assertThat(table.markUp(B, first, () -> {})).isTrue(); // closing it never reports it down
        HandshakeAttempt replacing = new HandshakeAttempt(false);
        table.acceptPending(A, B, true, replacing);
        assertThatThrownBy(() -> table.waitPending(B, replacing, Duration.ofMillis(50)))
                .isInstanceOf(TimeoutException.class).hasMessageContaining("did not end within 50 ms");
    }

    @Test
    void aConnectionThatGoesDownLeavesNoEntry() throws Exception {
        HandshakeAttempt attempt = table.beginConnect(B).orElseThrow();
        AutoCloseable connection = () -> {};
        assertThat(table.awaitSettled(B, Duration.ZERO)).contains(State.PENDING);
        assertThat(table.markUp(B, attempt, connection)).isTrue();
        assertThat(table.awaitSettled(B, Duration.ofSeconds(1))).contains(State.UP);
        table.connectionDown(B, () -> {}); // another connection: ignored
        assertThat(table.state(B)).contains(State.UP);
        table.connectionDown(B, connection);
        assertThat(table.state(B)).isEmpty();
        assertThat(table.beginConnect(B)).isPresent();
    }

    @Test
    void aFailedDialLeavesNoEntry() throws Exception {
        HandshakeAttempt attempt = table.beginConnect(B).orElseThrow();
        Thread.ofVirtual().start(() -> table.abandon(B, attempt));
        assertThat(table.awaitSettled(B, Duration.ofSeconds(5))).isEmpty();
    }
}
