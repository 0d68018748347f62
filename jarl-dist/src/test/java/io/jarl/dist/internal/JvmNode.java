package io.jarl.dist.internal;

import io.jarl.testing.ChildProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;

/**
 * A child JVM running a Jarl node ({@link PeerNodeMain}) with this JVM's java and the test
 * classpath. Its output (stdout and stderr) is kept line by line for bounded waits; {@link #close()}
 * ends its input (it then closes its node and exits), and kills it if it does not end in time.
 */
final class JvmNode implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(30);

    private final ChildProcess child;
    final String name;

    private JvmNode(ChildProcess child) {
        this.child = child;
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
        List<String> command = List.of(java, "--add-opens", "java.base/java.lang=ALL-UNNAMED", "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Dorg.slf4j.simpleLogger.defaultLogLevel=" + System.getProperty("jarl.peer.log", "info"), "-cp",
                classpath, PeerNodeMain.class.getName(), alive, cookie, Integer.toString(epmdPort));
        return new JvmNode(ChildProcess.start(new ProcessBuilder(command).redirectErrorStream(true), "the child JVM",
                WAIT));
    }

    /** How many lines were printed so far (a starting point for {@link #awaitLine(Predicate, int)}). */
    int mark() {
        return child.mark();
    }

    /** Writes one command line to the child's input. */
    void command(String line) {
        child.writeLine(line);
    }

    /** Waits (bounded by {@link #WAIT}) for a line that {@code test} accepts. */
    String awaitLine(Predicate<String> test) {
        return awaitLine(test, 0);
    }

    /** Waits (bounded by {@link #WAIT}) for a line from index {@code from} on that {@code test} accepts. */
    String awaitLine(Predicate<String> test, int from) {
        return child.awaitLine(test, from);
    }

    String output() {
        return child.transcript();
    }

    @Override
    public void close() {
        child.close(Duration.ofSeconds(10));
    }
}
