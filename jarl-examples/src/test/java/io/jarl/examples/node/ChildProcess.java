package io.jarl.examples.node;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

/**
 * A child process for the tests ({@code erl}, {@code epmd}, {@code bin/jarl node}) whose output is
 * kept line by line, stdout and stderr apart, so that a test waits for a line with a bounded
 * timeout instead of sleeping. {@link #close()} ends it (input closed, then SIGTERM, then SIGKILL)
 * and waits for it.
 */
final class ChildProcess implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(20);

    private final Process process;
    private final String description;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition grew = lock.newCondition();
    private final List<String> out = new ArrayList<>(), err = new ArrayList<>();
    private int streamsOpen = 2;

    private ChildProcess(Process process, String description) {
        this.process = process;
        this.description = description;
        Thread.ofVirtual().name(description + " stdout").start(() -> pump(process.getInputStream(), out));
        Thread.ofVirtual().name(description + " stderr").start(() -> pump(process.getErrorStream(), err));
    }

    static ChildProcess start(ProcessBuilder builder, String description) {
        try {
            return new ChildProcess(builder.start(), description);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + description, e);
        }
    }

    private void pump(InputStream stream, List<String> lines) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                lock.lock();
                try {
                    lines.add(line);
                    grew.signalAll();
                } finally {
                    lock.unlock();
                }
            }
        } catch (IOException e) {
            // the process is gone
        } finally {
            lock.lock();
            try {
                streamsOpen--;
                grew.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    /** How many stdout lines were printed so far (a starting point for {@link #awaitLine}). */
    int mark() {
        lock.lock();
        try {
            return out.size();
        } finally {
            lock.unlock();
        }
    }

    /** Waits (at most {@link #WAIT}) for a stdout line, from index {@code from} on, that {@code test} accepts. */
    String awaitLine(Predicate<String> test, int from) {
        long left = WAIT.toNanos();
        lock.lock();
        try {
            for (int i = from;;) {
                for (; i < out.size(); i++) {
                    if (test.test(out.get(i))) {
                        return out.get(i);
                    }
                }
                if (streamsOpen == 0 || left <= 0) {
                    throw new AssertionError(description + (left <= 0 ? " did not print the expected line within "
                            + WAIT : " ended before printing the expected line") + "\n" + transcript());
                }
                left = grew.awaitNanos(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        } finally {
            lock.unlock();
        }
    }

    /** Writes {@code line} and a newline to the process's input. */
    void writeLine(String line) {
        try {
            OutputStream in = process.getOutputStream();
            in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            in.flush();
        } catch (IOException e) {
            throw new AssertionError(description + " does not take input: " + e.getMessage() + "\n" + transcript(), e);
        }
    }

    /** Closes the process's input. */
    void closeInput() {
        try {
            process.getOutputStream().close();
        } catch (IOException alreadyGone) {
            // it ended by itself
        }
    }

    /**
     * SIGTERM, through the process handle: {@code Process.destroy()} would also close this side of
     * the pipes, losing what the process prints while it stops.
     */
    void terminate() {
        process.toHandle().destroy();
    }

    /**
     * Waits (at most {@link #WAIT}) for the process to end and for its output to be read; returns
     * its exit status.
     */
    int awaitExit() {
        try {
            if (!process.waitFor(WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError(description + " did not end within " + WAIT + "\n" + transcript());
            }
            long left = WAIT.toNanos();
            lock.lock();
            try {
                while (streamsOpen > 0 && left > 0) {
                    left = grew.awaitNanos(left);
                }
            } finally {
                lock.unlock();
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** The stdout lines so far. */
    List<String> stdout() {
        lock.lock();
        try {
            return List.copyOf(out);
        } finally {
            lock.unlock();
        }
    }

    /** The stderr lines so far. */
    List<String> stderr() {
        lock.lock();
        try {
            return List.copyOf(err);
        } finally {
            lock.unlock();
        }
    }

    /** Everything printed so far, for failure messages. */
    String transcript() {
        lock.lock();
        try {
            return "--- stdout of " + description + ":\n" + String.join("\n", out) + "\n--- stderr:\n"
                    + String.join("\n", err);
        } finally {
            lock.unlock();
        }
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /**
     * Ends the process if it still runs and waits for it: its input is closed (an erl eval loop
     * halts on that), then it gets SIGTERM, then SIGKILL.
     */
    @Override
    public void close() {
        try {
            closeInput();
            if (process.waitFor(5, TimeUnit.SECONDS)) {
                return;
            }
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
