package io.jarl.dist.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

/**
 * A child JVM running a Jarl node ({@link PeerNodeMain}) with this JVM's java and the test
 * classpath. Its output (stdout and stderr) is kept line by line for bounded waits; {@link #close()}
 * ends its input (it then closes its node and exits), and kills it if it does not end in time.
 */
final class JvmNode implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(30);

    private final Process process;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition grew = lock.newCondition();
    private final List<String> lines = new ArrayList<>();
    private boolean ended;
    final String name;

    private JvmNode(Process process) {
        this.process = process;
        Thread.ofVirtual().name("jvm-node-output").start(this::pump);
        String ready;
        try {
            ready = awaitLine(l -> l.startsWith("ready "));
        } catch (AssertionError e) {
            close();
            throw e;
        }
        this.name = ready.substring("ready ".length()).strip();
    }

    /** Starts {@code PeerNodeMain alive cookie epmdPort} and waits until its node is up. */
    static JvmNode start(String alive, String cookie, int epmdPort) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = List.of(java, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Dorg.slf4j.simpleLogger.defaultLogLevel=" + System.getProperty("jarl.peer.log", "info"), "-cp",
                classpath, PeerNodeMain.class.getName(), alive, cookie, Integer.toString(epmdPort));
        try {
            return new JvmNode(new ProcessBuilder(command).redirectErrorStream(true).start());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start a child JVM", e);
        }
    }

    private void pump() {
        try (BufferedReader reader = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
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
                ended = true;
                grew.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    /** How many lines were printed so far (a starting point for {@link #awaitLine(Predicate, int)}). */
    int mark() {
        lock.lock();
        try {
            return lines.size();
        } finally {
            lock.unlock();
        }
    }

    /** Writes one command line to the child's input. */
    void command(String line) {
        try {
            process.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
            process.getOutputStream().flush();
        } catch (IOException e) {
            throw new UncheckedIOException("the child JVM does not take input", e);
        }
    }

    /** Waits (bounded by {@link #WAIT}) for a line that {@code test} accepts. */
    String awaitLine(Predicate<String> test) {
        return awaitLine(test, 0);
    }

    /** Waits (bounded by {@link #WAIT}) for a line from index {@code from} on that {@code test} accepts. */
    String awaitLine(Predicate<String> test, int from) {
        long left = WAIT.toNanos();
        lock.lock();
        try {
            int i = from;
            for (;;) {
                for (; i < lines.size(); i++) {
                    if (test.test(lines.get(i))) {
                        return lines.get(i);
                    }
                }
                if (ended) {
                    throw new AssertionError("the child JVM ended; output:\n" + String.join("\n", lines));
                }
                if (left <= 0) {
                    throw new AssertionError("the child JVM did not print the expected line within " + WAIT
                            + "; output:\n" + String.join("\n", lines));
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

    String output() {
        lock.lock();
        try {
            return String.join("\n", lines);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        try {
            try {
                process.getOutputStream().close();
            } catch (IOException alreadyGone) {
                // it ended by itself
            }
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
