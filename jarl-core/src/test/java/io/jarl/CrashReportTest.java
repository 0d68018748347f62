package io.jarl;

import static io.jarl.Jarl.*;
import static io.jarl.testing.ProcessTesting.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.jarl.testing.LogCapture;
import io.jarl.testing.NoLeakedProcesses;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Crash reports (reference section 2; OTP: proc_lib crash reports). The log is captured from
 * System.err (see simplelogger.properties and {@link LogCapture}); a process's report is complete
 * once its thread has ended, so each test joins the threads of the processes it checks (no
 * sleeping, no polling).
 */
@ExtendWith(NoLeakedProcesses.class)
class CrashReportTest {

    record Go() {}

    /** A process started by {@link #start}, with its thread once it runs. */
    record Started(Pid pid, AtomicReference<Thread> thread, Ref monitor) {
        /** Lets it run to its end, waits for its Down and its thread. */
        Down finish() {
            send(pid, new Go());
            Down down = awaitDown(monitor);
            join(thread.get());
            return down;
        }
    }

    /** Starts a process that waits for {@link Go}, then runs {@code end}. */
    static Started start(SpawnOptions options, Runnable end) {
        AtomicReference<Thread> thread = new AtomicReference<>();
        Pid pid = spawn(options, () -> {
            thread.set(Thread.currentThread());
            receive(Go.class);
            end.run();
        });
        Ref ref = monitor(pid);
        return new Started(pid, thread, ref);
    }

    static Started start(Runnable end) {
        return start(SpawnOptions.defaults(), end);
    }

    /** The error lines (one per report; stack trace lines do not name the pid) about {@code pid}. */
    static List<String> reportsAbout(LogCapture log, Pid pid) {
        return log.text().lines().filter(l -> l.contains("ERROR") && l.contains(pid.toString())).toList();
    }

    @Test
    void abnormalExitLoggedOnce() {
        try (var log = LogCapture.start(); var me = attach()) {
            Started thrower = start(() -> {
                throw new IllegalStateException("crash-report-test boom");
            });
            Started exiter = start(() -> exit(ExitReason.of("crash-report-test reason")));
            assertThat(thrower.finish().reason()).isInstanceOf(ExitReason.Crash.class);
            assertThat(exiter.finish().reason()).isEqualTo(ExitReason.of("crash-report-test reason"));

            List<String> thrown = reportsAbout(log, thrower.pid());
            assertThat(thrown).as("reports about %s in:%n%s", thrower.pid(), log.text()).hasSize(1);
            assertThat(thrown.getFirst()).contains("crash-report-test boom");
            assertThat(log.text()).as("the stack of the exception")
                    .contains("java.lang.IllegalStateException: crash-report-test boom")
                    .containsPattern("\\s+at " + Pattern.quote(CrashReportTest.class.getName()));

            List<String> exited = reportsAbout(log, exiter.pid());
            assertThat(exited).as("reports about %s in:%n%s", exiter.pid(), log.text()).hasSize(1);
            assertThat(exited.getFirst()).contains("crash-report-test reason");
        }
    }

    @Test
    void normalShutdownAndShutdownWithAreSilent() {
        try (var log = LogCapture.start(); var me = attach()) {
            List<Started> silent = List.of(
                    start(() -> {}),
                    start(() -> exit(ExitReason.normal())),
                    start(() -> exit(ExitReason.shutdown())),
                    start(() -> exit(ExitReason.shutdown("detail"))),
                    start(() -> exit(ExitReason.shutdown(new Go()))));
            Started control = start(() -> exit(ExitReason.of("control")));
            for (Started s : silent) {
                s.finish();
            }
            control.finish();

            assertThat(reportsAbout(log, control.pid())).as("the capture works").hasSize(1);
            for (Started s : silent) {
                assertThat(reportsAbout(log, s.pid())).as("reports about %s", s.pid()).isEmpty();
            }
        }
    }

    /**
     * A process ended by an exit signal (kill, or a reason from a link) does not run code of its
     * own to end, so it writes no crash report; only the process whose code failed does.
     */
    @Test
    void processEndedBySignalIsNotLogged() {
        try (var log = LogCapture.start(); var me = attach()) {
            AtomicReference<Thread> killedThread = new AtomicReference<>();
            Pid killed = spawn(() -> {
                killedThread.set(Thread.currentThread());
                send(me.pid(), "ready");
                blockForever();
            });
            awaitMessage("ready");
            kill(killed);
            join(killedThread.get());

            AtomicReference<Thread> bystanderThread = new AtomicReference<>();
            Started failing = start(() -> {
                throw new IllegalStateException("crash-report-test origin");
            });
            Pid bystander = spawn(() -> {
                bystanderThread.set(Thread.currentThread());
                link(failing.pid());
                send(me.pid(), "linked");
                blockForever();
            });
            awaitMessage("linked");
            Ref watchBystander = monitor(bystander);
            failing.finish();
            assertThat(awaitDown(watchBystander).reason()).isInstanceOf(ExitReason.Crash.class);
            join(bystanderThread.get());

            assertThat(reportsAbout(log, failing.pid())).hasSize(1);
            assertThat(reportsAbout(log, killed)).isEmpty();
            assertThat(reportsAbout(log, bystander)).isEmpty();
        }
    }

    /**
     * OTP's crash report names the process, its registered name, the reason, the stack, the
     * ancestors and the message queue length (proc_lib:crash_report: pid, registered_name,
     * error_info, ancestors, message_queue_len, ...).
     */
    @Test
    void crashReportCarriesPidNameReasonStackInitialCallAncestorsQueueLength() {
        try (var log = LogCapture.start(); var me = attach()) {
            Started s = start(SpawnOptions.defaults().register("crash-report-test-named").initialCall("Crash.report/0"),
                    () -> {
                        throw new IllegalArgumentException("crash-report-test details");
                    });
            send(s.pid(), "left in the queue 1");
            send(s.pid(), "left in the queue 2");
            s.finish();

            List<String> reports = reportsAbout(log, s.pid());
            assertThat(reports).hasSize(1);
            String report = reports.getFirst();
            assertThat(report)
                    .contains("crash-report-test-named")
                    .contains("crash-report-test details")
                    .contains("Crash.report/0")
                    .contains(me.pid().toString());
            assertThat(log.text()).contains("java.lang.IllegalArgumentException: crash-report-test details");
            assertThat(report).as("the message queue length (2) is in the report")
                    .containsPattern("(?i)queue\\D{0,40}2");
        }
    }
}
