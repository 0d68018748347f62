package io.jarl.testing;

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
 * A child process for the tests ({@code erl}, {@code epmd}, {@code bin/jarl node}, a child JVM)
 * whose output is kept line by line, stdout and stderr apart, so that a test waits for a line with a
 * bounded timeout instead of sleeping. {@link #close()} ends it (input closed, then SIGTERM, then
 * SIGKILL) and waits for it.
 */
public final class ChildProcess implements AutoCloseable {
    /** How long {@link #awaitLine} and {@link #awaitExit} wait unless told otherwise. */
    public static final Duration WAIT = Duration.ofSeconds(20);

    private final Process process;
    private final String description;
    private final Duration wait;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition grew = lock.newCondition();
    private final List<String> out = new ArrayList<>(), err = new ArrayList<>();
    private int streamsOpen = 2;

    private ChildProcess(Process process, String description, Duration wait) {
        this.process = process;
        this.description = description;
        this.wait = wait;
        Thread.ofVirtual().name(description + " stdout").start(() -> pump(process.getInputStream(), out));
        Thread.ofVirtual().name(description + " stderr").start(() -> pump(process.getErrorStream(), err));
    }

    public static ChildProcess start(ProcessBuilder builder, String description) {
        return start(builder, description, WAIT);
    }

    /** Starts {@code builder}; its waits are bounded by {@code wait}. */
    public static ChildProcess start(ProcessBuilder builder, String description, Duration wait) {
        try {
            return new ChildProcess(builder.start(), description, wait);
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
    public int mark() {
        lock.lock();
        try {
            return out.size();
        } finally {
            lock.unlock();
        }
    }

    /** Waits (at most its wait) for a stdout line, from index {@code from} on, that {@code test} accepts. */
    public String awaitLine(Predicate<String> test, int from) {
        long left = wait.toNanos();
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
                            + wait : " ended before printing the expected line") + "\n" + transcript());
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
    public void writeLine(String line) {
        try {
            OutputStream in = process.getOutputStream();
            in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            in.flush();
        } catch (IOException e) {
            throw new AssertionError(description + " does not take input: " + e.getMessage() + "\n" + transcript(), e);
        }
    }

    /** Closes the process's input. */
    public void closeInput() {
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
    public void terminate() {
        process.toHandle().destroy();
    }

    /**
     * Waits (at most its wait) for the process to end and for its output to be read; returns its
     * exit status.
     */
    public int awaitExit() {
        try {
            if (!process.waitFor(wait.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError(description + " did not end within " + wait + "\n" + transcript());
            }
            long left = wait.toNanos();
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
    public List<String> stdout() {
        lock.lock();
        try {
            return List.copyOf(out);
        } finally {
            lock.unlock();
        }
    }

    /** The stderr lines so far. */
    public List<String> stderr() {
        lock.lock();
        try {
            return List.copyOf(err);
        } finally {
            lock.unlock();
        }
    }

    /** Everything printed so far, for failure messages. */
    public String transcript() {
        lock.lock();
        try {
            return "--- stdout of " + description + ":\n" + String.join("\n", out) + "\n--- stderr:\n"
                    + String.join("\n", err);
        } finally {
            lock.unlock();
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /**
     * Ends the process if it still runs and waits for it: its input is closed (an erl eval loop
     * halts on that), then after 5 seconds it gets SIGTERM, then SIGKILL.
     */
    @Override
    public void close() {
        close(Duration.ofSeconds(5));
    }

    /** As {@link #close()}, waiting {@code grace} for the process to end by itself once its input is closed. */
    public void close(Duration grace) {
        try {
            closeInput();
            if (process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                return;
            }
            stop();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** Ends the process without closing its input first (for one that does not read it): SIGTERM, then SIGKILL. */
    public void stop() {
        try {
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
