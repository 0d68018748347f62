package io.jarl.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jarl.dist.NodeName.Domain;
import io.jarl.testing.NoLeakedProcesses;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(NoLeakedProcesses.class)
class NodeNameTest {

    @Test
    void aNameIsAliveAtHost() {
        NodeName name = NodeName.parse("e1@vm");
        assertThat(name.alive()).isEqualTo("e1");
        assertThat(name.host()).isEqualTo("vm");
        assertThat(name).hasToString("e1@vm").isEqualTo(NodeName.of("e1", "vm"));
        assertThat(NodeName.parse("e1@vm.example.com").host()).isEqualTo("vm.example.com");
    }

    /** dist_util:is_node_name/1: exactly one '@', both parts non-empty. */
    @Test
    void parseRefusesWhatIsNotANodeName() {
        assertThatThrownBy(() -> NodeName.parse("e1")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no '@'");
        assertThatThrownBy(() -> NodeName.parse("@vm")).hasMessageContaining("alive part before '@' is empty");
        assertThatThrownBy(() -> NodeName.parse("e1@")).hasMessageContaining("host part after '@' is empty");
        assertThatThrownBy(() -> NodeName.parse("e1@vm@x")).hasMessageContaining("exactly one '@'");
        assertThatThrownBy(() -> NodeName.parse("e\u0000@vm")).hasMessageContaining("U+0000");
        assertThatThrownBy(() -> NodeName.parse("\u20ac@vm")).hasMessageContaining("U+20AC").hasMessageContaining("Latin-1");
        assertThatThrownBy(() -> NodeName.parse("a".repeat(200) + "@" + "h".repeat(55)))
                .hasMessageContaining("256 characters");
        assertThat(NodeName.parse("a".repeat(200) + "@" + "h".repeat(54)).toString()).hasSize(255);
    }

    @Test
    void receivedNamesNeedOnlyTheStructure() {
        // net_kernel would not give its own node these names, but dist_util accepts them from peers
        assertThat(NodeName.parse("my.app@host with space").alive()).isEqualTo("my.app");
        assertThat(NodeName.parse("é@vm").alive()).isEqualTo("é");
    }

    @Test
    void namesCompareAsAtoms() {
        assertThat(NodeName.parse("a@vm")).isLessThan(NodeName.parse("b@vm"));
        assertThat(NodeName.parse("B@vm")).isLessThan(NodeName.parse("a@vm")); // 'B' (66) < 'a' (97)
        assertThat(NodeName.parse("a1@vm")).isLessThan(NodeName.parse("a@vm")); // '1' (49) < '@' (64): 'a1@vm' < 'a@vm'
        assertThat(NodeName.parse("E1@vm")).isNotEqualTo(NodeName.parse("e1@vm"));
        List<NodeName> names = new ArrayList<>(List.of(NodeName.parse("zz@a"), NodeName.parse("a@zz"),
                NodeName.parse("ab@a")));
        names.sort(null);
        assertThat(names).extracting(NodeName::toString).containsExactly("a@zz", "ab@a", "zz@a");
    }

    @Test
    void shortAndLongNamesAsInetTcpDistSplitsThem() {
        assertThat(NodeName.parse("e1@vm").isUsableIn(Domain.SHORT)).isTrue();
        assertThat(NodeName.parse("e1@vm").isUsableIn(Domain.LONG)).isFalse();
        assertThat(NodeName.parse("e1@vm.example.com").isUsableIn(Domain.SHORT)).isFalse();
        assertThat(NodeName.parse("e1@vm.example.com").isUsableIn(Domain.LONG)).isTrue();
        assertThat(NodeName.parse("e1@127.0.0.1").isUsableIn(Domain.LONG)).isTrue();
        assertThat(NodeName.parse("e1@::1").isUsableIn(Domain.LONG)).isTrue();
        assertThat(NodeName.parse("e1@fe80::1").isUsableIn(Domain.SHORT)).isTrue();
        assertThat(NodeName.parse("e1@999.1.1.1").isUsableIn(Domain.LONG)).isTrue(); // has a dot: FQDN-shaped
        assertThat(NodeName.parse("e1@abc:def").isUsableIn(Domain.LONG)).isFalse();
        assertThatThrownBy(() -> NodeName.parse("e1@vm.example.com").checkUsableIn(Domain.SHORT))
                .hasMessageContaining("short names").hasMessageContaining("vm.example.com");
        assertThatThrownBy(() -> NodeName.parse("e1@vm").checkUsableIn(Domain.LONG))
                .hasMessageContaining("long names").hasMessageContaining("fully qualified host or an IP address");
    }

    /** net_kernel:create_name/3 with an explicit host. */
    @Test
    void localNamesFollowNetKernel() {
        assertThat(NodeName.local("java@vm", Domain.SHORT)).isEqualTo(NodeName.of("java", "vm"));
        assertThat(NodeName.local("java_1-x@vm.example.com", Domain.LONG).alive()).isEqualTo("java_1-x");
        assertThat(NodeName.local("java@10.0.0.7", Domain.LONG).host()).isEqualTo("10.0.0.7");
        assertThatThrownBy(() -> NodeName.local("java@vm.example.com", Domain.SHORT))
                .hasMessageContaining("short names");
        assertThatThrownBy(() -> NodeName.local("java@vm", Domain.LONG)).hasMessageContaining("long names");
        assertThatThrownBy(() -> NodeName.local("my.app@vm", Domain.SHORT))
                .hasMessageContaining("ASCII letters, digits, '_' and '-'");
        assertThatThrownBy(() -> NodeName.local("@vm", Domain.SHORT)).hasMessageContaining("alive part");
        assertThatThrownBy(() -> NodeName.local("java@", Domain.SHORT)).hasMessageContaining("host part after '@' is empty");
        assertThatThrownBy(() -> NodeName.local("java@v m", Domain.SHORT)).hasMessageContaining("U+0020");
    }

    @Test
    void aLocalShortNameWithoutHostUsesThisMachinesHostUpToTheFirstDot() throws Exception {
        String host = InetAddress.getLocalHost().getHostName();
        String expected = host.contains(".") ? host.substring(0, host.indexOf('.')) : host;
        NodeName me = NodeName.local("java", Domain.SHORT);
        assertThat(me.alive()).isEqualTo("java");
        assertThat(me.host()).isEqualTo(expected).doesNotContain(".");
    }

    @Test
    void aLocalLongNameWithoutHostIsFullyQualifiedOrRefused() {
        // depends on the machine: either a dotted host, or OTP's "Can't set long node name" refusal
        try {
            NodeName me = NodeName.local("java", Domain.LONG);
            assertThat(me.host()).contains(".");
        } catch (IllegalArgumentException refused) {
            assertThat(refused).hasMessageContaining("Can't set long node name")
                    .hasMessageContaining("alive@host.domain");
        }
    }
}
