package io.jarl.dist.internal;

import static io.jarl.testing.ProcessTesting.awaitDown;
import static io.jarl.testing.ProcessTesting.awaitExit;
import static io.jarl.testing.ProcessTesting.pollMatching;
import static org.assertj.core.api.Assertions.assertThat;

import io.jarl.Down;
import io.jarl.ExitReason;
import io.jarl.Jarl;
import io.jarl.Ref;
import io.jarl.RemoteName;
import io.jarl.RemotePid;
import io.jarl.dist.Node;
import io.jarl.dist.NodeDown;
import io.jarl.dist.term.Atom;
import io.jarl.testing.LogCapture;
import io.jarl.testing.NoLeakedProcesses;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A node with another cookie, in both directions: the connection is refused, each side logs one
 * clear line (Jarl's in the words of dist_util), signals to that node fail as to an unreachable one
 * ({@code noconnection}), and nothing else is disturbed: the connection to a node with the right
 * cookie stays up.
 */
@ExtendWith(NoLeakedProcesses.class)
class WrongCookieInteropTest {
    static Cluster cluster;
    static Node node;
    static Shell good;
    static ErlNode bad;
    static String badName;

    @BeforeAll
    static void startNodes() {
        cluster = Cluster.start("RIGHTCOOKIE");
        try {
            node = cluster.jarl();
            good = new Shell(cluster.erl(), node);
            bad = cluster.own(ErlNode.start(ErlNode.randomName("bad"), "WRONGCOOKIE", cluster.epmd.port()));
            badName = bad.eval("node().").replace("'", "");
        } catch (RuntimeException | Error e) {
            cluster.close();
            throw e;
        }
    }

    @AfterAll
    static void stopNodes() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void jarlConnectsToANodeWithAnotherCookie() throws Exception {
        Jarl.run(() -> {
            assertThat(node.ping(good.name)).isTrue(); // the good connection is up before the bad attempt
            RemotePid agent = good.agent(false);
            Jarl.trapExit(true);
            Jarl.link(agent);
            node.monitorNodes(true);
            try (LogCapture log = LogCapture.start()) {
                int mark = bad.mark();
                assertThat(node.ping(badName)).isFalse();
                assertThat(log.linesContaining("Connection attempt to node " + badName)).singleElement().asString()
                        .contains("failed");
                assertThat(log.text()).doesNotContain("\tat ").doesNotContain("WRONGCOOKIE")
                        .doesNotContain("RIGHTCOOKIE");
                // erl says why, in its own words
                assertThat(bad.awaitLine(l -> l.contains("Invalid challenge reply"), mark)).contains(node.name());
            }
            assertThat(node.nodes()).doesNotContain(badName);
            // links and monitors to processes there fail as to a node that cannot be reached
            Ref ref = Jarl.monitor(new RemoteName("anyone", badName));
            assertThat(awaitDown(ref)).isEqualTo(new Down(ref, new RemoteName("anyone", badName),
                    ExitReason.noconnection()));
            Jarl.send(new RemoteName("anyone", badName), Atom.of("dropped")); // dropped, no failure

            // nothing else disturbed: the good connection is up, its link intact
            assertThat(pollMatching(m -> m instanceof NodeDown)).isFalse();
            assertThat(node.nodes()).contains(good.name);
            assertThat(node.ping(good.name)).isTrue();
            Jarl.send(agent, Atom.of("still_linked"));
            assertThat(good.next(agent)).isEqualTo(Atom.of("still_linked"));
            Jarl.exit(agent, ExitReason.kill());
            assertThat(awaitExit(agent).reason()).isEqualTo(ExitReason.killed());
            node.monitorNodes(false);
            Jarl.trapExit(false);
            return null;
        });
    }

    @Test
    void aNodeWithAnotherCookieConnectsToJarl() throws Exception {
        Jarl.run(() -> {
            assertThat(node.ping(good.name)).isTrue();
            node.monitorNodes(true);
            try (LogCapture log = LogCapture.start()) {
                assertThat(bad.eval("net_adm:ping(" + Cluster.atom(node.name()) + ").")).isEqualTo("pang");
                assertThat(log.linesContaining("Connection attempt from node " + badName)).singleElement().asString()
                        .contains("rejected. Invalid challenge reply.");
                assertThat(log.text()).doesNotContain("\tat ").doesNotContain("WRONGCOOKIE")
                        .doesNotContain("RIGHTCOOKIE");
            }
            assertThat(node.nodes()).doesNotContain(badName).contains(good.name);
            assertThat(bad.eval("nodes().")).isEqualTo("[]");
            assertThat(pollMatching(m -> m instanceof NodeDown)).isFalse();
            assertThat(good.eval("net_adm:ping(" + Cluster.atom(node.name()) + ")")).isEqualTo("pong");
            node.monitorNodes(false);
            return null;
        });
    }
}
