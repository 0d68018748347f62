package io.jarl.examples.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.jarl.Jarl;
import io.jarl.dist.Node;
import io.jarl.testing.ChildProcess;
import io.jarl.testing.NoLeakedProcesses;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The real {@code bin/jarl node} as a child process, as a user runs it, with an {@code erl} node
 * talking to it; then stopped by SIGTERM (the shutdown hook) or by closing its input.
 *
 * <p>The launcher would build the project on first use; here {@code JARL_CLASSPATH} gives it the
 * classes this test runs with (jarl-examples' runtime class path), so nothing is built during the
 * test run. The node starts its own EPMD on a private port ({@code ERL_EPMD_PORT}), and erl uses it.
 */
@ExtendWith(NoLeakedProcesses.class)
class BinJarlNodeTest {
    static final String COOKIE = "BINJARLNODE";

    int epmdPort;
    String alive;
    ChildProcess jarl;
    ErlShell erl;

    @BeforeEach
    void startTheNode() {
        ErlShell.assumeErlang();
        epmdPort = ErlShell.freePort();
        alive = ErlShell.randomName("jarl");
        ProcessBuilder builder = new ProcessBuilder(launcher().toString(), "node", "--sname", alive, "--cookie", COOKIE,
                "--stop-on-eof");
        builder.environment().put("ERL_EPMD_PORT", Integer.toString(epmdPort));
        builder.environment().put("JARL_CLASSPATH", runtimeClassPath());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        jarl = ChildProcess.start(builder, "bin/jarl node --sname " + alive);
    }

    @AfterEach
    void stopEverything() {
        if (erl != null) {
            erl.close();
        }
        if (jarl != null) {
            jarl.close();
        }
    }

    /** The node's name from its {@code ready <node>} line, once it accepts connections. */
    private String awaitReady() {
        String ready = jarl.awaitLine(l -> l.startsWith("ready "), 0);
        String node = ready.substring("ready ".length());
        assertThat(node).startsWith(alive + "@");
        return node;
    }

    private void talkToIt(String node) {
        erl = ErlShell.start(ErlShell.randomName("e"), COOKIE, epmdPort);
        assertThat(erl.eval("N = '" + node + "'.")).isEqualTo(node);
        assertThat(erl.eval("net_adm:ping(N).")).isEqualTo("pong");
        assertThat(erl.eval("gen_server:call({echo, N}, hello).")).isEqualTo("hello");
        assertThat(erl.eval("gen_server:call({counter, N}, incr).")).isEqualTo("1");
        assertThat(erl.eval("rpc:call(N, jarl_demo, reverse, [<<\"abc\">>]).")).isEqualTo("<<\"cba\">>");
        assertThat(erl.eval("rpc:call(N, erlang, node, []).")).isEqualTo(node);
        assertThat(erl.eval("monitor_node(N, true).")).isEqualTo("true");
    }

    /** Ctrl-C and SIGTERM: the shutdown hook stops the tree and the node before the JVM ends. */
    @Test
    void sigtermStopsTheNodeCleanly() {
        String node = awaitReady();
        talkToIt(node);
        jarl.terminate();
        assertThat(jarl.awaitExit()).as(jarl.transcript()).isEqualTo(128 + 15);
        assertThat(jarl.stdout()).as(jarl.transcript()).containsExactly("ready " + node, "stopped " + node);
        assertThat(erl.eval("receive {nodedown, N} -> nodedown after 5000 -> timeout end.")).isEqualTo("nodedown");
    }

    @Test
    void closingStandardInputStopsItWithStatus0() {
        String node = awaitReady();
        talkToIt(node);
        jarl.closeInput();
        assertThat(jarl.awaitExit()).as(jarl.transcript()).isEqualTo(0);
        assertThat(jarl.stdout()).as(jarl.transcript()).containsExactly("ready " + node, "stopped " + node);
        assertThat(erl.eval("receive {nodedown, N} -> nodedown after 5000 -> timeout end.")).isEqualTo("nodedown");
    }

    @Test
    void badArgumentsExitWithStatus2() {
        jarl.close();
        ProcessBuilder builder = new ProcessBuilder(launcher().toString(), "node", "--sname");
        builder.environment().put("JARL_CLASSPATH", runtimeClassPath());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        jarl = ChildProcess.start(builder, "bin/jarl node --sname");
        assertThat(jarl.awaitExit()).isEqualTo(2);
        assertThat(jarl.stderr()).startsWith("bin/jarl node: --sname needs a node name", "usage: bin/jarl node "
                + "(--sname NAME | --name NAME@HOST) [--cookie COOKIE] [--no-start-epmd] [--stop-on-eof]");
        assertThat(jarl.stdout()).isEmpty();
    }

    /** {@code bin/jarl}, found from the directory the tests run in (the module's or the project's). */
    static Path launcher() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path script = dir.resolve("bin").resolve("jarl");
            if (Files.isExecutable(script)) {
                return script;
            }
        }
        throw new AssertionError("bin/jarl not found above " + Path.of("").toAbsolutePath());
    }

    /**
     * jarl-examples' runtime class path as this JVM has it: the demo's classes, jarl-dist, jarl-core,
     * SLF4J and its simple logger (the launcher's class path, without the tests').
     */
    static String runtimeClassPath() {
        Set<String> entries = new LinkedHashSet<>();
        for (Class<?> c : List.of(DemoNode.class, Node.class, Jarl.class, org.slf4j.Logger.class,
                org.slf4j.simple.SimpleLogger.class)) {
            try {
                entries.add(Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
            } catch (URISyntaxException e) {
                throw new AssertionError(e);
            }
        }
        return String.join(java.io.File.pathSeparator, new ArrayList<>(entries));
    }
}
