package io.jarl.examples.doorlock;

import static io.jarl.statem.Action.postpone;
import static io.jarl.statem.Action.reply;
import static io.jarl.statem.Action.stateTimeout;
import static io.jarl.statem.Transition.keepState;
import static io.jarl.statem.Transition.keepStateAndData;
import static io.jarl.statem.Transition.nextState;

import io.jarl.Address;
import io.jarl.ExitReason;
import io.jarl.Jarl;
import io.jarl.Pid;
import io.jarl.server.From;
import io.jarl.server.Request;
import io.jarl.statem.CallbackMode;
import io.jarl.statem.EventType;
import io.jarl.statem.GenStateMachine;
import io.jarl.statem.Init;
import io.jarl.statem.StateFunction;
import io.jarl.statem.Transition;
import java.time.Duration;
import java.util.Objects;

/**
 * OTP's door lock, the example of the gen_statem user's guide: a door with a code lock, as a
 * {@link GenStateMachine} with one state function per state and state enter calls.
 *
 * <p>The door is {@link State#LOCKED} until its code is entered button by button; a wrong button
 * starts the entry over, and so does a pause of {@code buttonTimeout} (30 s by default) in the
 * middle of the code (a state timeout: each button restarts it). With the right code the door is
 * {@link State#OPEN} for {@code openTime} (10 s by default, a state timeout set by the enter call),
 * then locks again. Buttons pressed while it is open are postponed: they count once it has locked.
 * Entering a state drives the hardware ({@link Door#lock()} on entering LOCKED, the first state
 * included; {@link Door#unlock()} on entering OPEN), so each transition says only where it goes.
 * The state and the code's length can be asked with a call; an open door is locked when the
 * machine stops.
 *
 * {@snippet :
 * Pid lock = GenStateMachine.startLink(new DoorLock("1234", door)).orElseThrow();
 * "1234".chars().forEach(c -> DoorLock.button(lock, (char) c));
 * DoorLock.State state = DoorLock.state(lock);   // OPEN, for 10 seconds
 * }
 *
 * <p>This follows the OTP 19–20 version of the example (a wrong button resets the entry) with the
 * later additions: the enter calls, the button timeout and postponing buttons while open.
 */
public final class DoorLock implements GenStateMachine<DoorLock.State, DoorLock.Data> {

    /** The states of the lock. */
    public enum State { LOCKED, OPEN }

    /**
     * The lock's data.
     *
     * @param code    the code that opens the door
     * @param entered the right buttons pressed so far (a prefix of the code)
     */
    public record Data(String code, String entered) {
        public Data {
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(entered, "entered");
        }

        Data withEntered(String buttons) {
            return new Data(code, buttons);
        }
    }

    /** A button was pressed (a cast; OTP: {@code {button, Button}}). */
    public record Button(char digit) {}

    /** The length of the code (a call; OTP: {@code code_length}). */
    public record CodeLength() implements Request<Integer> {}

    /** The lock's current state (a call). */
    public record CurrentState() implements Request<State> {}

    /** The hardware the lock drives (OTP: {@code do_lock/0}, {@code do_unlock/0}); called in the lock's process. */
    public interface Door {
        void lock();

        void unlock();
    }

    private final String code;
    private final Door door;
    private final Duration openTime;
    private final Duration buttonTimeout;

    /** A lock with OTP's times: open for 10 seconds, a partly entered code forgotten after 30 seconds. */
    public DoorLock(String code, Door door) {
        this(code, door, Duration.ofSeconds(10), Duration.ofSeconds(30));
    }

    public DoorLock(String code, Door door, Duration openTime, Duration buttonTimeout) {
        this.code = Objects.requireNonNull(code, "code");
        this.door = Objects.requireNonNull(door, "door");
        this.openTime = Objects.requireNonNull(openTime, "openTime");
        this.buttonTimeout = Objects.requireNonNull(buttonTimeout, "buttonTimeout");
        if (code.isEmpty()) {
            throw new IllegalArgumentException("the code has no buttons");
        }
    }

    // ------------------------------------------------------------------ client API

    /** Presses a button (OTP: {@code button/1}). */
    public static void button(Address lock, char digit) {
        GenStateMachine.cast(lock, new Button(digit));
    }

    /** The length of the code (OTP: {@code code_length/0}). */
    public static int codeLength(Address lock) {
        return GenStateMachine.call(lock, new CodeLength());
    }

    /** Whether the door is locked or open. */
    public static State state(Address lock) {
        return GenStateMachine.call(lock, new CurrentState());
    }

    // ------------------------------------------------------------------ callbacks

    @Override
    public CallbackMode callbackMode() {
        return CallbackMode.stateFunctions().withStateEnter();
    }

    @Override
    public Init<State, Data> init() {
        Jarl.trapExit(true); // so that terminate runs, and locks an open door, when the supervisor stops us
        return Init.ok(State.LOCKED, new Data(code, ""));
    }

    @Override
    public StateFunction<State, Data> stateFunction(State state) {
        return switch (state) {
            case LOCKED -> this::locked;
            case OPEN -> this::open;
        };
    }

    private Transition<State, Data> locked(EventType type, Object content, Data data) {
        return switch (type) {
            case EventType.Enter() -> {
                door.lock();
                yield keepState(data.withEntered(""));
            }
            case EventType.StateTimeout() -> keepState(data.withEntered("")); // the code was left half entered
            case EventType.Cast() when content instanceof Button(char digit) -> {
                String entered = data.entered() + digit;
                if (entered.equals(data.code())) {
                    yield nextState(State.OPEN, data.withEntered(""));
                }
                if (data.code().startsWith(entered)) {
                    yield keepState(data.withEntered(entered), stateTimeout(buttonTimeout, "button"));
                }
                yield keepState(data.withEntered("")); // a wrong button: start over
            }
            default -> handleCommon(type, content, State.LOCKED, data);
        };
    }

    private Transition<State, Data> open(EventType type, Object content, Data data) {
        return switch (type) {
            case EventType.Enter() -> {
                door.unlock();
                yield keepStateAndData(stateTimeout(openTime, "lock"));
            }
            case EventType.StateTimeout() -> nextState(State.LOCKED, data);
            case EventType.Cast() when content instanceof Button -> keepStateAndData(postpone()); // counts once locked
            default -> handleCommon(type, content, State.OPEN, data);
        };
    }

    /** The events both states handle alike (OTP: {@code handle_common/3}). */
    private Transition<State, Data> handleCommon(EventType type, Object content, State state, Data data) {
        return switch (type) {
            case EventType.Call(From from) when content instanceof CodeLength -> keepStateAndData(reply(from, data.code().length()));
            case EventType.Call(From from) when content instanceof CurrentState -> keepStateAndData(reply(from, state));
            default -> keepStateAndData(); // anything else is ignored
        };
    }

    @Override
    public void terminate(ExitReason reason, State state, Data data) {
        if (state != State.LOCKED) {
            door.lock();
        }
    }

    /** What is shown in {@code Sys.getStatus} and crash reports: not the code. */
    @Override
    public Object formatStatus(State state, Data data) {
        return state + " (" + data.entered().length() + " of " + data.code().length() + " buttons entered)";
    }

    // ------------------------------------------------------------------ a session

    /** A scripted session on the console: a wrong code, the right one, the door opening and locking again. */
    public static void main(String[] args) {
        Jarl.run(() -> {
            Pid me = Jarl.self();
            Door door = new Door() {
                @Override
                public void lock() {
                    System.out.println("  *click* the door is locked");
                    Jarl.send(me, "locked");
                }

                @Override
                public void unlock() {
                    System.out.println("  *clack* the door is open");
                }
            };
            Pid lock = GenStateMachine.startLink(new DoorLock("1234", door, Duration.ofSeconds(2), Duration.ofSeconds(30)))
                    .orElseThrow();
            Jarl.receive(m -> "locked".equals(m) ? m : Jarl.skip());
            System.out.println("the code has " + codeLength(lock) + " buttons");
            for (String attempt : new String[] {"1239", "1234"}) {
                System.out.println("pressing " + attempt);
                attempt.chars().forEach(c -> button(lock, (char) c));
                System.out.println("the door is " + state(lock));
            }
            Jarl.receive(m -> "locked".equals(m) ? m : Jarl.skip(), Duration.ofSeconds(5)).orElseThrow();
            System.out.println("the door is " + state(lock));
            GenStateMachine.stop(lock);
            return null;
        });
    }
}
