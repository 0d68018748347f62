package io.jarl.supervisor;

import static io.jarl.testing.ProcessTesting.WAIT;

import io.jarl.Exit;
import io.jarl.ExitReason;
import io.jarl.Jarl;
import io.jarl.Pid;
import io.jarl.Ref;
import io.jarl.SpawnOptions;
import io.jarl.server.StartResult;
import io.jarl.testing.ProcessTesting;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/** Children for the supervisor tests (OTP's supervisor_1, supervisor_3, naughty_child, supervisor_deadlock). */
final class Kids {
    private Kids() {}

    /** Makes a {@link #worker()} exit with {@code reason} (an exit signal cannot make a process exit normal). */
    record Stop(ExitReason reason) {}

    /** Makes a worker trap exits and stop answering: only {@code kill} ends it (OTP: {@code {sleep, Long}}). */
    record Hang() {}

    /** Sent to the test by an {@link #observed} child's start function, in the supervisor, before it starts. */
    record Started(Object id) {}

    /** Sent to the test by an {@link #observed} child when its supervisor tells it to stop. */
    record Stopped(Object id, ExitReason reason) {}

    /** Sent to the test by a {@link Gate} start attempt, from the supervisor's process. */
    record Attempt(Object id) {}

    /** Tells a blocked {@link Gate} attempt whether to start the child. */
    record Proceed(boolean start) {}

    /** A worker linked to the caller (the supervisor): obeys {@link Stop} and {@link Hang}. */
    static StartResult worker() {
        return new StartResult.Ok(Jarl.spawnLink(Kids::workerLoop));
    }

    static void workerLoop() {
        while (true) {
            Object m = Jarl.receive();
            if (m instanceof Stop(ExitReason reason)) {
                throw Jarl.exit(reason);
            }
            if (m instanceof Hang) {
                Jarl.trapExit(true);
                ProcessTesting.blockForever();
            }
        }
    }

    /** A spec for a plain {@link #worker()}. */
    static ChildSpec spec(Object id) {
        return ChildSpec.worker(id, Kids::worker);
    }

    /** A start function that returns ignore. */
    static StartResult ignore() {
        return new StartResult.Ignored();
    }

    /** Starts a worker the first time, and fails every time after (OTP: supervisor_1 with {@code error}). */
    static Supplier<StartResult> onlyOnce() {
        AtomicInteger starts = new AtomicInteger();
        return () -> starts.getAndIncrement() == 0 ? worker() : new StartResult.Failed(ExitReason.of("error"));
    }

    /**
     * A child that tells {@code test} when it is started ({@link Started}, sent by the supervisor) and
     * when its supervisor stops it ({@link Stopped}, sent by the child): it traps exits to see the
     * supervisor's {@code shutdown}.
     */
    static ChildSpec observed(Object id, Pid test) {
        return ChildSpec.worker(id, () -> {
            Pid supervisor = Jarl.self();
            Jarl.send(test, new Started(id));
            // trapping from birth, so that it sees the supervisor's shutdown however soon it comes
            return new StartResult.Ok(Jarl.spawn(SpawnOptions.defaults().link().trapExit(), () -> {
                while (true) {
                    Object m = Jarl.receive();
                    if (m instanceof Exit(Pid from, ExitReason reason)) {
                        if (from.equals(supervisor)) {
                            Jarl.send(test, new Stopped(id, reason));
                        }
                        throw Jarl.exit(reason); // as if it did not trap exits
                    }
                    if (m instanceof Stop(ExitReason reason)) {
                        throw Jarl.exit(reason);
                    }
                }
            }));
        });
    }

    /**
     * A start function the test controls (OTP: supervisor_deadlock): the first start succeeds; each
     * later attempt tells the test ({@link Attempt}) and waits, in the supervisor, for a
     * {@link Proceed} that says whether it succeeds. A test sends its requests to the supervisor
     * before the {@code Proceed}, so it knows they are handled while the child is restarting.
     */
    static ChildSpec gated(Object id, Pid test) {
        AtomicInteger starts = new AtomicInteger();
        return ChildSpec.worker(id, () -> {
            if (starts.getAndIncrement() == 0) {
                return worker();
            }
            Jarl.send(test, new Attempt(id));
            Proceed p = Jarl.receive(Proceed.class, WAIT).orElse(new Proceed(false));
            return p.start() ? worker() : new StartResult.Failed(ExitReason.of("refused"));
        });
    }

    /**
     * Makes {@code child} exit with {@code reason} and waits until it is dead (OTP's terminate/4 in the
     * suite). Its supervisor's {@code Exit} is then already queued (links fire before monitors), so a
     * call made next sees the outcome.
     */
    static void terminate(Pid child, ExitReason reason) {
        Ref ref = Jarl.monitor(child);
        if (reason instanceof ExitReason.Normal) {
            Jarl.send(child, new Stop(reason));
        } else {
            Jarl.exit(child, reason);
        }
        ProcessTesting.awaitDown(ref);
    }

    static final ExitReason ABNORMAL = ExitReason.of("abnormal");
}
