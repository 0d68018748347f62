package io.jarl.event;

import static io.jarl.Jarl.*;
import static io.jarl.testing.ProcessTesting.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jarl.Address;
import io.jarl.Exit;
import io.jarl.ExitException;
import io.jarl.ExitReason;
import io.jarl.Name;
import io.jarl.NameRegistry;
import io.jarl.NotAProcessException;
import io.jarl.Pid;
import io.jarl.Via;
import io.jarl.internal.Gen;
import io.jarl.server.GenServer;
import io.jarl.server.Request;
import io.jarl.server.RequestId;
import io.jarl.server.RequestIds;
import io.jarl.server.Response;
import io.jarl.server.Responses;
import io.jarl.server.StartOptions;
import io.jarl.server.StartResult;
import io.jarl.server.Sys;
import io.jarl.supervisor.ChildSpec;
import io.jarl.supervisor.Supervisor;
import io.jarl.supervisor.SupervisorFlags;
import io.jarl.testing.LogCapture;
import io.jarl.testing.NoLeakedProcesses;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * GenEvent, after OTP's gen_event_SUITE (case names in camelCase), with its test handlers dummy_h and
 * dummy1_h ported as {@link DummyH} and {@link Dummy1H}.
 *
 * <p>Cases of the suite that do not apply to Java, and why:
 * <ul>
 *   <li>autoHibernate: the {@code hibernate_after} start option does not exist; hibernation is a no-op
 *       on the JVM (a waiting virtual thread cannot shed its stack), so there is nothing to observe.</li>
 *   <li>undefInit, undefHandleEvent: {@link EventHandler#init} and {@link EventHandler#handleEvent}
 *       are abstract, so a handler without them does not compile.</li>
 *   <li>undefCodeChange: there is no hot code loading, hence no {@code code_change}.</li>
 *   <li>the {@code {global, Name}} parts of start and startOpt: there is no global registry in
 *       jarl-core; the {@code {via, Module, Name}} parts cover the same path.</li>
 *   <li>format_log_1, format_log_2, format_log_with_process_label (newer OTP releases): they test
 *       OTP's logger formatting callbacks; Jarl writes one SLF4J line, whose content
 *       errorFormatStatus and aCrashingHandlerIsRemovedAloneAndReportedOnce check.</li>
 *   <li>send_request_wait_reqid_collection and send_request_check_reqid_collection: GenEvent's
 *       requests are collected with GenServer's functions, tested in GenServerTest; the receive
 *       variant is here.</li>
 * </ul>
 */
@ExtendWith(NoLeakedProcesses.class)
class GenEventTest {

    // ---------------------------------------------------------------- the test handlers

    /** The atoms of the suite's events, calls and terminate arguments. */
    enum Tag {
        MAKE_ERROR, ERROR_EVENT, DO_CRASH, HIBERNATE, WAKEUP, HEJSAN, HEJHOPP, ERROR_CALL, EXIT_CALL,
        DELETE_EVENT, DELETE_CALL, DELETE_INFO, ERROR_INFO, RETURN_HEJ, SWAP, SWAPPED, REMOVED,
        RETURNED_ERROR, WAIT_FOR_RELEASE, RELEASE, GNURF
    }

    /** What a handler sends its parent for every event or info it does not know (OTP: {Module, Event}). */
    record Got(String handler, Object what) {}

    /** What DummyH sends its parent from terminate, so that tests can see the argument. */
    record Terminated(String handler, Object arg) {}

    /** OTP: {swap_event, Handler2, Args}, {swap_call, ...} and {swap_info, ...}. */
    record Swap(EventHandler<?, ?> next, Optional<Object> id, Object args) {
        static Swap to(EventHandler<?, ?> next, Object args) {
            return new Swap(next, Optional.empty(), args);
        }

        static Swap to(EventHandler<?, ?> next, Object id, Object args) {
            return new Swap(next, Optional.of(id), args);
        }
    }

    /** OTP: {event, self()}. */
    record Event(Pid from) {}

    /** init({state, State}). */
    record State(Object state) {}

    /** init([Parent, hibernate]). */
    record WithHibernate(Pid parent) {}

    /** What DummyH's terminate(swap, State) hands over (OTP: {ok, State}). */
    record OldState(Object state) {}

    /** A state that makes terminate fail (OTP: {undef_in_terminate, {Mod, Fun}}). */
    record UndefInTerminate() {}

    /** OTP: dummy_h. Its state is the test process to report to (or any State). */
    static final class DummyH implements EventHandler<Object, Object> {
        @Override
        public HandlerInit<Object> init(Object args) {
            return switch (args) {
                case Tag.MAKE_ERROR -> HandlerInit.error("my_error");
                case State(Object state) -> HandlerInit.ok(state);
                case Pid parent -> HandlerInit.ok(parent);
                case WithHibernate(Pid parent) -> HandlerInit.okHibernate(parent);
                default -> throw new IllegalArgumentException("dummy_h: bad init args " + args);
            };
        }

        @Override
        public HandlerResult<Object> handleEvent(Object event, Object state) {
            return switch (event) {
                case Swap s -> swap(s, state);
                case Tag.ERROR_EVENT -> null; // OTP returns {return, faulty}: the one bad value Java has left
                case Tag.DO_CRASH -> throw new IllegalStateException("badmatch 4");
                case Tag.HIBERNATE -> HandlerResult.okHibernate(state);
                case Tag.WAKEUP -> HandlerResult.ok(state);
                default -> {
                    send((Pid) state, new Got("dummy_h", event));
                    yield HandlerResult.ok(state);
                }
            };
        }

        @Override
        public HandlerCallResult<Object> handleCall(Object request, Object state) {
            return switch (request) {
                case Tag.HEJSAN -> HandlerCallResult.ok(Tag.HEJHOPP, state);
                case Swap(EventHandler<?, ?> next, Optional<Object> id, Object args) -> id.isPresent()
                        ? HandlerCallResult.swap(Tag.SWAPPED, Tag.SWAP, state, next, id.get(), args)
                        : HandlerCallResult.swap(Tag.SWAPPED, Tag.SWAP, state, next, args);
                case Tag.ERROR_CALL -> null;
                case Tag.EXIT_CALL -> throw new IllegalStateException("badmatch 4");
                case Tag.HIBERNATE -> HandlerCallResult.okHibernate(true, state);
                case Tag.WAIT_FOR_RELEASE -> {
                    receive(m -> m == Tag.RELEASE ? m : skip(), WAIT).orElseThrow();
                    yield HandlerCallResult.ok("released", state);
                }
                default -> HandlerCallResult.ok(GenEvent.OK, state);
            };
        }

        @Override
        public HandlerResult<Object> handleInfo(Object info, Object state) {
            return switch (info) {
                case Swap s -> swap(s, state);
                case Tag.ERROR_INFO -> null;
                case Tag.DO_CRASH -> throw new IllegalStateException("badmatch 4");
                default -> {
                    send((Pid) state, new Got("dummy_h", info));
                    yield HandlerResult.ok(state);
                }
            };
        }

        private static HandlerResult<Object> swap(Swap s, Object state) {
            return s.id().isPresent()
                    ? HandlerResult.swap(Tag.SWAP, state, s.next(), s.id().get(), s.args())
                    : HandlerResult.swap(Tag.SWAP, state, s.next(), s.args());
        }

        @Override
        public Object terminate(Object arg, Object state) {
            if (state instanceof UndefInTerminate) {
                throw new IllegalStateException("undef in terminate");
            }
            if (state instanceof Pid parent) {
                send(parent, new Terminated("dummy_h", arg));
            }
            return switch (arg) {
                case Tag.RETURN_HEJ -> Tag.RETURN_HEJ;
                case Tag.SWAP -> new OldState(state);
                case Removal.Error(ExitReason.Crash(NullPointerException badReturn)) -> {
                    send((Pid) state, new Got("dummy_h", Tag.RETURNED_ERROR));
                    yield GenEvent.OK;
                }
                default -> GenEvent.OK;
            };
        }
    }

    /** OTP: dummy1_h. */
    static final class Dummy1H implements EventHandler<Object, Object> {
        @Override
        public HandlerInit<Object> init(Object args) {
            return switch (args) {
                case Tag.MAKE_ERROR -> HandlerInit.error("my_error");
                case SwapArgs(Object a, DeleteResult.NotFound notFound) -> HandlerInit.error("non_existing");
                case SwapArgs(Object a, DeleteResult.Ok(OldState(Object state))) when a == Tag.SWAP ->
                        HandlerInit.ok(state);
                case Pid parent -> HandlerInit.ok(parent);
                case State(Object state) -> HandlerInit.ok(state);
                default -> throw new IllegalArgumentException("dummy1_h: bad init args " + args);
            };
        }

        @Override
        public HandlerResult<Object> handleEvent(Object event, Object parent) {
            return switch (event) {
                case Tag.DELETE_EVENT -> HandlerResult.remove();
                case Tag.DO_CRASH -> throw new IllegalStateException("badmatch 4");
                case Tag.HIBERNATE -> HandlerResult.ok(parent); // the inverse of dummy_h
                case Tag.WAKEUP -> HandlerResult.okHibernate(parent);
                default -> {
                    send((Pid) parent, new Got("dummy1_h", event));
                    yield HandlerResult.ok(parent);
                }
            };
        }

        @Override
        public HandlerCallResult<Object> handleCall(Object request, Object state) {
            return request == Tag.DELETE_CALL ? HandlerCallResult.remove(GenEvent.OK)
                    : HandlerCallResult.ok(GenEvent.OK, state);
        }

        @Override
        public HandlerResult<Object> handleInfo(Object info, Object parent) {
            return switch (info) {
                case Tag.DELETE_INFO -> HandlerResult.remove();
                case Tag.DO_CRASH -> throw new IllegalStateException("badmatch 4");
                case Tag.GNURF -> HandlerResult.okHibernate(parent);
                default -> {
                    send((Pid) parent, new Got("dummy1_h", info));
                    yield HandlerResult.ok(parent);
                }
            };
        }

        @Override
        public Object terminate(Object arg, Object parent) {
            return switch (arg) {
                case Tag.RETURN_HEJ -> Tag.RETURN_HEJ;
                case Removal.RemoveHandler() -> {
                    send((Pid) parent, new Got("dummy1_h", Tag.REMOVED));
                    yield GenEvent.OK;
                }
                default -> GenEvent.OK;
            };
        }

        @Override
        public Object formatStatus(Object state) {
            return "dummy1_h handler state";
        }
    }

    /** OTP: oc_event, a handler with only the required callbacks. */
    static final class OcEvent implements EventHandler<Object, Object> {
        @Override
        public HandlerInit<Object> init(Object args) {
            return HandlerInit.ok(args);
        }

        @Override
        public HandlerResult<Object> handleEvent(Object event, Object state) {
            return HandlerResult.ok(state);
        }
    }

    static final HandlerId DUMMY_H = HandlerId.of(DummyH.class);
    static final HandlerId DUMMY1_H = HandlerId.of(Dummy1H.class);
    static final Name MGR = Name.of("my_dummy_handler");

    static HandlerId dummyH(Object id) {
        return HandlerId.of(DummyH.class, id);
    }

    static HandlerId dummy1H(Object id) {
        return HandlerId.of(Dummy1H.class, id);
    }

    static final AddResult OK = new AddResult.Ok();

    static Pid startManager() {
        return GenEvent.start(StartOptions.named("my_dummy_handler")).orElseThrow();
    }

    static void awaitGot(String handler, Object what) {
        awaitMessage(new Got(handler, what));
    }

    static GenEventExit awaitGenEventExit(HandlerId handler) {
        return (GenEventExit) awaitMatching("GenEventExit of " + handler,
                m -> m instanceof GenEventExit e && e.handler().equals(handler));
    }

    static Terminated awaitTerminated(String handler) {
        return (Terminated) awaitMatching("Terminated of " + handler,
                m -> m instanceof Terminated t && t.handler().equals(handler));
    }

    static CallReply<Object> reply(Object value) {
        return new CallReply.Reply<>(value);
    }

    /** A minimal via registry (OTP's dummy_via): a map, whose entries for dead processes count as free. */
    static final class MapRegistry implements NameRegistry {
        final ConcurrentHashMap<Object, Pid> names = new ConcurrentHashMap<>();

        @Override
        public boolean registerName(Object key, Pid pid) {
            names.entrySet().removeIf(e -> !e.getValue().isAlive());
            return names.putIfAbsent(key, pid) == null;
        }

        @Override
        public void unregisterName(Object key) {
            names.remove(key);
        }

        @Override
        public Optional<Pid> whereisName(Object key) {
            return Optional.ofNullable(names.get(key));
        }
    }

    // ---------------------------------------------------------------- start

    @Test
    void start() {
        try (var me = attach()) {
            trapExit(true);
            Pid pid0 = GenEvent.start().orElseThrow(); // anonymous
            assertThat(GenEvent.whichHandlers(pid0)).isEmpty();
            GenEvent.stop(pid0);
            assertThat(pid0.isAlive()).isFalse();

            Pid pid1 = GenEvent.startLink().orElseThrow(); // anonymous
            assertThat(GenEvent.whichHandlers(pid1)).isEmpty();
            GenEvent.stop(pid1);
            assertThat(awaitExit(pid1).reason()).isEqualTo(ExitReason.normal());

            Name name = Name.of("my_dummy_name");
            Pid pid2 = GenEvent.start(StartOptions.named("my_dummy_name")).orElseThrow();
            assertThat(GenEvent.whichHandlers(name)).isEmpty();
            assertThat(GenEvent.whichHandlers(pid2)).isEmpty();
            GenEvent.stop(name);

            Pid pid3 = GenEvent.startLink(StartOptions.named("my_dummy_name")).orElseThrow();
            assertThat(GenEvent.whichHandlers(name)).isEmpty();
            assertThat(GenEvent.whichHandlers(pid3)).isEmpty();
            GenEvent.stop(name);
            awaitExit(pid3);

            MapRegistry registry = new MapRegistry();
            Via via = new Via(registry, "my_dummy_name");
            Pid pid5 = GenEvent.startLink(StartOptions.via(registry, "my_dummy_name")).orElseThrow();
            assertThat(GenEvent.whichHandlers(via)).isEmpty();
            assertThat(GenEvent.whichHandlers(pid5)).isEmpty();
            GenEvent.stop(via);
            awaitExit(pid5);

            Pid running = GenEvent.startLink(StartOptions.named("my_dummy_name")).orElseThrow();
            StartResult taken = new StartResult.Failed(ExitReason.of(new StartResult.AlreadyStarted(running)));
            assertThat(GenEvent.startLink(StartOptions.named("my_dummy_name"))).isEqualTo(taken);
            assertThat(GenEvent.start(StartOptions.named("my_dummy_name"))).isEqualTo(taken);
            GenEvent.stop(name);
            awaitExit(running);

            // OTP's {global, Name} part, through via.
            Pid pid6 = GenEvent.startLink(StartOptions.via(registry, "my_dummy_name")).orElseThrow();
            taken = new StartResult.Failed(ExitReason.of(new StartResult.AlreadyStarted(pid6)));
            assertThat(GenEvent.startLink(StartOptions.via(registry, "my_dummy_name"))).isEqualTo(taken);
            assertThat(GenEvent.start(StartOptions.via(registry, "my_dummy_name"))).isEqualTo(taken);
            GenEvent.stop(via, ExitReason.shutdown(), Duration.ofSeconds(10));
            assertThat(awaitExit(pid6).reason()).isEqualTo(ExitReason.shutdown());

            // The parent's exit signal stops the manager, which traps exits.
            Pid pid7 = GenEvent.startLink(StartOptions.via(registry, "my_dummy_name")).orElseThrow();
            exit(pid7, ExitReason.shutdown());
            assertThat(awaitExit(pid7).reason()).isEqualTo(ExitReason.shutdown());
            trapExit(false);
        }
    }

    /** OTP: start_opt. The spawn_opt and debug options have no equivalent; the start timeout does. */
    @Test
    void startOpt() {
        try (var me = attach()) {
            trapExit(true);
            Pid pid0 = GenEvent.start(StartOptions.defaults().withTimeout(Duration.ofSeconds(5))).orElseThrow();
            assertThat(GenEvent.whichHandlers(pid0)).isEmpty();
            GenEvent.stop(pid0);

            Pid pid1 = GenEvent.startLink(StartOptions.named("my_dummy_name").withTimeout(Duration.ofSeconds(5)))
                    .orElseThrow();
            assertThat(GenEvent.whichHandlers(Name.of("my_dummy_name"))).isEmpty();
            assertThat(GenEvent.start(StartOptions.named("my_dummy_name").withTimeout(Duration.ofSeconds(5))))
                    .isEqualTo(new StartResult.Failed(ExitReason.of(new StartResult.AlreadyStarted(pid1))));
            GenEvent.stop(Name.of("my_dummy_name"));
            awaitExit(pid1);
            trapExit(false);
        }
    }

    @Test
    void startLinkFromAPlainThreadIsRefused() {
        assertThatThrownBy(GenEvent::startLink).isInstanceOf(NotAProcessException.class);
    }

    @Test
    void managerCallsWorkFromAPlainThread() {
        Pid mgr = GenEvent.start().orElseThrow();
        assertThat(GenEvent.addHandler(mgr, new OcEvent(), "state")).isEqualTo(OK);
        assertThat(GenEvent.whichHandlers(mgr)).containsExactly(HandlerId.of(OcEvent.class));
        GenEvent.syncNotify(mgr, "an event");
        assertThat(GenEvent.deleteHandler(mgr, HandlerId.of(OcEvent.class), "bye"))
                .isEqualTo(new DeleteResult.Ok(GenEvent.OK));
        assertThatThrownBy(() -> GenEvent.addSupHandler(mgr, new OcEvent(), "state"))
                .isInstanceOf(NotAProcessException.class);
        GenEvent.stop(mgr);
        assertThat(inProcess()).isFalse();
    }

    // ---------------------------------------------------------------- hibernate

    /**
     * OTP: hibernate. A hibernate result makes the BEAM process drop its stack, which the test sees
     * in process_info. On the JVM it is accepted and changes nothing, so this checks only that every
     * hibernate result (from init, events, infos and calls, and a swapped-in init) keeps the handlers
     * working as an ok result does.
     */
    @Test
    void hibernate() {
        try (var me = attach()) {
            Pid mgr = startManager();
            assertThat(GenEvent.addHandler(MGR, new DummyH(), new WithHibernate(self()))).isEqualTo(OK);
            assertThat(GenEvent.call(MGR, DUMMY_H, Tag.HIBERNATE)).isEqualTo(reply(true));
            GenEvent.notify(MGR, Tag.HIBERNATE);
            GenEvent.syncNotify(MGR, Tag.WAKEUP);
            assertThat(GenEvent.addHandler(MGR, new Dummy1H(), self())).isEqualTo(OK);
            GenEvent.notify(MGR, Tag.HIBERNATE);
            GenEvent.notify(MGR, Tag.WAKEUP);
            send(mgr, Tag.GNURF); // dummy1_h hibernates; dummy_h reports it
            awaitGot("dummy_h", Tag.GNURF);
            Sys.suspend(mgr);
            Sys.resume(mgr);
            GenEvent.syncNotify(MGR, new Event(self()));
            awaitGot("dummy1_h", new Event(self()));
            awaitGot("dummy_h", new Event(self()));
            assertThat(GenEvent.whichHandlers(MGR)).containsExactly(DUMMY1_H, DUMMY_H);
            GenEvent.stop(MGR);
        }
    }

    // ---------------------------------------------------------------- adding and deleting

    @Test
    void addHandler() {
        try (var me = attach()) {
            startManager();
            assertThat(GenEvent.addHandler(MGR, new DummyH(), Tag.MAKE_ERROR)).isEqualTo(new AddResult.Error("my_error"));
            assertThat(GenEvent.whichHandlers(MGR)).isEmpty();
            assertThat(GenEvent.addHandler(MGR, new DummyH(), self())).isEqualTo(OK);
            assertThat(GenEvent.whichHandlers(MGR)).containsExactly(DUMMY_H);

            assertThat(GenEvent.addHandler(MGR, new DummyH(), self(), Tag.MAKE_ERROR))
                    .isEqualTo(new AddResult.Error("my_error"));
            assertThat(GenEvent.whichHandlers(MGR)).containsExactly(DUMMY_H);
            assertThat(GenEvent.addHandler(MGR, new DummyH(), self(), self())).isEqualTo(OK);
            assertThat(GenEvent.whichHandlers(MGR)).containsExactly(dummyH(self()), DUMMY_H);
            GenEvent.stop(MGR);
        }
    }

    /** OTP's init failing by exception: add_handler returns {'EXIT', Reason}. */
    @Test
    void addHandlerWhoseInitThrows() {
        try (var me = attach()) {
            startManager();
            AddResult r = GenEvent.addHandler(MGR, new DummyH(), "not an init argument of dummy_h");
            assertThat(r).isInstanceOfSatisfying(AddResult.Crashed.class, c -> assertThat(c.reason())
                    .isInstanceOfSatisfying(ExitReason.Crash.class,
                            crash -> assertThat(crash.error()).isInstanceOf(IllegalArgumentException.class)));
            assertThat(GenEvent.whichHandlers(MGR)).isEmpty();
            GenEvent.stop(MGR);
        }
    }

    /**
     * OTP does not refuse a second handler with an identity already installed (server_add_handler
     * just prepends it): both receive events, and requests by that identity reach the newest.
     */
    @Test
    void sameHandlerTwiceIsNotRefused() {
        try (var me = attach()) {
            startManager();
            assertThat(GenEvent.addHandler(MGR, new DummyH(), self())).isEqualTo(OK);
            assertThat(GenEvent.addHandler(MGR, new DummyH(), new State("second"))).isEqualTo(OK);
            assertThat(GenEvent.whichHandlers(MGR)).containsExactly(DUMMY_H, DUMMY_H);
            assertThat(GenEvent.deleteHandler(MGR, DUMMY_H, Tag.RETURN_HEJ)).isEqualTo(new DeleteResult.Ok(Tag.RETURN_HEJ));
            assertThat(Sys.getState(MGR)).isEqualTo(List.of(new HandlerState(DUMMY_H, self())));
            GenEvent.stop(MGR);
        }
    }

    @Test
    void addSupHandler() {
        try (var me = attach()) {
            Pid mgr = startManager();
            assertThat(GenEvent.addSupHandler(MGR, new DummyH(), Tag.MAKE_ERROR))
                    .isEqualTo(new AddResult.Error("my_error"));
            assertThat(GenEvent.whichHandlers(MGR)).isEmpty();
            assertThat(GenEvent.addSupHandler(MGR, new DummyH(), self())).isEqualTo(OK);
            assertThat(GenEvent.whichHandlers(MGR)).containsExactly(DUMMY_H);
            // The manager traps exits: an exit signal from the owner is what the owner's death looks like.
            exit(mgr, ExitReason.of("sup_died"));
            assertThat(GenEvent.whichHandlers(MGR)).isEmpty(); // after the signal: same sender, in order
            assertThat(awaitTerminated("dummy_h").arg()).isEqualTo(new Removal.OwnerExited(ExitReason.of("sup_died")));
            assertThat(awaitGenEventExit(DUMMY_H).reason()).isEqualTo(ExitReason.shutdown());

            assertThat(GenEvent.addSupHandler(MGR, new DummyH(), self())).isEqualTo(OK);
            assertThat(GenEvent.whichHandlers(MGR)).containsExactly(DUMMY_H);
            assertThat(GenEvent.addHandler(MGR, new DummyH(), self(), Tag.MAKE_ERROR))
                    .isEqualTo(new AddResult.Error("my_error"));
            assertThat(GenEvent.whichHandlers(MGR)).containsExactly(DUMMY_H);
            assertThat(GenEvent.addSupHandler(MGR, new DummyH(), self(), self())).isEqualTo(OK);
            assertThat(GenEvent.whichHandlers(MGR)).containsExactly(dummyH(self()), DUMMY_H);
            GenEvent.stop(MGR);

            assertThat(awaitGenEventExit(DUMMY_H).reason()).isEqualTo(ExitReason.shutdown());
            assertThat(awaitGenEventExit(dummyH(self())).reason()).isEqualTo(ExitReason.shutdown());
            assertThat(awaitTerminated("dummy_h").arg()).isEqualTo(new Removal.Stop());
        }
    }

    /** The owner of a supervised handler dies: its handlers go, and the others see its Exit in handleInfo. */
    @Test
    void ownerDeathRemovesItsSupervisedHandlers() {
        try (var me = attach()) {
            Pid mgr = startManager();
            Pid test = self();
            assertThat(GenEvent.addHandler(MGR, new Dummy1H(), test)).isEqualTo(OK);
            Pid owner = spawn(() -> {
                GenEvent.addSupHandler(MGR, new DummyH(), "owned", test);
                send(test, "added");
                receive(m -> m == Tag.RELEASE ? m : skip());
                exit(ExitReason.of("owner_gone"));
            });
            awaitMessage("added");
            assertThat(GenEvent.whichHandlers(MGR)).containsExactly(dummyH("owned"), DUMMY1_H);
            send(owner, Tag.RELEASE);
            assertThat(awaitTerminated("dummy_h").arg()).isEqualTo(new Removal.OwnerExited(ExitReason.of("owner_gone")));
            awaitGot("dummy1_h", new Exit(owner, ExitReason.of("owner_gone")));
            assertThat(GenEvent.whichHandlers(MGR)).containsExactly(DUMMY1_H);
            assertThat(mgr.isAlive()).isTrue();
            GenEvent.stop(MGR);
        }
    }

    /**
     * add_sup_handler links to the owner before init: an owner already dead comes back as
     * Exit(owner, noproc), which removes the handler at once. (The public API always names the
     * caller, which is alive; the request is sent by hand.)
     */
    @Test
    void addSupHandlerForADeadOwnerIsRemovedAtOnce() {
        try (var me = attach()) {
            startManager();
            Pid dead = deadProcess();
            Object added = Gen.call("test", MGR, new GenEventEngine.AddHandler(new DummyH(), DUMMY_H, self(),
                    Optional.of(dead)), WAIT);
            assertThat(added).isEqualTo(OK);
            assertThat(awaitTerminated("dummy_h").arg()).isEqualTo(new Removal.OwnerExited(ExitReason.noproc()));
            assertThat(GenEvent.whichHandlers(MGR)).isEmpty();
            GenEvent.stop(MGR);
        }
    }

    @Test
    void deleteHandler() {
        try (var me = attach()) {
            startManager();
            assertThat(GenEvent.addHandler(MGR, new DummyH(), self())).isEqualTo(OK);
            assertThat(GenEvent.deleteHandler(MGR, HandlerId.of(OcEvent.class), List.of()))
                    .isEqualTo(new DeleteResult.NotFound());
            assertThat(GenEvent.deleteHandler(MGR, DUMMY_H, Tag.RETURN_HEJ)).isEqualTo(new DeleteResult.Ok(Tag.RETURN_HEJ));
            assertThat(GenEvent.whichHandlers(MGR)).isEmpty();
            assertThat(GenEvent.addHandler(MGR, new DummyH(), self())).isEqualTo(OK);
            assertThat(GenEvent.deleteHandler(MGR, DUMMY_H, List.of())).isEqualTo(new DeleteResult.Ok(GenEvent.OK));
            assertThat(GenEvent.whichHandlers(MGR)).isEmpty();

            assertThat(GenEvent.addHandler(MGR, new DummyH(), 1, self())).isEqualTo(OK);
            assertThat(GenEvent.addHandler(MGR, new DummyH(), 2, self())).isEqualTo(OK);
            assertThat(GenEvent.deleteHandler(MGR, HandlerId.of(OcEvent.class, 1), List.of()))
                    .isEqualTo(new DeleteResult.NotFound());
            // {Module, Id} and Module never match each other.
            assertThat(GenEvent.deleteHandler(MGR, DUMMY_H, List.of())).isEqualTo(new DeleteResult.NotFound());
            assertThat(GenEvent.deleteHandler(MGR, dummyH(1), Tag.RETURN_HEJ)).isEqualTo(new DeleteResult.Ok(Tag.RETURN_HEJ));
            assertThat(GenEvent.deleteHandler(MGR, dummyH(2), Tag.RETURN_HEJ)).isEqualTo(new DeleteResult.Ok(Tag.RETURN_HEJ));
            assertThat(GenEvent.whichHandlers(MGR)).isEmpty();
            assertThat(GenEvent.addHandler(MGR, new DummyH(), 2, self())).isEqualTo(OK);
            assertThat(GenEvent.deleteHandler(MGR, dummyH(2), List.of())).isEqualTo(new DeleteResult.Ok(GenEvent.OK));
            assertThat(GenEvent.whichHandlers(MGR)).isEmpty();
            assertThat(awaitTerminated("dummy_h").arg()).isEqualTo(Tag.RETURN_HEJ);
            GenEvent.stop(MGR);
        }
    }

    @Test
    void swapHandler() {
        try (var me = attach()) {
            startManager();
            assertThat(GenEvent.addHandler(MGR, new DummyH(), self())).isEqualTo(OK);
            // The old handler is not installed: the new one's init gets NotFound, and refuses here.
            assertThat(GenEvent.swapHandler(MGR, HandlerId.of(OcEvent.class), Tag.SWAP, new Dummy1H(), List.of()))
                    .isEqualTo(new AddResult.Error("non_existing"));
            assertThat(GenEvent.swapHandler(MGR, DUMMY_H, Tag.SWAP, new Dummy1H(), Tag.SWAP)).isEqualTo(OK);
            assertThat(GenEvent.whichHandlers(MGR)).containsExactly(DUMMY1_H);
            // The state went over through terminate's value: dummy1_h reports to this process.
            GenEvent.syncNotify(MGR, new Event(self()));
            awaitGot("dummy1_h", new Event(self()));
            assertThat(GenEvent.deleteHandler(MGR, DUMMY1_H, List.of())).isEqualTo(new DeleteResult.Ok(GenEvent.OK));

            assertThat(GenEvent.addHandler(MGR, new DummyH(), 3, self())).isEqualTo(OK);
            assertThat(GenEvent.swapHandler(MGR, HandlerId.of(OcEvent.class), Tag.SWAP, new Dummy1H(), List.of()))
                    .isEqualTo(new AddResult.Error("non_existing"));
            assertThat(GenEvent.swapHandler(MGR, dummyH(3), Tag.SWAP, new Dummy1H(), 4, Tag.SWAP)).isEqualTo(OK);
            assertThat(GenEvent.whichHandlers(MGR)).containsExactly(dummy1H(4));
            assertThat(GenEvent.deleteHandler(MGR, dummy1H(4), List.of())).isEqualTo(new DeleteResult.Ok(GenEvent.OK));
            GenEvent.stop(MGR);
        }
    }

    @Test
    void swapSupHandler() {
        try (var me = attach()) {
            startManager();
            assertThat(GenEvent.addSupHandler(MGR, new DummyH(), self())).isEqualTo(OK);
            assertThat(GenEvent.swapHandler(MGR, HandlerId.of(OcEvent.class), Tag.SWAP, new Dummy1H(), List.of()))
                    .isEqualTo(new AddResult.Error("non_existing"));
            // swap_handler keeps the old handler's owner: this process, told of the swap.
            assertThat(GenEvent.swapHandler(MGR, DUMMY_H, Tag.SWAP, new Dummy1H(), Tag.SWAP)).isEqualTo(OK);
            assertThat(awaitGenEventExit(DUMMY_H).reason())
                    .isEqualTo(ExitReason.of(new GenEventExit.Swapped(DUMMY1_H, self())));
            assertThat(GenEvent.whichHandlers(MGR)).containsExactly(DUMMY1_H);
            assertThat(GenEvent.deleteHandler(MGR, DUMMY1_H, List.of())).isEqualTo(new DeleteResult.Ok(GenEvent.OK));
            assertThat(awaitGenEventExit(DUMMY1_H).reason()).isEqualTo(ExitReason.normal());

            assertThat(GenEvent.addSupHandler(MGR, new DummyH(), 3, self())).isEqualTo(OK);
            assertThat(GenEvent.swapSupHandler(MGR, HandlerId.of(OcEvent.class), Tag.SWAP, new Dummy1H(), List.of()))
                    .isEqualTo(new AddResult.Error("non_existing"));
            assertThat(GenEvent.swapSupHandler(MGR, dummyH(3), Tag.SWAP, new Dummy1H(), 4, Tag.SWAP)).isEqualTo(OK);
            assertThat(GenEvent.whichHandlers(MGR)).containsExactly(dummy1H(4));
            assertThat(GenEvent.deleteHandler(MGR, dummy1H(4), List.of())).isEqualTo(new DeleteResult.Ok(GenEvent.OK));
            assertThat(awaitGenEventExit(dummy1H(4)).reason()).isEqualTo(ExitReason.normal());
            GenEvent.stop(MGR);
        }
    }

    /** swap_sup_handler makes the caller the new owner, even of a handler nobody supervised. */
    @Test
    void swapSupHandlerMakesTheCallerTheOwner() {
        try (var me = attach()) {
            startManager();
            assertThat(GenEvent.addHandler(MGR, new DummyH(), self())).isEqualTo(OK);
            assertThat(GenEvent.swapSupHandler(MGR, DUMMY_H, Tag.SWAP, new Dummy1H(), Tag.SWAP)).isEqualTo(OK);
            GenEvent.notify(MGR, Tag.DELETE_EVENT);
            awaitGot("dummy1_h", Tag.REMOVED);
            assertThat(awaitGenEventExit(DUMMY1_H).reason()).isEqualTo(ExitReason.normal());
            assertThat(pollMatching(m -> m instanceof GenEventExit e && e.handler().equals(DUMMY_H))).isFalse();
            GenEvent.stop(MGR);
        }
    }

    // ---------------------------------------------------------------- notify, sync_notify, call, info

    @Test
    void notifyEvents() { // OTP: notify (the name is taken by Object.notify)
        try (var me = attach()) {
            startManager();
            notifyOrSyncNotify(GenEvent::notify);
        }
    }

    @Test
    void syncNotify() {
        try (var me = attach()) {
            startManager();
            notifyOrSyncNotify(GenEvent::syncNotify);
        }
    }

    interface Notifier {
        void send(Address manager, Object event);
    }

    /** The body shared by OTP's notify and sync_notify cases. */
    private static void notifyOrSyncNotify(Notifier notifier) {
        Event event = new Event(self());
        assertThat(GenEvent.addHandler(MGR, new DummyH(), self())).isEqualTo(OK);
        assertThat(GenEvent.whichHandlers(MGR)).containsExactly(DUMMY_H);
        notifier.send(MGR, event);
        awaitGot("dummy_h", event);
        notifier.send(MGR, Swap.to(new Dummy1H(), Tag.SWAP));
        assertThat(GenEvent.whichHandlers(MGR)).containsExactly(DUMMY1_H);
        notifier.send(MGR, event);
        awaitGot("dummy1_h", event);
        notifier.send(MGR, Tag.DELETE_EVENT);
        awaitGot("dummy1_h", Tag.REMOVED);
        assertThat(GenEvent.whichHandlers(MGR)).isEmpty();
        assertThat(GenEvent.addHandler(MGR, new DummyH(), self())).isEqualTo(OK);

        notifier.send(MGR, Tag.ERROR_EVENT);
        awaitGot("dummy_h", Tag.RETURNED_ERROR);
        assertThat(GenEvent.whichHandlers(MGR)).isEmpty();

        // Handler with id, {Mod, Id}
        assertThat(GenEvent.addHandler(MGR, new DummyH(), 5, self())).isEqualTo(OK);
        assertThat(GenEvent.whichHandlers(MGR)).containsExactly(dummyH(5));
        notifier.send(MGR, event);
        awaitGot("dummy_h", event);
        notifier.send(MGR, Swap.to(new Dummy1H(), 9, Tag.SWAP));
        assertThat(GenEvent.whichHandlers(MGR)).containsExactly(dummy1H(9));
        notifier.send(MGR, event);
        awaitGot("dummy1_h", event);
        notifier.send(MGR, Tag.DELETE_EVENT);
        awaitGot("dummy1_h", Tag.REMOVED);
        assertThat(GenEvent.whichHandlers(MGR)).isEmpty();
        assertThat(GenEvent.addHandler(MGR, new DummyH(), "a", self())).isEqualTo(OK);
        notifier.send(MGR, Tag.ERROR_EVENT);
        awaitGot("dummy_h", Tag.RETURNED_ERROR);
        assertThat(GenEvent.whichHandlers(MGR)).isEmpty();

        // Supervised handler.
        assertThat(GenEvent.addSupHandler(MGR, new DummyH(), self())).isEqualTo(OK);
        assertThat(GenEvent.whichHandlers(MGR)).containsExactly(DUMMY_H);
        notifier.send(MGR, event);
        awaitGot("dummy_h", event);
        notifier.send(MGR, Tag.DO_CRASH);
        assertThat(awaitGenEventExit(DUMMY_H).reason()).isInstanceOf(ExitReason.Crash.class);

        assertThat(GenEvent.addSupHandler(MGR, new DummyH(), self())).isEqualTo(OK);
        notifier.send(MGR, Swap.to(new Dummy1H(), Tag.SWAP));
        assertThat(GenEvent.whichHandlers(MGR)).containsExactly(DUMMY1_H);
        assertThat(awaitGenEventExit(DUMMY_H).reason())
                .isEqualTo(ExitReason.of(new GenEventExit.Swapped(DUMMY1_H, self())));
        notifier.send(MGR, Tag.DO_CRASH);
        assertThat(awaitGenEventExit(DUMMY1_H).reason()).isInstanceOf(ExitReason.Crash.class);

        assertThat(GenEvent.addSupHandler(MGR, new DummyH(), self())).isEqualTo(OK);
        notifier.send(MGR, Swap.to(new Dummy1H(), Tag.SWAP));
        assertThat(GenEvent.whichHandlers(MGR)).containsExactly(DUMMY1_H);
        notifier.send(MGR, Tag.DELETE_EVENT);
        awaitGot("dummy1_h", Tag.REMOVED);
        assertThat(awaitGenEventExit(DUMMY1_H).reason()).isEqualTo(ExitReason.normal());
        assertThat(GenEvent.whichHandlers(MGR)).isEmpty();
        GenEvent.stop(MGR);
    }

    @Test
    void notifyNeverFails() {
        try (var me = attach()) {
            GenEvent.notify(deadProcess(), "to a dead manager");
            GenEvent.notify(Name.of("no_such_manager"), "to an unknown name");
            GenEvent.notify(new Via(new MapRegistry(), "nobody"), "to an unknown via name");
        }
    }

    /** Handlers are called newest first, each in turn, and see the same event. */
    @Test
    void eventsReachTheHandlersNewestFirst() {
        try (var me = attach()) {
            startManager();
            assertThat(GenEvent.addHandler(MGR, new DummyH(), self())).isEqualTo(OK);
            assertThat(GenEvent.addHandler(MGR, new Dummy1H(), self())).isEqualTo(OK);
            GenEvent.syncNotify(MGR, "first");
            assertThat(receive(WAIT).orElseThrow()).isEqualTo(new Got("dummy1_h", "first"));
            assertThat(receive(WAIT).orElseThrow()).isEqualTo(new Got("dummy_h", "first"));
            GenEvent.stop(MGR);
        }
    }

    @Test
    void call() {
        try (var me = attach()) {
            Pid mgr = startManager();
            assertThat(GenEvent.addHandler(MGR, new DummyH(), self())).isEqualTo(OK);
            assertThat(GenEvent.addHandler(MGR, new DummyH(), 1, self())).isEqualTo(OK);
            assertThat(GenEvent.whichHandlers(MGR)).containsExactly(dummyH(1), DUMMY_H);
            assertThatThrownBy(() -> GenEvent.call(Name.of("non_exist"), DUMMY_H, Tag.HEJSAN))
                    .isInstanceOfSatisfying(ExitException.class, e -> {
                        assertThat(e.reason().cause()).isEqualTo(ExitReason.noproc());
                        assertThat(e.getMessage()).startsWith("GenEvent.call(non_exist, ");
                    });
            assertThat(GenEvent.call(MGR, HandlerId.of(OcEvent.class), Tag.HEJSAN)).isEqualTo(new CallReply.BadModule<>());
            assertThat(GenEvent.call(MGR, DUMMY_H, Tag.HEJSAN)).isEqualTo(reply(Tag.HEJHOPP));
            assertThat(GenEvent.call(MGR, dummyH(1), Tag.HEJSAN)).isEqualTo(reply(Tag.HEJHOPP));
            assertThat(GenEvent.call(MGR, DUMMY_H, Tag.HEJSAN, Duration.ofSeconds(10))).isEqualTo(reply(Tag.HEJHOPP));
            // OTP calls with a timeout of 0; here the handler waits to be released, so the timeout is certain.
            assertThatThrownBy(() -> GenEvent.call(MGR, DUMMY_H, Tag.WAIT_FOR_RELEASE, Duration.ofMillis(20)))
                    .isInstanceOfSatisfying(ExitException.class,
                            e -> assertThat(e.reason().cause()).isEqualTo(ExitReason.timeout()));
            send(mgr, Tag.RELEASE);
            assertThat(GenEvent.call(MGR, DUMMY_H, Tag.HEJSAN)).isEqualTo(reply(Tag.HEJHOPP));
            assertThat(flush()).noneMatch(m -> m instanceof Gen.Reply); // the late reply never arrived
            assertThat(GenEvent.deleteHandler(MGR, dummyH(1), List.of())).isEqualTo(new DeleteResult.Ok(GenEvent.OK));
            assertThat(GenEvent.call(MGR, DUMMY_H, Swap.to(new Dummy1H(), Tag.SWAP))).isEqualTo(reply(Tag.SWAPPED));
            assertThat(GenEvent.whichHandlers(MGR)).containsExactly(DUMMY1_H);
            assertThat(GenEvent.call(MGR, DUMMY_H, Tag.HEJSAN)).isEqualTo(new CallReply.BadModule<>());
            assertThat(GenEvent.call(MGR, DUMMY1_H, Tag.DELETE_CALL)).isEqualTo(reply(GenEvent.OK));
            awaitGot("dummy1_h", Tag.REMOVED);
            assertThat(GenEvent.whichHandlers(MGR)).isEmpty();
            assertThat(GenEvent.addHandler(MGR, new DummyH(), self())).isEqualTo(OK);

            assertErrorWithNullPointer(GenEvent.call(MGR, DUMMY_H, Tag.ERROR_CALL));
            awaitGot("dummy_h", Tag.RETURNED_ERROR);
            assertThat(GenEvent.whichHandlers(MGR)).isEmpty();
            assertThat(GenEvent.addHandler(MGR, new DummyH(), self())).isEqualTo(OK);
            assertCrashed(GenEvent.call(MGR, DUMMY_H, Tag.EXIT_CALL));
            assertThat(GenEvent.whichHandlers(MGR)).isEmpty();

            // Handler with id, {Mod, Id}
            assertThat(GenEvent.addHandler(MGR, new DummyH(), 1, self())).isEqualTo(OK);
            assertThat(GenEvent.whichHandlers(MGR)).containsExactly(dummyH(1));
            assertThat(GenEvent.call(MGR, HandlerId.of(OcEvent.class), Tag.HEJSAN)).isEqualTo(new CallReply.BadModule<>());
            assertThat(GenEvent.call(MGR, dummyH(1), Tag.HEJSAN)).isEqualTo(reply(Tag.HEJHOPP));
            assertThat(GenEvent.call(MGR, dummyH(1), Swap.to(new Dummy1H(), 2, Tag.SWAP))).isEqualTo(reply(Tag.SWAPPED));
            assertThat(GenEvent.whichHandlers(MGR)).containsExactly(dummy1H(2));
            assertThat(GenEvent.call(MGR, DUMMY_H, Tag.HEJSAN)).isEqualTo(new CallReply.BadModule<>());
            assertThat(GenEvent.call(MGR, dummy1H(2), Tag.DELETE_CALL)).isEqualTo(reply(GenEvent.OK));
            awaitGot("dummy1_h", Tag.REMOVED);
            assertThat(GenEvent.whichHandlers(MGR)).isEmpty();
            assertThat(GenEvent.addHandler(MGR, new DummyH(), 3, self())).isEqualTo(OK);
            assertErrorWithNullPointer(GenEvent.call(MGR, dummyH(3), Tag.ERROR_CALL));
            awaitGot("dummy_h", Tag.RETURNED_ERROR);
            assertThat(GenEvent.whichHandlers(MGR)).isEmpty();
            assertThat(GenEvent.addHandler(MGR, new DummyH(), 4, self())).isEqualTo(OK);
            assertCrashed(GenEvent.call(MGR, dummyH(4), Tag.EXIT_CALL));
            assertThat(GenEvent.whichHandlers(MGR)).isEmpty();

            // Supervised handler.
            assertThat(GenEvent.addSupHandler(MGR, new DummyH(), self())).isEqualTo(OK);
            assertThat(GenEvent.whichHandlers(MGR)).containsExactly(DUMMY_H);
            assertThat(GenEvent.call(MGR, HandlerId.of(OcEvent.class), Tag.HEJSAN)).isEqualTo(new CallReply.BadModule<>());
            assertThat(GenEvent.call(MGR, DUMMY_H, Tag.HEJSAN)).isEqualTo(reply(Tag.HEJHOPP));
            assertThat(GenEvent.call(MGR, DUMMY_H, Swap.to(new Dummy1H(), Tag.SWAP))).isEqualTo(reply(Tag.SWAPPED));
            assertThat(awaitGenEventExit(DUMMY_H).reason())
                    .isEqualTo(ExitReason.of(new GenEventExit.Swapped(DUMMY1_H, self())));
            assertThat(GenEvent.whichHandlers(MGR)).containsExactly(DUMMY1_H);
            assertThat(GenEvent.call(MGR, DUMMY_H, Tag.HEJSAN)).isEqualTo(new CallReply.BadModule<>());
            assertThat(GenEvent.call(MGR, DUMMY1_H, Tag.DELETE_CALL)).isEqualTo(reply(GenEvent.OK));
            awaitGot("dummy1_h", Tag.REMOVED);
            assertThat(awaitGenEventExit(DUMMY1_H).reason()).isEqualTo(ExitReason.normal());
            assertThat(GenEvent.whichHandlers(MGR)).isEmpty();

            assertThat(GenEvent.addSupHandler(MGR, new DummyH(), self())).isEqualTo(OK);
            assertErrorWithNullPointer(GenEvent.call(MGR, DUMMY_H, Tag.ERROR_CALL));
            awaitGot("dummy_h", Tag.RETURNED_ERROR);
            assertThat(awaitGenEventExit(DUMMY_H).reason()).isInstanceOfSatisfying(ExitReason.Crash.class,
                    c -> assertThat(c.error()).isInstanceOf(NullPointerException.class));
            assertThat(GenEvent.whichHandlers(MGR)).isEmpty();
            assertThat(GenEvent.addSupHandler(MGR, new DummyH(), self())).isEqualTo(OK);
            assertCrashed(GenEvent.call(MGR, DUMMY_H, Tag.EXIT_CALL));
            assertThat(awaitGenEventExit(DUMMY_H).reason()).isInstanceOf(ExitReason.Crash.class);
            assertThat(GenEvent.whichHandlers(MGR)).isEmpty();
            GenEvent.stop(MGR);
        }
    }

    private static void assertErrorWithNullPointer(CallReply<Object> r) {
        assertThat(r).isInstanceOfSatisfying(CallReply.Error.class, e -> assertThat(e.reason())
                .isInstanceOfSatisfying(ExitReason.Crash.class,
                        c -> assertThat(c.error()).isInstanceOf(NullPointerException.class)));
    }

    private static void assertCrashed(CallReply<Object> r) {
        assertThat(r).isInstanceOfSatisfying(CallReply.Error.class, e -> assertThat(e.reason())
                .isInstanceOfSatisfying(ExitReason.Crash.class,
                        c -> assertThat(c.error()).hasMessage("badmatch 4")));
    }

    record Count() implements Request<Integer> {}

    /** A handler with a typed event and a typed call. */
    static final class Counter implements EventHandler<Integer, String> {
        @Override
        public HandlerInit<Integer> init(Object args) {
            return HandlerInit.ok(0);
        }

        @Override
        public HandlerResult<Integer> handleEvent(String event, Integer n) {
            return HandlerResult.ok(n + event.length());
        }

        @Override
        public HandlerCallResult<Integer> handleCall(Object request, Integer n) {
            return HandlerCallResult.ok(n, n);
        }
    }

    @Test
    void typedCallsAndAnEventOfTheWrongTypeRemovesTheHandler() {
        try (var me = attach(); var log = LogCapture.start()) {
            Pid mgr = GenEvent.startLink().orElseThrow();
            assertThat(GenEvent.addSupHandler(mgr, new Counter(), "args")).isEqualTo(OK);
            GenEvent.notify(mgr, "abc");
            GenEvent.notify(mgr, "de");
            int count = GenEvent.call(mgr, HandlerId.of(Counter.class), new Count()).orElseThrow();
            assertThat(count).isEqualTo(5);
            GenEvent.syncNotify(mgr, 42); // not a String: the handler fails, as a missing clause would in OTP
            assertThat(awaitGenEventExit(HandlerId.of(Counter.class)).reason()).isInstanceOfSatisfying(
                    ExitReason.Crash.class, c -> assertThat(c.error()).isInstanceOf(ClassCastException.class));
            assertThat(GenEvent.whichHandlers(mgr)).isEmpty();
            assertThatThrownBy(() -> GenEvent.call(mgr, HandlerId.of(Counter.class), new Count()).orElseThrow())
                    .isInstanceOfSatisfying(ExitException.class,
                            e -> assertThat(e.reason().cause()).isEqualTo(ExitReason.of("bad_module")));
            assertThat(log.linesContaining("GenEvent handler " + Counter.class.getName() + " crashed")).hasSize(1);
            GenEvent.stop(mgr);
        }
    }

    /** A handler calling its own manager fails with calling_self, and only that handler goes. */
    @Test
    void aHandlerCallingItsOwnManagerFails() {
        try (var me = attach()) {
            startManager();
            EventHandler<Object, Object> selfCaller = new EventHandler<>() {
                @Override
                public HandlerInit<Object> init(Object args) {
                    return HandlerInit.ok(args);
                }

                @Override
                public HandlerResult<Object> handleEvent(Object event, Object state) {
                    GenEvent.whichHandlers(MGR);
                    return HandlerResult.ok(state);
                }
            };
            assertThat(GenEvent.addHandler(MGR, new DummyH(), self())).isEqualTo(OK);
            assertThat(GenEvent.addSupHandler(MGR, selfCaller, "state")).isEqualTo(OK);
            GenEvent.syncNotify(MGR, "go");
            assertThat(awaitGenEventExit(HandlerId.of(selfCaller.getClass())).reason().cause())
                    .isEqualTo(ExitReason.of("calling_self"));
            awaitGot("dummy_h", "go");
            assertThat(GenEvent.whichHandlers(MGR)).containsExactly(DUMMY_H);
            GenEvent.stop(MGR);
        }
    }

    @Test
    void info() {
        try (var me = attach()) {
            Pid mgr = startManager();
            Object info = List.of("info", self());
            assertThat(GenEvent.addHandler(MGR, new DummyH(), self())).isEqualTo(OK);
            assertThat(GenEvent.whichHandlers(MGR)).containsExactly(DUMMY_H);
            send(mgr, info);
            awaitGot("dummy_h", info);
            send(mgr, Swap.to(new Dummy1H(), Tag.SWAP));
            assertThat(GenEvent.whichHandlers(MGR)).containsExactly(DUMMY1_H);
            send(mgr, info);
            awaitGot("dummy1_h", info);
            send(mgr, Tag.DELETE_INFO);
            awaitGot("dummy1_h", Tag.REMOVED);
            assertThat(GenEvent.whichHandlers(MGR)).isEmpty();
            assertThat(GenEvent.addHandler(MGR, new DummyH(), self())).isEqualTo(OK);
            send(mgr, Tag.ERROR_INFO);
            awaitGot("dummy_h", Tag.RETURNED_ERROR);
            assertThat(GenEvent.whichHandlers(MGR)).isEmpty();

            // Handler with id, {Mod, Id}
            assertThat(GenEvent.addHandler(MGR, new DummyH(), 1, self())).isEqualTo(OK);
            assertThat(GenEvent.whichHandlers(MGR)).containsExactly(dummyH(1));
            send(mgr, info);
            awaitGot("dummy_h", info);
            send(mgr, Swap.to(new Dummy1H(), 2, Tag.SWAP));
            assertThat(GenEvent.whichHandlers(MGR)).containsExactly(dummy1H(2));
            send(mgr, info);
            awaitGot("dummy1_h", info);
            send(mgr, Tag.DELETE_INFO);
            awaitGot("dummy1_h", Tag.REMOVED);
            assertThat(GenEvent.whichHandlers(MGR)).isEmpty();
            assertThat(GenEvent.addHandler(MGR, new DummyH(), 3, self())).isEqualTo(OK);
            send(mgr, Tag.ERROR_INFO);
            awaitGot("dummy_h", Tag.RETURNED_ERROR);
            assertThat(GenEvent.whichHandlers(MGR)).isEmpty();

            // Supervised handler
            assertThat(GenEvent.addSupHandler(MGR, new DummyH(), self())).isEqualTo(OK);
            assertThat(GenEvent.whichHandlers(MGR)).containsExactly(DUMMY_H);
            send(mgr, info);
            awaitGot("dummy_h", info);
            send(mgr, Swap.to(new Dummy1H(), Tag.SWAP));
            assertThat(GenEvent.whichHandlers(MGR)).containsExactly(DUMMY1_H);
            assertThat(awaitGenEventExit(DUMMY_H).reason())
                    .isEqualTo(ExitReason.of(new GenEventExit.Swapped(DUMMY1_H, self())));
            send(mgr, info);
            awaitGot("dummy1_h", info);
            send(mgr, Tag.DELETE_INFO);
            awaitGot("dummy1_h", Tag.REMOVED);
            assertThat(awaitGenEventExit(DUMMY1_H).reason()).isEqualTo(ExitReason.normal());
            assertThat(GenEvent.whichHandlers(MGR)).isEmpty();

            assertThat(GenEvent.addSupHandler(MGR, new DummyH(), self())).isEqualTo(OK);
            send(mgr, Tag.ERROR_INFO);
            awaitGot("dummy_h", Tag.RETURNED_ERROR);
            assertThat(awaitGenEventExit(DUMMY_H).reason()).isInstanceOf(ExitReason.Crash.class);

            assertThat(GenEvent.addSupHandler(MGR, new DummyH(), self())).isEqualTo(OK);
            send(mgr, Tag.DO_CRASH);
            assertThat(awaitGenEventExit(DUMMY_H).reason()).isInstanceOf(ExitReason.Crash.class);
            assertThat(GenEvent.whichHandlers(MGR)).isEmpty();
            GenEvent.stop(MGR);
        }
    }

    // ---------------------------------------------------------------- failures and reports

    /** A crash is logged once, the other handlers get the event, the manager goes on. */
    @Test
    void aCrashingHandlerIsRemovedAloneAndReportedOnce() {
        try (var me = attach(); var log = LogCapture.start()) {
            Pid mgr = startManager();
            assertThat(GenEvent.addHandler(MGR, new DummyH(), self())).isEqualTo(OK);
            assertThat(GenEvent.addHandler(MGR, new Dummy1H(), self())).isEqualTo(OK);
            GenEvent.syncNotify(MGR, Tag.DO_CRASH); // dummy1_h first (newest), then dummy_h: both crash
            assertThat(awaitTerminated("dummy_h").arg()).isInstanceOfSatisfying(Removal.Error.class,
                    e -> assertThat(e.reason()).isInstanceOf(ExitReason.Crash.class));
            assertThat(GenEvent.whichHandlers(MGR)).isEmpty();
            assertThat(log.count("GenEvent handler " + DummyH.class.getName().replace("$", "\\$") + " crashed")).isEqualTo(1);
            assertThat(log.count("GenEvent handler " + Dummy1H.class.getName().replace("$", "\\$") + " crashed")).isEqualTo(1);
            assertThat(mgr.isAlive()).isTrue();

            assertThat(GenEvent.addHandler(MGR, new DummyH(), self())).isEqualTo(OK);
            assertThat(GenEvent.addHandler(MGR, new Dummy1H(), self())).isEqualTo(OK);
            GenEvent.syncNotify(MGR, Tag.DELETE_EVENT); // dummy1_h removes itself; dummy_h still gets it
            awaitGot("dummy1_h", Tag.REMOVED);
            awaitGot("dummy_h", Tag.DELETE_EVENT);
            assertThat(GenEvent.whichHandlers(MGR)).containsExactly(DUMMY_H);
            assertThat(log.text()).doesNotContain("crashed; installed in my_dummy_handler; last event: DELETE_EVENT");
            GenEvent.stop(MGR);
        }
    }

    /** OTP: call_format_status. sys:get_status shows each handler's state through its formatStatus. */
    @Test
    void callFormatStatus() {
        try (var me = attach()) {
            Pid mgr = startManager();
            assertThat(GenEvent.addHandler(MGR, new Dummy1H(), self())).isEqualTo(OK);
            Sys.Status status = Sys.getStatus(mgr);
            GenEvent.stop(mgr);
            assertThat(status.pid()).isEqualTo(mgr);
            assertThat(status.module()).isEqualTo(GenEvent.class.getName());
            assertThat(status.mode()).isEqualTo(Sys.Mode.RUNNING);
            assertThat(status.parent()).isEqualTo(mgr); // not linked: the manager is its own parent, as in OTP
            assertThat(status.state()).isEqualTo(List.of(new HandlerState(DUMMY1_H, "dummy1_h handler state")));
        }
    }

    /** OTP: call_format_status_anon. The status of an anonymous manager. */
    @Test
    void callFormatStatusAnon() {
        try (var me = attach()) {
            Pid mgr = GenEvent.startLink().orElseThrow();
            Sys.Status status = Sys.getStatus(mgr);
            GenEvent.stop(mgr);
            assertThat(status.pid()).isEqualTo(mgr);
            assertThat(status.parent()).isEqualTo(self());
            assertThat(status.state()).isEqualTo(List.of());
        }
    }

    /** OTP: error_format_status. The crash report shows the state through formatStatus. */
    @Test
    void errorFormatStatus() {
        try (var me = attach(); var log = LogCapture.start()) {
            trapExit(true);
            Pid mgr = startManager();
            assertThat(GenEvent.addSupHandler(MGR, new Dummy1H(), self())).isEqualTo(OK);
            GenEvent.notify(MGR, Tag.DO_CRASH);
            assertThat(awaitGenEventExit(DUMMY1_H).reason()).isInstanceOf(ExitReason.Crash.class);
            assertThat(log.linesContaining("GenEvent handler " + Dummy1H.class.getName() + " crashed; installed in"
                    + " my_dummy_handler; last event: DO_CRASH; handler state: dummy1_h handler state; reason: "
                    + "{java.lang.IllegalStateException: badmatch 4")).hasSize(1);
            GenEvent.stop(mgr);
            trapExit(false);
        }
    }

    /** A handler swapped in whose init fails is not installed; the failure is logged and its owner told. */
    @Test
    void aSwapToAHandlerWhoseInitFailsRemovesBoth() {
        try (var me = attach(); var log = LogCapture.start()) {
            startManager();
            assertThat(GenEvent.addSupHandler(MGR, new DummyH(), self())).isEqualTo(OK);
            // dummy1_h's init throws for swap arguments other than SWAP.
            GenEvent.syncNotify(MGR, Swap.to(new Dummy1H(), 7, "unexpected"));
            assertThat(awaitGenEventExit(DUMMY_H).reason())
                    .isEqualTo(ExitReason.of(new GenEventExit.Swapped(dummy1H(7), self())));
            assertThat(GenEvent.whichHandlers(MGR)).isEmpty();
            assertThat(log.linesContaining("GenEvent handler " + dummy1H(7) + " crashed")).hasSize(1);
            assertThat(awaitGenEventExit(dummy1H(7)).reason()).isInstanceOfSatisfying(ExitReason.Crash.class,
                    c -> assertThat(c.error()).isInstanceOf(IllegalArgumentException.class));
            GenEvent.stop(MGR);
        }
    }

    // ---------------------------------------------------------------- stopping

    /** Stop runs every terminate with stop, tells owners shutdown, and unlinks them first. */
    @Test
    void stopTerminatesEveryHandlerAndSparesTheOwners() {
        try (var me = attach()) {
            Pid mgr = startManager();
            assertThat(GenEvent.addSupHandler(MGR, new DummyH(), self())).isEqualTo(OK);
            assertThat(GenEvent.addHandler(MGR, new DummyH(), "unsupervised", self())).isEqualTo(OK);
            // An abnormal reason: the owner (this process, not trapping) lives because it was unlinked.
            GenEvent.stop(MGR, ExitReason.of("boom"), WAIT);
            assertThat(awaitTerminated("dummy_h").arg()).isEqualTo(new Removal.Stop());
            assertThat(awaitTerminated("dummy_h").arg()).isEqualTo(new Removal.Stop());
            assertThat(awaitGenEventExit(DUMMY_H).reason()).isEqualTo(ExitReason.shutdown());
            assertThat(mgr.isAlive()).isFalse();
            assertThat(self().isAlive()).isTrue();
        }
    }

    @Test
    void stopOfAManagerThatIsNotRunningIsNoproc() {
        try (var me = attach()) {
            assertThatThrownBy(() -> GenEvent.stop(deadProcess()))
                    .isInstanceOfSatisfying(ExitException.class, e -> assertThat(e.reason().cause()).isEqualTo(ExitReason.noproc()));
            assertThatThrownBy(() -> GenEvent.whichHandlers(Name.of("no_such_manager")))
                    .isInstanceOfSatisfying(ExitException.class, e -> assertThat(e.reason().cause()).isEqualTo(ExitReason.noproc()));
        }
    }

    /** The parent's exit signal, trapped, runs every handler's terminate before the manager exits. */
    @Test
    void parentExitStopsTheManager() {
        try (var me = attach()) {
            trapExit(true);
            Pid mgr = GenEvent.startLink().orElseThrow();
            assertThat(GenEvent.addHandler(mgr, new DummyH(), self())).isEqualTo(OK);
            Sys.suspend(mgr); // a suspended manager still obeys its parent (OTP's sys suspend loop)
            exit(mgr, ExitReason.shutdown());
            assertThat(awaitExit(mgr).reason()).isEqualTo(ExitReason.shutdown());
            assertThat(awaitTerminated("dummy_h").arg()).isEqualTo(new Removal.Stop());
            trapExit(false);
        }
    }

    /** The owner link is a real link: a manager that is killed takes an owner that does not trap exits with it. */
    @Test
    void aKilledManagerTakesItsOwnersWithIt() {
        try (var me = attach()) {
            Pid mgr = startManager();
            Pid test = self();
            Pid owner = spawn(() -> {
                GenEvent.addSupHandler(MGR, new OcEvent(), "state");
                send(test, "added");
                blockForever();
            });
            awaitMessage("added");
            var ownerDown = monitor(owner);
            kill(mgr);
            assertThat(awaitDown(ownerDown).reason()).isEqualTo(ExitReason.killed());
        }
    }

    /**
     * A manager under a supervisor: restarted empty after a crash (handlers are not children), and
     * stopped by the supervisor's shutdown, which runs every handler's terminate.
     */
    @Test
    void underASupervisor() {
        try (var me = attach()) {
            Pid sup = Supervisor.startLink(SupervisorFlags.oneForOne(), List.of(ChildSpec.worker("events",
                    () -> GenEvent.startLink(StartOptions.named("sup_events"))))).orElseThrow();
            Name events = Name.of("sup_events");
            Pid first = whereis("sup_events").orElseThrow();
            assertThat(GenEvent.addHandler(events, new DummyH(), self())).isEqualTo(OK);
            kill(first);
            eventually("the manager restarted", () -> whereis("sup_events").filter(p -> !p.equals(first)).isPresent());
            assertThat(GenEvent.whichHandlers(events)).isEmpty();
            assertThat(GenEvent.addHandler(events, new DummyH(), self())).isEqualTo(OK);
            Supervisor.stop(sup);
            assertThat(awaitTerminated("dummy_h").arg()).isEqualTo(new Removal.Stop());
            assertThat(whereis("sup_events")).isEmpty();
        }
    }

    /** An Exit from a process that is neither the parent nor an owner goes to every handleInfo. */
    @Test
    void exitOfAnotherLinkedProcessGoesToHandleInfo() {
        try (var me = attach()) {
            Pid mgr = startManager();
            assertThat(GenEvent.addHandler(MGR, new DummyH(), self())).isEqualTo(OK);
            exit(mgr, ExitReason.of("just_a_signal"));
            awaitGot("dummy_h", new Exit(self(), ExitReason.of("just_a_signal")));
            assertThat(GenEvent.whichHandlers(MGR)).containsExactly(DUMMY_H);
            GenEvent.stop(MGR);
        }
    }

    // ---------------------------------------------------------------- sys

    @Test
    void getState() {
        try (var me = attach()) {
            Pid mgr = startManager();
            assertThat(GenEvent.addHandler(MGR, new Dummy1H(), self())).isEqualTo(OK);
            assertThat(Sys.getState(mgr)).isEqualTo(List.of(new HandlerState(DUMMY1_H, self())));
            assertThat(Sys.getState(mgr, Duration.ofSeconds(5))).isEqualTo(List.of(new HandlerState(DUMMY1_H, self())));
            Object state2 = List.of("gen_event_SUITE", self());
            assertThat(GenEvent.addHandler(MGR, new Dummy1H(), "id", new State(state2))).isEqualTo(OK);
            List<HandlerState> both = List.of(new HandlerState(dummy1H("id"), state2), new HandlerState(DUMMY1_H, self()));
            assertThat(Sys.getState(mgr)).isEqualTo(both);
            Sys.suspend(mgr);
            assertThat(Sys.getState(mgr)).isEqualTo(both);
            Sys.resume(mgr);
            GenEvent.stop(mgr);
        }
    }

    @Test
    void replaceState() {
        try (var me = attach()) {
            Pid mgr = startManager();
            assertThat(GenEvent.addHandler(MGR, new Dummy1H(), self())).isEqualTo(OK);
            assertThat(Sys.getState(mgr)).isEqualTo(List.of(new HandlerState(DUMMY1_H, self())));
            assertThat(GenEvent.replaceState(mgr, h -> new HandlerState(h.handler(), "replaced")))
                    .isEqualTo(List.of(new HandlerState(DUMMY1_H, "replaced")));
            assertThat(Sys.getState(mgr)).isEqualTo(List.of(new HandlerState(DUMMY1_H, "replaced")));
            // No change if the function fails, or renames the handler.
            assertThat(GenEvent.replaceState(mgr, h -> {
                throw new IllegalStateException("fail");
            })).isEqualTo(List.of(new HandlerState(DUMMY1_H, "replaced")));
            assertThat(GenEvent.replaceState(mgr, h -> new HandlerState(DUMMY_H, "renamed")))
                    .isEqualTo(List.of(new HandlerState(DUMMY1_H, "replaced")));
            // Replaced while suspended.
            Sys.suspend(mgr);
            assertThat(GenEvent.replaceState(mgr, h -> new HandlerState(h.handler(), "replaced again and again")))
                    .isEqualTo(List.of(new HandlerState(DUMMY1_H, "replaced again and again")));
            Sys.resume(mgr);
            assertThat(Sys.getState(mgr)).isEqualTo(List.of(new HandlerState(DUMMY1_H, "replaced again and again")));
            GenEvent.stop(mgr);
        }
    }

    @Test
    void suspendHoldsEventsUntilResume() {
        try (var me = attach()) {
            Pid mgr = startManager();
            assertThat(GenEvent.addHandler(MGR, new DummyH(), self())).isEqualTo(OK);
            Sys.suspend(mgr);
            assertThat(Sys.getStatus(mgr).mode()).isEqualTo(Sys.Mode.SUSPENDED);
            GenEvent.notify(MGR, "held");
            RequestId pending = GenEvent.sendRequest(MGR, DUMMY_H, Tag.HEJSAN);
            assertThat(GenServer.waitResponse(pending, Duration.ofMillis(20))).isEqualTo(new Response.Timeout());
            assertThat(pollMatching(m -> m instanceof Got)).isFalse();
            Sys.resume(mgr);
            awaitGot("dummy_h", "held");
            assertThat(GenServer.waitResponse(pending, WAIT)).isEqualTo(new Response.Reply(reply(Tag.HEJHOPP)));
            GenEvent.stop(mgr);
        }
    }

    @Test
    void statisticsAndTrace() {
        try (var me = attach(); var log = LogCapture.start()) {
            Pid mgr = startManager();
            Sys.statistics(mgr, true);
            GenEvent.notify(MGR, "an event");
            GenEvent.whichHandlers(MGR);
            Sys.Statistics stats = Sys.getStatistics(mgr).orElseThrow();
            assertThat(stats.messagesIn()).isEqualTo(3); // the event, the call and this request
            assertThat(stats.messagesOut()).isEqualTo(1);
            Sys.trace(mgr, true);
            GenEvent.notify(MGR, "traced event");
            Sys.trace(mgr, false);
            GenEvent.whichHandlers(MGR);
            assertThat(log.linesContaining("*DBG* " + mgr + " got")).anyMatch(l -> l.contains("traced event"));
            GenEvent.stop(mgr);
        }
    }

    // ---------------------------------------------------------------- undefined callbacks

    /** OTP: undef_handle_call. The default handleCall fails: the caller gets the error, the handler goes. */
    @Test
    void undefHandleCall() {
        try (var me = attach()) {
            Pid mgr = GenEvent.start().orElseThrow();
            assertThat(GenEvent.addHandler(mgr, new OcEvent(), List.of())).isEqualTo(OK);
            assertThat(GenEvent.call(mgr, HandlerId.of(OcEvent.class), "call_msg"))
                    .isInstanceOfSatisfying(CallReply.Error.class, e -> assertThat(e.reason())
                            .isInstanceOfSatisfying(ExitReason.Crash.class,
                                    c -> assertThat(c.error()).isInstanceOf(UnsupportedOperationException.class)));
            assertThat(GenEvent.whichHandlers(mgr)).isEmpty();
            GenEvent.stop(mgr);
        }
    }

    /** OTP: undef_handle_info. The default handleInfo logs a warning and keeps the handler. */
    @Test
    void undefHandleInfo() {
        try (var me = attach(); var log = LogCapture.start()) {
            Pid mgr = GenEvent.start().orElseThrow();
            assertThat(GenEvent.addHandler(mgr, new OcEvent(), List.of())).isEqualTo(OK);
            send(mgr, "hej");
            assertThat(GenEvent.whichHandlers(mgr)).containsExactly(HandlerId.of(OcEvent.class));
            assertThat(log.linesContaining("does not implement handleInfo; unhandled message: hej"))
                    .singleElement().asString().contains("WARN").contains(OcEvent.class.getName());
            GenEvent.stop(mgr);
        }
    }

    /** OTP: undef_terminate. The default terminate returns ok. */
    @Test
    void undefTerminate() {
        try (var me = attach()) {
            Pid mgr = GenEvent.start().orElseThrow();
            assertThat(GenEvent.addHandler(mgr, new OcEvent(), List.of())).isEqualTo(OK);
            assertThat(GenEvent.deleteHandler(mgr, HandlerId.of(OcEvent.class), List.of()))
                    .isEqualTo(new DeleteResult.Ok(GenEvent.OK));
            assertThat(GenEvent.whichHandlers(mgr)).isEmpty();
            GenEvent.stop(mgr);
        }
    }

    /** OTP: undef_in_terminate. A terminate that fails: delete returns the failure, the handler is gone. */
    @Test
    void undefInTerminate() {
        try (var me = attach(); var log = LogCapture.start()) {
            Pid mgr = GenEvent.start(StartOptions.named("dummy")).orElseThrow();
            assertThat(GenEvent.addHandler(mgr, new DummyH(), new State(new UndefInTerminate()))).isEqualTo(OK);
            assertThat(GenEvent.whichHandlers(mgr)).containsExactly(DUMMY_H);
            assertThat(GenEvent.deleteHandler(mgr, DUMMY_H, List.of()))
                    .isInstanceOfSatisfying(DeleteResult.Crashed.class, c -> assertThat(c.reason())
                            .isInstanceOfSatisfying(ExitReason.Crash.class,
                                    crash -> assertThat(crash.error()).hasMessage("undef in terminate")));
            assertThat(GenEvent.whichHandlers(mgr)).isEmpty();
            assertThat(log.linesContaining("terminate([]) failed")).hasSize(1);
            GenEvent.stop(mgr);
        }
    }

    // ---------------------------------------------------------------- send_request

    @Test
    void sendRequest() {
        try (var me = attach()) {
            Pid mgr = startManager();
            assertThat(GenEvent.addHandler(MGR, new DummyH(), self())).isEqualTo(OK);
            RequestId id = GenEvent.sendRequest(MGR, DUMMY_H, Tag.HEJSAN);
            assertThat(GenServer.receiveResponse(id, WAIT)).isEqualTo(new Response.Reply(reply(Tag.HEJHOPP)));
            RequestId bad = GenEvent.sendRequest(MGR, HandlerId.of(OcEvent.class), Tag.HEJSAN);
            assertThat(GenServer.receiveResponse(bad, WAIT)).isEqualTo(new Response.Reply(new CallReply.BadModule<>()));
            GenEvent.stop(mgr);
            RequestId gone = GenEvent.sendRequest(mgr, DUMMY_H, Tag.HEJSAN);
            assertThat(GenServer.receiveResponse(gone, WAIT)).isEqualTo(new Response.Error(ExitReason.noproc()));
        }
    }

    /** OTP: send_request_receive_reqid_collection (and its wait and check variants, in one). */
    @Test
    void sendRequestReceiveReqidCollection() {
        try (var me = attach()) {
            startManager();
            assertThat(GenEvent.addHandler(MGR, new DummyH(), self())).isEqualTo(OK);
            assertThat(GenEvent.addHandler(MGR, new Dummy1H(), self())).isEqualTo(OK);
            RequestIds<String> ids = RequestIds.empty();
            ids = GenEvent.sendRequest(MGR, DUMMY_H, Tag.HEJSAN, "a", ids);
            ids = GenEvent.sendRequest(MGR, DUMMY1_H, Tag.HEJSAN, "b", ids);
            ids = GenEvent.sendRequest(MGR, HandlerId.of(OcEvent.class), Tag.HEJSAN, "c", ids);
            java.util.Map<String, Object> answers = new java.util.HashMap<>();
            while (ids.size() > 0) {
                Responses<String> r = GenServer.receiveResponse(ids, WAIT, true);
                Responses.Answer<String> answer = (Responses.Answer<String>) r;
                answers.put(answer.label(), answer.response());
                ids = answer.rest();
            }
            assertThat(answers).containsExactlyInAnyOrderEntriesOf(java.util.Map.of(
                    "a", new Response.Reply(reply(Tag.HEJHOPP)),
                    "b", new Response.Reply(reply(GenEvent.OK)),
                    "c", new Response.Reply(new CallReply.BadModule<>())));
            GenEvent.stop(MGR);
        }
    }

    // ---------------------------------------------------------------- the example of the Javadoc

    sealed interface Alarm {
        record Raised(String what) implements Alarm {}

        record Cleared(String what) implements Alarm {}
    }

    static final class ActiveAlarms implements EventHandler<Integer, Alarm> {
        @Override
        public HandlerInit<Integer> init(Object args) {
            return HandlerInit.ok(0);
        }

        @Override
        public HandlerResult<Integer> handleEvent(Alarm alarm, Integer active) {
            return switch (alarm) {
                case Alarm.Raised r -> HandlerResult.ok(active + 1);
                case Alarm.Cleared c -> HandlerResult.ok(active - 1);
            };
        }

        @Override
        public HandlerCallResult<Integer> handleCall(Object request, Integer active) {
            return switch (request) {
                case Count() -> HandlerCallResult.ok(active, active);
                default -> throw new IllegalArgumentException("unknown request " + request);
            };
        }
    }

    @Test
    void theJavadocExample() {
        try (var me = attach()) {
            Pid alarms = GenEvent.startLink(StartOptions.named("alarms")).orElseThrow();
            GenEvent.addHandler(alarms, new ActiveAlarms(), "no args");
            GenEvent.notify(alarms, new Alarm.Raised("disk full"));
            GenEvent.syncNotify(alarms, new Alarm.Raised("fan stopped"));
            int active = GenEvent.call(alarms, HandlerId.of(ActiveAlarms.class), new Count()).orElseThrow();
            assertThat(active).isEqualTo(2);
            GenEvent.stop(Name.of("alarms"));
        }
    }
}
