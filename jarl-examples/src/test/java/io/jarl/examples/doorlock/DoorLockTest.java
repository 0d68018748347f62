package io.jarl.examples.doorlock;

import static org.assertj.core.api.Assertions.assertThat;

import io.jarl.Down;
import io.jarl.ExitReason;
import io.jarl.Jarl;
import io.jarl.Pid;
import io.jarl.Ref;
import io.jarl.server.Sys;
import io.jarl.statem.GenStateMachine;
import io.jarl.statem.MachineStatus;
import io.jarl.statem.StateAndData;
import io.jarl.supervisor.ChildSpec;
import io.jarl.supervisor.Supervisor;
import io.jarl.supervisor.SupervisorFlags;
import io.jarl.testing.NoLeakedProcesses;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The door lock, driven the way a person would, without sleeping: the test is the door's hardware
 * (the lock tells it "locked" and "unlocked" by message) and waits for those messages with a bound.
 * Time is made short where a test must see a timeout fire (the door open for 20 ms, a partly
 * entered code forgotten after 300 ms, long enough to press a whole code within it), and long (an
 * hour) where it must not; what cannot be seen in
 * a message (the buttons entered so far, postponed buttons) is read with {@code Sys}, waiting on a
 * condition rather than for a time.
 */
@ExtendWith(NoLeakedProcesses.class)
class DoorLockTest {
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final Duration SHORT = Duration.ofMillis(20);
    private static final Duration LONG = Duration.ofHours(1);
    /** Long enough that the test sends the four buttons of a code well within it, however busy the machine. */
    private static final Duration BUTTON_TIMEOUT = Duration.ofMillis(300);

    /** The door: tells the test what the lock did to it. */
    record TestDoor(Pid test) implements DoorLock.Door {
        @Override
        public void lock() {
            Jarl.send(test, "locked");
        }

        @Override
        public void unlock() {
            Jarl.send(test, "unlocked");
        }
    }

    private static Pid startLock(Duration openTime, Duration buttonTimeout) {
        Pid lock = GenStateMachine.startLink(new DoorLock("1234", new TestDoor(Jarl.self()), openTime, buttonTimeout))
                .orElseThrow();
        expect("locked"); // the first state's enter call
        return lock;
    }

    private static void press(Pid lock, String buttons) {
        buttons.chars().forEach(c -> DoorLock.button(lock, (char) c));
    }

    private static void expect(String doorEvent) {
        Object got = Jarl.receive(m -> m instanceof String ? m : Jarl.skip(), WAIT)
                .orElseThrow(() -> new AssertionError("the door was not " + doorEvent + " within " + WAIT));
        assertThat(got).isEqualTo(doorEvent);
    }

    private static void expectNothingMore() {
        assertThat(Jarl.receive(Duration.ZERO)).isEmpty();
    }

    @SuppressWarnings("unchecked")
    private static DoorLock.Data data(Pid lock) {
        return ((StateAndData<DoorLock.State, DoorLock.Data>) Sys.getState(lock)).data();
    }

    private static void eventually(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("not true within " + WAIT + ": " + what);
            }
            Thread.onSpinWait();
            Thread.yield();
        }
    }

    private static void stop(Pid lock) {
        GenStateMachine.stop(lock);
    }

    @Test
    void theRightCodeOpensTheDoorUntilTheOpenTimeIsOver() {
        try (var me = Jarl.attach()) {
            Pid lock = startLock(SHORT, LONG);
            assertThat(DoorLock.state(lock)).isEqualTo(DoorLock.State.LOCKED);
            press(lock, "1234");
            expect("unlocked");
            expect("locked"); // the state timeout of the open state
            assertThat(DoorLock.state(lock)).isEqualTo(DoorLock.State.LOCKED);
            stop(lock);
            expectNothingMore();
        }
    }

    @Test
    void theDoorStaysOpenUntilTheOpenTimeIsOverAndLocksWhenTheLockStops() {
        try (var me = Jarl.attach()) {
            Pid lock = startLock(LONG, LONG);
            press(lock, "1234");
            expect("unlocked");
            assertThat(DoorLock.state(lock)).isEqualTo(DoorLock.State.OPEN);
            MachineStatus status = (MachineStatus) Sys.getStatus(lock).state();
            assertThat(status.state()).isEqualTo("OPEN (0 of 4 buttons entered)"); // formatStatus hides the code
            assertThat(status.timeouts()).hasSize(1);
            stop(lock);
            expect("locked"); // terminate locks an open door
            expectNothingMore();
        }
    }

    @Test
    void aWrongButtonStartsTheEntryOver() {
        try (var me = Jarl.attach()) {
            Pid lock = startLock(SHORT, LONG);
            press(lock, "12");
            assertThat(data(lock).entered()).isEqualTo("12");
            press(lock, "9");
            assertThat(data(lock).entered()).isEmpty();
            press(lock, "34"); // not the rest of the code any more
            assertThat(DoorLock.state(lock)).isEqualTo(DoorLock.State.LOCKED);
            press(lock, "1231"); // the wrong 1 is not the start of a new entry: it is dropped
            assertThat(data(lock).entered()).isEmpty();
            press(lock, "1234");
            expect("unlocked");
            expect("locked");
            stop(lock);
            expectNothingMore();
        }
    }

    @Test
    void aPartlyEnteredCodeIsForgottenAfterTheButtonTimeout() {
        try (var me = Jarl.attach()) {
            Pid lock = startLock(SHORT, BUTTON_TIMEOUT);
            press(lock, "12");
            eventually("the entry forgotten", () -> data(lock).entered().isEmpty());
            press(lock, "34");
            assertThat(DoorLock.state(lock)).isEqualTo(DoorLock.State.LOCKED);
            press(lock, "1234");
            expect("unlocked");
            expect("locked");
            stop(lock);
            expectNothingMore();
        }
    }

    @Test
    void buttonsPressedWhileOpenArePostponedUntilTheDoorLocks() {
        try (var me = Jarl.attach()) {
            // Open for an hour: the buttons pressed meanwhile are postponed, not lost.
            Pid lock = startLock(LONG, LONG);
            press(lock, "1234");
            expect("unlocked");
            press(lock, "1234");
            assertThat(((MachineStatus) Sys.getStatus(lock).state()).postponed()).hasSize(4);
            stop(lock);
            expect("locked");

            // Open briefly: whenever the buttons come, before or after the door locks, they open it again.
            Pid again = startLock(SHORT, LONG);
            press(again, "1234");
            press(again, "1234");
            expect("unlocked");
            expect("locked");
            expect("unlocked");
            expect("locked");
            stop(again);
            expectNothingMore();
        }
    }

    @Test
    void callsAskTheCodeLengthAndTheState() {
        try (var me = Jarl.attach()) {
            Pid lock = startLock(LONG, LONG);
            assertThat(DoorLock.codeLength(lock)).isEqualTo(4);
            assertThat(DoorLock.state(lock)).isEqualTo(DoorLock.State.LOCKED);
            Jarl.send(lock, "an info message: ignored");
            assertThat(DoorLock.state(lock)).isEqualTo(DoorLock.State.LOCKED);
            stop(lock);
            expectNothingMore();
        }
    }

    /** Under a supervisor, an open door is locked when the supervisor shuts the lock down. */
    @Test
    void supervised() {
        try (var me = Jarl.attach()) {
            Pid test = Jarl.self();
            Pid sup = Supervisor.startLink(SupervisorFlags.oneForOne(), java.util.List.of(ChildSpec.worker("lock",
                    () -> GenStateMachine.startLink(new DoorLock("1234", new TestDoor(test), LONG, LONG))))).orElseThrow();
            expect("locked");
            Pid lock = Supervisor.whichChildren(sup).getFirst().pid().orElseThrow();
            press(lock, "1234");
            expect("unlocked");
            Ref ref = Jarl.monitor(lock);
            Supervisor.stop(sup);
            expect("locked");
            Down down = Jarl.receive(Down.class, WAIT).orElseThrow();
            assertThat(down.ref()).isEqualTo(ref);
            assertThat(down.reason()).isEqualTo(ExitReason.shutdown());
            expectNothingMore();
        }
    }

    @Test
    void mainRunsItsSession() {
        DoorLock.main(new String[0]);
    }
}
