package io.jarl.dist.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jarl.dist.EpmdException;
import io.jarl.testing.NoLeakedProcesses;
import java.net.InetAddress;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The embedded EPMD with real {@code erl} nodes, and the Java client with the real {@code epmd}.
 * Every child process runs on a private EPMD port and is killed at the end of its test.
 */
@ExtendWith(NoLeakedProcesses.class)
class EpmdInteropTest {
    static final Duration WAIT = Duration.ofSeconds(10);

    @BeforeAll
    static void needsErlang() {
        ErlNode.assumeErlang();
    }

    @Test
    void erlRegistersWithTheJavaEpmd() throws Exception {
        try (EmbeddedEpmd epmd = EmbeddedEpmd.start(InetAddress.getLoopbackAddress(), 0, EmbeddedEpmd.Limits.DEFAULT)) {
            String name = ErlNode.randomName("e");
            try (ErlNode erl = ErlNode.start(name, "C", epmd.port())) {
                assertThat(erl.eval("node().")).startsWith(name + "@");
                EpmdClient.PortInfo info = EpmdClient.local(epmd.port()).portPlease(name).orElseThrow();
                assertThat(info.nodeType()).isEqualTo('M');
                assertThat(info.highestVersion()).isEqualTo(6);
                assertThat(info.lowestVersion()).isEqualTo(5);
                // erl took the 32-bit creation of ALIVE2_X_RESP as its own
                long creation = epmd.creationOf(name).orElseThrow();
                assertThat(erl.eval("erlang:system_info(creation).")).isEqualTo(Long.toString(creation));
                // and it listens where it said: erl_epmd's own lookup agrees
                assertThat(erl.eval("element(2, erl_epmd:port_please(\"" + name + "\", {127,0,0,1})).")) // {port,P,V}
                        .isEqualTo(Integer.toString(info.port()));
            }
            // when erl ends, its registration goes with it
            assertThat(epmd.await(() -> epmd.names().isEmpty(), WAIT)).isTrue();
        }
    }

    @Test
    void erlSeesNamesRegisteredByJava() throws Exception {
        try (EmbeddedEpmd epmd = EmbeddedEpmd.start(InetAddress.getLoopbackAddress(), 0, EmbeddedEpmd.Limits.DEFAULT);
                EpmdRegistration java = EpmdClient.local(epmd.port()).register("javanode", 4242);
                ErlNode erl = ErlNode.start(ErlNode.randomName("e"), "C", epmd.port())) {
            String names = erl.eval("net_adm:names().");
            assertThat(names).startsWith("{ok,[").contains("{[106,97,118,97,110,111,100,101],4242}"); // "javanode"
            assertThat(erl.eval("lists:keyfind(\"javanode\", 1, element(2, net_adm:names())).")).isNotEqualTo("false");
            java.close();
            assertThat(epmd.await(() -> epmd.names().stream().noneMatch(r -> r.name().equals("javanode")), WAIT))
                    .isTrue();
            assertThat(erl.eval("lists:keyfind(\"javanode\", 1, element(2, net_adm:names())).")).isEqualTo("false");
        }
    }

    @Test
    void theJavaClientWorksWithTheRealEpmd() throws Exception {
        int port = ErlNode.freePort();
        try {
            try (ErlNode epmd = ErlNode.startEpmd(port)) {
                EpmdClient client = EpmdClient.local(port);
                try (EpmdRegistration reg = client.register("j1", 45635)) {
                    assertThat(reg.creation()).isNotZero();
                    assertThat(client.portPlease("j1").orElseThrow())
                            .isEqualTo(new EpmdClient.PortInfo("j1", 45635, 'M', 0, 6, 5, new byte[0]));
                    assertThat(client.portPlease("j2")).isEmpty();
                    assertThat(client.names()).containsExactly(new EpmdClient.Registered("j1", 45635));
                    assertThatThrownBy(() -> client.register("j1", 1)).isInstanceOf(EpmdException.class)
                            .extracting(e -> ((EpmdException) e).reason()).isEqualTo(EpmdException.Reason.NAME_TAKEN);
                    int mark = epmd.mark();
                    reg.close();
                    epmd.awaitLine(l -> l.contains("unregistering 'j1:"), mark);
                }
                assertThat(client.portPlease("j1")).isEmpty();
                // the old reply with a 16-bit creation 1..3 for a version 5 node
                try (EpmdRegistration old = client.register("j5", 1, 'M', 5, 5, new byte[0])) {
                    assertThat(old.creation()).isBetween(1, 3);
                }
                // a name registered again gets the next creation, as with the embedded EPMD
                int mark = epmd.mark();
                EpmdRegistration first = client.register("again", 1);
                first.close();
                epmd.awaitLine(l -> l.contains("unregistering 'again:"), mark);
                try (EpmdRegistration second = client.register("again", 1)) {
                    assertThat(second.creation()).isEqualTo(first.creation() + 1);
                }
            }
        } finally {
            assertThat(ErlNode.epmdKill(port)).contains("Cannot connect to local epmd");
        }
    }
}
