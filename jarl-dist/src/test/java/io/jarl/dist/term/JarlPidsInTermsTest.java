package io.jarl.dist.term;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jarl.Pid;
import io.jarl.Ref;
import io.jarl.RemotePid;
import io.jarl.internal.Core;
import io.jarl.testing.NoLeakedProcesses;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Jarl's own pids and references inside terms: a decoder with a {@link PidMapper} gives them (in
 * tuples too, so a process can send to a pid that came in a tuple), an encoder with one writes them.
 */
@ExtendWith(NoLeakedProcesses.class)
class JarlPidsInTermsTest {
    static final Core CORE = Core.get();

    /** Maps every pid and reference to a remote one of node "n@h" and back. */
    static final PidMapper REMOTE = new PidMapper() {
        @Override
        public ErlPid toTerm(Pid pid) {
            RemotePid r = (RemotePid) pid;
            return new ErlPid(Atom.of(r.node()), r.number(), r.serial(), r.creation());
        }

        @Override
        public Object fromTerm(ErlPid pid) {
            return CORE.remotePid(pid.node().name(), (int) pid.id(), (int) pid.serial(), (int) pid.creation());
        }

        @Override
        public ErlRef toTerm(Ref ref) {
            return new ErlRef(Atom.of(ref.node()), CORE.remoteRefCreation(ref), CORE.remoteRefWords(ref));
        }

        @Override
        public Object fromTerm(ErlRef ref) {
            return CORE.remoteRef(ref.node().name(), (int) ref.creation(), ref.ids(), false);
        }
    };

    @Test
    void aDecoderWithAPidMapperGivesJarlPidsInsideTuples() {
        ErlPid wirePid = new ErlPid(Atom.of("n@h"), 85, 0, 7);
        ErlRef wireRef = new ErlRef(Atom.of("n@h"), 7, 1, 2, 3);
        byte[] bytes = new TermEncoder().encode(Tuple.of(wirePid, ErlList.of(wireRef)));
        Object term = new TermDecoder(DecodeLimits.DEFAULT, REMOTE).decode(bytes, 0, bytes.length).term();
        Tuple t = (Tuple) term;
        assertThat(t.get(0)).isInstanceOf(RemotePid.class).isEqualTo(CORE.remotePid("n@h", 85, 0, 7));
        assertThat(((ErlList) t.get(1)).get(0)).isInstanceOf(Ref.class);
        assertThat(t).hasToString("{<n@h.85.0>,[#Ref<n@h.3.2.1>]}");
    }

    @Test
    void anEncoderWithAPidMapperWritesJarlPids() {
        RemotePid pid = CORE.remotePid("n@h", 85, 0, 7);
        Tuple t = Tuple.of(Atom.of("from"), pid);
        byte[] withMapper = new TermEncoder(TermEncoder.Options.DEFAULT, REMOTE).encode(t);
        assertThat(new TermDecoder().decode(withMapper)).isEqualTo(Tuple.of(Atom.of("from"),
                new ErlPid(Atom.of("n@h"), 85, 0, 7)));
        assertThatThrownBy(() -> new TermEncoder().encode(t)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("PidMapper");
    }
}
